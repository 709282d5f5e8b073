#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/domain/slots.h"

namespace scheduling::domain {
namespace {

absl::TimeZone Zone(const char* name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(name, &zone)) << name;
  return zone;
}

absl::Time Utc(int year, int month, int day, int hour, int minute,
               int second = 0) {
  return absl::FromCivil(
      absl::CivilSecond(year, month, day, hour, minute, second),
      absl::UTCTimeZone());
}

TEST(FormatLocalTimeTest, WritesRfc3339WithTheZonesOffset) {
  EXPECT_EQ(FormatLocalTime(Utc(2026, 11, 30, 9, 0), absl::UTCTimeZone()),
            "2026-11-30T09:00:00+00:00");
  EXPECT_EQ(FormatLocalTime(Utc(2026, 11, 30, 9, 0), Zone("Asia/Kolkata")),
            "2026-11-30T14:30:00+05:30");
  EXPECT_EQ(FormatLocalTime(Utc(2026, 11, 30, 9, 0), Zone("Asia/Kathmandu")),
            "2026-11-30T14:45:00+05:45");
  EXPECT_EQ(FormatLocalTime(Utc(2026, 1, 1, 2, 5, 7), Zone("America/St_Johns")),
            "2025-12-31T22:35:07-03:30");
  EXPECT_EQ(FormatLocalTime(Utc(2026, 3, 8, 7, 0), Zone("America/New_York")),
            "2026-03-08T03:00:00-04:00");
}

TEST(FormatLocalTimeTest, DropsSubseconds) {
  EXPECT_EQ(FormatLocalTime(Utc(2026, 6, 1, 0, 0) + absl::Milliseconds(999),
                            absl::UTCTimeZone()),
            "2026-06-01T00:00:00+00:00");
}

TEST(FormatLocalTimeTest, YearsBeyondFourDigits) {
  EXPECT_EQ(FormatLocalTime(Utc(10000, 1, 2, 3, 4, 5), absl::UTCTimeZone()),
            "10000-01-02T03:04:05+00:00");
  EXPECT_EQ(FormatLocalTime(Utc(999, 1, 2, 3, 4, 5), absl::UTCTimeZone()),
            "0999-01-02T03:04:05+00:00");
}

}  // namespace
}  // namespace scheduling::domain
