// The column encodings of the store: pure functions, no database.
#include "server/store/sql_values.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace scheduling::store {
namespace {

using ::testing::ElementsAre;

TEST(SqlDateTimeTest, RoundTripsMicroseconds) {
  const absl::Time time = absl::FromUnixMicros(1'795'000'000'123'456);
  EXPECT_EQ(ToSqlDateTime(time), "2026-11-18 11:06:40.123456");
  EXPECT_EQ(*FromSqlDateTime(ToSqlDateTime(time)), time);
}

TEST(SqlDateTimeTest, ReadsShortAndMissingFractions) {
  EXPECT_EQ(*FromSqlDateTime("2026-11-18 11:06:40"),
            absl::FromUnixSeconds(1'795'000'000));
  EXPECT_EQ(*FromSqlDateTime("2026-11-18 11:06:40.5"),
            absl::FromUnixMillis(1'795'000'000'500));
  EXPECT_EQ(*FromSqlDateTime("0001-01-01 00:00:00.000000"),
            absl::FromCivil(absl::CivilSecond(1, 1, 1, 0, 0, 0),
                            absl::UTCTimeZone()));
}

TEST(SqlDateTimeTest, RefusesAnythingElse) {
  for (const char* bad :
       {"", "2026-11-18", "2026-11-18T07:46:40", "2026-11-18 07:46:4x",
        "2026-11-18 11:06:40.", "2026-11-18 11:06:40.1234567",
        "2026/11/18 07:46:40"}) {
    EXPECT_FALSE(FromSqlDateTime(bad).ok()) << bad;
  }
}

TEST(WeeklyHoursColumnTest, RoundTrips) {
  const std::vector<domain::OpenInterval> hours = {
      {absl::Weekday::monday, 540, 1020}, {absl::Weekday::sunday, 0, 1440}};
  EXPECT_EQ(EncodeWeeklyHours(hours), "1:540-1020,7:0-1440");
  EXPECT_EQ(*DecodeWeeklyHours(EncodeWeeklyHours(hours)), hours);
  EXPECT_FALSE(DecodeWeeklyHours("8:0-10").ok());
  EXPECT_FALSE(DecodeWeeklyHours("1:0").ok());
}

TEST(DateOverridesColumnTest, RoundTripsClosedAndOpenDays) {
  const std::vector<domain::DateOverride> overrides = {
      {absl::CivilDay(2026, 12, 24), {{540, 720}, {780, 900}}},
      {absl::CivilDay(2026, 12, 25), {}}};
  EXPECT_EQ(EncodeDateOverrides(overrides),
            "2026-12-24=540-720,780-900;2026-12-25=");
  EXPECT_EQ(*DecodeDateOverrides(EncodeDateOverrides(overrides)), overrides);
  EXPECT_FALSE(DecodeDateOverrides("2026-13-01=").ok());
}

TEST(StringMapColumnTest, KeepsAnyBytes) {
  const std::map<std::string, std::string> map = {
      {"campaign", "spring & summer=50%"}, {"note", std::string("a\0b", 3)}};
  EXPECT_EQ(*DecodeStringMap(EncodeStringMap(map)), map);
  EXPECT_EQ(EncodeStringMap({{"k", "a b"}}), "k=a%20b");
  EXPECT_FALSE(DecodeStringMap("k=%4").ok());
  EXPECT_FALSE(DecodeStringMap("novalue").ok());
}

TEST(ListColumnsTest, RoundTrip) {
  EXPECT_THAT(DecodeIdList(EncodeIdList({"ann", "ben"})),
              ElementsAre("ann", "ben"));
  EXPECT_THAT(DecodeIdList(""), ElementsAre());
  EXPECT_THAT(*DecodeMinutesList(
                  EncodeMinutesList({absl::Minutes(30), absl::Hours(1)})),
              ElementsAre(absl::Minutes(30), absl::Hours(1)));
}

TEST(MemberSettingsColumnTest, RoundTripsAndRefusesGarbage) {
  const std::vector<domain::MemberSettings> settings = {
      {"ann", {2, 10, 40}, domain::MemberPriority::kHigh, 3},
      {"bob", {0, 0, 0}, domain::MemberPriority::kLow, 1}};
  EXPECT_EQ(EncodeMemberSettings(settings), "ann:2:10:40:1:3,bob:0:0:0:3:1");
  absl::StatusOr<std::vector<domain::MemberSettings>> decoded =
      DecodeMemberSettings(EncodeMemberSettings(settings));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, settings);
  EXPECT_TRUE(DecodeMemberSettings("")->empty());
  for (const char* bad : {"ann", "ann:1:2:3", "ann:1:2:3:4:1", "ann:1:2:3:1:0",
                          ":1:2:3:1:1", "ann:x:2:3:1:1"}) {
    EXPECT_FALSE(DecodeMemberSettings(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace scheduling::store
