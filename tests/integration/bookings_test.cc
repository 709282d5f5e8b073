// Bookings through the permanent scheduling link over real gRPC and
// MariaDB: create (with request_id idempotency, also under concurrent
// retries), get, list (range, pages, cancelled), cancel (frees the slot,
// idempotent), reschedule (atomic), and bad input that writes nothing.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/integration/calendar_fixtures.h"

namespace scheduling::testing {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::StartsWith;

class BookingsTest : public CalendarFixture {
 protected:
  void SetUp() override {
    day_ = DaysAhead(7);
    v1::Calendar spec = CalendarSpec("Consultation");
    spec.add_team_members("host");
    calendar_ = Create(spec);
  }

  absl::Time T(int hour, int minute = 0) const {
    return At(day_, hour, minute);
  }

  grpc::Status TryList(absl::Time from, absl::Time to, int page_size,
                       const std::string& token, bool show_cancelled,
                       v1::ListBookingsResponse* response,
                       bool with_range = true) {
    v1::ListBookingsRequest request;
    request.set_parent(calendar_.name());
    if (with_range) {
      *request.mutable_start_time() = Ts(from);
      *request.mutable_end_time() = Ts(to);
    }
    request.set_page_size(page_size);
    request.set_page_token(token);
    request.set_show_cancelled(show_cancelled);
    return calendars_->ListBookings(Context().get(), request, response);
  }

  // Every booking listed, page by page; checks none comes twice.
  std::vector<v1::Booking> ListAll(absl::Time from, absl::Time to,
                                   int page_size, bool show_cancelled,
                                   bool with_range = true) {
    std::vector<v1::Booking> bookings;
    std::set<std::string> seen;
    std::string token;
    for (int page = 0; page < 100; ++page) {
      v1::ListBookingsResponse response;
      grpc::Status status = TryList(from, to, page_size, token, show_cancelled,
                                    &response, with_range);
      EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
      if (!status.ok()) break;
      EXPECT_LE(response.bookings_size(), page_size);
      for (const v1::Booking& booking : response.bookings()) {
        bookings.push_back(booking);
        EXPECT_TRUE(seen.insert(booking.name()).second) << booking.name();
      }
      token = response.next_page_token();
      if (token.empty()) break;
    }
    return bookings;
  }

  static std::vector<absl::Time> BookingStarts(
      const std::vector<v1::Booking>& bookings) {
    std::vector<absl::Time> starts;
    for (const v1::Booking& booking : bookings) {
      starts.push_back(FromTs(booking.start_time()));
    }
    return starts;
  }

  absl::CivilDay day_;
  v1::Calendar calendar_;
};

TEST_F(BookingsTest, CreateBookingTakesAFreeSlot) {
  const std::vector<v1::Slot> slots = SlotsOn(calendar_.name(), day_);
  ASSERT_EQ(slots.size(), 16u);
  const absl::Time start = FromTs(slots[2].start_time());
  const absl::Time before = absl::Now() - absl::Seconds(1);
  v1::Booking booking;
  grpc::Status status = TryBook(calendar_.name(), start, &booking, 7);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_THAT(booking.name(), StartsWith(calendar_.name() + "/bookings/"));
  EXPECT_EQ(FromTs(booking.start_time()), start);
  EXPECT_EQ(FromTs(booking.end_time()), start + absl::Minutes(30));
  EXPECT_EQ(booking.invitee().display_name(), "Invitee 7");
  EXPECT_EQ(booking.invitee().email(), "invitee7@example.com");
  EXPECT_EQ(booking.state(), v1::Booking::CONFIRMED);
  EXPECT_THAT(Members(booking), ElementsAre("host"));
  EXPECT_EQ(booking.one_time_link(), "");
  EXPECT_FALSE(booking.has_cancel_time());
  EXPECT_FALSE(booking.has_reschedule_time());
  EXPECT_GE(FromTs(booking.create_time()), before);
  EXPECT_EQ(ConfirmedRowsOf(calendar_.name()), 1);
  EXPECT_EQ(MemberBookingRows("host"), 1);

  const std::vector<v1::Slot> after = SlotsOn(calendar_.name(), day_);
  EXPECT_EQ(after.size(), 15u);
  EXPECT_FALSE(Offers(after, start));

  // Reads show everything the creation answered but the manage token.
  EXPECT_FALSE(booking.manage_token().empty());
  const v1::Booking fetched = GetBooking(booking.name());
  booking.clear_manage_token();
  EXPECT_TRUE(MessageDifferencer::Equals(fetched, booking))
      << fetched.DebugString() << " vs " << booking.DebugString();

  // The same slot again: taken.
  v1::Booking second;
  EXPECT_PRECONDITION(TryBook(calendar_.name(), start, &second, 8),
                      "SLOT_UNAVAILABLE");
  EXPECT_EQ(BookingRowsOf(calendar_.name()), 1);
}

TEST_F(BookingsTest, OneTimeLinkAndPermanentLinkShareSlots) {
  const v1::OneTimeLink link = CreateLink(calendar_);
  Book(calendar_.name(), T(9));
  v1::BookOneTimeLinkRequest request;
  request.set_token(link.token());
  *request.mutable_start_time() = Ts(T(9));
  *request.mutable_invitee() = MakeInvitee(2);
  v1::Booking booking;
  EXPECT_PRECONDITION(
      links_->BookOneTimeLink(Context().get(), request, &booking),
      "SLOT_UNAVAILABLE");
  // The link was not consumed: it books another slot.
  *request.mutable_start_time() = Ts(T(9, 30));
  ASSERT_TRUE(links_->BookOneTimeLink(Context().get(), request, &booking).ok());
  EXPECT_EQ(booking.one_time_link(), link.name());
  EXPECT_THAT(Members(booking), ElementsAre("host"));
  // And the permanent link cannot take the link's slot.
  v1::Booking refused;
  EXPECT_PRECONDITION(TryBook(calendar_.name(), T(9, 30), &refused),
                      "SLOT_UNAVAILABLE");
  EXPECT_EQ(ConfirmedRowsOf(calendar_.name()), 2);
  // Bookings made through the link are listed and readable like others.
  EXPECT_EQ(GetBooking(booking.name()).one_time_link(), link.name());
}

TEST_F(BookingsTest, RequestIdMakesRetriesReturnTheSameBooking) {
  const v1::Booking first = Book(calendar_.name(), T(10), 1, "retry-key_01");
  v1::Booking retry;
  grpc::Status status =
      TryBook(calendar_.name(), T(10), &retry, 1, "retry-key_01");
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_EQ(retry.name(), first.name());
  EXPECT_TRUE(MessageDifferencer::Equals(retry, first))
      << retry.DebugString() << " vs " << first.DebugString();
  EXPECT_EQ(BookingRowsOf(calendar_.name()), 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM bookings WHERE calendar_pk = " +
                     CalendarPkSql(calendar_.name()) +
                     " AND request_id = 'retry-key_01'"),
            1);

  // A retry whose body differs still returns the first call's booking.
  v1::Booking changed;
  ASSERT_TRUE(
      TryBook(calendar_.name(), T(11), &changed, 2, "retry-key_01").ok());
  EXPECT_EQ(changed.name(), first.name());
  EXPECT_EQ(FromTs(changed.start_time()), T(10));
  EXPECT_EQ(BookingRowsOf(calendar_.name()), 1);
  EXPECT_TRUE(Offers(SlotsOn(calendar_.name(), day_), T(11)));

  // Another key books anew; the key is per calendar.
  const v1::Booking other = Book(calendar_.name(), T(11), 3, "retry-key_02");
  EXPECT_NE(other.name(), first.name());
  v1::Calendar second_spec = CalendarSpec("Second");
  const v1::Calendar second = Create(second_spec);
  const v1::Booking elsewhere = Book(second.name(), T(10), 1, "retry-key_01");
  EXPECT_THAT(elsewhere.name(), StartsWith(second.name() + "/bookings/"));
  EXPECT_EQ(BookingRowsOf(calendar_.name()), 2);
  EXPECT_EQ(BookingRowsOf(second.name()), 1);

  // A retry after the booking was cancelled still returns it, cancelled,
  // and books nothing.
  Cancel(first.name());
  v1::Booking late;
  ASSERT_TRUE(TryBook(calendar_.name(), T(10), &late, 1, "retry-key_01").ok());
  EXPECT_EQ(late.name(), first.name());
  EXPECT_EQ(late.state(), v1::Booking::CANCELLED);
  EXPECT_EQ(BookingRowsOf(calendar_.name()), 2);
}

TEST_F(BookingsTest, ConcurrentRetriesWithOneRequestIdMakeOneBooking) {
  auto stubs = ConnectedCalendarStubs(8);
  for (int round = 0; round < 4; ++round) {
    const std::string request_id = "concurrent-" + std::to_string(round);
    const absl::Time start = T(9 + round);
    std::vector<v1::Booking> results(8);
    const auto outcomes = RunConcurrently(8, [&](int i) {
      return stubs[i]->CreateBooking(
          Context().get(),
          BookingRequest(calendar_.name(), start, 1, request_id), &results[i]);
    });
    EXPECT_EQ(outcomes, (std::map<std::string, int>{{"OK ", 8}}))
        << "round " << round;
    for (const v1::Booking& result : results) {
      EXPECT_EQ(result.name(), results[0].name()) << "round " << round;
      EXPECT_EQ(FromTs(result.start_time()), start);
    }
    EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM bookings WHERE calendar_pk = " +
                       CalendarPkSql(calendar_.name()) + " AND request_id = '" +
                       request_id + "'"),
              1);
  }
  EXPECT_EQ(BookingRowsOf(calendar_.name()), 4);
  EXPECT_EQ(MemberBookingRows("host"), 4);
}

TEST_F(BookingsTest, GetBookingUnknownOrMalformed) {
  v1::Booking booking;
  EXPECT_EQ(TryGetBooking(calendar_.name() + "/bookings/missing", &booking)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(
      TryGetBooking(Parent() + "/calendars/missing/bookings/missing", &booking)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
  EXPECT_INVALID_FIELD(TryGetBooking(calendar_.name(), &booking), "name");
  EXPECT_INVALID_FIELD(TryGetBooking("", &booking), "name");
  // A booking is only found under its own calendar and location.
  const v1::Booking real = Book(calendar_.name(), T(9));
  const v1::Calendar other = Create(CalendarSpec("Other"));
  EXPECT_EQ(
      TryGetBooking(other.name() + "/bookings/" + IdOf(real.name()), &booking)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(TryGetBooking("locations/" + UniqueLocation() + "/calendars/" +
                              IdOf(calendar_.name()) + "/bookings/" +
                              IdOf(real.name()),
                          &booking)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(BookingsTest, ListBookingsByRangeWithPagesAndCancelled) {
  std::vector<v1::Booking> made;
  for (int i = 0; i < 5; ++i) {
    // Booked out of order; listed by start time.
    const int slot = (i * 3) % 5;
    made.push_back(Book(calendar_.name(), T(9, 30 * slot), i));
  }
  // Tomorrow's booking, outside the ranges below.
  Book(calendar_.name(), At(day_ + 1, 9), 9);
  const v1::Booking cancelled = Cancel(made[1].name(), "changed plans");
  const absl::Time cancelled_start = FromTs(cancelled.start_time());

  std::vector<absl::Time> expected;
  for (int slot = 0; slot < 5; ++slot) {
    if (T(9, 30 * slot) != cancelled_start) expected.push_back(T(9, 30 * slot));
  }
  EXPECT_EQ(BookingStarts(ListAll(T(0), T(24), 2, false)), expected);
  EXPECT_EQ(BookingStarts(ListAll(T(0), T(24), 1, false)), expected);

  std::vector<v1::Booking> with_cancelled = ListAll(T(0), T(24), 2, true);
  EXPECT_THAT(BookingStarts(with_cancelled),
              ElementsAre(T(9), T(9, 30), T(10), T(10, 30), T(11)));
  int cancelled_seen = 0;
  for (const v1::Booking& booking : with_cancelled) {
    if (booking.state() == v1::Booking::CANCELLED) {
      ++cancelled_seen;
      EXPECT_EQ(booking.name(), made[1].name());
      EXPECT_EQ(booking.cancel_reason(), "changed plans");
    }
  }
  EXPECT_EQ(cancelled_seen, 1);

  // Overlap semantics: ends after start_time and starts before end_time.
  std::vector<absl::Time> middle;
  for (const absl::Time start : {T(9, 30), T(10)}) {
    if (start != cancelled_start) middle.push_back(start);
  }
  EXPECT_EQ(BookingStarts(ListAll(T(9, 30), T(10, 30), 10, false)), middle);
  EXPECT_EQ(BookingStarts(ListAll(T(9, 45), T(10, 15), 10, false)), middle);
  EXPECT_THAT(ListAll(T(12), T(13), 10, false), IsEmpty());
  // No range: everything, tomorrow too.
  EXPECT_EQ(ListAll(T(0), T(0), 10, true, false).size(), 6u);

  v1::ListBookingsResponse response;
  EXPECT_INVALID_FIELD(TryList(T(10), T(9), 10, "", false, &response),
                       "end_time");
  EXPECT_INVALID_FIELD(TryList(T(0), T(24), 10, "bogus", false, &response),
                       "page_token");
  // A token is bound to its range.
  ASSERT_TRUE(TryList(T(0), T(24), 1, "", false, &response).ok());
  ASSERT_FALSE(response.next_page_token().empty());
  EXPECT_INVALID_FIELD(
      TryList(T(0), T(23), 1, response.next_page_token(), false, &response),
      "page_token");
  v1::ListBookingsRequest unknown;
  unknown.set_parent(Parent() + "/calendars/missing");
  EXPECT_EQ(calendars_->ListBookings(Context().get(), unknown, &response)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  unknown.set_parent("nope");
  EXPECT_INVALID_FIELD(
      calendars_->ListBookings(Context().get(), unknown, &response), "parent");
}

TEST_F(BookingsTest, CancelFreesTheSlotAndIsIdempotent) {
  const v1::Booking booking = Book(calendar_.name(), T(9), 1);
  EXPECT_FALSE(Offers(SlotsOn(calendar_.name(), day_), T(9)));
  const absl::Time before = absl::Now() - absl::Seconds(1);
  const v1::Booking cancelled = Cancel(booking.name(), "Invitee is ill");
  EXPECT_EQ(cancelled.name(), booking.name());
  EXPECT_EQ(cancelled.state(), v1::Booking::CANCELLED);
  EXPECT_EQ(cancelled.cancel_reason(), "Invitee is ill");
  ASSERT_TRUE(cancelled.has_cancel_time());
  EXPECT_GE(FromTs(cancelled.cancel_time()), before);
  EXPECT_EQ(FromTs(cancelled.start_time()), T(9));
  EXPECT_TRUE(Offers(SlotsOn(calendar_.name(), day_), T(9)));
  EXPECT_EQ(MemberBookingRows("host"), 0);

  // Again: the same result, the first cancellation kept.
  const v1::Booking again = Cancel(booking.name(), "another reason");
  EXPECT_EQ(again.state(), v1::Booking::CANCELLED);
  EXPECT_EQ(FromTs(again.cancel_time()), FromTs(cancelled.cancel_time()));
  EXPECT_EQ(again.cancel_reason(), "Invitee is ill");
  EXPECT_EQ(GetBooking(booking.name()).state(), v1::Booking::CANCELLED);

  // The freed slot books again.
  const v1::Booking rebooked = Book(calendar_.name(), T(9), 2);
  EXPECT_NE(rebooked.name(), booking.name());
  EXPECT_EQ(BookingRowsOf(calendar_.name()), 2);
  EXPECT_EQ(ConfirmedRowsOf(calendar_.name()), 1);
  EXPECT_EQ(MemberBookingRows("host"), 1);

  // A cancelled booking cannot be rescheduled.
  v1::Booking moved;
  grpc::Status status = TryReschedule(booking.name(), T(11), &moved);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << client::DescribeStatus(status);
  EXPECT_TRUE(Offers(SlotsOn(calendar_.name(), day_), T(11)));

  v1::Booking result;
  EXPECT_EQ(
      TryCancel(calendar_.name() + "/bookings/missing", &result).error_code(),
      grpc::StatusCode::NOT_FOUND);
  EXPECT_INVALID_FIELD(TryCancel("bookings/x", &result), "name");
  EXPECT_INVALID_FIELD(
      TryCancel(rebooked.name(), &result, std::string(501, 'r')), "reason");
  EXPECT_EQ(GetBooking(rebooked.name()).state(), v1::Booking::CONFIRMED);
}

TEST_F(BookingsTest, CancelledLinkBookingKeepsTheLinkUsed) {
  const v1::OneTimeLink link = CreateLink(calendar_);
  v1::BookOneTimeLinkRequest request;
  request.set_token(link.token());
  *request.mutable_start_time() = Ts(T(9));
  *request.mutable_invitee() = MakeInvitee(1);
  v1::Booking booking;
  ASSERT_TRUE(links_->BookOneTimeLink(Context().get(), request, &booking).ok());
  Cancel(booking.name());
  EXPECT_TRUE(Offers(SlotsOn(calendar_.name(), day_), T(9)));
  v1::Booking again;
  EXPECT_PRECONDITION(links_->BookOneTimeLink(Context().get(), request, &again),
                      "LINK_USED");
}

TEST_F(BookingsTest, RescheduleMovesAtomically) {
  const v1::Booking moving = Book(calendar_.name(), T(9), 1);
  const v1::Booking blocker = Book(calendar_.name(), T(11), 2);
  const absl::Time before = absl::Now() - absl::Seconds(1);

  v1::Booking moved;
  grpc::Status status = TryReschedule(moving.name(), T(10), &moved);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_EQ(moved.name(), moving.name());
  EXPECT_EQ(FromTs(moved.start_time()), T(10));
  EXPECT_EQ(FromTs(moved.end_time()), T(10, 30));
  EXPECT_EQ(moved.state(), v1::Booking::CONFIRMED);
  ASSERT_TRUE(moved.has_reschedule_time());
  EXPECT_GE(FromTs(moved.reschedule_time()), before);
  EXPECT_EQ(moved.invitee().email(), moving.invitee().email());
  std::vector<v1::Slot> slots = SlotsOn(calendar_.name(), day_);
  EXPECT_TRUE(Offers(slots, T(9)));
  EXPECT_FALSE(Offers(slots, T(10)));
  EXPECT_FALSE(Offers(slots, T(11)));
  EXPECT_EQ(slots.size(), 14u);
  EXPECT_EQ(BookingRowsOf(calendar_.name()), 2);
  EXPECT_EQ(MemberBookingRows("host"), 2);
  EXPECT_EQ(FromTs(GetBooking(moving.name()).start_time()), T(10));

  // Onto a taken slot: refused, nothing changed.
  v1::Booking refused;
  EXPECT_PRECONDITION(TryReschedule(moving.name(), T(11), &refused),
                      "SLOT_UNAVAILABLE");
  EXPECT_EQ(FromTs(GetBooking(moving.name()).start_time()), T(10));
  EXPECT_EQ(FromTs(GetBooking(blocker.name()).start_time()), T(11));
  EXPECT_EQ(GetBooking(blocker.name()).state(), v1::Booking::CONFIRMED);
  slots = SlotsOn(calendar_.name(), day_);
  EXPECT_EQ(slots.size(), 14u);
  EXPECT_TRUE(Offers(slots, T(9)));
  EXPECT_EQ(MemberOverlaps(), 0);

  // Onto its own slot: allowed (its own slot counts as free for it).
  status = TryReschedule(moving.name(), T(10), &moved);
  EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_EQ(FromTs(moved.start_time()), T(10));

  // Onto an overlapping slot of a longer calendar: its own old time does
  // not block it.
  v1::Calendar hour_spec = CalendarSpec("Hour", "UTC", 60);
  *hour_spec.mutable_slot_interval() = Minutes(30);
  const v1::Calendar hour = Create(hour_spec);
  const v1::Booking long_booking = Book(hour.name(), T(9));
  status = TryReschedule(long_booking.name(), T(9, 30), &moved);
  EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_EQ(FromTs(moved.end_time()), T(10, 30));
  const std::vector<v1::Slot> hour_slots = SlotsOn(hour.name(), day_);
  ASSERT_FALSE(hour_slots.empty());
  EXPECT_EQ(FromTs(hour_slots.front().start_time()), T(10, 30));

  // Bad input changes nothing.
  EXPECT_INVALID_FIELD(TryReschedule(moving.name(), T(10, 7), &refused),
                       "start_time");
  EXPECT_INVALID_FIELD(
      TryReschedule(moving.name(), absl::Now() - absl::Hours(1), &refused),
      "start_time");
  EXPECT_INVALID_FIELD(TryReschedule(moving.name(), T(20), &refused),
                       "start_time");  // outside open hours
  EXPECT_INVALID_FIELD(TryReschedule("x", T(12), &refused), "name");
  EXPECT_EQ(
      TryReschedule(calendar_.name() + "/bookings/missing", T(12), &refused)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(FromTs(GetBooking(moving.name()).start_time()), T(10));
}

TEST_F(BookingsTest, RescheduleOfAnInactiveCalendarsBookingIsRefused) {
  const v1::Booking booking = Book(calendar_.name(), T(9));
  v1::DeactivateCalendarRequest deactivate;
  deactivate.set_name(calendar_.name());
  v1::Calendar inactive;
  ASSERT_TRUE(
      calendars_->DeactivateCalendar(Context().get(), deactivate, &inactive)
          .ok());
  v1::Booking moved;
  EXPECT_PRECONDITION(TryReschedule(booking.name(), T(10), &moved),
                      "CALENDAR_INACTIVE");
  EXPECT_EQ(FromTs(GetBooking(booking.name()).start_time()), T(9));
  // Cancelling still works.
  EXPECT_EQ(Cancel(booking.name()).state(), v1::Booking::CANCELLED);
}

TEST_F(BookingsTest, BadInputWritesNothing) {
  v1::Booking booking;
  // In the past.
  EXPECT_INVALID_FIELD(
      TryBook(calendar_.name(), absl::Now() - absl::Hours(2), &booking),
      "start_time");
  // Off the grid and outside the hours.
  EXPECT_INVALID_FIELD(TryBook(calendar_.name(), T(9, 7), &booking),
                       "start_time");
  EXPECT_INVALID_FIELD(
      TryBook(calendar_.name(), T(9) + absl::Seconds(1), &booking),
      "start_time");
  EXPECT_INVALID_FIELD(TryBook(calendar_.name(), T(3), &booking), "start_time");
  // A duration the calendar does not offer.
  EXPECT_INVALID_FIELD(TryBook(calendar_.name(), T(9), &booking, 0, "", 60),
                       "duration");
  // Request ids.
  for (const std::string& request_id :
       {std::string("has space"), std::string(64, 'a'),
        std::string("semi;colon"), std::string("ünïcode")}) {
    EXPECT_INVALID_FIELD(
        TryBook(calendar_.name(), T(9), &booking, 0, request_id), "request_id")
        << request_id;
  }
  // Invitee.
  v1::CreateBookingRequest request = BookingRequest(calendar_.name(), T(9), 0);
  request.clear_invitee();
  grpc::Status status =
      calendars_->CreateBooking(Context().get(), request, &booking);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  request = BookingRequest(calendar_.name(), T(9), 0);
  request.mutable_invitee()->set_email("not an address");
  EXPECT_INVALID_FIELD(
      calendars_->CreateBooking(Context().get(), request, &booking),
      "invitee.email");
  request = BookingRequest(calendar_.name(), T(9), 0);
  request.mutable_invitee()->set_display_name("");
  EXPECT_INVALID_FIELD(
      calendars_->CreateBooking(Context().get(), request, &booking),
      "invitee.display_name");
  request = BookingRequest(calendar_.name(), T(9), 0);
  request.clear_start_time();
  EXPECT_INVALID_FIELD(
      calendars_->CreateBooking(Context().get(), request, &booking),
      "start_time");
  // Unknown or malformed calendar.
  EXPECT_EQ(
      TryBook(Parent() + "/calendars/missing", T(9), &booking).error_code(),
      grpc::StatusCode::NOT_FOUND);
  EXPECT_INVALID_FIELD(TryBook("locations/x", T(9), &booking), "parent");
  EXPECT_INVALID_FIELD(TryBook("'; DROP TABLE bookings; --", T(9), &booking),
                       "parent");
  EXPECT_EQ(BookingRowsOf(calendar_.name()), 0);
  EXPECT_EQ(MemberBookingRows("host"), 0);
  EXPECT_EQ(SlotsOn(calendar_.name(), day_).size(), 16u);
}

TEST_F(BookingsTest, ServiceDurationMustBeAllowed) {
  v1::Calendar spec = CalendarSpec("Service");
  spec.set_calendar_type(v1::Calendar::SERVICE);
  *spec.add_allowed_durations() = Minutes(60);
  const v1::Calendar service = Create(spec);
  v1::Booking booking;
  EXPECT_INVALID_FIELD(TryBook(service.name(), T(9), &booking, 0, "", 45),
                       "duration");
  EXPECT_INVALID_FIELD(TryBook(service.name(), T(9), &booking, 0, "", 2),
                       "duration");
  EXPECT_EQ(BookingRowsOf(service.name()), 0);
  const v1::Booking hour = Book(service.name(), T(9), 0, "", 60);
  EXPECT_EQ(FromTs(hour.end_time()) - FromTs(hour.start_time()),
            absl::Minutes(60));
  const v1::Booking half = Book(service.name(), T(10), 1, "", 30);
  EXPECT_EQ(FromTs(half.end_time()) - FromTs(half.start_time()),
            absl::Minutes(30));
  // 09:30 lies inside the hour booked at 09:00.
  EXPECT_PRECONDITION(TryBook(service.name(), T(9, 30), &booking, 2),
                      "SLOT_UNAVAILABLE");
}

TEST_F(BookingsTest, BookingsOfOtherLocationsAreInvisible) {
  const v1::Booking booking = Book(calendar_.name(), T(9));
  v1::ListBookingsRequest request;
  request.set_parent("locations/" + UniqueLocation() + "/calendars/" +
                     IdOf(calendar_.name()));
  v1::ListBookingsResponse response;
  EXPECT_EQ(calendars_->ListBookings(Context().get(), request, &response)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::Booking cancelled;
  EXPECT_EQ(TryCancel("locations/" + UniqueLocation() + "/calendars/" +
                          IdOf(calendar_.name()) + "/bookings/" +
                          IdOf(booking.name()),
                      &cancelled)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GetBooking(booking.name()).state(), v1::Booking::CONFIRMED);
}

}  // namespace
}  // namespace scheduling::testing
