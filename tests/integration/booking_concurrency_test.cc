// Real concurrency on CreateBooking and RescheduleBooking: many callers on
// connections of their own, released together, then the database is
// checked for what was actually written. Capacity is never exceeded: one
// booking per EVENT slot, seats per CLASS slot, the daily maximum, a
// member never twice at overlapping times across calendars.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/calendar_fixtures.h"

namespace scheduling::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr char kOk[] = "OK ";
constexpr char kTaken[] = "FAILED_PRECONDITION SLOT_UNAVAILABLE";

class BookingConcurrencyTest : public CalendarFixture {
 protected:
  void SetUp() override { day_ = DaysAhead(7); }

  absl::Time T(int hour, int minute = 0) const {
    return At(day_, hour, minute);
  }

  absl::CivilDay day_;
};

TEST_F(BookingConcurrencyTest, ThirtyTwoBookersOfOneEventSlotMakeOneBooking) {
  auto stubs = ConnectedCalendarStubs(32);
  v1::Calendar hosted_spec = CalendarSpec("Hosted");
  hosted_spec.add_team_members("solo");
  for (const v1::Calendar& calendar :
       {Create(CalendarSpec("Hostless")), Create(hosted_spec)}) {
    const std::vector<v1::Slot> slots = SlotsOn(calendar.name(), day_);
    ASSERT_FALSE(slots.empty());
    const absl::Time start = FromTs(slots[0].start_time());
    std::vector<v1::Booking> results(32);
    const auto outcomes = RunConcurrently(32, [&](int i) {
      return stubs[i]->CreateBooking(Context().get(),
                                     BookingRequest(calendar.name(), start, i),
                                     &results[i]);
    });
    EXPECT_EQ(outcomes, (std::map<std::string, int>{{kOk, 1}, {kTaken, 31}}))
        << calendar.display_name();
    EXPECT_EQ(BookingRowsOf(calendar.name()), 1) << calendar.display_name();
    EXPECT_EQ(ConfirmedRowsOf(calendar.name()), 1);
    EXPECT_FALSE(Offers(SlotsOn(calendar.name(), day_), start));
  }
  EXPECT_EQ(MemberBookingRows("solo"), 1);
  EXPECT_EQ(MemberOverlaps(), 0);
}

TEST_F(BookingConcurrencyTest, ClassSlotTakesExactlyItsSeats) {
  v1::Calendar spec = CalendarSpec("Five seats", "UTC", 60);
  spec.set_calendar_type(v1::Calendar::CLASS_BOOKING);
  spec.set_seats_per_slot(5);
  const v1::Calendar calendar = Create(spec);
  auto stubs = ConnectedCalendarStubs(20);
  const std::vector<v1::Slot> slots = SlotsOn(calendar.name(), day_);
  ASSERT_GE(slots.size(), 3u);
  for (int round = 0; round < 3; ++round) {
    const absl::Time start = FromTs(slots[round].start_time());
    ASSERT_EQ(slots[round].remaining_seats(), 5);
    const auto outcomes = RunConcurrently(20, [&](int i) {
      v1::Booking booking;
      return stubs[i]->CreateBooking(
          Context().get(), BookingRequest(calendar.name(), start, i), &booking);
    });
    EXPECT_EQ(outcomes, (std::map<std::string, int>{{kOk, 5}, {kTaken, 15}}))
        << "round " << round;
    EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM bookings WHERE state = 1 AND "
                       "calendar_pk = " +
                       CalendarPkSql(calendar.name()) + " AND start_time = '" +
                       absl::FormatTime("%Y-%m-%d %H:%M:%S", start,
                                        absl::UTCTimeZone()) +
                       "'"),
              5)
        << "round " << round;
    EXPECT_FALSE(Offers(SlotsOn(calendar.name(), day_), start));
  }
  EXPECT_EQ(ConfirmedRowsOf(calendar.name()), 15);
}

// One member, two calendars, the same time from both at once: one wins
// per round, whether the slots share their start or only overlap.
TEST_F(BookingConcurrencyTest, MemberOfTwoCalendarsIsNeverDoubleBooked) {
  v1::Calendar first_spec = CalendarSpec("First", "UTC", 30, 0, 24);
  first_spec.add_team_members("m");
  v1::Calendar second_spec = CalendarSpec("Second", "UTC", 30, 0, 24);
  second_spec.add_team_members("m");
  const v1::Calendar first = Create(first_spec);
  const v1::Calendar second = Create(second_spec);
  auto stubs = ConnectedCalendarStubs(4);

  constexpr int kRounds = 12;
  int wins = 0;
  for (int round = 0; round < kRounds; ++round) {
    const absl::Time start = T(0, 30 * round);  // 00:00 to 05:30
    const auto outcomes = RunConcurrently(4, [&](int i) {
      v1::Booking booking;
      const v1::Calendar& calendar = i % 2 == 0 ? first : second;
      return stubs[i]->CreateBooking(
          Context().get(), BookingRequest(calendar.name(), start, i), &booking);
    });
    EXPECT_EQ(outcomes, (std::map<std::string, int>{{kOk, 1}, {kTaken, 3}}))
        << "round " << round;
    wins += Count(outcomes, kOk);
  }
  EXPECT_EQ(wins, kRounds);
  EXPECT_EQ(ConfirmedRowsOf(first.name()) + ConfirmedRowsOf(second.name()),
            kRounds);

  // Overlapping but differently aligned: an hour at X:00 on one calendar,
  // half an hour at X:30 on the other.
  v1::Calendar long_spec = CalendarSpec("Long", "UTC", 60, 0, 24);
  long_spec.add_team_members("m");
  const v1::Calendar long_calendar = Create(long_spec);
  for (int round = 0; round < kRounds; ++round) {
    const absl::Time hour = T(12 + round);
    const auto outcomes = RunConcurrently(4, [&](int i) {
      v1::Booking booking;
      if (i % 2 == 0) {
        return stubs[i]->CreateBooking(
            Context().get(), BookingRequest(long_calendar.name(), hour, i),
            &booking);
      }
      return stubs[i]->CreateBooking(
          Context().get(),
          BookingRequest(second.name(), hour + absl::Minutes(30), i), &booking);
    });
    EXPECT_EQ(Count(outcomes, kOk), 1) << "round " << round;
    EXPECT_EQ(Count(outcomes, kOk) + Count(outcomes, kTaken), 4)
        << "round " << round;
  }
  EXPECT_EQ(MemberBookingRows("m"), 2 * kRounds);
  EXPECT_EQ(MemberOverlaps(), 0);
  // Cross-check on the bookings themselves.
  EXPECT_EQ(
      QueryInt("SELECT COUNT(*) FROM bookings a JOIN bookings b ON a.pk < b.pk "
               "AND a.start_time < b.end_time AND b.start_time < a.end_time "
               "JOIN calendars ca ON ca.pk = a.calendar_pk JOIN calendars cb "
               "ON cb.pk = b.calendar_pk WHERE a.state = 1 AND b.state = 1 AND "
               "ca.location_id = '" +
               location_ + "' AND cb.location_id = '" + location_ + "'"),
      0);
}

TEST_F(BookingConcurrencyTest, CollectiveAndEventSharingAMember) {
  v1::Calendar panel_spec = CalendarSpec("Panel", "UTC", 30, 0, 24);
  panel_spec.set_calendar_type(v1::Calendar::COLLECTIVE);
  panel_spec.add_team_members("x");
  panel_spec.add_team_members("y");
  v1::Calendar solo_spec = CalendarSpec("Y alone", "UTC", 30, 0, 24);
  solo_spec.add_team_members("y");
  const v1::Calendar panel = Create(panel_spec);
  const v1::Calendar solo = Create(solo_spec);
  auto stubs = ConnectedCalendarStubs(2);
  for (int round = 0; round < 10; ++round) {
    const absl::Time start = T(8, 30 * round);
    const auto outcomes = RunConcurrently(2, [&](int i) {
      v1::Booking booking;
      return stubs[i]->CreateBooking(
          Context().get(),
          BookingRequest(i == 0 ? panel.name() : solo.name(), start, i),
          &booking);
    });
    EXPECT_EQ(outcomes, (std::map<std::string, int>{{kOk, 1}, {kTaken, 1}}))
        << "round " << round;
  }
  EXPECT_EQ(MemberBookingRows("y"), 10);
  EXPECT_EQ(MemberOverlaps(), 0);
}

TEST_F(BookingConcurrencyTest, DailyMaximumHoldsUnderConcurrency) {
  v1::Calendar spec = CalendarSpec("Three a day");
  spec.set_max_bookings_per_day(3);
  const v1::Calendar calendar = Create(spec);
  const std::vector<v1::Slot> slots = SlotsOn(calendar.name(), day_);
  ASSERT_GE(slots.size(), 10u);
  auto stubs = ConnectedCalendarStubs(10);
  const auto outcomes = RunConcurrently(10, [&](int i) {
    v1::Booking booking;
    return stubs[i]->CreateBooking(
        Context().get(),
        BookingRequest(calendar.name(), FromTs(slots[i].start_time()), i),
        &booking);
  });
  EXPECT_EQ(outcomes, (std::map<std::string, int>{{kOk, 3}, {kTaken, 7}}));
  EXPECT_EQ(ConfirmedRowsOf(calendar.name()), 3);
  EXPECT_THAT(SlotsOn(calendar.name(), day_), IsEmpty());
  // The next day is untouched.
  EXPECT_EQ(SlotsOn(calendar.name(), day_ + 1).size(), slots.size());
}

// The documented rule: the free member with the fewest bookings on the
// calendar, ties to the least recently booked, then list order. Sequential
// bookings therefore rotate through the members.
TEST_F(BookingConcurrencyTest, RoundRobinDistributesEvenly) {
  v1::Calendar spec = CalendarSpec("Rotation", "UTC", 30, 0, 24);
  spec.set_calendar_type(v1::Calendar::ROUND_ROBIN);
  for (const char* member : {"ann", "ben", "cat"})
    spec.add_team_members(member);
  const v1::Calendar calendar = Create(spec);
  const std::vector<v1::Slot> slots = SlotsOn(calendar.name(), day_);
  ASSERT_GE(slots.size(), 31u);
  const std::vector<std::string> order = {"ann", "ben", "cat"};
  std::map<std::string, int> counts;
  for (int i = 0; i < 30; ++i) {
    const v1::Booking booking =
        Book(calendar.name(), FromTs(slots[i].start_time()), i);
    ASSERT_EQ(booking.members_size(), 1) << booking.DebugString();
    EXPECT_EQ(booking.members(0), order[i % 3]) << "booking " << i;
    ++counts[booking.members(0)];
    // Get shows the same member.
    EXPECT_THAT(Members(GetBooking(booking.name())),
                ElementsAre(booking.members(0)));
  }
  EXPECT_EQ(counts, (std::map<std::string, int>{
                        {"ann", 10}, {"ben", 10}, {"cat", 10}}));
  for (const std::string& member : order) {
    EXPECT_EQ(MemberBookingRows(member), 10) << member;
  }

  // A cancellation makes that member the one with the fewest bookings.
  v1::ListBookingsRequest list;
  list.set_parent(calendar.name());
  list.set_page_size(1);
  v1::ListBookingsResponse first_page;
  ASSERT_TRUE(
      calendars_->ListBookings(Context().get(), list, &first_page).ok());
  ASSERT_EQ(first_page.bookings_size(), 1);
  ASSERT_THAT(Members(first_page.bookings(0)), ElementsAre("ann"));
  Cancel(first_page.bookings(0).name());
  const v1::Booking next =
      Book(calendar.name(), FromTs(slots[30].start_time()), 30);
  EXPECT_THAT(Members(next), ElementsAre("ann"));
}

TEST_F(BookingConcurrencyTest, RoundRobinSlotTakesOneBookingPerMember) {
  v1::Calendar spec = CalendarSpec("Team", "UTC", 30, 0, 24);
  spec.set_calendar_type(v1::Calendar::ROUND_ROBIN);
  for (const char* member : {"ann", "ben", "cat"})
    spec.add_team_members(member);
  const v1::Calendar calendar = Create(spec);
  auto stubs = ConnectedCalendarStubs(6);
  for (int round = 0; round < 4; ++round) {
    const absl::Time start = T(9, 30 * round);
    std::vector<v1::Booking> results(6);
    std::vector<grpc::Status> statuses(6);
    const auto outcomes = RunConcurrently(6, [&](int i) {
      statuses[i] = stubs[i]->CreateBooking(
          Context().get(), BookingRequest(calendar.name(), start, i),
          &results[i]);
      return statuses[i];
    });
    EXPECT_EQ(outcomes, (std::map<std::string, int>{{kOk, 3}, {kTaken, 3}}))
        << "round " << round;
    std::vector<std::string> members;
    for (int i = 0; i < 6; ++i) {
      if (!statuses[i].ok()) continue;
      ASSERT_EQ(results[i].members_size(), 1);
      members.push_back(results[i].members(0));
    }
    EXPECT_THAT(members, UnorderedElementsAre("ann", "ben", "cat"))
        << "round " << round;
  }
  EXPECT_EQ(MemberOverlaps(), 0);
  for (const char* member : {"ann", "ben", "cat"}) {
    EXPECT_EQ(MemberBookingRows(member), 4) << member;
  }
}

TEST_F(BookingConcurrencyTest, ConcurrentReschedulesOntoOneSlot) {
  v1::Calendar spec = CalendarSpec("Movers", "UTC", 30, 0, 24);
  spec.add_team_members("host");
  const v1::Calendar calendar = Create(spec);
  auto stubs = ConnectedCalendarStubs(2);
  for (int round = 0; round < 6; ++round) {
    const absl::Time a = T(2 * round, 0);
    const absl::Time b = T(2 * round, 30);
    const absl::Time target = T(2 * round + 1, 0);
    const std::vector<v1::Booking> bookings = {Book(calendar.name(), a, 1),
                                               Book(calendar.name(), b, 2)};
    std::vector<v1::Booking> moved(2);
    const auto outcomes = RunConcurrently(2, [&](int i) {
      v1::RescheduleBookingRequest request;
      request.set_name(bookings[i].name());
      *request.mutable_start_time() = Ts(target);
      return stubs[i]->RescheduleBooking(Context().get(), request, &moved[i]);
    });
    EXPECT_EQ(outcomes, (std::map<std::string, int>{{kOk, 1}, {kTaken, 1}}))
        << "round " << round;
    // Exactly one is at the target; the other kept its own slot.
    std::multiset<absl::Time> starts;
    for (const v1::Booking& booking : bookings) {
      starts.insert(FromTs(GetBooking(booking.name()).start_time()));
    }
    EXPECT_EQ(starts.count(target), 1u) << "round " << round;
    EXPECT_EQ(starts.count(a) + starts.count(b), 1u) << "round " << round;
  }
  EXPECT_EQ(ConfirmedRowsOf(calendar.name()), 12);
  EXPECT_EQ(MemberBookingRows("host"), 12);
  EXPECT_EQ(MemberOverlaps(), 0);
}

// RescheduleBooking's request_id: a retry, however late and however many
// at once, moves the booking once; a retry after a later reschedule with
// another key does not move it back.
TEST_F(BookingConcurrencyTest, RescheduleRequestIdMovesOnce) {
  const v1::Calendar calendar =
      Create(CalendarSpec("Idempotent moves", "UTC", 30, 0, 24));
  const v1::Booking booking = Book(calendar.name(), T(9));
  auto reschedule = [&](v1::CalendarService::Stub& stub, absl::Time start,
                        const std::string& key, v1::Booking* moved) {
    v1::RescheduleBookingRequest request;
    request.set_name(booking.name());
    *request.mutable_start_time() = Ts(start);
    request.set_request_id(key);
    return stub.RescheduleBooking(Context().get(), request, moved);
  };
  auto stubs = ConnectedCalendarStubs(8);
  auto reschedule_rows = [&] {
    return QueryInt(
        "SELECT COUNT(*) FROM booking_reschedules r JOIN bookings b ON "
        "b.pk = r.booking_pk WHERE b.booking_id = '" +
        booking.name().substr(booking.name().rfind('/') + 1) + "'");
  };

  v1::Booking moved;
  grpc::Status status = reschedule(*stubs[0], T(10), "move-1", &moved);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_EQ(FromTs(moved.start_time()), T(10));
  const absl::Time first_move = FromTs(moved.reschedule_time());
  status = reschedule(*stubs[0], T(11), "move-2", &moved);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_EQ(FromTs(moved.start_time()), T(11));

  // The first call's response was lost; its retry (with its own start
  // time) returns the booking as it is and moves nothing.
  status = reschedule(*stubs[0], T(10), "move-1", &moved);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_EQ(FromTs(moved.start_time()), T(11));
  EXPECT_GT(FromTs(moved.reschedule_time()), first_move);
  EXPECT_EQ(FromTs(GetBooking(booking.name()).start_time()), T(11));
  EXPECT_TRUE(Offers(SlotsOn(calendar.name(), day_), T(10)));
  EXPECT_EQ(reschedule_rows(), 2);

  // Eight copies of one request at once: one move, eight answers with it.
  std::vector<v1::Booking> results(8);
  const auto outcomes = RunConcurrently(8, [&](int i) {
    return reschedule(*stubs[i], T(14), "move-3", &results[i]);
  });
  EXPECT_EQ(outcomes, (std::map<std::string, int>{{kOk, 8}}));
  for (const v1::Booking& result : results) {
    EXPECT_EQ(FromTs(result.start_time()), T(14));
    EXPECT_EQ(FromTs(result.reschedule_time()),
              FromTs(results[0].reschedule_time()));
  }
  EXPECT_EQ(reschedule_rows(), 3);
  EXPECT_EQ(ConfirmedRowsOf(calendar.name()), 1);

  // A malformed key is refused before anything moves.
  status = reschedule(*stubs[0], T(15), "not a key!", &moved);
  EXPECT_INVALID_FIELD(status, "request_id");
  EXPECT_EQ(FromTs(GetBooking(booking.name()).start_time()), T(14));
  EXPECT_EQ(reschedule_rows(), 3);
}

}  // namespace
}  // namespace scheduling::testing
