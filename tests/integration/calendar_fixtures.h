// Shared helpers of the calendar, group, availability and booking
// integration tests: calendar specs built deliberately (zone, hours,
// duration), times a week ahead, thin wrappers over CalendarService calls
// that report their status, direct database checks, and real concurrency
// (pre-connected channels, threads released together by a barrier).
//
// Header-only: tests/server_tests.cmake compiles integration/*_test.cc and
// test_server.cc only.
#ifndef SCHEDULING_TESTS_INTEGRATION_CALENDAR_FIXTURES_H_
#define SCHEDULING_TESTS_INTEGRATION_CALENDAR_FIXTURES_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/barrier.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "scheduling/client/error_details.h"
#include "server/domain/secrets.h"
#include "tests/integration/test_server.h"

namespace scheduling::testing {

inline google::protobuf::Timestamp Ts(absl::Time time) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
      absl::ToUnixNanos(time));
}

inline absl::Time FromTs(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) +
         absl::Nanoseconds(timestamp.nanos());
}

inline google::protobuf::Duration Minutes(int minutes) {
  google::protobuf::Duration duration;
  duration.set_seconds(int64_t{minutes} * 60);
  return duration;
}

// The last segment of a resource name.
inline std::string IdOf(const std::string& name) {
  return name.substr(name.rfind('/') + 1);
}

// A fresh id or slug: `prefix` and 10 random characters of [a-z0-9].
inline std::string NewId(const std::string& prefix) {
  return prefix + domain::GenerateResourceId().substr(0, 10);
}

// The local date `days` days after today in `zone`.
inline absl::CivilDay DaysAhead(int days,
                                absl::TimeZone zone = absl::UTCTimeZone()) {
  return absl::ToCivilDay(absl::Now(), zone) + days;
}

// `hour`:`minute` on `day` in `zone`.
inline absl::Time At(absl::CivilDay day, int hour, int minute = 0,
                     absl::TimeZone zone = absl::UTCTimeZone()) {
  return absl::FromCivil(absl::CivilMinute(day) + (hour * 60 + minute), zone);
}

inline google::type::DayOfWeek DayOfWeekOf(absl::CivilDay day) {
  switch (absl::GetWeekday(day)) {
    case absl::Weekday::monday:
      return google::type::MONDAY;
    case absl::Weekday::tuesday:
      return google::type::TUESDAY;
    case absl::Weekday::wednesday:
      return google::type::WEDNESDAY;
    case absl::Weekday::thursday:
      return google::type::THURSDAY;
    case absl::Weekday::friday:
      return google::type::FRIDAY;
    case absl::Weekday::saturday:
      return google::type::SATURDAY;
    case absl::Weekday::sunday:
      return google::type::SUNDAY;
  }
  return google::type::DAY_OF_WEEK_UNSPECIFIED;
}

// Adds an open interval [start, end) in minutes of the day on `day`.
inline void AddHours(v1::Calendar* calendar, google::type::DayOfWeek day,
                     int start_minute, int end_minute) {
  v1::OpenInterval* hours = calendar->add_weekly_hours();
  hours->set_day_of_week(day);
  hours->mutable_start_time()->set_hours(start_minute / 60);
  hours->mutable_start_time()->set_minutes(start_minute % 60);
  hours->mutable_end_time()->set_hours(end_minute / 60);
  hours->mutable_end_time()->set_minutes(end_minute % 60);
}

// Opens every weekday from `start_hour` to `end_hour` (24 = midnight).
inline void OpenEveryDay(v1::Calendar* calendar, int start_hour, int end_hour) {
  calendar->clear_weekly_hours();
  for (int day = google::type::MONDAY; day <= google::type::SUNDAY; ++day) {
    AddHours(calendar, static_cast<google::type::DayOfWeek>(day),
             start_hour * 60, end_hour * 60);
  }
}

// An EVENT calendar in `time_zone`, `duration_minutes` long, open every
// day from `open_hour` to `close_hour`, with a fresh slug.
inline v1::Calendar CalendarSpec(const std::string& display_name,
                                 const std::string& time_zone = "UTC",
                                 int duration_minutes = 30, int open_hour = 9,
                                 int close_hour = 17) {
  v1::Calendar calendar;
  calendar.set_display_name(display_name);
  calendar.set_slug(NewId("cal-"));
  *calendar.mutable_duration() = Minutes(duration_minutes);
  calendar.set_time_zone(time_zone);
  OpenEveryDay(&calendar, open_hour, close_hour);
  return calendar;
}

inline v1::Invitee MakeInvitee(int i) {
  v1::Invitee invitee;
  invitee.set_display_name("Invitee " + std::to_string(i));
  invitee.set_email("invitee" + std::to_string(i) + "@example.com");
  return invitee;
}

// "OK " or "FAILED_PRECONDITION SLOT_UNAVAILABLE": code and reason.
inline std::string Outcome(const grpc::Status& status) {
  return std::string(client::StatusCodeName(status.error_code())) + " " +
         client::ErrorReason(status);
}

// Whether the status carries a field violation on `field`.
inline bool HasViolation(const grpc::Status& status, const std::string& field) {
  for (const auto& violation : client::FieldViolations(status)) {
    if (violation.first == field) return true;
  }
  return false;
}

// Whether the call failed with INVALID_ARGUMENT and a violation on `field`.
inline ::testing::AssertionResult InvalidField(const grpc::Status& status,
                                               const std::string& field) {
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT &&
      HasViolation(status, field)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "wanted INVALID_ARGUMENT on " << field
         << ", got: " << client::DescribeStatus(status);
}

// Whether the call failed with FAILED_PRECONDITION and ErrorInfo `reason`.
inline ::testing::AssertionResult Precondition(const grpc::Status& status,
                                               const std::string& reason) {
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION &&
      client::ErrorReason(status) == reason) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "wanted FAILED_PRECONDITION " << reason
         << ", got: " << client::DescribeStatus(status);
}

// Both take more context with <<.
#define EXPECT_INVALID_FIELD(status, field) \
  EXPECT_TRUE(::scheduling::testing::InvalidField((status), (field)))
#define EXPECT_PRECONDITION(status, reason) \
  EXPECT_TRUE(::scheduling::testing::Precondition((status), (reason)))

// Runs `call(i)` on `threads` threads released at the same moment and
// returns the outcomes (see Outcome) with their counts.
inline std::map<std::string, int> RunConcurrently(
    int threads, const std::function<grpc::Status(int)>& call) {
  absl::Barrier* start = new absl::Barrier(threads);
  std::vector<grpc::Status> results(threads);
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back([&, i] {
      if (start->Block()) delete start;
      results[i] = call(i);
    });
  }
  for (std::thread& worker : workers) worker.join();
  std::map<std::string, int> outcomes;
  for (const grpc::Status& status : results) ++outcomes[Outcome(status)];
  return outcomes;
}

inline int Count(const std::map<std::string, int>& outcomes,
                 const std::string& outcome) {
  const auto found = outcomes.find(outcome);
  return found == outcomes.end() ? 0 : found->second;
}

// `n` CalendarService stubs, each on a connection of its own established
// before returning, so that calls made together reach the server together.
inline std::vector<std::unique_ptr<v1::CalendarService::Stub>>
ConnectedCalendarStubs(int n) {
  std::vector<std::unique_ptr<v1::CalendarService::Stub>> stubs;
  for (int i = 0; i < n; ++i) {
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto channel = grpc::CreateCustomChannel(
        "127.0.0.1:" + std::to_string(Server().port()),
        grpc::InsecureChannelCredentials(), arguments);
    EXPECT_TRUE(channel->WaitForConnected(
        absl::ToChronoTime(absl::Now() + absl::Seconds(10))));
    stubs.push_back(v1::CalendarService::NewStub(channel));
  }
  return stubs;
}

inline v1::CreateBookingRequest BookingRequest(
    const std::string& calendar, absl::Time start, int invitee,
    const std::string& request_id = "", int duration_minutes = 0) {
  v1::CreateBookingRequest request;
  request.set_parent(calendar);
  *request.mutable_start_time() = Ts(start);
  *request.mutable_invitee() = MakeInvitee(invitee);
  request.set_request_id(request_id);
  if (duration_minutes > 0)
    *request.mutable_duration() = Minutes(duration_minutes);
  return request;
}

inline std::vector<absl::Time> Starts(const std::vector<v1::Slot>& slots) {
  std::vector<absl::Time> starts;
  for (const v1::Slot& slot : slots)
    starts.push_back(FromTs(slot.start_time()));
  return starts;
}

inline bool Offers(const std::vector<v1::Slot>& slots, absl::Time start) {
  return std::any_of(slots.begin(), slots.end(), [&](const v1::Slot& slot) {
    return FromTs(slot.start_time()) == start;
  });
}

inline std::vector<std::string> Members(const v1::Slot& slot) {
  return {slot.free_members().begin(), slot.free_members().end()};
}

inline std::vector<std::string> Members(const v1::Booking& booking) {
  return {booking.members().begin(), booking.members().end()};
}

// IntegrationTest plus calendar, group, slot and booking helpers. Every
// helper returns the call's status or checks it with EXPECT (never ASSERT,
// so that they may return values).
class CalendarFixture : public IntegrationTest {
 protected:
  std::string Parent() const { return "locations/" + location_; }

  grpc::Status TryCreate(const v1::Calendar& spec, v1::Calendar* created,
                         const std::string& calendar_id = "") {
    v1::CreateCalendarRequest request;
    request.set_parent(Parent());
    *request.mutable_calendar() = spec;
    request.set_calendar_id(calendar_id);
    return calendars_->CreateCalendar(Context().get(), request, created);
  }

  v1::Calendar Create(const v1::Calendar& spec,
                      const std::string& calendar_id = "") {
    v1::Calendar created;
    grpc::Status status = TryCreate(spec, &created, calendar_id);
    EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    return created;
  }

  grpc::Status TryGet(const std::string& name, v1::Calendar* calendar) {
    v1::GetCalendarRequest request;
    request.set_name(name);
    return calendars_->GetCalendar(Context().get(), request, calendar);
  }

  v1::Calendar Get(const std::string& name) {
    v1::Calendar calendar;
    grpc::Status status = TryGet(name, &calendar);
    EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    return calendar;
  }

  grpc::Status TryUpdate(const v1::Calendar& calendar,
                         const std::vector<std::string>& paths,
                         v1::Calendar* updated) {
    v1::UpdateCalendarRequest request;
    *request.mutable_calendar() = calendar;
    for (const std::string& path : paths) {
      request.mutable_update_mask()->add_paths(path);
    }
    return calendars_->UpdateCalendar(Context().get(), request, updated);
  }

  grpc::Status TryCreateGroup(const std::string& display_name,
                              v1::Group* created,
                              const std::string& group_id = "",
                              const std::string& description = "") {
    v1::CreateGroupRequest request;
    request.set_parent(Parent());
    request.mutable_group()->set_display_name(display_name);
    request.mutable_group()->set_description(description);
    request.set_group_id(group_id);
    return calendars_->CreateGroup(Context().get(), request, created);
  }

  v1::Group CreateGroup(const std::string& display_name,
                        const std::string& group_id = "",
                        const std::string& description = "") {
    v1::Group created;
    grpc::Status status =
        TryCreateGroup(display_name, &created, group_id, description);
    EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    return created;
  }

  grpc::Status TryGetGroup(const std::string& name, v1::Group* group) {
    v1::GetGroupRequest request;
    request.set_name(name);
    return calendars_->GetGroup(Context().get(), request, group);
  }

  v1::Group GetGroup(const std::string& name) {
    v1::Group group;
    grpc::Status status = TryGetGroup(name, &group);
    EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    return group;
  }

  grpc::Status TryMove(const std::string& calendar, const std::string& group,
                       v1::Calendar* moved) {
    v1::MoveCalendarToGroupRequest request;
    request.set_name(calendar);
    request.set_group(group);
    return calendars_->MoveCalendarToGroup(Context().get(), request, moved);
  }

  v1::Calendar Move(const std::string& calendar, const std::string& group) {
    v1::Calendar moved;
    grpc::Status status = TryMove(calendar, group, &moved);
    EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    return moved;
  }

  grpc::Status TryListSlots(const std::string& calendar, absl::Time from,
                            absl::Time to, v1::ListFreeSlotsResponse* response,
                            const std::string& time_zone = "",
                            int duration_minutes = 0) {
    v1::ListFreeSlotsRequest request;
    request.set_calendar(calendar);
    *request.mutable_start_time() = Ts(from);
    *request.mutable_end_time() = Ts(to);
    request.set_time_zone(time_zone);
    if (duration_minutes > 0) {
      *request.mutable_duration() = Minutes(duration_minutes);
    }
    return calendars_->ListFreeSlots(Context().get(), request, response);
  }

  // The free slots of `calendar` starting in [from, to).
  std::vector<v1::Slot> Slots(const std::string& calendar, absl::Time from,
                              absl::Time to, const std::string& time_zone = "",
                              int duration_minutes = 0) {
    v1::ListFreeSlotsResponse response;
    grpc::Status status = TryListSlots(calendar, from, to, &response, time_zone,
                                       duration_minutes);
    EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    return {response.slots().begin(), response.slots().end()};
  }

  // The free slots of `calendar` on the UTC date `day`.
  std::vector<v1::Slot> SlotsOn(const std::string& calendar, absl::CivilDay day,
                                int duration_minutes = 0) {
    return Slots(calendar, At(day, 0), At(day + 1, 0), "", duration_minutes);
  }

  grpc::Status TryBook(const std::string& calendar, absl::Time start,
                       v1::Booking* booking, int invitee = 0,
                       const std::string& request_id = "",
                       int duration_minutes = 0) {
    return calendars_->CreateBooking(
        Context().get(),
        BookingRequest(calendar, start, invitee, request_id, duration_minutes),
        booking);
  }

  v1::Booking Book(const std::string& calendar, absl::Time start,
                   int invitee = 0, const std::string& request_id = "",
                   int duration_minutes = 0) {
    v1::Booking booking;
    grpc::Status status = TryBook(calendar, start, &booking, invitee,
                                  request_id, duration_minutes);
    EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    return booking;
  }

  grpc::Status TryGetBooking(const std::string& name, v1::Booking* booking) {
    v1::GetBookingRequest request;
    request.set_name(name);
    return calendars_->GetBooking(Context().get(), request, booking);
  }

  v1::Booking GetBooking(const std::string& name) {
    v1::Booking booking;
    grpc::Status status = TryGetBooking(name, &booking);
    EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    return booking;
  }

  grpc::Status TryCancel(const std::string& name, v1::Booking* cancelled,
                         const std::string& reason = "") {
    v1::CancelBookingRequest request;
    request.set_name(name);
    request.set_reason(reason);
    return calendars_->CancelBooking(Context().get(), request, cancelled);
  }

  v1::Booking Cancel(const std::string& name, const std::string& reason = "") {
    v1::Booking cancelled;
    grpc::Status status = TryCancel(name, &cancelled, reason);
    EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    return cancelled;
  }

  grpc::Status TryReschedule(const std::string& name, absl::Time start,
                             v1::Booking* moved) {
    v1::RescheduleBookingRequest request;
    request.set_name(name);
    *request.mutable_start_time() = Ts(start);
    return calendars_->RescheduleBooking(Context().get(), request, moved);
  }

  // SQL condition selecting the calendar row of `calendar` (deleted too).
  std::string CalendarPkSql(const std::string& calendar) const {
    return "(SELECT pk FROM calendars WHERE location_id = '" + location_ +
           "' AND calendar_id = '" + IdOf(calendar) + "')";
  }

  // Booking rows of `calendar`: all, or confirmed ones only.
  int64_t BookingRowsOf(const std::string& calendar) {
    return QueryInt("SELECT COUNT(*) FROM bookings WHERE calendar_pk = " +
                    CalendarPkSql(calendar));
  }
  int64_t ConfirmedRowsOf(const std::string& calendar) {
    return QueryInt(
        "SELECT COUNT(*) FROM bookings WHERE state = 1 AND "
        "calendar_pk = " +
        CalendarPkSql(calendar));
  }

  // Calendar rows of this test's location (deleted ones too).
  int64_t CalendarRows() {
    return QueryInt("SELECT COUNT(*) FROM calendars WHERE location_id = '" +
                    location_ + "'");
  }

  // Pairs of member_bookings rows of this location in which one member's
  // blocked times overlap: must always be 0.
  int64_t MemberOverlaps() {
    return QueryInt(
        "SELECT COUNT(*) FROM member_bookings a JOIN member_bookings b ON "
        "b.location_id = a.location_id AND b.member_id = a.member_id AND "
        "b.booking_pk > a.booking_pk AND a.blocked_start < b.blocked_end AND "
        "b.blocked_start < a.blocked_end WHERE a.location_id = '" +
        location_ + "'");
  }

  // member_bookings rows (active bookings) of `member` in this location.
  int64_t MemberBookingRows(const std::string& member) {
    return QueryInt(
        "SELECT COUNT(*) FROM member_bookings WHERE location_id = '" +
        location_ + "' AND member_id = '" + member + "'");
  }
};

}  // namespace scheduling::testing

#endif  // SCHEDULING_TESTS_INTEGRATION_CALENDAR_FIXTURES_H_
