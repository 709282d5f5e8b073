// Availability rules end to end over gRPC and MariaDB: slot interval,
// buffers, minimum notice, booking horizon, date overrides, several
// intervals a day, the daily maximum (by the calendar's local date), time
// zones (a requested 45-minute zone, the calendar's own zone, DST), and
// what each calendar type shows per slot (remaining seats, free members).
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/calendar_fixtures.h"

namespace scheduling::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class AvailabilityRulesTest : public CalendarFixture {
 protected:
  void SetUp() override { day_ = DaysAhead(7); }

  // `spec` open only on the weekday of `day`, [start, end) in minutes.
  static void OnlyOn(v1::Calendar& spec, absl::CivilDay day, int start_minute,
                     int end_minute) {
    spec.clear_weekly_hours();
    AddHours(&spec, DayOfWeekOf(day), start_minute, end_minute);
  }

  static void AddOverride(v1::Calendar& spec, absl::CivilDay day,
                          std::vector<std::pair<int, int>> intervals) {
    v1::DateOverride* override = spec.add_date_overrides();
    override->mutable_date()->set_year(static_cast<int>(day.year()));
    override->mutable_date()->set_month(day.month());
    override->mutable_date()->set_day(day.day());
    for (const auto& [start, end] : intervals) {
      v1::TimeRange* range = override->add_open_intervals();
      range->mutable_start_time()->set_hours(start / 60);
      range->mutable_start_time()->set_minutes(start % 60);
      range->mutable_end_time()->set_hours(end / 60);
      range->mutable_end_time()->set_minutes(end % 60);
    }
  }

  absl::Time T(int hour, int minute = 0) const {
    return At(day_, hour, minute);
  }

  absl::CivilDay day_;
};

TEST_F(AvailabilityRulesTest, SlotIntervalDiffersFromDuration) {
  v1::Calendar spec = CalendarSpec("Hour every half hour", "UTC", 60);
  OnlyOn(spec, day_, 9 * 60, 12 * 60);
  *spec.mutable_slot_interval() = Minutes(30);
  const v1::Calendar calendar = Create(spec);
  const std::vector<v1::Slot> slots = SlotsOn(calendar.name(), day_);
  EXPECT_THAT(Starts(slots),
              ElementsAre(T(9), T(9, 30), T(10), T(10, 30), T(11)));
  for (const v1::Slot& slot : slots) {
    EXPECT_EQ(FromTs(slot.end_time()) - FromTs(slot.start_time()),
              absl::Minutes(60));
    EXPECT_EQ(slot.remaining_seats(), 1);
  }
  Book(calendar.name(), T(10));
  // 09:30 and 10:30 overlap the booked hour.
  EXPECT_THAT(Starts(SlotsOn(calendar.name(), day_)), ElementsAre(T(9), T(11)));
  v1::Booking booking;
  EXPECT_PRECONDITION(TryBook(calendar.name(), T(10, 30), &booking),
                      "SLOT_UNAVAILABLE");
  EXPECT_PRECONDITION(TryBook(calendar.name(), T(9, 30), &booking),
                      "SLOT_UNAVAILABLE");
  // 09:15 is not on the grid.
  EXPECT_INVALID_FIELD(TryBook(calendar.name(), T(9, 15), &booking),
                       "start_time");
  EXPECT_EQ(ConfirmedRowsOf(calendar.name()), 1);
}

TEST_F(AvailabilityRulesTest, BuffersKeepTimeFreeAroundBookings) {
  v1::Calendar spec = CalendarSpec("Buffered");
  OnlyOn(spec, day_, 9 * 60, 12 * 60);
  *spec.mutable_buffer_before() = Minutes(15);
  *spec.mutable_buffer_after() = Minutes(15);
  spec.add_team_members("host");
  const v1::Calendar calendar = Create(spec);
  EXPECT_EQ(SlotsOn(calendar.name(), day_).size(), 6u);
  const v1::Booking booked = Book(calendar.name(), T(10));
  EXPECT_EQ(FromTs(booked.end_time()), T(10, 30));  // buffers are not booked
  // Blocked 09:45-10:45: 09:30 and 10:30 would overlap it, 09:00 and 11:00
  // only touch it.
  EXPECT_THAT(Starts(SlotsOn(calendar.name(), day_)),
              ElementsAre(T(9), T(11), T(11, 30)));
  v1::Booking booking;
  EXPECT_PRECONDITION(TryBook(calendar.name(), T(10, 30), &booking),
                      "SLOT_UNAVAILABLE");
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM bookings WHERE calendar_pk = " +
                     CalendarPkSql(calendar.name()) +
                     " AND blocked_start = start_time - INTERVAL 15 MINUTE "
                     "AND blocked_end = end_time + INTERVAL 15 MINUTE"),
            1);

  // The host's buffered time blocks the host on another calendar too.
  v1::Calendar other_spec = CalendarSpec("Same host, no buffers");
  OnlyOn(other_spec, day_, 9 * 60, 12 * 60);
  other_spec.add_team_members("host");
  const v1::Calendar other = Create(other_spec);
  EXPECT_THAT(Starts(SlotsOn(other.name(), day_)),
              ElementsAre(T(9), T(11), T(11, 30)));
  EXPECT_PRECONDITION(TryBook(other.name(), T(10, 30), &booking),
                      "SLOT_UNAVAILABLE");
  Book(other.name(), T(11));
  // Now the buffered calendar's 11:30 (blocked 11:15-12:00) overlaps the
  // host's 11:00-11:30 on the other calendar.
  EXPECT_THAT(Starts(SlotsOn(calendar.name(), day_)), ElementsAre(T(9)));
}

TEST_F(AvailabilityRulesTest, MinimumNoticeHidesSlotsTooSoon) {
  v1::Calendar spec = CalendarSpec("Two days notice", "UTC", 60, 0, 24);
  *spec.mutable_minimum_notice() = Minutes(2 * 24 * 60);
  const v1::Calendar calendar = Create(spec);
  const absl::Time now = absl::Now();
  const std::vector<v1::Slot> slots =
      Slots(calendar.name(), now, now + absl::Hours(24 * 4));
  ASSERT_FALSE(slots.empty());
  const absl::Time first = FromTs(slots.front().start_time());
  EXPECT_GE(first, now + absl::Hours(48));
  EXPECT_LE(first, absl::Now() + absl::Hours(49));
  EXPECT_EQ(absl::ToUnixSeconds(first) % 3600, 0);
  // A slot on the grid but within the notice is not offered.
  const absl::Time soon =
      absl::FromUnixSeconds((absl::ToUnixSeconds(now) / 3600 + 25) * 3600);
  v1::Booking booking;
  EXPECT_INVALID_FIELD(TryBook(calendar.name(), soon, &booking), "start_time");
  EXPECT_EQ(BookingRowsOf(calendar.name()), 0);
  EXPECT_TRUE(TryBook(calendar.name(), first + absl::Hours(1), &booking).ok());
}

TEST_F(AvailabilityRulesTest, BookingHorizonHidesSlotsTooFarAhead) {
  v1::Calendar spec = CalendarSpec("Three days ahead", "UTC", 60, 0, 24);
  spec.set_booking_horizon_days(3);
  const v1::Calendar calendar = Create(spec);
  const absl::Time now = absl::Now();
  const std::vector<v1::Slot> slots =
      Slots(calendar.name(), now, now + absl::Hours(24 * 6));
  ASSERT_FALSE(slots.empty());
  const absl::Time last = FromTs(slots.back().start_time());
  EXPECT_LT(last, absl::Now() + absl::Hours(72));
  EXPECT_GE(last, now + absl::Hours(70));
  // About 72 hourly slots, none beyond the horizon.
  EXPECT_GE(slots.size(), 70u);
  EXPECT_LE(slots.size(), 72u);
  v1::Booking booking;
  EXPECT_INVALID_FIELD(TryBook(calendar.name(), At(DaysAhead(4), 12), &booking),
                       "start_time");
  EXPECT_EQ(BookingRowsOf(calendar.name()), 0);
  // Within the horizon it books.
  EXPECT_TRUE(TryBook(calendar.name(), At(DaysAhead(2), 12), &booking).ok());
}

TEST_F(AvailabilityRulesTest, DateOverridesCloseOrReplaceHours) {
  v1::Calendar spec = CalendarSpec("Overridden");
  spec.clear_weekly_hours();
  for (int i = 0; i < 7; ++i) {
    // Every weekday but that of day_ + 2.
    if (DayOfWeekOf(day_ + i) == DayOfWeekOf(day_ + 2)) continue;
    AddHours(&spec, DayOfWeekOf(day_ + i), 9 * 60, 17 * 60);
  }
  AddOverride(spec, day_, {});  // closed
  AddOverride(spec, day_ + 1, {{13 * 60, 14 * 60}, {15 * 60, 15 * 60 + 30}});
  AddOverride(spec, day_ + 2, {{10 * 60, 11 * 60}});  // opens a closed day
  const v1::Calendar calendar = Create(spec);
  EXPECT_THAT(SlotsOn(calendar.name(), day_), IsEmpty());
  EXPECT_THAT(
      Starts(SlotsOn(calendar.name(), day_ + 1)),
      ElementsAre(At(day_ + 1, 13), At(day_ + 1, 13, 30), At(day_ + 1, 15)));
  EXPECT_THAT(Starts(SlotsOn(calendar.name(), day_ + 2)),
              ElementsAre(At(day_ + 2, 10), At(day_ + 2, 10, 30)));
  EXPECT_EQ(SlotsOn(calendar.name(), day_ + 3).size(), 16u);
  // The whole range in one call.
  EXPECT_EQ(Slots(calendar.name(), At(day_, 0), At(day_ + 4, 0)).size(),
            3u + 2u + 16u);

  v1::Booking booking;
  EXPECT_INVALID_FIELD(TryBook(calendar.name(), T(9), &booking), "start_time");
  EXPECT_INVALID_FIELD(TryBook(calendar.name(), At(day_ + 1, 9), &booking),
                       "start_time");
  EXPECT_TRUE(TryBook(calendar.name(), At(day_ + 1, 15), &booking).ok());
  EXPECT_TRUE(TryBook(calendar.name(), At(day_ + 2, 10), &booking).ok());
  EXPECT_EQ(ConfirmedRowsOf(calendar.name()), 2);

  // An override can be removed again by an update.
  v1::Calendar change = Get(calendar.name());
  change.clear_date_overrides();
  v1::Calendar updated;
  ASSERT_TRUE(TryUpdate(change, {"date_overrides"}, &updated).ok());
  EXPECT_EQ(SlotsOn(calendar.name(), day_).size(), 16u);
}

TEST_F(AvailabilityRulesTest, SeveralIntervalsADayAndSlotsEndByClosing) {
  v1::Calendar spec = CalendarSpec("Split day");
  OnlyOn(spec, day_, 9 * 60, 10 * 60);
  AddHours(&spec, DayOfWeekOf(day_), 14 * 60, 15 * 60);
  const v1::Calendar calendar = Create(spec);
  EXPECT_THAT(Starts(SlotsOn(calendar.name(), day_)),
              ElementsAre(T(9), T(9, 30), T(14), T(14, 30)));
  for (int i = 1; i < 7; ++i) {
    EXPECT_THAT(SlotsOn(calendar.name(), day_ + i), IsEmpty()) << i;
  }

  // 45-minute slots in a 60-minute interval: only one fits.
  v1::Calendar long_spec = CalendarSpec("Long", "UTC", 45);
  OnlyOn(long_spec, day_, 9 * 60, 10 * 60);
  const v1::Calendar long_calendar = Create(long_spec);
  EXPECT_THAT(Starts(SlotsOn(long_calendar.name(), day_)), ElementsAre(T(9)));
}

TEST_F(AvailabilityRulesTest, MaxBookingsPerDay) {
  v1::Calendar spec = CalendarSpec("Two a day");
  OpenEveryDay(&spec, 9, 12);
  spec.set_max_bookings_per_day(2);
  const v1::Calendar calendar = Create(spec);
  EXPECT_EQ(SlotsOn(calendar.name(), day_).size(), 6u);
  Book(calendar.name(), T(9));
  EXPECT_EQ(SlotsOn(calendar.name(), day_).size(), 5u);
  const v1::Booking second = Book(calendar.name(), T(10));
  EXPECT_THAT(SlotsOn(calendar.name(), day_), IsEmpty());
  EXPECT_EQ(SlotsOn(calendar.name(), day_ + 1).size(), 6u);
  v1::Booking booking;
  EXPECT_PRECONDITION(TryBook(calendar.name(), T(11), &booking),
                      "SLOT_UNAVAILABLE");
  EXPECT_EQ(ConfirmedRowsOf(calendar.name()), 2);
  // A cancellation gives the day's place back.
  Cancel(second.name());
  EXPECT_EQ(SlotsOn(calendar.name(), day_).size(), 5u);
  EXPECT_TRUE(TryBook(calendar.name(), T(11), &booking).ok());
}

TEST_F(AvailabilityRulesTest, MaxBookingsPerDayCountsTheCalendarsLocalDate) {
  // Tokyo (UTC+9, no DST) 08:00-10:00 local is 23:00-01:00 UTC: one local
  // date over two UTC dates.
  const absl::TimeZone tokyo = [] {
    absl::TimeZone zone;
    EXPECT_TRUE(absl::LoadTimeZone("Asia/Tokyo", &zone));
    return zone;
  }();
  const absl::CivilDay local_day = DaysAhead(7, tokyo);
  v1::Calendar spec = CalendarSpec("Tokyo mornings", "Asia/Tokyo");
  OnlyOn(spec, local_day, 8 * 60, 10 * 60);
  spec.set_max_bookings_per_day(1);
  const v1::Calendar calendar = Create(spec);
  const absl::Time from = At(local_day, 0, 0, tokyo);
  const absl::Time to = At(local_day + 1, 0, 0, tokyo);
  const std::vector<v1::Slot> slots = Slots(calendar.name(), from, to);
  ASSERT_EQ(slots.size(), 4u);
  EXPECT_EQ(FromTs(slots[0].start_time()), At(local_day, 8, 0, tokyo));
  EXPECT_EQ(
      absl::ToCivilDay(FromTs(slots[0].start_time()), absl::UTCTimeZone()) + 1,
      absl::ToCivilDay(FromTs(slots[3].start_time()), absl::UTCTimeZone()));
  EXPECT_EQ(slots[0].local_start_time(),
            absl::StrFormat("%04d-%02d-%02dT08:00:00+09:00", local_day.year(),
                            local_day.month(), local_day.day()));
  Book(calendar.name(), FromTs(slots[0].start_time()));
  // The slots after UTC midnight are on the same local date: gone too.
  EXPECT_THAT(Slots(calendar.name(), from, to), IsEmpty());
  v1::Booking booking;
  EXPECT_PRECONDITION(
      TryBook(calendar.name(), FromTs(slots[3].start_time()), &booking),
      "SLOT_UNAVAILABLE");
  // The next week's session is another local date.
  EXPECT_EQ(Slots(calendar.name(), from + absl::Hours(24 * 7),
                  to + absl::Hours(24 * 7))
                .size(),
            4u);
}

TEST_F(AvailabilityRulesTest, RangeAndZoneAreValidated) {
  const v1::Calendar calendar = Create(CalendarSpec("Validated"));
  const absl::Time from = T(0);
  v1::ListFreeSlotsResponse response;
  EXPECT_TRUE(TryListSlots(calendar.name(), from, from + absl::Hours(24 * 31),
                           &response)
                  .ok());
  EXPECT_INVALID_FIELD(
      TryListSlots(calendar.name(), from,
                   from + absl::Hours(24 * 31) + absl::Seconds(1), &response),
      "end_time");
  EXPECT_INVALID_FIELD(TryListSlots(calendar.name(), from,
                                    from + absl::Hours(24 * 365), &response),
                       "end_time");
  EXPECT_INVALID_FIELD(
      TryListSlots(calendar.name(), from, from - absl::Hours(1), &response),
      "end_time");
  EXPECT_INVALID_FIELD(TryListSlots(calendar.name(), from, from, &response),
                       "end_time");
  for (const std::string& zone :
       std::vector<std::string>{"Mars/Olympus", "Europe/Londn",
                                "../../etc/passwd", std::string(300, 'Z')}) {
    EXPECT_INVALID_FIELD(TryListSlots(calendar.name(), from,
                                      from + absl::Hours(24), &response, zone),
                         "time_zone")
        << zone;
  }
  v1::ListFreeSlotsRequest missing;
  missing.set_calendar(calendar.name());
  EXPECT_INVALID_FIELD(
      calendars_->ListFreeSlots(Context().get(), missing, &response),
      "start_time");
  EXPECT_INVALID_FIELD(
      calendars_->ListFreeSlots(Context().get(), missing, &response),
      "end_time");
  EXPECT_EQ(TryListSlots(Parent() + "/calendars/missing", from,
                         from + absl::Hours(24), &response)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_INVALID_FIELD(
      TryListSlots("calendars/x", from, from + absl::Hours(24), &response),
      "calendar");
  // An EVENT calendar has one duration.
  EXPECT_INVALID_FIELD(TryListSlots(calendar.name(), from,
                                    from + absl::Hours(24), &response, "", 60),
                       "duration");
  EXPECT_TRUE(TryListSlots(calendar.name(), from, from + absl::Hours(24),
                           &response, "", 30)
                  .ok());
}

TEST_F(AvailabilityRulesTest, SlotsThatStartedAreNeverFree) {
  const v1::Calendar calendar =
      Create(CalendarSpec("Around the clock", "UTC", 30, 0, 24));
  const absl::Time now = absl::Now();
  const std::vector<v1::Slot> slots =
      Slots(calendar.name(), now - absl::Hours(6), now + absl::Hours(6));
  ASSERT_FALSE(slots.empty());
  EXPECT_GE(FromTs(slots.front().start_time()), now);
  EXPECT_LE(slots.size(), 12u);
  EXPECT_GE(slots.size(), 11u);
}

TEST_F(AvailabilityRulesTest, RequestedZoneWithA45MinuteOffset) {
  v1::Calendar spec = CalendarSpec("UTC calendar");
  OnlyOn(spec, day_, 9 * 60, 10 * 60);
  const v1::Calendar calendar = Create(spec);
  v1::ListFreeSlotsResponse response;
  ASSERT_TRUE(
      TryListSlots(calendar.name(), T(0), T(24), &response, "Asia/Kathmandu")
          .ok());
  EXPECT_EQ(response.time_zone(), "Asia/Kathmandu");
  ASSERT_EQ(response.slots_size(), 2);
  const std::string date =
      absl::StrFormat("%04d-%02d-%02d", day_.year(), day_.month(), day_.day());
  // 09:00Z is 14:45 in Kathmandu (UTC+05:45).
  EXPECT_EQ(response.slots(0).local_start_time(), date + "T14:45:00+05:45");
  EXPECT_EQ(response.slots(0).local_end_time(), date + "T15:15:00+05:45");
  EXPECT_EQ(response.slots(1).local_start_time(), date + "T15:15:00+05:45");
  EXPECT_EQ(response.slots(1).local_end_time(), date + "T15:45:00+05:45");
  // The instants do not depend on the requested zone.
  EXPECT_EQ(FromTs(response.slots(0).start_time()), T(9));

  ASSERT_TRUE(
      TryListSlots(calendar.name(), T(0), T(24), &response, "Asia/Kolkata")
          .ok());
  EXPECT_EQ(response.slots(0).local_start_time(), date + "T14:30:00+05:30");
  ASSERT_TRUE(
      TryListSlots(calendar.name(), T(0), T(24), &response, "America/St_Johns")
          .ok());
  absl::TimeZone st_johns;
  ASSERT_TRUE(absl::LoadTimeZone("America/St_Johns", &st_johns));
  EXPECT_EQ(response.slots(0).local_start_time(),
            absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", T(9), st_johns));
}

TEST_F(AvailabilityRulesTest, HoursAreReadInTheCalendarsZone) {
  absl::TimeZone new_york;
  ASSERT_TRUE(absl::LoadTimeZone("America/New_York", &new_york));
  const absl::CivilDay local_day = DaysAhead(7, new_york);
  v1::Calendar spec = CalendarSpec("New York", "America/New_York");
  OnlyOn(spec, local_day, 9 * 60, 10 * 60);
  const v1::Calendar calendar = Create(spec);
  v1::ListFreeSlotsResponse response;
  ASSERT_TRUE(TryListSlots(calendar.name(), At(local_day, 0, 0, new_york),
                           At(local_day + 1, 0, 0, new_york), &response)
                  .ok());
  // Without a requested zone the calendar's own is used.
  EXPECT_EQ(response.time_zone(), "America/New_York");
  ASSERT_EQ(response.slots_size(), 2);
  EXPECT_EQ(FromTs(response.slots(0).start_time()),
            At(local_day, 9, 0, new_york));
  EXPECT_EQ(response.slots(0).local_start_time(),
            absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez",
                             At(local_day, 9, 0, new_york), new_york));
  EXPECT_EQ(response.slots(0).local_start_time().substr(11, 8), "09:00:00");
}

// Far-future DST days in America/New_York (the horizon is unlimited by
// default): the skipped hour yields no slot, the repeated hour two.
TEST_F(AvailabilityRulesTest, DaylightSavingDaysFollowTheWallClock) {
  absl::TimeZone new_york;
  ASSERT_TRUE(absl::LoadTimeZone("America/New_York", &new_york));
  v1::Calendar spec = CalendarSpec("DST", "America/New_York", 60, 0, 24);
  const v1::Calendar calendar = Create(spec);

  const absl::CivilDay spring(2031, 3, 9);  // 02:00 -> 03:00
  std::vector<v1::Slot> slots =
      Slots(calendar.name(), At(spring, 0, 0, new_york),
            At(spring + 1, 0, 0, new_york), "America/New_York");
  ASSERT_EQ(slots.size(), 23u);
  std::vector<std::string> local;
  for (const v1::Slot& slot : slots) {
    local.push_back(slot.local_start_time().substr(11));
  }
  EXPECT_EQ(local[1], "01:00:00-05:00");
  EXPECT_EQ(local[2], "03:00:00-04:00");

  const absl::CivilDay fall(2031, 11, 2);  // 02:00 -> 01:00
  slots = Slots(calendar.name(), At(fall, 0, 0, new_york),
                At(fall + 1, 0, 0, new_york), "America/New_York");
  ASSERT_EQ(slots.size(), 25u);
  local.clear();
  for (const v1::Slot& slot : slots) {
    local.push_back(slot.local_start_time().substr(11));
  }
  EXPECT_EQ(local[1], "01:00:00-04:00");
  EXPECT_EQ(local[2], "01:00:00-05:00");
  EXPECT_EQ(local[3], "02:00:00-05:00");
  for (size_t i = 1; i < slots.size(); ++i) {
    EXPECT_EQ(FromTs(slots[i].start_time()) - FromTs(slots[i - 1].start_time()),
              absl::Hours(1));
  }
}

TEST_F(AvailabilityRulesTest, ClassSlotsCountDownSeats) {
  v1::Calendar spec = CalendarSpec("Spin class", "UTC", 60);
  spec.set_calendar_type(v1::Calendar::CLASS_BOOKING);
  spec.set_seats_per_slot(3);
  OnlyOn(spec, day_, 9 * 60, 10 * 60);
  const v1::Calendar calendar = Create(spec);
  std::vector<v1::Slot> slots = SlotsOn(calendar.name(), day_);
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(slots[0].remaining_seats(), 3);
  std::vector<v1::Booking> bookings;
  for (int seat = 0; seat < 3; ++seat) {
    bookings.push_back(Book(calendar.name(), T(9), seat));
    slots = SlotsOn(calendar.name(), day_);
    if (seat < 2) {
      ASSERT_EQ(slots.size(), 1u) << seat;
      EXPECT_EQ(slots[0].remaining_seats(), 2 - seat);
    }
  }
  EXPECT_THAT(slots, IsEmpty());
  v1::Booking booking;
  EXPECT_PRECONDITION(TryBook(calendar.name(), T(9), &booking, 9),
                      "SLOT_UNAVAILABLE");
  EXPECT_EQ(ConfirmedRowsOf(calendar.name()), 3);
  Cancel(bookings[1].name());
  slots = SlotsOn(calendar.name(), day_);
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(slots[0].remaining_seats(), 1);
}

TEST_F(AvailabilityRulesTest, RoundRobinShowsAndAssignsFreeMembers) {
  v1::Calendar spec = CalendarSpec("Sales round robin", "UTC", 60);
  spec.set_calendar_type(v1::Calendar::ROUND_ROBIN);
  for (const char* member : {"ann", "ben", "cat"})
    spec.add_team_members(member);
  OnlyOn(spec, day_, 9 * 60, 11 * 60);
  const v1::Calendar calendar = Create(spec);
  std::vector<v1::Slot> slots = SlotsOn(calendar.name(), day_);
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_THAT(Members(slots[0]), ElementsAre("ann", "ben", "cat"));
  EXPECT_EQ(slots[0].remaining_seats(), 1);

  // Everyone has 0 bookings and was never booked: list order.
  EXPECT_THAT(Members(Book(calendar.name(), T(9), 1)), ElementsAre("ann"));
  slots = SlotsOn(calendar.name(), day_);
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_THAT(Members(slots[0]), ElementsAre("ben", "cat"));
  EXPECT_THAT(Members(Book(calendar.name(), T(9), 2)), ElementsAre("ben"));
  EXPECT_THAT(Members(Book(calendar.name(), T(9), 3)), ElementsAre("cat"));
  slots = SlotsOn(calendar.name(), day_);
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(FromTs(slots[0].start_time()), T(10));
  v1::Booking booking;
  EXPECT_PRECONDITION(TryBook(calendar.name(), T(9), &booking, 4),
                      "SLOT_UNAVAILABLE");

  // Ben is busy at 10:00 on another calendar of the location.
  v1::Calendar ben_spec = CalendarSpec("Ben's own", "UTC", 60);
  ben_spec.add_team_members("ben");
  OnlyOn(ben_spec, day_, 9 * 60, 11 * 60);
  const v1::Calendar ben = Create(ben_spec);
  EXPECT_THAT(Starts(SlotsOn(ben.name(), day_)), ElementsAre(T(10)));
  EXPECT_THAT(Members(Book(ben.name(), T(10), 5)), ElementsAre("ben"));
  slots = SlotsOn(calendar.name(), day_);
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_THAT(Members(slots[0]), ElementsAre("ann", "cat"));
  // All have one booking here; ann was booked least recently.
  EXPECT_THAT(Members(Book(calendar.name(), T(10), 6)), ElementsAre("ann"));
  EXPECT_THAT(Members(Book(calendar.name(), T(10), 7)), ElementsAre("cat"));
  EXPECT_THAT(SlotsOn(calendar.name(), day_), IsEmpty());
  EXPECT_EQ(MemberOverlaps(), 0);
}

TEST_F(AvailabilityRulesTest, CollectiveNeedsEveryMember) {
  v1::Calendar spec = CalendarSpec("Panel interview", "UTC", 60);
  spec.set_calendar_type(v1::Calendar::COLLECTIVE);
  spec.add_team_members("ann");
  spec.add_team_members("ben");
  OnlyOn(spec, day_, 9 * 60, 12 * 60);
  const v1::Calendar calendar = Create(spec);
  std::vector<v1::Slot> slots = SlotsOn(calendar.name(), day_);
  ASSERT_EQ(slots.size(), 3u);
  for (const v1::Slot& slot : slots) {
    EXPECT_THAT(Members(slot), ElementsAre("ann", "ben"));
  }
  v1::Calendar ben_spec = CalendarSpec("Ben's own", "UTC", 60);
  ben_spec.add_team_members("ben");
  OnlyOn(ben_spec, day_, 9 * 60, 12 * 60);
  const v1::Calendar ben = Create(ben_spec);
  Book(ben.name(), T(9));
  EXPECT_THAT(Starts(SlotsOn(calendar.name(), day_)),
              ElementsAre(T(10), T(11)));
  v1::Booking booking;
  EXPECT_PRECONDITION(TryBook(calendar.name(), T(9), &booking),
                      "SLOT_UNAVAILABLE");
  EXPECT_THAT(Members(Book(calendar.name(), T(10))), ElementsAre("ann", "ben"));
  // Both attend: each is busy at 10:00 everywhere.
  EXPECT_PRECONDITION(TryBook(ben.name(), T(10), &booking), "SLOT_UNAVAILABLE");
  v1::Calendar ann_spec = CalendarSpec("Ann's own", "UTC", 60);
  ann_spec.add_team_members("ann");
  OnlyOn(ann_spec, day_, 9 * 60, 12 * 60);
  const v1::Calendar ann = Create(ann_spec);
  EXPECT_THAT(Starts(SlotsOn(ann.name(), day_)), ElementsAre(T(9), T(11)));
  EXPECT_EQ(MemberBookingRows("ann"), 1);
  EXPECT_EQ(MemberBookingRows("ben"), 2);
  EXPECT_EQ(MemberOverlaps(), 0);
}

TEST_F(AvailabilityRulesTest, ServiceOffersEachAllowedDuration) {
  v1::Calendar spec = CalendarSpec("Massage");
  spec.set_calendar_type(v1::Calendar::SERVICE);
  *spec.add_allowed_durations() = Minutes(60);
  *spec.mutable_slot_interval() = Minutes(30);
  OnlyOn(spec, day_, 9 * 60, 11 * 60);
  const v1::Calendar calendar = Create(spec);
  std::vector<v1::Slot> slots = SlotsOn(calendar.name(), day_);
  EXPECT_THAT(Starts(slots), ElementsAre(T(9), T(9, 30), T(10), T(10, 30)));
  EXPECT_EQ(FromTs(slots[0].end_time()), T(9, 30));
  slots = SlotsOn(calendar.name(), day_, 60);
  EXPECT_THAT(Starts(slots), ElementsAre(T(9), T(9, 30), T(10)));
  EXPECT_EQ(FromTs(slots[0].end_time()), T(10));
  v1::ListFreeSlotsResponse response;
  EXPECT_INVALID_FIELD(
      TryListSlots(calendar.name(), T(0), T(24), &response, "", 45),
      "duration");

  const v1::Booking hour = Book(calendar.name(), T(9, 30), 1, "", 60);
  EXPECT_EQ(FromTs(hour.end_time()), T(10, 30));
  EXPECT_THAT(Starts(SlotsOn(calendar.name(), day_)),
              ElementsAre(T(9), T(10, 30)));
  EXPECT_THAT(SlotsOn(calendar.name(), day_, 60), IsEmpty());
  v1::Booking booking;
  EXPECT_PRECONDITION(TryBook(calendar.name(), T(10), &booking, 2),
                      "SLOT_UNAVAILABLE");
  // The default is `duration`.
  const v1::Booking half = Book(calendar.name(), T(9), 3);
  EXPECT_EQ(FromTs(half.end_time()), T(9, 30));
}

}  // namespace
}  // namespace scheduling::testing
