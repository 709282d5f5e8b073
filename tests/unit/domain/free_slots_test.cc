// Free slots and booking decisions: each availability rule alone, each
// calendar type, DecideBooking's errors, and agreement between
// ComputeFreeSlots, DecideBooking and a literal reading of the rules.
#include <algorithm>
#include <map>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/calendar.h"
#include "server/domain/errors.h"
#include "server/domain/one_time_link.h"
#include "server/domain/slots.h"

namespace scheduling::domain {

// Lets failed expectations print intervals as instants rather than bytes.
// Static, so that another test file may define its own.
static void PrintTo(const TimeInterval& interval, std::ostream* os) {
  *os << "[" << absl::FormatTime(interval.start, absl::UTCTimeZone()) << ", "
      << absl::FormatTime(interval.end, absl::UTCTimeZone()) << ")";
}

namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr int64_t kCalendarPk = 7;
constexpr int64_t kOtherCalendarPk = 8;
constexpr char kSlotUnavailableMessage[] =
    "This time slot is no longer available. Please choose another one.";

absl::TimeZone Zone(const std::string& name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(name, &zone)) << name;
  return zone;
}

const absl::TimeZone& NewYork() {
  static const absl::TimeZone* const zone =
      new absl::TimeZone(Zone("America/New_York"));
  return *zone;
}

// The instant a wall-clock time in New York unambiguously names.
absl::Time Ny(int month, int day, int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(2026, month, day, hour, minute),
                         NewYork());
}

// Monday 2026-01-05 in New York, where most tests take place.
absl::Time Monday(int hour, int minute) { return Ny(1, 5, hour, minute); }

// Long before every slot, so that notice and horizon play no part.
constexpr absl::Time kLongBefore =
    absl::FromUnixSeconds(1735689600);  // 2025-01-01

TimeInterval Interval(absl::Time start, absl::Duration length) {
  return TimeInterval{start, start + length};
}

TimeInterval Day(absl::TimeZone zone, absl::CivilDay day) {
  return TimeInterval{absl::FromCivil(day, zone),
                      absl::FromCivil(day + 1, zone)};
}

TimeInterval MondayRange() {
  return Day(NewYork(), absl::CivilDay(2026, 1, 5));
}

// 09:00-17:00 on weekdays in New York, 30-minute slots.
AvailabilityRules NineToFive() {
  AvailabilityRules rules;
  rules.zone = NewYork();
  rules.duration = absl::Minutes(30);
  for (absl::Weekday weekday :
       {absl::Weekday::monday, absl::Weekday::tuesday, absl::Weekday::wednesday,
        absl::Weekday::thursday, absl::Weekday::friday}) {
    rules.weekly_hours.push_back(OpenInterval{weekday, 9 * 60, 17 * 60});
  }
  return rules;
}

// 09:00-12:00 on Mondays in New York, 30-minute slots.
AvailabilityRules MondayMorning() {
  AvailabilityRules rules;
  rules.zone = NewYork();
  rules.duration = absl::Minutes(30);
  rules.weekly_hours = {{absl::Weekday::monday, 9 * 60, 12 * 60}};
  return rules;
}

Calendar MakeCalendar(CalendarType type, std::vector<std::string> members,
                      AvailabilityRules rules) {
  Calendar calendar;
  calendar.pk = kCalendarPk;
  calendar.calendar_id = "cal";
  calendar.type = type;
  calendar.members = std::move(members);
  calendar.rules = std::move(rules);
  return calendar;
}

CalendarBooking Booked(TimeInterval slot,
                       std::vector<std::string> members = {}) {
  return CalendarBooking{slot, slot, std::move(members)};
}

MemberBusy Busy(const std::string& member, TimeInterval blocked,
                int64_t calendar_pk = kOtherCalendarPk) {
  return MemberBusy{member, blocked, calendar_pk, blocked.start};
}

// Wall-clock starts in New York, "HH:MM", for tests within one date.
std::vector<std::string> Clock(const std::vector<FreeSlot>& free) {
  std::vector<std::string> clock;
  for (const FreeSlot& slot : free) {
    clock.push_back(absl::FormatTime("%H:%M", slot.slot.start, NewYork()));
  }
  return clock;
}

std::vector<std::string> Clock(const Calendar& calendar,
                               const BookingContext& context,
                               absl::Time now = kLongBefore) {
  return Clock(ComputeFreeSlots(calendar, calendar.rules.duration,
                                MondayRange(), now, context));
}

std::vector<std::string> Local(const std::vector<FreeSlot>& free,
                               absl::TimeZone zone) {
  std::vector<std::string> local;
  for (const FreeSlot& slot : free) {
    local.push_back(FormatLocalTime(slot.slot.start, zone));
  }
  return local;
}

std::map<absl::CivilDay, int> FreePerLocalDay(const std::vector<FreeSlot>& free,
                                              absl::TimeZone zone) {
  std::map<absl::CivilDay, int> counts;
  for (const FreeSlot& slot : free) {
    ++counts[absl::ToCivilDay(slot.slot.start, zone)];
  }
  return counts;
}

const FreeSlot* FindFree(const std::vector<FreeSlot>& free, absl::Time start) {
  for (const FreeSlot& slot : free) {
    if (slot.slot.start == start) return &slot;
  }
  return nullptr;
}

// The description of the single start_time violation, or why not.
std::string StartTimeViolation(const absl::Status& status) {
  if (!absl::IsInvalidArgument(status)) return status.ToString();
  const std::vector<FieldViolation> violations = FieldViolations(status);
  if (violations.size() != 1 || violations[0].field != "start_time") {
    return status.ToString();
  }
  return violations[0].description;
}

bool IsSlotUnavailable(const absl::Status& status) {
  return absl::IsFailedPrecondition(status) &&
         ErrorReason(status) == kReasonSlotUnavailable &&
         status.message() == kSlotUnavailableMessage;
}

TEST(AvailabilityRulesTest, SlotIntervalShorterThanDurationOverlapsSlots) {
  AvailabilityRules rules = MondayMorning();
  rules.weekly_hours = {{absl::Weekday::monday, 9 * 60, 10 * 60}};
  rules.slot_interval = absl::Minutes(15);
  const Calendar calendar = MakeCalendar(CalendarType::kEvent, {}, rules);

  // 09:45 would end at 10:15, past the open hours.
  const std::vector<FreeSlot> free = ComputeFreeSlots(
      calendar, absl::Minutes(30), MondayRange(), kLongBefore, {});
  EXPECT_THAT(Clock(free), ElementsAre("09:00", "09:15", "09:30"));
  EXPECT_EQ(free[1].slot, Interval(Monday(9, 15), absl::Minutes(30)));
}

TEST(AvailabilityRulesTest, OverlappingSlotsBlockEachOtherOnceBooked) {
  AvailabilityRules rules = MondayMorning();
  rules.weekly_hours = {{absl::Weekday::monday, 9 * 60, 10 * 60}};
  rules.slot_interval = absl::Minutes(15);
  const Calendar calendar = MakeCalendar(CalendarType::kEvent, {}, rules);

  BookingContext context;
  context.calendar_bookings = {
      Booked(Interval(Monday(9, 15), absl::Minutes(30)))};
  EXPECT_THAT(Clock(calendar, context), IsEmpty());
}

TEST(AvailabilityRulesTest, SlotIntervalLongerThanDurationLeavesGaps) {
  AvailabilityRules rules = MondayMorning();
  rules.slot_interval = absl::Hours(1);
  EXPECT_THAT(Clock(MakeCalendar(CalendarType::kEvent, {}, rules), {}),
              ElementsAre("09:00", "10:00", "11:00"));
}

TEST(AvailabilityRulesTest, DateOverrideClosesItsWeekday) {
  AvailabilityRules rules = NineToFive();
  rules.date_overrides = {DateOverride{absl::CivilDay(2026, 1, 5), {}}};
  const Calendar calendar = MakeCalendar(CalendarType::kEvent, {}, rules);

  const std::vector<FreeSlot> free = ComputeFreeSlots(
      calendar, rules.duration, TimeInterval{Monday(0, 0), Ny(1, 7, 0, 0)},
      kLongBefore, {});
  const std::map<absl::CivilDay, int> expected = {
      {absl::CivilDay(2026, 1, 6), 16}};
  EXPECT_EQ(FreePerLocalDay(free, NewYork()), expected);
}

TEST(AvailabilityRulesTest, DateOverrideOpensAWeekendDate) {
  AvailabilityRules rules = NineToFive();
  rules.date_overrides = {
      DateOverride{absl::CivilDay(2026, 1, 10), {{10 * 60, 11 * 60}}}};
  const Calendar calendar = MakeCalendar(CalendarType::kEvent, {}, rules);

  // Saturday the 10th opens; Sunday the 11th stays closed.
  const std::vector<FreeSlot> free = ComputeFreeSlots(
      calendar, rules.duration, TimeInterval{Ny(1, 10, 0, 0), Ny(1, 12, 0, 0)},
      kLongBefore, {});
  EXPECT_THAT(Local(free, NewYork()), ElementsAre("2026-01-10T10:00:00-05:00",
                                                  "2026-01-10T10:30:00-05:00"));
}

TEST(AvailabilityRulesTest, DateOverrideReplacesRatherThanAddsToWeeklyHours) {
  AvailabilityRules rules = MondayMorning();
  rules.date_overrides = {DateOverride{absl::CivilDay(2026, 1, 5),
                                       {{14 * 60, 15 * 60}, {8 * 60, 9 * 60}}}};
  EXPECT_THAT(Clock(MakeCalendar(CalendarType::kEvent, {}, rules), {}),
              ElementsAre("08:00", "08:30", "14:00", "14:30"));
}

TEST(AvailabilityRulesTest, BufferBeforeKeepsSlotsAfterABookingFree) {
  AvailabilityRules rules = MondayMorning();
  rules.buffer_before = absl::Minutes(15);
  BookingContext context;
  context.calendar_bookings = {
      Booked(Interval(Monday(10, 0), absl::Minutes(30)))};

  // 10:30 needs 10:15-10:30 clear; 09:30's buffer ends as it starts, at
  // 09:15, and its slot ends exactly when the booking starts.
  EXPECT_THAT(Clock(MakeCalendar(CalendarType::kEvent, {}, rules), context),
              ElementsAre("09:00", "09:30", "11:00", "11:30"));
}

TEST(AvailabilityRulesTest, BufferAfterKeepsSlotsBeforeABookingFree) {
  AvailabilityRules rules = MondayMorning();
  rules.buffer_after = absl::Minutes(15);
  BookingContext context;
  context.calendar_bookings = {
      Booked(Interval(Monday(10, 0), absl::Minutes(30)))};

  // 09:30 would run with its buffer to 10:15; 10:30 starts exactly when
  // the booking ends.
  EXPECT_THAT(Clock(MakeCalendar(CalendarType::kEvent, {}, rules), context),
              ElementsAre("09:00", "10:30", "11:00", "11:30"));
}

TEST(AvailabilityRulesTest, BufferEndingExactlyAtABookingDoesNotBlock) {
  AvailabilityRules rules = MondayMorning();
  rules.buffer_before = absl::Minutes(30);
  rules.buffer_after = absl::Minutes(30);
  BookingContext context;
  context.calendar_bookings = {
      Booked(Interval(Monday(10, 0), absl::Minutes(30)))};

  // 09:00 blocks until 10:00 and 11:00 from 10:30: both just touch it.
  EXPECT_THAT(Clock(MakeCalendar(CalendarType::kEvent, {}, rules), context),
              ElementsAre("09:00", "11:00", "11:30"));
}

TEST(AvailabilityRulesTest, ExistingBookingsBlockWithTheirOwnBuffers) {
  BookingContext context;
  // Booked when the calendar had 15-minute buffers.
  context.calendar_bookings = {
      CalendarBooking{Interval(Monday(10, 0), absl::Minutes(30)),
                      TimeInterval{Monday(9, 45), Monday(10, 45)},
                      {}}};
  EXPECT_THAT(
      Clock(MakeCalendar(CalendarType::kEvent, {}, MondayMorning()), context),
      ElementsAre("09:00", "11:00", "11:30"));
}

TEST(AvailabilityRulesTest, MinimumNoticeHidesSlotsStartingTooSoon) {
  AvailabilityRules rules = MondayMorning();
  rules.minimum_notice = absl::Hours(1);
  const Calendar calendar = MakeCalendar(CalendarType::kEvent, {}, rules);

  EXPECT_THAT(Clock(calendar, {}, Monday(9, 10)),
              ElementsAre("10:30", "11:00", "11:30"));
  // A slot exactly the notice away is still free.
  EXPECT_THAT(Clock(calendar, {}, Monday(9, 0)),
              ElementsAre("10:00", "10:30", "11:00", "11:30"));
}

TEST(AvailabilityRulesTest, HorizonHidesSlotsStartingTooFarAhead) {
  AvailabilityRules rules = NineToFive();
  rules.booking_horizon_days = 2;
  const Calendar calendar = MakeCalendar(CalendarType::kEvent, {}, rules);

  // At Monday 10:00, the horizon ends Wednesday 10:00, excluded.
  const std::vector<FreeSlot> free = ComputeFreeSlots(
      calendar, rules.duration, TimeInterval{Monday(0, 0), Ny(1, 10, 0, 0)},
      Monday(10, 0), {});
  ASSERT_FALSE(free.empty());
  EXPECT_EQ(free.front().slot.start, Monday(10, 0));
  EXPECT_EQ(free.back().slot.start, Ny(1, 7, 9, 30));
  EXPECT_EQ(free.size(), 14u + 16u + 2u);
}

TEST(AvailabilityRulesTest, ZeroHorizonMeansNoLimit) {
  const Calendar calendar =
      MakeCalendar(CalendarType::kEvent, {}, NineToFive());
  EXPECT_EQ(ComputeFreeSlots(calendar, absl::Minutes(30),
                             Day(NewYork(), absl::CivilDay(2027, 1, 4)),
                             kLongBefore, {})
                .size(),
            16u);
}

TEST(AvailabilityRulesTest, DailyMaximumCountsBookingsOfTheSameLocalDate) {
  AvailabilityRules rules = NineToFive();
  rules.max_bookings_per_day = 2;
  const Calendar calendar = MakeCalendar(CalendarType::kEvent, {}, rules);
  BookingContext context;
  // Monday has two bookings; Tuesday one, plus one late on Monday evening
  // in New York that is already Tuesday in UTC.
  context.calendar_bookings = {
      Booked(Interval(Monday(9, 0), absl::Minutes(30))),
      Booked(Interval(Monday(16, 30), absl::Minutes(30))),
      Booked(Interval(Ny(1, 6, 9, 0), absl::Minutes(30))),
      Booked(Interval(Monday(21, 0), absl::Minutes(30))),
  };

  const std::vector<FreeSlot> free = ComputeFreeSlots(
      calendar, rules.duration, TimeInterval{Monday(0, 0), Ny(1, 8, 0, 0)},
      kLongBefore, context);
  // Monday has three, so it is full; Tuesday has one, so it stays open
  // (but for the booked 09:00).
  const std::map<absl::CivilDay, int> expected = {
      {absl::CivilDay(2026, 1, 6), 15}, {absl::CivilDay(2026, 1, 7), 16}};
  EXPECT_EQ(FreePerLocalDay(free, NewYork()), expected);
}

TEST(AvailabilityRulesTest, DailyMaximumFollowsLocalDatesAcrossDstChanges) {
  struct ZoneChanges {
    const char* name;
    absl::CivilDay spring;
    absl::CivilDay fall;
  };
  for (const ZoneChanges& changes :
       {ZoneChanges{"America/New_York", absl::CivilDay(2026, 3, 8),
                    absl::CivilDay(2026, 11, 1)},
        ZoneChanges{"Europe/London", absl::CivilDay(2026, 3, 29),
                    absl::CivilDay(2026, 10, 25)}}) {
    const absl::TimeZone zone = Zone(changes.name);
    for (absl::CivilDay change : {changes.spring, changes.fall}) {
      SCOPED_TRACE(
          absl::StrCat(changes.name, " ", absl::FormatCivilTime(change)));
      AvailabilityRules rules;
      rules.zone = zone;
      rules.duration = absl::Minutes(30);
      for (int i = 0; i < 7; ++i) {
        rules.weekly_hours.push_back(
            OpenInterval{absl::GetWeekday(change + i), 0, kMinutesPerDay});
      }
      rules.max_bookings_per_day = 1;
      const Calendar calendar = MakeCalendar(CalendarType::kEvent, {}, rules);
      // One booking in the last half hour of the 23- or 25-hour change
      // date fills that date alone, not the next one 30 minutes later.
      BookingContext context;
      context.calendar_bookings = {Booked(
          Interval(absl::FromCivil(
                       absl::CivilMinute(change) + (kMinutesPerDay - 30), zone),
                   absl::Minutes(30)))};

      const std::vector<FreeSlot> free =
          ComputeFreeSlots(calendar, rules.duration,
                           TimeInterval{absl::FromCivil(change - 1, zone),
                                        absl::FromCivil(change + 2, zone)},
                           kLongBefore, context);
      const std::map<absl::CivilDay, int> expected = {{change - 1, 48},
                                                      {change + 1, 48}};
      EXPECT_EQ(FreePerLocalDay(free, zone), expected);
    }
  }
}

TEST(BookingLimitsTest, WeeklyMaximumCountsTheLocalWeekFromMondayToSunday) {
  AvailabilityRules rules = NineToFive();
  rules.max_bookings_per_week = 3;
  const Calendar calendar = MakeCalendar(CalendarType::kEvent, {}, rules);
  BookingContext context;
  // Three in the week of Monday 2026-01-05; the Sunday before belongs to
  // the previous week, the Monday after to the next one.
  context.calendar_bookings = {
      Booked(Interval(Ny(1, 4, 12, 0), absl::Minutes(30))),
      Booked(Interval(Monday(9, 0), absl::Minutes(30))),
      Booked(Interval(Ny(1, 7, 9, 0), absl::Minutes(30))),
      Booked(Interval(Ny(1, 9, 16, 30), absl::Minutes(30))),
      Booked(Interval(Ny(1, 12, 9, 0), absl::Minutes(30))),
  };
  const std::vector<FreeSlot> free = ComputeFreeSlots(
      calendar, rules.duration, TimeInterval{Ny(1, 5, 0, 0), Ny(1, 14, 0, 0)},
      kLongBefore, context);
  const std::map<absl::CivilDay, int> expected = {
      {absl::CivilDay(2026, 1, 12), 15}, {absl::CivilDay(2026, 1, 13), 16}};
  EXPECT_EQ(FreePerLocalDay(free, NewYork()), expected);
  EXPECT_TRUE(
      IsSlotUnavailable(DecideBooking(calendar, rules.duration, Ny(1, 8, 10, 0),
                                      kLongBefore, context)
                            .status()));
  EXPECT_TRUE(DecideBooking(calendar, rules.duration, Ny(1, 13, 10, 0),
                            kLongBefore, context)
                  .ok());
}

TEST(BookingLimitsTest, MonthlyMaximumCountsTheLocalCalendarMonth) {
  AvailabilityRules rules = NineToFive();
  rules.max_bookings_per_month = 2;
  const Calendar calendar = MakeCalendar(CalendarType::kEvent, {}, rules);
  BookingContext context;
  // January 2 and January 31 at 23:30 in New York (already February in
  // UTC) fill January; February has one.
  context.calendar_bookings = {
      Booked(Interval(Ny(1, 2, 9, 0), absl::Minutes(30))),
      Booked(Interval(Ny(1, 31, 23, 30), absl::Minutes(30))),
      Booked(Interval(Ny(2, 3, 9, 0), absl::Minutes(30))),
  };
  const std::vector<FreeSlot> free = ComputeFreeSlots(
      calendar, rules.duration, TimeInterval{Ny(1, 29, 0, 0), Ny(2, 4, 0, 0)},
      kLongBefore, context);
  // Thursday and Friday of January are full; Monday and Tuesday of
  // February open (but for the booked slot, taken by the one-host rule).
  const std::map<absl::CivilDay, int> expected = {
      {absl::CivilDay(2026, 2, 2), 16}, {absl::CivilDay(2026, 2, 3), 15}};
  EXPECT_EQ(FreePerLocalDay(free, NewYork()), expected);
}

TEST(BookingLimitsTest, MemberAtItsDailyLimitIsBusyForThatDateOnly) {
  Calendar calendar =
      MakeCalendar(CalendarType::kRoundRobin, {"ann", "bob"}, NineToFive());
  calendar.member_settings = {{"ann", {1, 0, 0}}};
  BookingContext context;
  // Ann's one booking of Monday is on another calendar of the location.
  context.member_busy = {
      Busy("ann", Interval(Monday(7, 0), absl::Minutes(30)))};
  const std::vector<FreeSlot> free = ComputeFreeSlots(
      calendar, absl::Minutes(30), TimeInterval{Monday(0, 0), Ny(1, 7, 0, 0)},
      kLongBefore, context);
  ASSERT_EQ(free.size(), 32u);
  EXPECT_THAT(free[0].free_members.Names(calendar.members), ElementsAre("bob"));
  EXPECT_THAT(free[16].free_members.Names(calendar.members),
              ElementsAre("ann", "bob"));
  const absl::StatusOr<BookingDecision> decision = DecideBooking(
      calendar, absl::Minutes(30), Monday(10, 0), kLongBefore, context);
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_THAT(decision->members, ElementsAre("bob"));
}

TEST(BookingLimitsTest, HostAtItsWeeklyLimitTakesNoBookingOfThatWeek) {
  for (CalendarType type : {CalendarType::kEvent, CalendarType::kCollective}) {
    SCOPED_TRACE(static_cast<int>(type));
    Calendar calendar = MakeCalendar(
        type,
        type == CalendarType::kEvent ? std::vector<std::string>{"ann"}
                                     : std::vector<std::string>{"ann", "bob"},
        NineToFive());
    calendar.member_settings = {{"ann", {0, 2, 0}}};
    BookingContext context;
    // Two of Ann's bookings in the week, one here and one elsewhere.
    context.member_busy = {
        Busy("ann", Interval(Ny(1, 6, 9, 0), absl::Minutes(30)), kCalendarPk),
        Busy("ann", Interval(Ny(1, 10, 9, 0), absl::Minutes(30)))};
    EXPECT_THAT(Clock(calendar, context), IsEmpty());
    EXPECT_TRUE(
        IsSlotUnavailable(DecideBooking(calendar, absl::Minutes(30),
                                        Monday(11, 0), kLongBefore, context)
                              .status()));
    // The next week is open.
    EXPECT_TRUE(DecideBooking(calendar, absl::Minutes(30), Ny(1, 12, 11, 0),
                              kLongBefore, context)
                    .ok());
  }
}

TEST(BookingLimitsTest, ContextMarginReachesAcrossTheLongestLimitedPeriod) {
  Calendar calendar =
      MakeCalendar(CalendarType::kRoundRobin, {"ann", "bob"}, MondayMorning());
  EXPECT_LT(ContextMargin(calendar, absl::Minutes(30)), absl::Hours(24 * 3));
  calendar.member_settings = {{"bob", {0, 5, 0}}};
  EXPECT_GE(ContextMargin(calendar, absl::Minutes(30)),
            absl::Hours(24 * 7 + 1));
  calendar.rules.max_bookings_per_month = 9;
  EXPECT_GE(ContextMargin(calendar, absl::Minutes(30)),
            absl::Hours(24 * 31 + 1));
}

TEST(AvailabilityRulesTest, BufferReachesAcrossTheSkippedHour) {
  AvailabilityRules rules;
  rules.zone = NewYork();
  rules.duration = absl::Minutes(30);
  rules.weekly_hours = {{absl::Weekday::sunday, 1 * 60, 4 * 60}};
  const Calendar plain = MakeCalendar(CalendarType::kEvent, {}, rules);
  rules.buffer_after = absl::Minutes(15);
  const Calendar buffered = MakeCalendar(CalendarType::kEvent, {}, rules);
  BookingContext context;
  // 03:00 EDT, right after the gap: 01:30 EST ends exactly then.
  context.calendar_bookings = {
      Booked(Interval(Ny(3, 8, 3, 0), absl::Minutes(30)))};
  const TimeInterval sunday = Day(NewYork(), absl::CivilDay(2026, 3, 8));

  EXPECT_THAT(
      Local(
          ComputeFreeSlots(plain, rules.duration, sunday, kLongBefore, context),
          NewYork()),
      ElementsAre("2026-03-08T01:00:00-05:00", "2026-03-08T01:30:00-05:00",
                  "2026-03-08T03:30:00-04:00"));
  EXPECT_THAT(
      Local(ComputeFreeSlots(buffered, rules.duration, sunday, kLongBefore,
                             context),
            NewYork()),
      ElementsAre("2026-03-08T01:00:00-05:00", "2026-03-08T03:30:00-04:00"));
}

TEST(AvailabilityRulesTest, BookingInFirstRepeatedHourLeavesTheSecondFree) {
  for (const auto& [name, date, first] :
       {std::tuple("America/New_York", absl::CivilDay(2026, 11, 1),
                   "2026-11-01T01:00:00-04:00"),
        std::tuple("Europe/London", absl::CivilDay(2026, 10, 25),
                   "2026-10-25T01:00:00+01:00")}) {
    SCOPED_TRACE(name);
    const absl::TimeZone zone = Zone(name);
    AvailabilityRules rules;
    rules.zone = zone;
    rules.duration = absl::Hours(1);
    rules.weekly_hours = {{absl::Weekday::sunday, 1 * 60, 2 * 60}};
    const Calendar calendar = MakeCalendar(CalendarType::kEvent, {}, rules);
    const TimeInterval day = Day(zone, date);

    const std::vector<FreeSlot> offered =
        ComputeFreeSlots(calendar, rules.duration, day, kLongBefore, {});
    ASSERT_EQ(offered.size(), 2u);
    EXPECT_EQ(FormatLocalTime(offered[0].slot.start, zone), first);
    BookingContext context;
    context.calendar_bookings = {Booked(offered[0].slot)};
    const std::vector<FreeSlot> free =
        ComputeFreeSlots(calendar, rules.duration, day, kLongBefore, context);
    ASSERT_EQ(free.size(), 1u);
    EXPECT_EQ(free[0].slot, offered[1].slot);
  }
}

TEST(AvailabilityRulesTest, RangeStartsAreHonouredRegardlessOfNotice) {
  const Calendar calendar =
      MakeCalendar(CalendarType::kEvent, {}, MondayMorning());
  EXPECT_THAT(ComputeFreeSlots(calendar, absl::Minutes(30),
                               TimeInterval{Monday(10, 0), Monday(10, 0)},
                               kLongBefore, {}),
              IsEmpty());
  EXPECT_THAT(ComputeFreeSlots(calendar, absl::Minutes(30),
                               TimeInterval{Monday(11, 0), Monday(10, 0)},
                               kLongBefore, {}),
              IsEmpty());
  EXPECT_THAT(ComputeFreeSlots(calendar, absl::ZeroDuration(), MondayRange(),
                               kLongBefore, {}),
              IsEmpty());
}

TEST(AvailabilityRulesTest, CalendarTakingNoBookingsHasNoFreeSlots) {
  Calendar inactive = MakeCalendar(CalendarType::kEvent, {}, MondayMorning());
  inactive.status = CalendarStatus::kInactive;
  Calendar deleted = MakeCalendar(CalendarType::kEvent, {}, MondayMorning());
  deleted.deleted = true;
  Calendar disabled_group =
      MakeCalendar(CalendarType::kEvent, {}, MondayMorning());
  disabled_group.group_enabled = false;
  for (const Calendar& calendar : {inactive, deleted, disabled_group}) {
    EXPECT_THAT(Clock(calendar, {}), IsEmpty());
  }
}

TEST(AvailabilityRulesTest, ContextMarginCoversBuffersSlotAndALongLocalDate) {
  AvailabilityRules rules = MondayMorning();
  rules.buffer_before = absl::Minutes(10);
  rules.buffer_after = absl::Minutes(20);
  EXPECT_GE(ContextMargin(MakeCalendar(CalendarType::kEvent, {}, rules),
                          absl::Hours(2)),
            absl::Hours(2) + absl::Minutes(30) + absl::Hours(25));
}

TEST(MemberSetTest, HoldsAnyIndexAndNamesMembersInOrder) {
  std::vector<std::string> members;
  for (int i = 0; i < 200; ++i) members.push_back(absl::StrCat("m", i));
  MemberSet set;
  EXPECT_TRUE(set.empty());
  for (size_t index : {199, 0, 64, 63, 128}) set.Insert(index);
  EXPECT_FALSE(set.empty());
  for (size_t index = 0; index < 260; ++index) {
    const bool in = index == 0 || index == 63 || index == 64 || index == 128 ||
                    index == 199;
    EXPECT_EQ(set.Contains(index), in) << index;
  }
  EXPECT_THAT(set.Names(members),
              ElementsAre("m0", "m63", "m64", "m128", "m199"));
}

TEST(MemberSetTest, SetsOfTheSameMembersAreEqual) {
  MemberSet a;
  MemberSet b;
  EXPECT_EQ(a, b);
  a.Insert(70);
  EXPECT_NE(a, b);
  b.Insert(70);
  b.Insert(70);
  EXPECT_EQ(a, b);
  a.Insert(1);
  EXPECT_NE(a, b);
  b.Insert(1);
  EXPECT_EQ(a, b);
}

TEST(EventTest, HostlessEventIgnoresMembersBusyTime) {
  BookingContext context;
  context.member_busy = {Busy("ann", Interval(Monday(9, 0), absl::Hours(3)))};
  const std::vector<FreeSlot> free =
      ComputeFreeSlots(MakeCalendar(CalendarType::kEvent, {}, MondayMorning()),
                       absl::Minutes(30), MondayRange(), kLongBefore, context);
  ASSERT_EQ(free.size(), 6u);
  EXPECT_EQ(free[0].remaining_seats, 1);
  EXPECT_TRUE(free[0].free_members.empty());
}

TEST(EventTest, HostBusyInAnotherCalendarBlocksTheSlot) {
  const Calendar calendar =
      MakeCalendar(CalendarType::kEvent, {"ann"}, MondayMorning());
  BookingContext context;
  context.member_busy = {
      Busy("ann", Interval(Monday(10, 0), absl::Minutes(30))),
      // Someone else's busy time is none of this calendar's business.
      Busy("bob", Interval(Monday(11, 0), absl::Minutes(30))),
  };

  const std::vector<FreeSlot> free = ComputeFreeSlots(
      calendar, absl::Minutes(30), MondayRange(), kLongBefore, context);
  EXPECT_THAT(Clock(free),
              ElementsAre("09:00", "09:30", "10:30", "11:00", "11:30"));
  EXPECT_THAT(free[0].free_members.Names(calendar.members), ElementsAre("ann"));
}

TEST(ServiceTest, OffersEachAllowedDurationOnTheSlotGrid) {
  Calendar calendar =
      MakeCalendar(CalendarType::kService, {"ann"}, MondayMorning());
  calendar.allowed_durations = {absl::Minutes(30), absl::Hours(1)};

  const absl::StatusOr<absl::Duration> hour =
      ChooseDuration(calendar, absl::Hours(1));
  ASSERT_TRUE(hour.ok()) << hour.status();
  const std::vector<FreeSlot> free =
      ComputeFreeSlots(calendar, *hour, MondayRange(), kLongBefore, {});
  EXPECT_THAT(Clock(free),
              ElementsAre("09:00", "09:30", "10:00", "10:30", "11:00"));
  EXPECT_EQ(free[0].slot, Interval(Monday(9, 0), absl::Hours(1)));
}

TEST(ServiceTest, LongerBookingBlocksEveryShorterSlotItCovers) {
  Calendar calendar =
      MakeCalendar(CalendarType::kService, {"ann"}, MondayMorning());
  calendar.allowed_durations = {absl::Minutes(30), absl::Hours(1)};
  BookingContext context;
  context.calendar_bookings = {Booked(Interval(Monday(10, 0), absl::Hours(1)))};

  EXPECT_THAT(Clock(calendar, context),
              ElementsAre("09:00", "09:30", "11:00", "11:30"));
}

TEST(ChooseDurationTest, DefaultsToTheCalendarsDuration) {
  const Calendar calendar =
      MakeCalendar(CalendarType::kEvent, {}, MondayMorning());
  EXPECT_EQ(ChooseDuration(calendar, std::nullopt).value_or(absl::Hours(9)),
            absl::Minutes(30));
  EXPECT_EQ(
      ChooseDuration(calendar, absl::Minutes(30)).value_or(absl::Hours(9)),
      absl::Minutes(30));
}

TEST(ChooseDurationTest, ServiceAcceptsOnlyItsAllowedDurations) {
  Calendar calendar = MakeCalendar(CalendarType::kService, {}, MondayMorning());
  calendar.allowed_durations = {absl::Hours(1), absl::Minutes(30)};
  EXPECT_EQ(ChooseDuration(calendar, absl::Hours(1)).value_or(absl::Hours(9)),
            absl::Hours(1));

  const absl::Status status =
      ChooseDuration(calendar, absl::Minutes(45)).status();
  EXPECT_THAT(
      FieldViolations(status),
      ElementsAre(FieldViolation{"duration", "must be one of 30m, 1h"}));
}

TEST(ChooseDurationTest, OtherTypesAcceptOnlyTheCalendarsDuration) {
  const Calendar calendar =
      MakeCalendar(CalendarType::kRoundRobin, {"ann"}, MondayMorning());
  EXPECT_THAT(
      FieldViolations(ChooseDuration(calendar, absl::Hours(1)).status()),
      ElementsAre(FieldViolation{"duration",
                                 "must be the calendar's duration of 30m"}));
}

TEST(ChooseDurationTest, RejectsNonPositiveDurations) {
  Calendar calendar = MakeCalendar(CalendarType::kService, {}, MondayMorning());
  for (absl::Duration requested : {absl::ZeroDuration(), -absl::Minutes(30)}) {
    EXPECT_THAT(FieldViolations(ChooseDuration(calendar, requested).status()),
                ElementsAre(FieldViolation{"duration", "must be positive"}));
  }
}

TEST(RoundRobinTest, SlotIsFreeWhileAnyMemberIsAndListsThem) {
  const Calendar calendar = MakeCalendar(
      CalendarType::kRoundRobin, {"ann", "bob", "cat"}, MondayMorning());
  BookingContext context;
  context.member_busy = {
      Busy("ann", Interval(Monday(9, 0), absl::Minutes(30))),
      Busy("bob", Interval(Monday(9, 0), absl::Hours(1))),
      Busy("cat", Interval(Monday(9, 30), absl::Minutes(30))),
      Busy("ann", Interval(Monday(10, 0), absl::Minutes(30))),
      Busy("bob", Interval(Monday(10, 0), absl::Minutes(30))),
      Busy("cat", Interval(Monday(10, 0), absl::Minutes(30))),
  };

  const std::vector<FreeSlot> free = ComputeFreeSlots(
      calendar, absl::Minutes(30), MondayRange(), kLongBefore, context);
  EXPECT_THAT(Clock(free),
              ElementsAre("09:00", "09:30", "10:30", "11:00", "11:30"));
  EXPECT_THAT(free[0].free_members.Names(calendar.members), ElementsAre("cat"));
  EXPECT_THAT(free[1].free_members.Names(calendar.members), ElementsAre("ann"));
  EXPECT_THAT(free[2].free_members.Names(calendar.members),
              ElementsAre("ann", "bob", "cat"));
  EXPECT_EQ(free[0].remaining_seats, 1);
}

TEST(RoundRobinTest, CalendarBookingsBlockOnlyThroughTheirMembers) {
  const Calendar calendar =
      MakeCalendar(CalendarType::kRoundRobin, {"ann", "bob"}, MondayMorning());
  BookingContext context;
  context.calendar_bookings = {
      Booked(Interval(Monday(9, 0), absl::Minutes(30)), {"ann"})};
  context.member_busy = {
      Busy("ann", Interval(Monday(9, 0), absl::Minutes(30)), kCalendarPk)};

  const std::vector<FreeSlot> free = ComputeFreeSlots(
      calendar, absl::Minutes(30), MondayRange(), kLongBefore, context);
  ASSERT_EQ(free.size(), 6u);
  EXPECT_THAT(free[0].free_members.Names(calendar.members), ElementsAre("bob"));
}

TEST(RoundRobinTest, ListsFreeMembersOfATeamLargerThanAWord) {
  std::vector<std::string> members;
  for (int i = 0; i < 130; ++i) members.push_back(absl::StrCat("m", i));
  const Calendar calendar =
      MakeCalendar(CalendarType::kRoundRobin, members, MondayMorning());
  BookingContext context;
  // At 09:00 all but three are busy: one below 64, two above.
  for (int i = 0; i < 130; ++i) {
    if (i == 3 || i == 64 || i == 129) continue;
    context.member_busy.push_back(
        Busy(members[i], Interval(Monday(9, 0), absl::Minutes(30))));
  }

  const std::vector<FreeSlot> free = ComputeFreeSlots(
      calendar, absl::Minutes(30), MondayRange(), kLongBefore, context);
  ASSERT_EQ(free.size(), 6u);
  EXPECT_THAT(free[0].free_members.Names(calendar.members),
              ElementsAre("m3", "m64", "m129"));
  EXPECT_EQ(free[1].free_members.Names(calendar.members), members);

  context.member_load["m3"] = MemberLoad{1, kLongBefore};
  context.member_load["m64"] = MemberLoad{1, kLongBefore};
  const absl::StatusOr<BookingDecision> decision = DecideBooking(
      calendar, absl::Minutes(30), Monday(9, 0), kLongBefore, context);
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_THAT(decision->members, ElementsAre("m129"));
}

TEST(RoundRobinTest, BusyTimeBlocksOnlyTheMemberWithThatExactId) {
  // Ids of every length class the engine compares differently, sharing
  // prefixes and suffixes.
  const std::vector<std::string> members = {
      "a",
      "ab",
      "abc",
      "abcd",
      "abcde",
      "abcdefg",
      "abcdefgh",
      "abcdefghi",
      "abcdefghijklmnop",
      "bcdefghi",
      "abcdefghijklmnopq",
      "abcdefghijklmnopqrstuvwxyz0123456789"};
  const Calendar calendar =
      MakeCalendar(CalendarType::kRoundRobin, members, MondayMorning());
  BookingContext context;
  // At 09:00, ids that differ from a member's in one byte, anywhere, or
  // lack its last byte, or have one more: none blocks anyone.
  std::vector<std::string> near_misses;
  for (const std::string& member : members) {
    for (size_t i = 0; i < member.size(); ++i) {
      for (char other : {'#', '\0'}) {
        std::string near_miss = member;
        near_miss[i] = other;
        near_misses.push_back(near_miss);
      }
    }
    near_misses.push_back(member.substr(0, member.size() - 1));
    near_misses.push_back(member + "z");
  }
  for (const std::string& near_miss : near_misses) {
    if (std::find(members.begin(), members.end(), near_miss) != members.end()) {
      continue;  // "abc" lacks the last byte of "abcd"
    }
    context.member_busy.push_back(
        Busy(near_miss, Interval(Monday(9, 0), absl::Minutes(30))));
  }
  // At 10:00, every other member exactly.
  std::vector<std::string> free_at_ten;
  for (size_t m = 0; m < members.size(); ++m) {
    if (m % 2 == 0) {
      context.member_busy.push_back(
          Busy(members[m], Interval(Monday(10, 0), absl::Minutes(30))));
    } else {
      free_at_ten.push_back(members[m]);
    }
  }

  const std::vector<FreeSlot> free = ComputeFreeSlots(
      calendar, absl::Minutes(30), MondayRange(), kLongBefore, context);
  ASSERT_EQ(free.size(), 6u);
  EXPECT_EQ(free[0].free_members.Names(calendar.members), members);
  EXPECT_EQ(free[2].free_members.Names(calendar.members), free_at_ten);
}

TEST(RoundRobinTest, WithoutMembersOffersNothing) {
  EXPECT_THAT(
      Clock(MakeCalendar(CalendarType::kRoundRobin, {}, MondayMorning()), {}),
      IsEmpty());
}

// Who DecideBooking assigns a round-robin booking at Monday 09:00 to.
std::vector<std::string> AssignedAtNine(
    const std::vector<std::string>& members,
    const std::map<std::string, MemberLoad>& loads,
    const std::vector<MemberBusy>& busy = {}) {
  BookingContext context;
  context.member_load = loads;
  context.member_busy = busy;
  const absl::StatusOr<BookingDecision> decision = DecideBooking(
      MakeCalendar(CalendarType::kRoundRobin, members, MondayMorning()),
      absl::Minutes(30), Monday(9, 0), kLongBefore, context);
  if (!decision.ok()) return {decision.status().ToString()};
  return decision->members;
}

TEST(RoundRobinTest, AssignsTheMemberWithFewestBookings) {
  EXPECT_THAT(
      AssignedAtNine({"ann", "bob", "cat"}, {{"ann", {3, Monday(8, 0)}},
                                             {"bob", {1, Monday(8, 30)}},
                                             {"cat", {2, Monday(7, 0)}}}),
      ElementsAre("bob"));
}

TEST(RoundRobinTest, BreaksTiesByLeastRecentlyBooked) {
  EXPECT_THAT(
      AssignedAtNine({"ann", "bob", "cat"}, {{"ann", {2, Monday(8, 0)}},
                                             {"bob", {2, Monday(7, 0)}},
                                             {"cat", {2, Monday(7, 30)}}}),
      ElementsAre("bob"));
}

TEST(RoundRobinTest, BreaksRemainingTiesByMemberOrder) {
  // Members never booked have no load entry at all.
  EXPECT_THAT(AssignedAtNine({"cat", "ann", "bob"}, {}), ElementsAre("cat"));
  EXPECT_THAT(AssignedAtNine({"ann", "bob"}, {{"ann", {1, Monday(8, 0)}},
                                              {"bob", {1, Monday(8, 0)}}}),
              ElementsAre("ann"));
}

TEST(RoundRobinTest, AssignsOnlyAFreeMember) {
  EXPECT_THAT(
      AssignedAtNine({"ann", "bob"}, {{"bob", {5, Monday(8, 0)}}},
                     {Busy("ann", Interval(Monday(9, 0), absl::Minutes(30)))}),
      ElementsAre("bob"));
}

TEST(RoundRobinTest, RotatesEvenlyOverManyBookings) {
  const std::vector<std::string> members = {"ann", "bob", "cat"};
  std::map<std::string, MemberLoad> loads;
  absl::Time now = Monday(8, 0);
  for (int i = 0; i < 9; ++i) {
    const std::vector<std::string> assigned = AssignedAtNine(members, loads);
    ASSERT_EQ(assigned.size(), 1u);
    EXPECT_EQ(assigned[0], members[static_cast<size_t>(i) % 3]);
    ++loads[assigned[0]].bookings;
    loads[assigned[0]].last_booked = now;
    now += absl::Minutes(1);
  }
}

TEST(CollectiveTest, OneBusyMemberMakesTheSlotTaken) {
  const Calendar calendar =
      MakeCalendar(CalendarType::kCollective, {"ann", "bob"}, MondayMorning());
  BookingContext context;
  context.member_busy = {
      Busy("bob", Interval(Monday(10, 0), absl::Minutes(30)))};

  const std::vector<FreeSlot> free = ComputeFreeSlots(
      calendar, absl::Minutes(30), MondayRange(), kLongBefore, context);
  EXPECT_THAT(Clock(free),
              ElementsAre("09:00", "09:30", "10:30", "11:00", "11:30"));
  EXPECT_THAT(free[0].free_members.Names(calendar.members),
              ElementsAre("ann", "bob"));

  const absl::StatusOr<BookingDecision> decision = DecideBooking(
      calendar, absl::Minutes(30), Monday(9, 0), kLongBefore, context);
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_THAT(decision->members, ElementsAre("ann", "bob"));
  EXPECT_TRUE(
      IsSlotUnavailable(DecideBooking(calendar, absl::Minutes(30),
                                      Monday(10, 0), kLongBefore, context)
                            .status()));
}

TEST(CollectiveTest, WithoutMembersOffersNothing) {
  EXPECT_THAT(
      Clock(MakeCalendar(CalendarType::kCollective, {}, MondayMorning()), {}),
      IsEmpty());
}

AvailabilityRules ClassRules(int seats) {
  AvailabilityRules rules = MondayMorning();
  rules.duration = absl::Hours(1);
  rules.seats_per_slot = seats;
  return rules;
}

TEST(ClassBookingTest, CountsRemainingSeatsPerSession) {
  const Calendar calendar =
      MakeCalendar(CalendarType::kClassBooking, {"ann"}, ClassRules(3));
  const TimeInterval ten = Interval(Monday(10, 0), absl::Hours(1));
  BookingContext context;
  context.calendar_bookings = {Booked(ten, {"ann"}), Booked(ten, {"ann"})};
  context.member_busy = {Busy("ann", ten, kCalendarPk),
                         Busy("ann", ten, kCalendarPk)};

  const std::vector<FreeSlot> free = ComputeFreeSlots(
      calendar, absl::Hours(1), MondayRange(), kLongBefore, context);
  EXPECT_THAT(Clock(free), ElementsAre("09:00", "10:00", "11:00"));
  EXPECT_EQ(free[0].remaining_seats, 3);
  EXPECT_EQ(free[1].remaining_seats, 1);
  EXPECT_THAT(free[1].free_members.Names(calendar.members), ElementsAre("ann"));
}

TEST(ClassBookingTest, FullSessionIsNotFree) {
  const Calendar calendar =
      MakeCalendar(CalendarType::kClassBooking, {}, ClassRules(2));
  const TimeInterval ten = Interval(Monday(10, 0), absl::Hours(1));
  BookingContext context;
  context.calendar_bookings = {Booked(ten), Booked(ten)};

  EXPECT_THAT(Clock(calendar, context), ElementsAre("09:00", "11:00"));
  EXPECT_TRUE(
      IsSlotUnavailable(DecideBooking(calendar, absl::Hours(1), Monday(10, 0),
                                      kLongBefore, context)
                            .status()));
}

TEST(ClassBookingTest, OverlappingSessionOfTheSameClassBlocks) {
  AvailabilityRules rules = ClassRules(5);
  rules.slot_interval = absl::Minutes(30);
  const Calendar calendar =
      MakeCalendar(CalendarType::kClassBooking, {}, rules);
  BookingContext context;
  context.calendar_bookings = {Booked(Interval(Monday(10, 0), absl::Hours(1)))};

  // 09:30 and 10:30 would overlap the 10:00 session, which keeps seats.
  const std::vector<FreeSlot> free = ComputeFreeSlots(
      calendar, absl::Hours(1), MondayRange(), kLongBefore, context);
  EXPECT_THAT(Clock(free), ElementsAre("09:00", "10:00", "11:00"));
  EXPECT_EQ(free[1].remaining_seats, 4);
}

TEST(ClassBookingTest, HostBusyElsewhereBlocksButOwnSessionDoesNot) {
  const Calendar calendar =
      MakeCalendar(CalendarType::kClassBooking, {"ann"}, ClassRules(3));
  BookingContext context;
  // Ann teaches the 10:00 session here and is booked at 11:00 elsewhere.
  context.calendar_bookings = {
      Booked(Interval(Monday(10, 0), absl::Hours(1)), {"ann"})};
  context.member_busy = {
      Busy("ann", Interval(Monday(10, 0), absl::Hours(1)), kCalendarPk),
      Busy("ann", Interval(Monday(11, 0), absl::Hours(1)), kOtherCalendarPk),
  };

  EXPECT_THAT(Clock(calendar, context), ElementsAre("09:00", "10:00"));
}

TEST(ClassBookingTest, HostBusyInAnotherCalendarsSessionAtTheSameTimeBlocks) {
  const Calendar calendar =
      MakeCalendar(CalendarType::kClassBooking, {"ann"}, ClassRules(3));
  BookingContext context;
  context.member_busy = {
      Busy("ann", Interval(Monday(10, 0), absl::Hours(1)), kOtherCalendarPk)};

  EXPECT_THAT(Clock(calendar, context), ElementsAre("09:00", "11:00"));
}

TEST(DecideBookingTest, DecidesSlotBlockedIntervalAndHost) {
  AvailabilityRules rules = MondayMorning();
  rules.buffer_before = absl::Minutes(5);
  rules.buffer_after = absl::Minutes(10);
  const absl::StatusOr<BookingDecision> decision =
      DecideBooking(MakeCalendar(CalendarType::kEvent, {"ann"}, rules),
                    absl::Minutes(30), Monday(10, 0), kLongBefore, {});
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_EQ(decision->slot, Interval(Monday(10, 0), absl::Minutes(30)));
  EXPECT_EQ(decision->blocked, (TimeInterval{Monday(9, 55), Monday(10, 40)}));
  EXPECT_THAT(decision->members, ElementsAre("ann"));
}

TEST(DecideBookingTest, CalendarTakingNoBookingsIsInactive) {
  Calendar calendar = MakeCalendar(CalendarType::kEvent, {}, MondayMorning());
  calendar.group_enabled = false;
  const absl::Status status =
      DecideBooking(calendar, absl::Minutes(30), Monday(10, 0), kLongBefore, {})
          .status();
  EXPECT_TRUE(absl::IsFailedPrecondition(status)) << status;
  EXPECT_EQ(ErrorReason(status), kReasonCalendarInactive);
  EXPECT_EQ(status.message(), "The calendar is not taking bookings.");
}

TEST(DecideBookingTest, StartOffTheGridIsInvalid) {
  const Calendar calendar =
      MakeCalendar(CalendarType::kEvent, {}, MondayMorning());
  for (absl::Time start : {Monday(10, 10), Monday(8, 30), Monday(12, 0),
                           Ny(1, 6, 10, 0), absl::InfiniteFuture()}) {
    EXPECT_EQ(StartTimeViolation(DecideBooking(calendar, absl::Minutes(30),
                                               start, kLongBefore, {})
                                     .status()),
              "is not the start of a slot of this calendar");
  }
}

TEST(DecideBookingTest, StartWithinTheNoticeIsInvalid) {
  AvailabilityRules rules = MondayMorning();
  rules.minimum_notice = absl::Hours(2);
  const Calendar calendar = MakeCalendar(CalendarType::kEvent, {}, rules);
  EXPECT_EQ(StartTimeViolation(DecideBooking(calendar, absl::Minutes(30),
                                             Monday(10, 30), Monday(9, 0), {})
                                   .status()),
            "is too soon: bookings need 2h notice");
  EXPECT_TRUE(DecideBooking(calendar, absl::Minutes(30), Monday(11, 0),
                            Monday(9, 0), {})
                  .ok());
}

TEST(DecideBookingTest, StartInThePastIsInvalid) {
  EXPECT_EQ(
      StartTimeViolation(
          DecideBooking(MakeCalendar(CalendarType::kEvent, {}, MondayMorning()),
                        absl::Minutes(30), Monday(10, 0), Monday(10, 1), {})
              .status()),
      "is in the past");
}

TEST(DecideBookingTest, StartBeyondTheHorizonIsInvalid) {
  AvailabilityRules rules = MondayMorning();
  rules.booking_horizon_days = 30;
  const Calendar calendar = MakeCalendar(CalendarType::kEvent, {}, rules);
  // 2026-02-09 09:00 EST is more than 30 days after 2026-01-05 09:00 EST;
  // 2026-02-02 is within.
  EXPECT_EQ(StartTimeViolation(DecideBooking(calendar, absl::Minutes(30),
                                             Ny(2, 9, 9, 0), Monday(9, 0), {})
                                   .status()),
            "is beyond the booking horizon of 30 days");
  EXPECT_TRUE(DecideBooking(calendar, absl::Minutes(30), Ny(2, 2, 9, 0),
                            Monday(9, 0), {})
                  .ok());
}

TEST(DecideBookingTest, NonPositiveDurationIsInvalid) {
  const absl::Status status =
      DecideBooking(MakeCalendar(CalendarType::kEvent, {}, MondayMorning()),
                    absl::ZeroDuration(), Monday(10, 0), kLongBefore, {})
          .status();
  EXPECT_THAT(FieldViolations(status),
              ElementsAre(FieldViolation{"duration", "must be positive"}));
}

TEST(DecideBookingTest, TakenSlotIsUnavailable) {
  const Calendar calendar =
      MakeCalendar(CalendarType::kEvent, {"ann"}, MondayMorning());
  BookingContext booked;
  booked.calendar_bookings = {
      Booked(Interval(Monday(10, 0), absl::Minutes(30)), {"ann"})};
  BookingContext host_busy;
  host_busy.member_busy = {
      Busy("ann", Interval(Monday(10, 15), absl::Minutes(30)))};
  for (const BookingContext& context : {booked, host_busy}) {
    EXPECT_TRUE(
        IsSlotUnavailable(DecideBooking(calendar, absl::Minutes(30),
                                        Monday(10, 0), kLongBefore, context)
                              .status()));
  }
}

TEST(DecideBookingTest, FullDayIsUnavailable) {
  AvailabilityRules rules = MondayMorning();
  rules.max_bookings_per_day = 1;
  BookingContext context;
  context.calendar_bookings = {
      Booked(Interval(Monday(9, 0), absl::Minutes(30)))};
  EXPECT_TRUE(IsSlotUnavailable(
      DecideBooking(MakeCalendar(CalendarType::kEvent, {}, rules),
                    absl::Minutes(30), Monday(11, 0), kLongBefore, context)
          .status()));
}

TEST(DecideBookingTest, RoundRobinWithEveryMemberBusyIsUnavailable) {
  BookingContext context;
  context.member_busy = {
      Busy("ann", Interval(Monday(9, 0), absl::Minutes(30))),
      Busy("bob", Interval(Monday(9, 0), absl::Minutes(30)))};
  EXPECT_TRUE(IsSlotUnavailable(
      DecideBooking(MakeCalendar(CalendarType::kRoundRobin, {"ann", "bob"},
                                 MondayMorning()),
                    absl::Minutes(30), Monday(9, 0), kLongBefore, context)
          .status()));
}

TEST(RequestedZoneTest, FreeSlotsFormatInHalfAndQuarterHourZones) {
  const Calendar calendar =
      MakeCalendar(CalendarType::kEvent, {}, NineToFive());
  // The Monday before and the Monday after New York springs forward.
  const std::vector<FreeSlot> before = ComputeFreeSlots(
      calendar, absl::Minutes(30), Day(NewYork(), absl::CivilDay(2026, 3, 2)),
      kLongBefore, {});
  const std::vector<FreeSlot> after = ComputeFreeSlots(
      calendar, absl::Minutes(30), Day(NewYork(), absl::CivilDay(2026, 3, 9)),
      kLongBefore, {});
  ASSERT_EQ(before.size(), 16u);
  ASSERT_EQ(after.size(), 16u);

  const absl::TimeZone kolkata = Zone("Asia/Kolkata");
  const absl::TimeZone kathmandu = Zone("Asia/Kathmandu");
  EXPECT_EQ(FormatLocalTime(before[0].slot.start, kolkata),
            "2026-03-02T19:30:00+05:30");
  EXPECT_EQ(FormatLocalTime(after[0].slot.start, kolkata),
            "2026-03-09T18:30:00+05:30");
  EXPECT_EQ(FormatLocalTime(before[0].slot.start, kathmandu),
            "2026-03-02T19:45:00+05:45");
  EXPECT_EQ(FormatLocalTime(after[0].slot.end, kathmandu),
            "2026-03-09T19:15:00+05:45");
  // The last slot ends after midnight in Kathmandu, on the next date.
  EXPECT_EQ(FormatLocalTime(after.back().slot.end, kathmandu),
            "2026-03-10T02:45:00+05:45");
}

TEST(RequestedZoneTest, RangeGivenAsAKolkataDateCoversTwoNewYorkDates) {
  const Calendar calendar =
      MakeCalendar(CalendarType::kEvent, {}, NineToFive());
  const absl::TimeZone kolkata = Zone("Asia/Kolkata");
  BookingContext context;
  context.calendar_bookings = {
      Booked(Interval(Monday(16, 30), absl::Minutes(30)))};
  // Tuesday in Kolkata is Monday 13:30 to Tuesday 13:30 in New York.
  const std::vector<FreeSlot> free = ComputeFreeSlots(
      calendar, absl::Minutes(30), Day(kolkata, absl::CivilDay(2026, 1, 6)),
      kLongBefore, context);
  ASSERT_EQ(free.size(), 6u + 9u);
  EXPECT_EQ(FormatLocalTime(free[0].slot.start, kolkata),
            "2026-01-06T00:00:00+05:30");
  EXPECT_EQ(FormatLocalTime(free[5].slot.start, kolkata),
            "2026-01-06T02:30:00+05:30");
  EXPECT_EQ(FormatLocalTime(free[6].slot.start, kolkata),
            "2026-01-06T19:30:00+05:30");
}

// A round-robin member's bookings on the calendar and weight.
std::pair<int64_t, int64_t> ReferenceLoad(const Calendar& calendar,
                                          const BookingContext& context,
                                          const std::string& member) {
  const auto it = context.member_load.find(member);
  return {it == context.member_load.end() ? 0 : it->second.bookings,
          calendar.SettingsOf(member).weight};
}

// Whether equal distribution hides `member`, read literally: its bookings
// reach weight x (the lowest bookings / weight of any member) + lead.
bool ReferenceHidden(const Calendar& calendar, const BookingContext& context,
                     const std::string& member) {
  if (calendar.type != CalendarType::kRoundRobin ||
      calendar.distribution != RoundRobinDistribution::kEqualDistribution) {
    return false;
  }
  const auto [bookings, weight] = ReferenceLoad(calendar, context, member);
  for (const std::string& other : calendar.members) {
    const auto [other_bookings, other_weight] =
        ReferenceLoad(calendar, context, other);
    // bookings - weight * other_bookings / other_weight >= lead
    if (bookings * other_weight - weight * other_bookings >=
        calendar.max_lead * other_weight) {
      return true;
    }
  }
  return false;
}

// Who the rule documented for RoundRobinDistribution picks among `free`.
std::string ReferenceAssignee(const Calendar& calendar,
                              const BookingContext& context,
                              const std::vector<std::string>& free) {
  std::string chosen;
  for (const std::string& member : free) {
    if (chosen.empty()) {
      chosen = member;
      continue;
    }
    const MemberSettings a = calendar.SettingsOf(member);
    const MemberSettings b = calendar.SettingsOf(chosen);
    const auto [a_bookings, a_weight] =
        ReferenceLoad(calendar, context, member);
    const auto [b_bookings, b_weight] =
        ReferenceLoad(calendar, context, chosen);
    const auto last = [&](const std::string& m) {
      const auto it = context.member_load.find(m);
      return it == context.member_load.end() ? absl::InfinitePast()
                                             : it->second.last_booked;
    };
    if (a.priority != b.priority) {
      if (a.priority < b.priority) chosen = member;
    } else if (a_bookings * b_weight != b_bookings * a_weight) {
      if (a_bookings * b_weight < b_bookings * a_weight) chosen = member;
    } else if (last(member) < last(chosen)) {
      chosen = member;
    }
  }
  return chosen;
}

// A free slot as the reference lists it: free members by id.
struct ReferenceSlot {
  TimeInterval slot;
  int remaining_seats = 1;
  std::vector<std::string> free_members;
};

// The rules read literally, one slot and one booking at a time: the
// reference that the engine's sweeps must agree with.
std::vector<ReferenceSlot> ReferenceFreeSlots(const Calendar& calendar,
                                              absl::Duration duration,
                                              TimeInterval range,
                                              absl::Time now,
                                              const BookingContext& context) {
  std::vector<ReferenceSlot> free;
  if (!calendar.TakesBookings()) return free;
  const AvailabilityRules& rules = calendar.rules;
  auto overlaps = [](const TimeInterval& a, const TimeInterval& b) {
    return a.start < a.end && b.start < b.end && a.start < b.end &&
           b.start < a.end;
  };
  const bool is_class = calendar.type == CalendarType::kClassBooking;
  const bool team = calendar.type == CalendarType::kRoundRobin ||
                    calendar.type == CalendarType::kCollective;
  const MemberLimits calendar_limits{rules.max_bookings_per_day,
                                     rules.max_bookings_per_week,
                                     rules.max_bookings_per_month};
  // Whether the period around `start` of some limit in `limits` holds as
  // many of `booked` (slot starts) as the limit.
  auto LimitReached = [&rules](absl::Time start,
                               const std::vector<absl::Time>& booked,
                               const MemberLimits& limits) {
    auto period = [&rules](absl::Time t, int kind) {
      const absl::CivilDay day = absl::ToCivilDay(t, rules.zone);
      if (kind == 0) return day;
      if (kind == 1) return day - static_cast<int>(absl::GetWeekday(day));
      return absl::CivilDay(absl::CivilMonth(day));
    };
    const int limit[] = {limits.per_day, limits.per_week, limits.per_month};
    for (int kind = 0; kind < 3; ++kind) {
      if (limit[kind] <= 0) continue;
      const auto same = std::count_if(
          booked.begin(), booked.end(),
          [&](absl::Time t) { return period(t, kind) == period(start, kind); });
      if (same >= limit[kind]) return true;
    }
    return false;
  };
  for (const TimeInterval& slot : OfferedSlots(rules, duration, range)) {
    if (slot.start < now + rules.minimum_notice) continue;
    if (rules.booking_horizon_days > 0 &&
        slot.start >= now + absl::Hours(24 * rules.booking_horizon_days)) {
      continue;
    }
    if (calendar_limits.Any()) {
      std::vector<absl::Time> starts;
      for (const CalendarBooking& booking : context.calendar_bookings) {
        starts.push_back(booking.slot.start);
      }
      if (LimitReached(slot.start, starts, calendar_limits)) continue;
    }
    const TimeInterval blocked{slot.start - rules.buffer_before,
                               slot.end + rules.buffer_after};
    auto member_free = [&](const std::string& member) {
      const MemberLimits limits = calendar.SettingsOf(member).limits;
      if (limits.Any()) {
        std::vector<absl::Time> starts;
        for (const MemberBusy& busy : context.member_busy) {
          if (busy.member == member) starts.push_back(busy.slot_start);
        }
        if (LimitReached(slot.start, starts, limits)) return false;
      }
      return std::none_of(context.member_busy.begin(),
                          context.member_busy.end(),
                          [&](const MemberBusy& busy) {
                            const bool own_session =
                                is_class && busy.calendar_pk == calendar.pk &&
                                busy.slot_start == slot.start;
                            return busy.member == member && !own_session &&
                                   overlaps(busy.blocked, blocked);
                          });
    };
    ReferenceSlot candidate{slot, 1, {}};
    if (!team) {
      int session = 0;
      bool booked = false;
      for (const CalendarBooking& booking : context.calendar_bookings) {
        if (is_class && booking.slot == slot) {
          ++session;
        } else if (overlaps(booking.blocked, blocked)) {
          booked = true;
        }
      }
      if (booked) continue;
      if (is_class) {
        candidate.remaining_seats = rules.seats_per_slot - session;
        if (candidate.remaining_seats <= 0) continue;
      }
      if (!calendar.members.empty()) {
        if (!member_free(calendar.members[0])) continue;
        candidate.free_members = {calendar.members[0]};
      }
    } else {
      for (const std::string& member : calendar.members) {
        if (member_free(member) &&
            !ReferenceHidden(calendar, context, member)) {
          candidate.free_members.push_back(member);
        }
      }
      if (candidate.free_members.empty()) continue;
      if (calendar.type == CalendarType::kCollective &&
          candidate.free_members.size() != calendar.members.size()) {
        continue;
      }
    }
    free.push_back(candidate);
  }
  return free;
}

// A calendar of any type with random rules, and a random context with
// bookings on its own grid (so that class sessions fill) and elsewhere.
struct RandomCase {
  Calendar calendar;
  absl::Duration duration;
  TimeInterval range;
  absl::Time now;
  BookingContext context;
};

RandomCase MakeRandomCase(std::mt19937& random) {
  auto pick = [&random](int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(random);
  };
  const std::vector<std::string> people = {"ann", "bob", "cat", "dan"};
  const CalendarType types[] = {CalendarType::kEvent, CalendarType::kRoundRobin,
                                CalendarType::kCollective,
                                CalendarType::kClassBooking,
                                CalendarType::kService};
  RandomCase c;
  const absl::TimeZone zone =
      pick(0, 1) == 0 ? NewYork() : Zone("Europe/London");
  std::vector<std::string> members;
  for (const std::string& person : people) {
    if (pick(0, 2) > 0) members.push_back(person);
  }
  AvailabilityRules rules;
  rules.zone = zone;
  rules.duration = absl::Minutes(15 * pick(1, 4));
  rules.slot_interval = absl::Minutes(15 * pick(0, 4));
  for (int i = 0; i < 7; ++i) {
    const absl::Weekday weekday =
        absl::GetWeekday(absl::CivilDay(2026, 3, 2) + i);
    for (int n = pick(0, 2); n > 0; --n) {
      const int start = 30 * pick(0, 44);
      rules.weekly_hours.push_back(OpenInterval{
          weekday, start, std::min(kMinutesPerDay, start + 30 * pick(1, 16))});
    }
  }
  rules.date_overrides = {
      DateOverride{absl::CivilDay(2026, 3, 10), {}},
      DateOverride{absl::CivilDay(2026, 3, 14), {{60, 6 * 60}}}};
  rules.buffer_before = absl::Minutes(5 * pick(0, 3));
  rules.buffer_after = absl::Minutes(5 * pick(0, 3));
  rules.minimum_notice = absl::Hours(pick(0, 30));
  rules.booking_horizon_days = pick(0, 1) * pick(1, 12);
  rules.max_bookings_per_day = pick(0, 1) * pick(1, 6);
  rules.max_bookings_per_week = pick(0, 2) == 0 ? pick(1, 20) : 0;
  rules.max_bookings_per_month = pick(0, 2) == 0 ? pick(1, 40) : 0;
  rules.seats_per_slot = pick(1, 3);
  c.calendar = MakeCalendar(types[pick(0, 4)], members, rules);
  if (pick(0, 1) == 1) {
    c.calendar.distribution = RoundRobinDistribution::kEqualDistribution;
    c.calendar.max_lead = pick(1, 3);
  }
  for (const std::string& member : members) {
    if (pick(0, 1) == 0) continue;
    c.calendar.member_settings.push_back(
        MemberSettings{member,
                       {pick(0, 1) * pick(1, 4), pick(0, 1) * pick(1, 12),
                        pick(0, 2) == 0 ? pick(1, 30) : 0},
                       static_cast<MemberPriority>(pick(0, 2)),
                       pick(1, 3)});
  }
  c.duration = rules.duration;
  if (c.calendar.type == CalendarType::kService && pick(0, 1) == 1) {
    c.duration = absl::Minutes(45);
  }
  // Two weeks around both 2026 DST changes of New York and London.
  c.range = TimeInterval{Ny(3, 2, 0, 0), Ny(3, 16, 0, 0)};
  c.now = c.range.start + absl::Minutes(pick(-2000, 8000));

  const std::vector<TimeInterval> grid =
      OfferedSlots(rules, c.duration, c.range);
  for (int n = pick(0, 60); n > 0; --n) {
    TimeInterval slot;
    if (!grid.empty() && pick(0, 3) > 0) {
      slot =
          grid[static_cast<size_t>(pick(0, static_cast<int>(grid.size()) - 1))];
    } else {
      slot = Interval(c.range.start + absl::Minutes(pick(0, 14 * 24 * 60)),
                      absl::Minutes(pick(5, 120)));
    }
    std::vector<std::string> attendees;
    if (!people.empty())
      attendees.push_back(people[static_cast<size_t>(pick(0, 3))]);
    const TimeInterval blocked{slot.start - absl::Minutes(5 * pick(0, 2)),
                               slot.end + absl::Minutes(5 * pick(0, 2))};
    c.context.calendar_bookings.push_back(
        CalendarBooking{slot, blocked, attendees});
    c.context.member_busy.push_back(
        MemberBusy{attendees[0], blocked, kCalendarPk, slot.start});
  }
  for (int n = pick(0, 40); n > 0; --n) {
    const TimeInterval blocked =
        Interval(c.range.start + absl::Minutes(pick(0, 14 * 24 * 60)),
                 absl::Minutes(pick(5, 240)));
    c.context.member_busy.push_back(MemberBusy{
        people[static_cast<size_t>(pick(0, 3))], blocked,
        pick(0, 3) == 0 ? kCalendarPk : kOtherCalendarPk, blocked.start});
  }
  for (const std::string& person : people) {
    if (pick(0, 1) == 1) {
      c.context.member_load[person] =
          MemberLoad{pick(0, 6), c.range.start + absl::Minutes(pick(0, 3))};
    }
  }
  return c;
}

bool SameFreeSlot(const FreeSlot& a, const ReferenceSlot& b,
                  const Calendar& calendar) {
  return a.slot == b.slot && a.remaining_seats == b.remaining_seats &&
         a.free_members.Names(calendar.members) == b.free_members;
}

TEST(FreeSlotsPropertyTest, EngineAgreesWithTheRulesReadLiterally) {
  std::mt19937 random(20260308);
  size_t free_total = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const RandomCase c = MakeRandomCase(random);
    SCOPED_TRACE(absl::StrCat("trial ", trial));
    const std::vector<FreeSlot> free =
        ComputeFreeSlots(c.calendar, c.duration, c.range, c.now, c.context);
    const std::vector<ReferenceSlot> expected =
        ReferenceFreeSlots(c.calendar, c.duration, c.range, c.now, c.context);
    ASSERT_EQ(free.size(), expected.size());
    for (size_t i = 0; i < free.size(); ++i) {
      ASSERT_TRUE(SameFreeSlot(free[i], expected[i], c.calendar)) << i;
    }
    free_total += free.size();
  }
  // Guards against a vacuous comparison.
  EXPECT_GT(free_total, 1000u);
}

TEST(FreeSlotsPropertyTest, DecideBookingSucceedsExactlyOnListedSlots) {
  std::mt19937 random(3);
  size_t decided = 0;
  size_t refused = 0;
  for (int trial = 0; trial < 100; ++trial) {
    const RandomCase c = MakeRandomCase(random);
    SCOPED_TRACE(absl::StrCat("trial ", trial));
    const std::vector<FreeSlot> free =
        ComputeFreeSlots(c.calendar, c.duration, c.range, c.now, c.context);
    std::vector<absl::Time> starts;
    for (const TimeInterval& slot :
         OfferedSlots(c.calendar.rules, c.duration, c.range)) {
      starts.push_back(slot.start);
      starts.push_back(slot.start + absl::Minutes(5));  // off the grid
    }
    for (absl::Time start : starts) {
      const absl::StatusOr<BookingDecision> decision =
          DecideBooking(c.calendar, c.duration, start, c.now, c.context);
      const FreeSlot* listed = FindFree(free, start);
      ASSERT_EQ(decision.ok(), listed != nullptr)
          << FormatLocalTime(start, c.calendar.rules.zone) << " "
          << decision.status();
      if (!decision.ok()) {
        ++refused;
        EXPECT_TRUE(IsSlotUnavailable(decision.status()) ||
                    !StartTimeViolation(decision.status()).empty())
            << decision.status();
        continue;
      }
      ++decided;
      EXPECT_EQ(decision->slot, listed->slot);
      const std::vector<std::string> listed_members =
          listed->free_members.Names(c.calendar.members);
      if (c.calendar.type == CalendarType::kRoundRobin) {
        ASSERT_EQ(decision->members.size(), 1u);
        EXPECT_EQ(decision->members[0],
                  ReferenceAssignee(c.calendar, c.context, listed_members));
      } else {
        EXPECT_EQ(decision->members, listed_members);
      }
    }
  }
  EXPECT_GT(decided, 500u);
  EXPECT_GT(refused, 500u);
}

}  // namespace
}  // namespace scheduling::domain
