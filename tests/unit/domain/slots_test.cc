#include "server/domain/slots.h"

#include <algorithm>
#include <map>
#include <ostream>
#include <random>
#include <string>
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

constexpr absl::Weekday kMonday = absl::Weekday::monday;
constexpr absl::Weekday kSaturday = absl::Weekday::saturday;
constexpr absl::Weekday kSunday = absl::Weekday::sunday;

absl::TimeZone Zone(const std::string& name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(name, &zone)) << name;
  return zone;
}

// The instant a wall-clock time in `zone` unambiguously names.
absl::Time At(absl::TimeZone zone, int year, int month, int day, int hour,
              int minute) {
  return absl::FromCivil(absl::CivilMinute(year, month, day, hour, minute),
                         zone);
}

absl::Time Utc(int year, int month, int day, int hour, int minute) {
  return At(absl::UTCTimeZone(), year, month, day, hour, minute);
}

TimeInterval Slot(absl::Time start, absl::Duration duration) {
  return TimeInterval{start, start + duration};
}

// The whole civil day `day` in `zone`.
TimeInterval Day(absl::TimeZone zone, absl::CivilDay day) {
  return TimeInterval{absl::FromCivil(day, zone),
                      absl::FromCivil(day + 1, zone)};
}

AvailabilityRules NineToFiveWeekdays(absl::TimeZone zone) {
  AvailabilityRules rules;
  rules.zone = zone;
  rules.duration = absl::Minutes(30);
  for (absl::Weekday weekday :
       {absl::Weekday::monday, absl::Weekday::tuesday, absl::Weekday::wednesday,
        absl::Weekday::thursday, absl::Weekday::friday}) {
    rules.weekly_hours.push_back(OpenInterval{weekday, 9 * 60, 17 * 60});
  }
  return rules;
}

AvailabilityRules OneInterval(absl::TimeZone zone, absl::Weekday weekday,
                              int start_minute, int end_minute,
                              absl::Duration duration) {
  AvailabilityRules rules;
  rules.zone = zone;
  rules.duration = duration;
  rules.weekly_hours.push_back(OpenInterval{weekday, start_minute, end_minute});
  return rules;
}

AvailabilityRules AllDayEveryDay(absl::TimeZone zone) {
  AvailabilityRules rules;
  rules.zone = zone;
  rules.duration = absl::Minutes(30);
  for (int i = 0; i < 7; ++i) {
    rules.weekly_hours.push_back(OpenInterval{
        absl::GetWeekday(absl::CivilDay(2026, 1, 5) + i), 0, kMinutesPerDay});
  }
  return rules;
}

std::vector<std::string> LocalStarts(const std::vector<TimeInterval>& slots,
                                     absl::TimeZone zone) {
  std::vector<std::string> starts;
  for (const TimeInterval& slot : slots) {
    starts.push_back(FormatLocalTime(slot.start, zone));
  }
  return starts;
}

absl::Duration TotalLength(const std::vector<TimeInterval>& slots) {
  absl::Duration total;
  for (const TimeInterval& slot : slots) total += slot.end - slot.start;
  return total;
}

// Strictly ascending starts: sorted and free of duplicates.
bool StrictlyAscending(const std::vector<TimeInterval>& slots) {
  return std::adjacent_find(slots.begin(), slots.end(),
                            [](const TimeInterval& a, const TimeInterval& b) {
                              return a.start >= b.start;
                            }) == slots.end();
}

std::map<absl::CivilDay, int> SlotsPerLocalDay(
    const std::vector<TimeInterval>& slots, absl::TimeZone zone) {
  std::map<absl::CivilDay, int> counts;
  for (const TimeInterval& slot : slots) {
    ++counts[absl::ToCivilDay(slot.start, zone)];
  }
  return counts;
}

TEST(ToInstantTest, UniqueWallClockTimeMapsToItsInstant) {
  const absl::TimeZone new_york = Zone("America/New_York");
  EXPECT_EQ(ToInstant(absl::CivilMinute(2026, 1, 5, 9, 0), new_york),
            absl::FromUnixSeconds(1767621600));
}

TEST(ToInstantTest, SkippedWallClockTimeMapsToTransition) {
  const absl::TimeZone new_york = Zone("America/New_York");
  // 02:00-02:59 does not exist on 2026-03-08; 03:00 EDT is 07:00 UTC.
  EXPECT_EQ(ToInstant(absl::CivilMinute(2026, 3, 8, 2, 0), new_york),
            Utc(2026, 3, 8, 7, 0));
  EXPECT_EQ(ToInstant(absl::CivilMinute(2026, 3, 8, 2, 30), new_york),
            Utc(2026, 3, 8, 7, 0));
}

TEST(ToInstantTest, RepeatedWallClockTimeMapsToFirstOccurrence) {
  const absl::TimeZone new_york = Zone("America/New_York");
  // 01:30 happens at 05:30 UTC (EDT) and again at 06:30 UTC (EST).
  EXPECT_EQ(ToInstant(absl::CivilMinute(2026, 11, 1, 1, 30), new_york),
            Utc(2026, 11, 1, 5, 30));
}

TEST(SlotsTest, WeekdayHoursInCalendarZoneGiveSixteenSlotsPerWeekday) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const std::vector<TimeInterval> slots =
      OfferedSlots(NineToFiveWeekdays(new_york), absl::Minutes(30),
                   TimeInterval{At(new_york, 2026, 1, 5, 0, 0),
                                At(new_york, 2026, 1, 12, 0, 0)});

  ASSERT_EQ(slots.size(), 5u * 16u);
  EXPECT_TRUE(StrictlyAscending(slots));
  // 09:00 EST is 14:00 UTC.
  EXPECT_EQ(slots.front(),
            Slot(absl::FromUnixSeconds(1767621600), absl::Minutes(30)));
  EXPECT_EQ(slots.back(),
            Slot(At(new_york, 2026, 1, 9, 16, 30), absl::Minutes(30)));
  const std::map<absl::CivilDay, int> expected = {
      {absl::CivilDay(2026, 1, 5), 16},
      {absl::CivilDay(2026, 1, 6), 16},
      {absl::CivilDay(2026, 1, 7), 16},
      {absl::CivilDay(2026, 1, 8), 16},
      {absl::CivilDay(2026, 1, 9), 16}};
  EXPECT_EQ(SlotsPerLocalDay(slots, new_york), expected);
  for (const TimeInterval& slot : slots) {
    EXPECT_EQ(slot.end - slot.start, absl::Minutes(30));
  }
}

TEST(SlotsTest, WeekendOffersNoSlots) {
  const absl::TimeZone new_york = Zone("America/New_York");
  EXPECT_THAT(OfferedSlots(NineToFiveWeekdays(new_york), absl::Minutes(30),
                           TimeInterval{At(new_york, 2026, 1, 10, 0, 0),
                                        At(new_york, 2026, 1, 12, 0, 0)}),
              IsEmpty());
}

TEST(SlotsTest, SeveralIntervalsPerDayAreMergedInStartOrder) {
  const absl::TimeZone new_york = Zone("America/New_York");
  AvailabilityRules rules;
  rules.zone = new_york;
  rules.duration = absl::Hours(1);
  // Listed out of order on purpose.
  rules.weekly_hours = {{kMonday, 13 * 60, 15 * 60},
                        {kMonday, 9 * 60, 12 * 60}};

  const absl::Duration hour = absl::Hours(1);
  EXPECT_THAT(OfferedSlots(rules, rules.duration,
                           Day(new_york, absl::CivilDay(2026, 1, 5))),
              ElementsAre(Slot(At(new_york, 2026, 1, 5, 9, 0), hour),
                          Slot(At(new_york, 2026, 1, 5, 10, 0), hour),
                          Slot(At(new_york, 2026, 1, 5, 11, 0), hour),
                          Slot(At(new_york, 2026, 1, 5, 13, 0), hour),
                          Slot(At(new_york, 2026, 1, 5, 14, 0), hour)));
}

TEST(SlotsTest, OverlappingIntervalsDoNotDuplicateSlots) {
  const absl::TimeZone new_york = Zone("America/New_York");
  AvailabilityRules rules;
  rules.zone = new_york;
  rules.duration = absl::Hours(1);
  rules.weekly_hours = {{kMonday, 9 * 60, 11 * 60},
                        {kMonday, 10 * 60, 12 * 60}};

  const absl::Duration hour = absl::Hours(1);
  EXPECT_THAT(OfferedSlots(rules, rules.duration,
                           Day(new_york, absl::CivilDay(2026, 1, 5))),
              ElementsAre(Slot(At(new_york, 2026, 1, 5, 9, 0), hour),
                          Slot(At(new_york, 2026, 1, 5, 10, 0), hour),
                          Slot(At(new_york, 2026, 1, 5, 11, 0), hour)));
}

TEST(SlotsTest, SlotMustEndByIntervalEnd) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const AvailabilityRules rules =
      OneInterval(new_york, kMonday, 9 * 60, 10 * 60 + 45, absl::Minutes(30));

  const absl::Duration half_hour = absl::Minutes(30);
  EXPECT_THAT(OfferedSlots(rules, rules.duration,
                           Day(new_york, absl::CivilDay(2026, 1, 5))),
              ElementsAre(Slot(At(new_york, 2026, 1, 5, 9, 0), half_hour),
                          Slot(At(new_york, 2026, 1, 5, 9, 30), half_hour),
                          Slot(At(new_york, 2026, 1, 5, 10, 0), half_hour)));
}

TEST(SlotsTest, IntervalEndingAtMidnightOffersItsLastSlot) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const AvailabilityRules rules =
      OneInterval(new_york, kMonday, 22 * 60, kMinutesPerDay, absl::Hours(1));

  const std::vector<TimeInterval> slots = OfferedSlots(
      rules, rules.duration, Day(new_york, absl::CivilDay(2026, 1, 5)));
  EXPECT_THAT(
      slots,
      ElementsAre(Slot(At(new_york, 2026, 1, 5, 22, 0), absl::Hours(1)),
                  Slot(At(new_york, 2026, 1, 5, 23, 0), absl::Hours(1))));
  EXPECT_EQ(slots.back().end, At(new_york, 2026, 1, 6, 0, 0));
}

TEST(SlotsTest, IntervalEndingAtMidnightBelongsToItsOwnDate) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const AvailabilityRules rules =
      OneInterval(new_york, kMonday, 22 * 60, kMinutesPerDay, absl::Hours(1));

  EXPECT_THAT(OfferedSlots(rules, rules.duration,
                           Day(new_york, absl::CivilDay(2026, 1, 6))),
              IsEmpty());
}

TEST(SlotsTest, WholeDayIntervalOffersFortyEightHalfHours) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const AvailabilityRules rules =
      OneInterval(new_york, kMonday, 0, kMinutesPerDay, absl::Minutes(30));

  const std::vector<TimeInterval> slots = OfferedSlots(
      rules, rules.duration, Day(new_york, absl::CivilDay(2026, 1, 5)));
  ASSERT_EQ(slots.size(), 48u);
  EXPECT_EQ(slots.front().start, At(new_york, 2026, 1, 5, 0, 0));
  EXPECT_EQ(slots.back().end, At(new_york, 2026, 1, 6, 0, 0));
}

TEST(SlotsTest, RangeIncludesSlotStartingAtRangeStartAndExcludesRangeEnd) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const absl::Duration half_hour = absl::Minutes(30);
  EXPECT_THAT(OfferedSlots(NineToFiveWeekdays(new_york), absl::Minutes(30),
                           TimeInterval{At(new_york, 2026, 1, 5, 10, 0),
                                        At(new_york, 2026, 1, 5, 11, 0)}),
              ElementsAre(Slot(At(new_york, 2026, 1, 5, 10, 0), half_hour),
                          Slot(At(new_york, 2026, 1, 5, 10, 30), half_hour)));
}

TEST(SlotsTest, RangeStartingMidSlotKeepsTheIntervalGrid) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const absl::Duration half_hour = absl::Minutes(30);
  // The slot that straddles range.start does not start in the range, and
  // later slots stay on the :00/:30 grid of the open interval.
  EXPECT_THAT(OfferedSlots(NineToFiveWeekdays(new_york), absl::Minutes(30),
                           TimeInterval{At(new_york, 2026, 1, 5, 10, 15),
                                        At(new_york, 2026, 1, 5, 11, 30)}),
              ElementsAre(Slot(At(new_york, 2026, 1, 5, 10, 30), half_hour),
                          Slot(At(new_york, 2026, 1, 5, 11, 0), half_hour)));
}

TEST(SlotsTest, RangeEndingMidSlotKeepsSlotStartingInRange) {
  const absl::TimeZone new_york = Zone("America/New_York");
  // A slot only has to start in the range, not end in it.
  EXPECT_THAT(
      OfferedSlots(NineToFiveWeekdays(new_york), absl::Minutes(30),
                   TimeInterval{At(new_york, 2026, 1, 5, 16, 30),
                                At(new_york, 2026, 1, 5, 16, 31)}),
      ElementsAre(Slot(At(new_york, 2026, 1, 5, 16, 30), absl::Minutes(30))));
}

TEST(SlotsTest, EmptyOrReversedRangeOffersNoSlots) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const absl::Time ten = At(new_york, 2026, 1, 5, 10, 0);
  const AvailabilityRules rules = NineToFiveWeekdays(new_york);
  EXPECT_THAT(OfferedSlots(rules, rules.duration, TimeInterval{ten, ten}),
              IsEmpty());
  EXPECT_THAT(OfferedSlots(rules, rules.duration,
                           TimeInterval{ten, ten - absl::Hours(1)}),
              IsEmpty());
}

TEST(SlotsTest, InfiniteRangeOffersNoSlots) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const AvailabilityRules rules = NineToFiveWeekdays(new_york);
  EXPECT_THAT(OfferedSlots(rules, rules.duration,
                           TimeInterval{At(new_york, 2026, 1, 5, 0, 0),
                                        absl::InfiniteFuture()}),
              IsEmpty());
  EXPECT_THAT(OfferedSlots(rules, rules.duration,
                           TimeInterval{absl::InfinitePast(),
                                        At(new_york, 2026, 1, 5, 0, 0)}),
              IsEmpty());
}

TEST(SlotsTest, NonPositiveDurationOffersNoSlots) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const AvailabilityRules rules = NineToFiveWeekdays(new_york);
  const TimeInterval monday = Day(new_york, absl::CivilDay(2026, 1, 5));
  EXPECT_THAT(OfferedSlots(rules, absl::ZeroDuration(), monday), IsEmpty());
  EXPECT_THAT(OfferedSlots(rules, -absl::Minutes(30), monday), IsEmpty());
}

TEST(SlotsTest, NonPositiveSlotIntervalOffersNoSlots) {
  const absl::TimeZone new_york = Zone("America/New_York");
  AvailabilityRules rules = NineToFiveWeekdays(new_york);
  rules.duration = absl::ZeroDuration();
  EXPECT_THAT(OfferedSlots(rules, absl::Minutes(30),
                           Day(new_york, absl::CivilDay(2026, 1, 5))),
              IsEmpty());
}

TEST(SlotsTest, DurationArgumentRatherThanRulesSetsSlotLength) {
  const absl::TimeZone new_york = Zone("America/New_York");
  // A 45-minute booking on a 30-minute calendar keeps the 30-minute grid.
  const AvailabilityRules rules =
      OneInterval(new_york, kMonday, 9 * 60, 11 * 60, absl::Minutes(30));
  const absl::Duration length = absl::Minutes(45);
  EXPECT_THAT(
      OfferedSlots(rules, length, Day(new_york, absl::CivilDay(2026, 1, 5))),
      ElementsAre(Slot(At(new_york, 2026, 1, 5, 9, 0), length),
                  Slot(At(new_york, 2026, 1, 5, 9, 30), length),
                  Slot(At(new_york, 2026, 1, 5, 10, 0), length)));
}

TEST(SlotsTest, HalfHourOffsetZoneFormatsWithItsOffset) {
  const absl::TimeZone kolkata = Zone("Asia/Kolkata");
  const std::vector<TimeInterval> slots =
      OfferedSlots(NineToFiveWeekdays(kolkata), absl::Minutes(30),
                   Day(kolkata, absl::CivilDay(2026, 1, 5)));

  ASSERT_EQ(slots.size(), 16u);
  // 09:00 IST is 03:30 UTC.
  EXPECT_EQ(slots.front().start, absl::FromUnixSeconds(1767583800));
  EXPECT_EQ(FormatLocalTime(slots.front().start, kolkata),
            "2026-01-05T09:00:00+05:30");
  EXPECT_EQ(FormatLocalTime(slots.back().start, kolkata),
            "2026-01-05T16:30:00+05:30");
  EXPECT_EQ(FormatLocalTime(slots.front().start, Zone("America/New_York")),
            "2026-01-04T22:30:00-05:00");
}

TEST(SlotsTest, QuarterHourOffsetZoneFormatsWithItsOffset) {
  const absl::TimeZone kathmandu = Zone("Asia/Kathmandu");
  const std::vector<TimeInterval> slots =
      OfferedSlots(NineToFiveWeekdays(kathmandu), absl::Minutes(30),
                   Day(kathmandu, absl::CivilDay(2026, 1, 5)));

  ASSERT_EQ(slots.size(), 16u);
  // 09:00 NPT is 03:15 UTC.
  EXPECT_EQ(slots.front().start, absl::FromUnixSeconds(1767582900));
  EXPECT_EQ(FormatLocalTime(slots.front().start, kathmandu),
            "2026-01-05T09:00:00+05:45");
  EXPECT_EQ(FormatLocalTime(slots.front().start, Zone("Asia/Kolkata")),
            "2026-01-05T08:45:00+05:30");
}

TEST(SlotsTest, RangeGivenAsAnotherZonesDayCrossesCalendarDates) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const absl::TimeZone kolkata = Zone("Asia/Kolkata");
  // Tuesday in Kolkata is Monday 13:30 to Tuesday 13:30 in New York.
  const std::vector<TimeInterval> slots =
      OfferedSlots(NineToFiveWeekdays(new_york), absl::Minutes(30),
                   Day(kolkata, absl::CivilDay(2026, 1, 6)));

  ASSERT_EQ(slots.size(), 7u + 9u);
  EXPECT_EQ(slots.front().start, At(new_york, 2026, 1, 5, 13, 30));
  EXPECT_EQ(slots.back().start, At(new_york, 2026, 1, 6, 13, 0));
  EXPECT_EQ(FormatLocalTime(slots.front().start, kolkata),
            "2026-01-06T00:00:00+05:30");
  EXPECT_EQ(FormatLocalTime(slots.back().start, kolkata),
            "2026-01-06T23:30:00+05:30");
  EXPECT_TRUE(StrictlyAscending(slots));
}

TEST(SlotsTest, FormatLocalTimeInUtcUsesZeroOffset) {
  EXPECT_EQ(
      FormatLocalTime(absl::FromUnixSeconds(1767621600), absl::UTCTimeZone()),
      "2026-01-05T14:00:00+00:00");
}

TEST(SlotsTest, FormatLocalTimeTruncatesToSeconds) {
  EXPECT_EQ(FormatLocalTime(
                absl::FromUnixSeconds(1767621600) + absl::Milliseconds(999),
                Zone("America/New_York")),
            "2026-01-05T09:00:00-05:00");
}

TEST(SlotsTest, SkippedHourOffersNoSlotsOnSpringForwardInNewYork) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const AvailabilityRules rules =
      OneInterval(new_york, kSunday, 1 * 60, 4 * 60, absl::Minutes(30));

  const std::vector<TimeInterval> slots = OfferedSlots(
      rules, rules.duration, Day(new_york, absl::CivilDay(2026, 3, 8)));
  // 01:00 EST is 06:00 UTC; 02:00-02:59 is skipped; 03:00 EDT is 07:00 UTC.
  const absl::Time first = absl::FromUnixSeconds(1772949600);
  const absl::Duration half_hour = absl::Minutes(30);
  EXPECT_THAT(slots, ElementsAre(Slot(first, half_hour),
                                 Slot(first + absl::Minutes(30), half_hour),
                                 Slot(first + absl::Minutes(60), half_hour),
                                 Slot(first + absl::Minutes(90), half_hour)));
  EXPECT_THAT(
      LocalStarts(slots, new_york),
      ElementsAre("2026-03-08T01:00:00-05:00", "2026-03-08T01:30:00-05:00",
                  "2026-03-08T03:00:00-04:00", "2026-03-08T03:30:00-04:00"));
  EXPECT_EQ(TotalLength(slots), absl::Hours(2));
}

TEST(SlotsTest, SkippedHourOffersNoSlotsOnSpringForwardInLondon) {
  const absl::TimeZone london = Zone("Europe/London");
  const AvailabilityRules rules =
      OneInterval(london, kSunday, 1 * 60, 4 * 60, absl::Minutes(30));

  const std::vector<TimeInterval> slots = OfferedSlots(
      rules, rules.duration, Day(london, absl::CivilDay(2026, 3, 29)));
  // 01:00-01:59 is skipped; the interval runs from 02:00 BST (01:00 UTC)
  // to 04:00 BST (03:00 UTC).
  const absl::Time first = absl::FromUnixSeconds(1774746000);
  const absl::Duration half_hour = absl::Minutes(30);
  EXPECT_THAT(slots, ElementsAre(Slot(first, half_hour),
                                 Slot(first + absl::Minutes(30), half_hour),
                                 Slot(first + absl::Minutes(60), half_hour),
                                 Slot(first + absl::Minutes(90), half_hour)));
  EXPECT_THAT(
      LocalStarts(slots, london),
      ElementsAre("2026-03-29T02:00:00+01:00", "2026-03-29T02:30:00+01:00",
                  "2026-03-29T03:00:00+01:00", "2026-03-29T03:30:00+01:00"));
  EXPECT_EQ(TotalLength(slots), absl::Hours(2));
}

TEST(SlotsTest, IntervalInsideSkippedHourOffersNothing) {
  const absl::TimeZone new_york = Zone("America/New_York");
  EXPECT_THAT(
      OfferedSlots(
          OneInterval(new_york, kSunday, 2 * 60, 3 * 60, absl::Minutes(30)),
          absl::Minutes(30), Day(new_york, absl::CivilDay(2026, 3, 8))),
      IsEmpty());
}

TEST(SlotsTest, IntervalStartingInSkippedHourStartsAtTransition) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const std::vector<TimeInterval> slots = OfferedSlots(
      OneInterval(new_york, kSunday, 2 * 60 + 30, 4 * 60, absl::Minutes(30)),
      absl::Minutes(30), Day(new_york, absl::CivilDay(2026, 3, 8)));
  EXPECT_THAT(
      LocalStarts(slots, new_york),
      ElementsAre("2026-03-08T03:00:00-04:00", "2026-03-08T03:30:00-04:00"));
}

TEST(SlotsTest, RepeatedHourOffersSlotsTwiceOnFallBackInNewYork) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const AvailabilityRules rules =
      OneInterval(new_york, kSunday, 0, 3 * 60, absl::Minutes(30));

  const std::vector<TimeInterval> slots = OfferedSlots(
      rules, rules.duration, Day(new_york, absl::CivilDay(2026, 11, 1)));
  // 00:00 EDT is 04:00 UTC and 03:00 EST is 08:00 UTC: four hours.
  ASSERT_EQ(slots.size(), 8u);
  const absl::Time first = absl::FromUnixSeconds(1793505600);
  for (size_t i = 0; i < slots.size(); ++i) {
    EXPECT_EQ(slots[i], Slot(first + absl::Minutes(30) * static_cast<int>(i),
                             absl::Minutes(30)));
  }
  EXPECT_THAT(
      LocalStarts(slots, new_york),
      ElementsAre("2026-11-01T00:00:00-04:00", "2026-11-01T00:30:00-04:00",
                  "2026-11-01T01:00:00-04:00", "2026-11-01T01:30:00-04:00",
                  "2026-11-01T01:00:00-05:00", "2026-11-01T01:30:00-05:00",
                  "2026-11-01T02:00:00-05:00", "2026-11-01T02:30:00-05:00"));
  EXPECT_EQ(TotalLength(slots), absl::Hours(4));
  EXPECT_TRUE(StrictlyAscending(slots));
}

TEST(SlotsTest, RepeatedHourOffersSlotsTwiceOnFallBackInLondon) {
  const absl::TimeZone london = Zone("Europe/London");
  const AvailabilityRules rules =
      OneInterval(london, kSunday, 0, 3 * 60, absl::Minutes(30));

  const std::vector<TimeInterval> slots = OfferedSlots(
      rules, rules.duration, Day(london, absl::CivilDay(2026, 10, 25)));
  // 00:00 BST is 23:00 UTC the day before; 03:00 GMT is 03:00 UTC.
  ASSERT_EQ(slots.size(), 8u);
  const absl::Time first = absl::FromUnixSeconds(1792882800);
  for (size_t i = 0; i < slots.size(); ++i) {
    EXPECT_EQ(slots[i], Slot(first + absl::Minutes(30) * static_cast<int>(i),
                             absl::Minutes(30)));
  }
  EXPECT_THAT(
      LocalStarts(slots, london),
      ElementsAre("2026-10-25T00:00:00+01:00", "2026-10-25T00:30:00+01:00",
                  "2026-10-25T01:00:00+01:00", "2026-10-25T01:30:00+01:00",
                  "2026-10-25T01:00:00+00:00", "2026-10-25T01:30:00+00:00",
                  "2026-10-25T02:00:00+00:00", "2026-10-25T02:30:00+00:00"));
  EXPECT_EQ(TotalLength(slots), absl::Hours(4));
  EXPECT_TRUE(StrictlyAscending(slots));
}

TEST(SlotsTest, IntervalEndingInRepeatedHourEndsAtFirstOccurrence) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const std::vector<TimeInterval> slots = OfferedSlots(
      OneInterval(new_york, kSunday, 0, 1 * 60 + 30, absl::Minutes(30)),
      absl::Minutes(30), Day(new_york, absl::CivilDay(2026, 11, 1)));
  EXPECT_THAT(
      LocalStarts(slots, new_york),
      ElementsAre("2026-11-01T00:00:00-04:00", "2026-11-01T00:30:00-04:00",
                  "2026-11-01T01:00:00-04:00"));
}

TEST(SlotsTest, WholeDayHasFortySixSlotsOnSpringForwardAndFiftyOnFallBack) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const AvailabilityRules rules = AllDayEveryDay(new_york);

  const std::vector<TimeInterval> spring =
      OfferedSlots(rules, rules.duration,
                   TimeInterval{At(new_york, 2026, 3, 7, 0, 0),
                                At(new_york, 2026, 3, 10, 0, 0)});
  const std::map<absl::CivilDay, int> spring_counts = {
      {absl::CivilDay(2026, 3, 7), 48},
      {absl::CivilDay(2026, 3, 8), 46},
      {absl::CivilDay(2026, 3, 9), 48}};
  EXPECT_EQ(SlotsPerLocalDay(spring, new_york), spring_counts);
  EXPECT_TRUE(StrictlyAscending(spring));

  const std::vector<TimeInterval> fall =
      OfferedSlots(rules, rules.duration,
                   TimeInterval{At(new_york, 2026, 10, 31, 0, 0),
                                At(new_york, 2026, 11, 3, 0, 0)});
  const std::map<absl::CivilDay, int> fall_counts = {
      {absl::CivilDay(2026, 10, 31), 48},
      {absl::CivilDay(2026, 11, 1), 50},
      {absl::CivilDay(2026, 11, 2), 48}};
  EXPECT_EQ(SlotsPerLocalDay(fall, new_york), fall_counts);
  EXPECT_TRUE(StrictlyAscending(fall));
}

TEST(SlotsTest, WeekdaysAroundDstChangeKeepNormalCountAndLocalHours) {
  for (const char* name : {"America/New_York", "Europe/London"}) {
    const absl::TimeZone zone = Zone(name);
    for (absl::CivilDay monday :
         {absl::CivilDay(2026, 3, 2), absl::CivilDay(2026, 3, 23),
          absl::CivilDay(2026, 10, 19), absl::CivilDay(2026, 10, 26)}) {
      SCOPED_TRACE(
          absl::StrCat(name, " week of ", absl::FormatCivilTime(monday)));
      // Two full weeks, so the DST Sunday is inside the range.
      const std::vector<TimeInterval> slots =
          OfferedSlots(NineToFiveWeekdays(zone), absl::Minutes(30),
                       TimeInterval{absl::FromCivil(monday, zone),
                                    absl::FromCivil(monday + 14, zone)});
      ASSERT_EQ(slots.size(), 10u * 16u);
      EXPECT_TRUE(StrictlyAscending(slots));
      for (const auto& [day, count] : SlotsPerLocalDay(slots, zone)) {
        EXPECT_EQ(count, 16) << absl::FormatCivilTime(day);
      }
      for (const TimeInterval& slot : slots) {
        const absl::CivilMinute local = absl::ToCivilMinute(slot.start, zone);
        EXPECT_GE(local.hour(), 9);
        EXPECT_LT(local.hour(), 17);
        EXPECT_EQ(local.minute() % 30, 0);
      }
    }
  }
}

// A hostless event calendar: only its own bookings block its slots.
Calendar HostlessEvent(const AvailabilityRules& rules) {
  Calendar calendar;
  calendar.pk = 1;
  calendar.type = CalendarType::kEvent;
  calendar.rules = rules;
  return calendar;
}

BookingContext BookedOver(const std::vector<TimeInterval>& blocked) {
  BookingContext context;
  for (const TimeInterval& interval : blocked) {
    context.calendar_bookings.push_back(
        CalendarBooking{interval, interval, {}});
  }
  return context;
}

std::vector<TimeInterval> FreeIntervals(const Calendar& calendar,
                                        TimeInterval range, absl::Time now,
                                        const BookingContext& context) {
  std::vector<TimeInterval> intervals;
  for (const FreeSlot& free : ComputeFreeSlots(
           calendar, calendar.rules.duration, range, now, context)) {
    intervals.push_back(free.slot);
  }
  return intervals;
}

// The slot DecideBooking gives a booking at `start`, or its error.
absl::StatusOr<TimeInterval> DecidedSlot(const AvailabilityRules& rules,
                                         absl::Time start) {
  absl::StatusOr<BookingDecision> decision =
      DecideBooking(HostlessEvent(rules), rules.duration, start,
                    absl::InfinitePast(), BookingContext{});
  if (!decision.ok()) return decision.status();
  return decision->slot;
}

bool NotASlotStart(const absl::StatusOr<TimeInterval>& decided) {
  return absl::IsInvalidArgument(decided.status()) &&
         FieldViolations(decided.status()).size() == 1 &&
         FieldViolations(decided.status())[0].field == "start_time";
}

TEST(FreeSlotsTest, ExcludesSlotsStartingBeforeNow) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const Calendar calendar = HostlessEvent(NineToFiveWeekdays(new_york));
  const TimeInterval morning{At(new_york, 2026, 1, 5, 9, 0),
                             At(new_york, 2026, 1, 5, 11, 0)};
  const absl::Duration half_hour = absl::Minutes(30);

  // The 10:00 slot is under way at 10:15 and can no longer be booked.
  EXPECT_THAT(
      FreeIntervals(calendar, morning, At(new_york, 2026, 1, 5, 10, 15), {}),
      ElementsAre(Slot(At(new_york, 2026, 1, 5, 10, 30), half_hour)));
  // A slot starting exactly now is still free.
  EXPECT_THAT(
      FreeIntervals(calendar, morning, At(new_york, 2026, 1, 5, 10, 0), {}),
      ElementsAre(Slot(At(new_york, 2026, 1, 5, 10, 0), half_hour),
                  Slot(At(new_york, 2026, 1, 5, 10, 30), half_hour)));
}

TEST(FreeSlotsTest, NowAfterRangeLeavesNothing) {
  const absl::TimeZone new_york = Zone("America/New_York");
  EXPECT_THAT(FreeIntervals(HostlessEvent(NineToFiveWeekdays(new_york)),
                            Day(new_york, absl::CivilDay(2026, 1, 5)),
                            At(new_york, 2026, 1, 6, 0, 0), {}),
              IsEmpty());
}

TEST(FreeSlotsTest, ExcludesSlotsOverlappingBookings) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const absl::Time now = At(new_york, 2026, 1, 1, 0, 0);
  const TimeInterval range{At(new_york, 2026, 1, 5, 9, 0),
                           At(new_york, 2026, 1, 5, 14, 0)};
  // Unsorted and overlapping one another, as bookings from a store may be.
  const BookingContext context = BookedOver({
      // Spans 12:00, 12:30 and 13:00 partially or wholly.
      {At(new_york, 2026, 1, 5, 12, 15), At(new_york, 2026, 1, 5, 13, 15)},
      // Exactly the 09:30 slot.
      {At(new_york, 2026, 1, 5, 9, 30), At(new_york, 2026, 1, 5, 10, 0)},
      // Ten minutes inside the 11:00 slot.
      {At(new_york, 2026, 1, 5, 11, 10), At(new_york, 2026, 1, 5, 11, 20)},
      // Overlaps the first booking; adds nothing new.
      {At(new_york, 2026, 1, 5, 12, 20), At(new_york, 2026, 1, 5, 12, 40)},
  });

  const absl::Duration half_hour = absl::Minutes(30);
  EXPECT_THAT(FreeIntervals(HostlessEvent(NineToFiveWeekdays(new_york)), range,
                            now, context),
              ElementsAre(Slot(At(new_york, 2026, 1, 5, 9, 0), half_hour),
                          Slot(At(new_york, 2026, 1, 5, 10, 0), half_hour),
                          Slot(At(new_york, 2026, 1, 5, 10, 30), half_hour),
                          Slot(At(new_york, 2026, 1, 5, 11, 30), half_hour),
                          Slot(At(new_york, 2026, 1, 5, 13, 30), half_hour)));
}

TEST(FreeSlotsTest, AdjacentBookingsDoNotExcludeSlots) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const absl::Time now = At(new_york, 2026, 1, 1, 0, 0);
  const TimeInterval range{At(new_york, 2026, 1, 5, 10, 0),
                           At(new_york, 2026, 1, 5, 10, 30)};
  // One booking ends as the 10:00 slot starts, one starts as it ends.
  const BookingContext context = BookedOver({
      {At(new_york, 2026, 1, 5, 10, 30), At(new_york, 2026, 1, 5, 11, 0)},
      {At(new_york, 2026, 1, 5, 9, 0), At(new_york, 2026, 1, 5, 10, 0)},
  });

  EXPECT_THAT(
      FreeIntervals(HostlessEvent(NineToFiveWeekdays(new_york)), range, now,
                    context),
      ElementsAre(Slot(At(new_york, 2026, 1, 5, 10, 0), absl::Minutes(30))));
}

TEST(FreeSlotsTest, LongBookingExcludesEverySlotItCovers) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const absl::Time now = At(new_york, 2026, 1, 1, 0, 0);
  const BookingContext context = BookedOver(
      {{At(new_york, 2026, 1, 5, 9, 0), At(new_york, 2026, 1, 7, 16, 30)}});

  EXPECT_THAT(
      FreeIntervals(HostlessEvent(NineToFiveWeekdays(new_york)),
                    TimeInterval{At(new_york, 2026, 1, 5, 0, 0),
                                 At(new_york, 2026, 1, 8, 0, 0)},
                    now, context),
      ElementsAre(Slot(At(new_york, 2026, 1, 7, 16, 30), absl::Minutes(30))));
}

TEST(FreeSlotsTest, EmptyBlockedIntervalBlocksNothing) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const absl::Time now = At(new_york, 2026, 1, 1, 0, 0);
  const absl::Time inside = At(new_york, 2026, 1, 5, 10, 10);

  EXPECT_THAT(
      FreeIntervals(HostlessEvent(NineToFiveWeekdays(new_york)),
                    TimeInterval{At(new_york, 2026, 1, 5, 10, 0),
                                 At(new_york, 2026, 1, 5, 10, 30)},
                    now, BookedOver({{inside, inside}})),
      ElementsAre(Slot(At(new_york, 2026, 1, 5, 10, 0), absl::Minutes(30))));
}

TEST(FreeSlotsTest, MatchesBruteForceForManyRandomBookings) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const Calendar calendar = HostlessEvent(NineToFiveWeekdays(new_york));
  const TimeInterval range{At(new_york, 2026, 3, 1, 0, 0),
                           At(new_york, 2026, 3, 1, 0, 0) + kMaxSlotRange};
  const absl::Time now = At(new_york, 2026, 3, 4, 12, 10);

  // Mostly booking-sized intervals at arbitrary seconds, plus a few long
  // ones (multi-day blocks) that cover many slots.
  std::mt19937 random(20260308);
  std::uniform_int_distribution<int> start_second(0, 31 * 24 * 3600);
  std::uniform_int_distribution<int> short_minutes(1, 90);
  std::uniform_int_distribution<int> long_hours(1, 72);
  std::vector<TimeInterval> busy;
  for (int i = 0; i < 1000; ++i) {
    const absl::Time start = range.start + absl::Seconds(start_second(random));
    const absl::Duration length = i % 100 == 0
                                      ? absl::Hours(long_hours(random))
                                      : absl::Minutes(short_minutes(random));
    busy.push_back({start, start + length});
  }

  const std::vector<TimeInterval> offered =
      OfferedSlots(calendar.rules, calendar.rules.duration, range);
  std::vector<TimeInterval> expected;
  for (const TimeInterval& slot : offered) {
    if (slot.start < now) continue;
    const bool blocked =
        std::any_of(busy.begin(), busy.end(), [&](const TimeInterval& b) {
          return slot.start < b.end && b.start < slot.end;
        });
    if (!blocked) expected.push_back(slot);
  }

  const std::vector<TimeInterval> free =
      FreeIntervals(calendar, range, now, BookedOver(busy));
  EXPECT_EQ(free, expected);
  // Guards against a vacuous comparison.
  EXPECT_FALSE(free.empty());
  EXPECT_LT(free.size(), offered.size() / 2);
}

TEST(DecideBookingSlotTest, TakesSlotStartingExactlyThere) {
  const absl::TimeZone new_york = Zone("America/New_York");
  EXPECT_EQ(
      DecidedSlot(NineToFiveWeekdays(new_york), At(new_york, 2026, 1, 5, 10, 0))
          .value_or(TimeInterval{}),
      Slot(At(new_york, 2026, 1, 5, 10, 0), absl::Minutes(30)));
}

TEST(DecideBookingSlotTest, TakesFirstAndLastSlotOfTheDay) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const AvailabilityRules rules = NineToFiveWeekdays(new_york);
  EXPECT_TRUE(DecidedSlot(rules, At(new_york, 2026, 1, 5, 9, 0)).ok());
  const absl::StatusOr<TimeInterval> last =
      DecidedSlot(rules, At(new_york, 2026, 1, 5, 16, 30));
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(last->end, At(new_york, 2026, 1, 5, 17, 0));
}

TEST(DecideBookingSlotTest, RejectsOffGridStart) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const AvailabilityRules rules = NineToFiveWeekdays(new_york);
  EXPECT_TRUE(
      NotASlotStart(DecidedSlot(rules, At(new_york, 2026, 1, 5, 9, 7))));
  EXPECT_TRUE(NotASlotStart(DecidedSlot(
      rules, At(new_york, 2026, 1, 5, 9, 0) + absl::Nanoseconds(1))));
  EXPECT_TRUE(NotASlotStart(DecidedSlot(
      rules, At(new_york, 2026, 1, 5, 9, 30) - absl::Nanoseconds(1))));
}

TEST(DecideBookingSlotTest, RejectsStartOutsideOpenHours) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const AvailabilityRules rules = NineToFiveWeekdays(new_york);
  EXPECT_TRUE(
      NotASlotStart(DecidedSlot(rules, At(new_york, 2026, 1, 5, 8, 30))));
  // 17:00 is where the open hours end, so no slot starts there.
  EXPECT_TRUE(
      NotASlotStart(DecidedSlot(rules, At(new_york, 2026, 1, 5, 17, 0))));
}

TEST(DecideBookingSlotTest, RejectsWeekend) {
  const absl::TimeZone new_york = Zone("America/New_York");
  EXPECT_TRUE(NotASlotStart(DecidedSlot(NineToFiveWeekdays(new_york),
                                        At(new_york, 2026, 1, 10, 10, 0))));
}

TEST(DecideBookingSlotTest, TakesLastSlotOfIntervalEndingAtMidnight) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const AvailabilityRules rules = OneInterval(
      new_york, kSaturday, 23 * 60, kMinutesPerDay, absl::Minutes(30));
  const absl::StatusOr<TimeInterval> last =
      DecidedSlot(rules, At(new_york, 2026, 1, 10, 23, 30));
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(last->end, At(new_york, 2026, 1, 11, 0, 0));
  EXPECT_TRUE(
      NotASlotStart(DecidedSlot(rules, At(new_york, 2026, 1, 11, 0, 0))));
}

TEST(DecideBookingSlotTest, TakesBothOccurrencesOfRepeatedHour) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const AvailabilityRules rules =
      OneInterval(new_york, kSunday, 0, 3 * 60, absl::Minutes(30));
  // 01:00 EDT and 01:00 EST.
  EXPECT_EQ(DecidedSlot(rules, Utc(2026, 11, 1, 5, 0)).value_or(TimeInterval{}),
            Slot(Utc(2026, 11, 1, 5, 0), absl::Minutes(30)));
  EXPECT_EQ(DecidedSlot(rules, Utc(2026, 11, 1, 6, 0)).value_or(TimeInterval{}),
            Slot(Utc(2026, 11, 1, 6, 0), absl::Minutes(30)));
}

TEST(DecideBookingSlotTest, TakesSlotAfterSkippedHour) {
  const absl::TimeZone new_york = Zone("America/New_York");
  const AvailabilityRules rules =
      OneInterval(new_york, kSunday, 1 * 60, 4 * 60, absl::Minutes(30));
  // 03:00 EDT, right after the gap.
  const absl::StatusOr<TimeInterval> slot =
      DecidedSlot(rules, Utc(2026, 3, 8, 7, 0));
  ASSERT_TRUE(slot.ok()) << slot.status();
  EXPECT_EQ(FormatLocalTime(slot->start, new_york),
            "2026-03-08T03:00:00-04:00");
  // 02:30 EST would be 07:30 UTC, which is 03:30 EDT: on the grid.
  EXPECT_TRUE(DecidedSlot(rules, Utc(2026, 3, 8, 7, 30)).ok());
  EXPECT_TRUE(NotASlotStart(DecidedSlot(rules, Utc(2026, 3, 8, 6, 45))));
}

}  // namespace
}  // namespace scheduling::domain
