#include "server/domain/names.h"

#include <string>

#include "gtest/gtest.h"

namespace scheduling::domain {
namespace {

TEST(NamesTest, AcceptsLowercaseLettersDigitsAndHyphens) {
  EXPECT_TRUE(IsValidId("a"));
  EXPECT_TRUE(IsValidId("7"));
  EXPECT_TRUE(IsValidId("front-desk-2"));
  EXPECT_TRUE(IsValidId("0a-b"));
}

TEST(NamesTest, AcceptsIdsUpToMaxLength) {
  EXPECT_TRUE(IsValidId(std::string(kMaxIdLength, 'a')));
  EXPECT_FALSE(IsValidId(std::string(kMaxIdLength + 1, 'a')));
}

TEST(NamesTest, RejectsEmptyId) { EXPECT_FALSE(IsValidId("")); }

TEST(NamesTest, RejectsLeadingHyphen) { EXPECT_FALSE(IsValidId("-abc")); }

TEST(NamesTest, RejectsCharactersOutsideAlphabet) {
  for (const char* id :
       {"Abc", "a_b", "a.b", "a/b", "a b", "a%2Fb", "caf\xc3\xa9", "a\nb"}) {
    EXPECT_FALSE(IsValidId(id)) << id;
  }
  EXPECT_FALSE(IsValidId(std::string("a\0b", 3)));
}

TEST(NamesTest, ParsesLocationName) {
  EXPECT_EQ(ParseLocationName("locations/nyc"), "nyc");
}

TEST(NamesTest, ParsesCalendarName) {
  const std::optional<CalendarName> name =
      ParseCalendarName("locations/nyc/calendars/dentist-1");
  ASSERT_TRUE(name.has_value());
  EXPECT_EQ(name->location_id, "nyc");
  EXPECT_EQ(name->calendar_id, "dentist-1");
}

TEST(NamesTest, ParsesOneTimeLinkName) {
  const std::optional<OneTimeLinkName> name = ParseOneTimeLinkName(
      "locations/nyc/calendars/dentist/oneTimeLinks/abc123");
  ASSERT_TRUE(name.has_value());
  EXPECT_EQ(name->location_id, "nyc");
  EXPECT_EQ(name->calendar_id, "dentist");
  EXPECT_EQ(name->link_id, "abc123");
}

TEST(NamesTest, RejectsMalformedLocationNames) {
  for (const char* name :
       {"", "locations", "locations/", "/locations/nyc", "locations/nyc/",
        "Locations/nyc", "location/nyc", "locations/NYC", "locations/-nyc",
        "locations/nyc/calendars/dentist", "locations//nyc"}) {
    EXPECT_FALSE(ParseLocationName(name).has_value()) << name;
  }
}

TEST(NamesTest, RejectsMalformedCalendarNames) {
  for (const char* name :
       {"locations/nyc", "locations/nyc/calendars", "locations/nyc/calendars/",
        "locations//calendars/dentist", "locations/nyc/calendar/dentist",
        "locations/nyc/bookings/dentist", "calendars/dentist/locations/nyc",
        "locations/nyc/calendars/dentist/", "locations/nyc/calendars/Dentist",
        "locations/nyc/calendars/dentist/oneTimeLinks/abc"}) {
    EXPECT_FALSE(ParseCalendarName(name).has_value()) << name;
  }
}

TEST(NamesTest, RejectsMalformedOneTimeLinkNames) {
  for (const char* name :
       {"locations/nyc/calendars/dentist",
        "locations/nyc/calendars/dentist/oneTimeLinks",
        "locations/nyc/calendars/dentist/oneTimeLinks/",
        "locations/nyc/calendars/dentist/onetimelinks/abc",
        "locations/nyc/calendars/dentist/bookings/abc",
        "locations/nyc/calendars/dentist/oneTimeLinks/a_b",
        "locations/nyc/calendars/dentist/oneTimeLinks/abc/x"}) {
    EXPECT_FALSE(ParseOneTimeLinkName(name).has_value()) << name;
  }
}

TEST(NamesTest, RejectsIdLongerThanMaxLengthInName) {
  EXPECT_FALSE(
      ParseLocationName("locations/" + std::string(kMaxIdLength + 1, 'a'))
          .has_value());
}

TEST(NamesTest, FormatsResourceNames) {
  EXPECT_EQ(LocationName("nyc"), "locations/nyc");
  EXPECT_EQ(CalendarResourceName("nyc", "dentist"),
            "locations/nyc/calendars/dentist");
  EXPECT_EQ(OneTimeLinkResourceName("nyc", "dentist", "abc"),
            "locations/nyc/calendars/dentist/oneTimeLinks/abc");
  EXPECT_EQ(BookingResourceName("nyc", "dentist", "b1"),
            "locations/nyc/calendars/dentist/bookings/b1");
}

TEST(NamesTest, FormattedNamesParseBack) {
  EXPECT_EQ(ParseLocationName(LocationName("nyc")), "nyc");
  const std::optional<CalendarName> calendar =
      ParseCalendarName(CalendarResourceName("nyc", "dentist"));
  ASSERT_TRUE(calendar.has_value());
  EXPECT_EQ(calendar->calendar_id, "dentist");
  const std::optional<OneTimeLinkName> link =
      ParseOneTimeLinkName(OneTimeLinkResourceName("nyc", "dentist", "abc"));
  ASSERT_TRUE(link.has_value());
  EXPECT_EQ(link->location_id, "nyc");
  EXPECT_EQ(link->calendar_id, "dentist");
  EXPECT_EQ(link->link_id, "abc");
}

}  // namespace
}  // namespace scheduling::domain
