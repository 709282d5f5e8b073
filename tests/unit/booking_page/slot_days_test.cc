#include "client/booking_page/slot_days.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace scheduling::booking_page {
namespace {

absl::TimeZone Zone(const std::string& name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(name, &zone)) << name;
  return zone;
}

absl::Time Utc(int y, int m, int d, int hh, int mm) {
  return absl::FromCivil(absl::CivilMinute(y, m, d, hh, mm),
                         absl::UTCTimeZone());
}

std::vector<std::string> Clocks(const SlotDay& day, absl::TimeZone zone) {
  std::vector<std::string> clocks;
  for (const absl::Time start : day.starts) {
    clocks.push_back(FormatClock(start, zone));
  }
  return clocks;
}

TEST(GroupSlotsByDayTest, GroupsByTheVisitorsLocalDay) {
  const std::vector<absl::Time> starts = {
      Utc(2026, 11, 3, 22, 0), Utc(2026, 11, 3, 23, 0), Utc(2026, 11, 4, 0, 0)};
  // London is on UTC in November: the last slot is on the next day.
  const auto london = GroupSlotsByDay(starts, Zone("Europe/London"));
  ASSERT_EQ(london.size(), 2u);
  EXPECT_EQ(london[0].day, absl::CivilDay(2026, 11, 3));
  EXPECT_EQ(Clocks(london[0], Zone("Europe/London")),
            (std::vector<std::string>{"22:00", "23:00"}));
  EXPECT_EQ(london[1].day, absl::CivilDay(2026, 11, 4));
  // New York (UTC-5): all three in the evening of the 3rd.
  const auto new_york = GroupSlotsByDay(starts, Zone("America/New_York"));
  ASSERT_EQ(new_york.size(), 1u);
  EXPECT_EQ(new_york[0].day, absl::CivilDay(2026, 11, 3));
  EXPECT_EQ(Clocks(new_york[0], Zone("America/New_York")),
            (std::vector<std::string>{"17:00", "18:00", "19:00"}));
  // Tokyo (UTC+9): all three on the morning of the 4th.
  const auto tokyo = GroupSlotsByDay(starts, Zone("Asia/Tokyo"));
  ASSERT_EQ(tokyo.size(), 1u);
  EXPECT_EQ(tokyo[0].day, absl::CivilDay(2026, 11, 4));
  // Half-hour zones too.
  const auto kolkata = GroupSlotsByDay(starts, Zone("Asia/Kolkata"));
  ASSERT_EQ(kolkata.size(), 1u);
  EXPECT_EQ(Clocks(kolkata[0], Zone("Asia/Kolkata")),
            (std::vector<std::string>{"03:30", "04:30", "05:30"}));
}

TEST(GroupSlotsByDayTest, RepeatedHourAtTheEndOfDaylightSavingStaysOnItsDay) {
  // New York leaves daylight-saving time at 02:00 on 1 November 2026:
  // 01:30 happens twice, at 05:30 and 06:30 UTC.
  const absl::TimeZone new_york = Zone("America/New_York");
  const auto days = GroupSlotsByDay(
      {Utc(2026, 11, 1, 5, 30), Utc(2026, 11, 1, 6, 30)}, new_york);
  ASSERT_EQ(days.size(), 1u);
  EXPECT_EQ(days[0].day, absl::CivilDay(2026, 11, 1));
  EXPECT_EQ(Clocks(days[0], new_york),
            (std::vector<std::string>{"01:30", "01:30"}));
  EXPECT_TRUE(GroupSlotsByDay({}, new_york).empty());
}

TEST(ChooseDayWindowTest, StartsTodayAndOffersOnlyLaterDays) {
  WindowLimits limits;
  limits.now = Utc(2026, 11, 3, 15, 0);
  limits.zone = absl::UTCTimeZone();
  limits.latest = limits.now + absl::Hours(24 * 366);
  const DayWindow window = ChooseDayWindow(std::nullopt, limits);
  EXPECT_EQ(window.first, absl::CivilDay(2026, 11, 3));
  EXPECT_EQ(window.end, absl::CivilDay(2026, 11, 10));
  EXPECT_EQ(window.last, absl::CivilDay(2026, 11, 9));
  EXPECT_EQ(window.start_time, limits.now);  // not earlier today
  EXPECT_EQ(window.end_time, Utc(2026, 11, 10, 0, 0));
  EXPECT_FALSE(window.earlier.has_value());
  ASSERT_TRUE(window.later.has_value());
  EXPECT_EQ(*window.later, absl::CivilDay(2026, 11, 10));
}

TEST(ChooseDayWindowTest, ClampsARequestedDayToTheBookableRange) {
  WindowLimits limits;
  limits.now = Utc(2026, 11, 3, 15, 0);
  limits.zone = absl::UTCTimeZone();
  limits.earliest = Utc(2026, 11, 5, 0, 0);  // the link's earliest_date
  limits.latest = Utc(2026, 11, 21, 0, 0);   // its latest_date is the 20th
  // Before the range: its first day.
  DayWindow window = ChooseDayWindow(absl::CivilDay(2026, 1, 1), limits);
  EXPECT_EQ(window.first, absl::CivilDay(2026, 11, 5));
  EXPECT_EQ(window.start_time, Utc(2026, 11, 5, 0, 0));
  EXPECT_FALSE(window.earlier.has_value());
  // Inside: as asked, with both ways on; earlier never before the range.
  window = ChooseDayWindow(absl::CivilDay(2026, 11, 8), limits);
  EXPECT_EQ(window.first, absl::CivilDay(2026, 11, 8));
  ASSERT_TRUE(window.earlier.has_value());
  EXPECT_EQ(*window.earlier, absl::CivilDay(2026, 11, 5));
  ASSERT_TRUE(window.later.has_value());
  EXPECT_EQ(*window.later, absl::CivilDay(2026, 11, 15));
  // The last window ends with the range and offers nothing later; the days
  // it names end with the range too, not a week after its first.
  window = ChooseDayWindow(absl::CivilDay(2026, 11, 15), limits);
  EXPECT_EQ(window.end_time, Utc(2026, 11, 21, 0, 0));
  EXPECT_EQ(window.last, absl::CivilDay(2026, 11, 20));
  EXPECT_FALSE(window.later.has_value());
  // Beyond it: its last day.
  window = ChooseDayWindow(absl::CivilDay(2027, 6, 1), limits);
  EXPECT_EQ(window.first, absl::CivilDay(2026, 11, 20));
  EXPECT_EQ(window.last, absl::CivilDay(2026, 11, 20));
  EXPECT_FALSE(window.empty());
}

TEST(ChooseDayWindowTest, DaysAreTheVisitorsAcrossADaylightSavingChange) {
  WindowLimits limits;
  const absl::TimeZone new_york = Zone("America/New_York");
  limits.now = Utc(2026, 10, 30, 12, 0);
  limits.zone = new_york;
  limits.latest = limits.now + absl::Hours(24 * 366);
  const DayWindow window =
      ChooseDayWindow(absl::CivilDay(2026, 10, 31), limits);
  // Midnight to midnight in New York: 04:00 UTC before the change, 05:00
  // after; the week holds one hour more.
  EXPECT_EQ(window.start_time, Utc(2026, 10, 31, 4, 0));
  EXPECT_EQ(window.end_time, Utc(2026, 11, 7, 5, 0));
  EXPECT_EQ(window.end_time - window.start_time, absl::Hours(7 * 24 + 1));
}

TEST(ChooseDayWindowTest, NothingBookableGivesAnEmptyWindow) {
  WindowLimits limits;
  limits.now = Utc(2026, 11, 3, 15, 0);
  limits.zone = absl::UTCTimeZone();
  limits.latest = Utc(2026, 11, 2, 0, 0);  // the link's dates are over
  const DayWindow window = ChooseDayWindow(std::nullopt, limits);
  EXPECT_TRUE(window.empty());
  EXPECT_FALSE(window.later.has_value());
  EXPECT_FALSE(window.earlier.has_value());
}

TEST(FormatTest, WritesDaysTimesAndLengthsForPeople) {
  EXPECT_EQ(FormatDayHeading(absl::CivilDay(2026, 11, 3)),
            "Tuesday 3 November");
  EXPECT_EQ(FormatIsoDay(absl::CivilDay(2026, 1, 9)), "2026-01-09");
  EXPECT_EQ(FormatInterval(Utc(2026, 11, 3, 14, 0), Utc(2026, 11, 3, 14, 30),
                           Zone("America/New_York")),
            "Tuesday 3 November 2026, 09:00\u201309:30");
  // Ending at midnight stays on its day; crossing it names both.
  EXPECT_EQ(FormatInterval(Utc(2026, 11, 3, 23, 30), Utc(2026, 11, 4, 0, 0),
                           absl::UTCTimeZone()),
            "Tuesday 3 November 2026, 23:30\u201300:00");
  EXPECT_EQ(FormatInterval(Utc(2026, 11, 3, 23, 30), Utc(2026, 11, 4, 0, 30),
                           absl::UTCTimeZone()),
            "Tuesday 3 November 2026, 23:30\u2013Wednesday 4 November 2026, "
            "00:30");
  EXPECT_EQ(FormatBookingLength(absl::Minutes(30)), "30 min");
  EXPECT_EQ(FormatBookingLength(absl::Minutes(60)), "1 h");
  EXPECT_EQ(FormatBookingLength(absl::Minutes(90)), "1 h 30 min");
  EXPECT_EQ(ZoneLabel("America/New_York", Zone("America/New_York"),
                      Utc(2026, 11, 3, 12, 0)),
            "America/New_York (UTC-05:00)");
  EXPECT_EQ(
      ZoneLabel("Asia/Kolkata", Zone("Asia/Kolkata"), Utc(2026, 11, 3, 12, 0)),
      "Asia/Kolkata (UTC+05:30)");
}

TEST(ParseTest, DaysAndSlotValuesRoundTripAndJunkIsRefused) {
  EXPECT_EQ(ParseDay("2026-11-03"), absl::CivilDay(2026, 11, 3));
  for (const char* junk : {"", "2026-13-01", "2026-11-3", "tomorrow",
                           "2026-11-03T10", "2026-11-03<script>"}) {
    EXPECT_FALSE(ParseDay(junk).has_value()) << junk;
  }
  const absl::Time start = Utc(2026, 11, 3, 14, 0);
  EXPECT_EQ(FormatSlotValue(start), "2026-11-03T14:00:00Z");
  EXPECT_EQ(ParseSlotValue(FormatSlotValue(start)), start);
  EXPECT_EQ(ParseSlotValue("2026-11-03T09:00:00-05:00"), start);
  EXPECT_FALSE(ParseSlotValue("soon").has_value());
}

}  // namespace
}  // namespace scheduling::booking_page
