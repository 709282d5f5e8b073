#include "server/api/calendar_query.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/errors.h"

namespace scheduling::api {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

MATCHER_P(ViolationOf, field, "") { return arg.field == field; }

MATCHER_P2(ViolationSaying, field, text, "") {
  return arg.field == field && arg.description.find(text) != std::string::npos;
}

std::vector<domain::FieldViolation> Violations(const absl::Status& status) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  return domain::FieldViolations(status);
}

v1::ListCalendarsRequest ListCalendars(const std::string& filter = "",
                                       const std::string& order_by = "") {
  v1::ListCalendarsRequest request;
  request.set_parent("locations/acme");
  request.set_filter(filter);
  request.set_order_by(order_by);
  return request;
}

CalendarFilter Filter(const std::string& filter) {
  absl::StatusOr<CalendarListQuery> query =
      ValidateListCalendarsRequest(ListCalendars(filter));
  EXPECT_TRUE(query.ok()) << filter << ": " << query.status();
  return query.ok() ? query->filter : CalendarFilter();
}

// The description of the one violation on "filter" that `filter` causes.
std::string FilterError(const std::string& filter) {
  std::vector<domain::FieldViolation> violations =
      Violations(ValidateListCalendarsRequest(ListCalendars(filter)).status());
  EXPECT_THAT(violations, ElementsAre(ViolationOf("filter"))) << filter;
  return violations.empty() ? "" : violations[0].description;
}

TEST(ValidateListCalendarsRequestTest, DefaultsToEverythingByCreateTime) {
  absl::StatusOr<CalendarListQuery> query =
      ValidateListCalendarsRequest(ListCalendars());
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->location_id, "acme");
  EXPECT_EQ(query->page_size, kDefaultPageSize);
  EXPECT_EQ(query->order, CalendarOrder::kCreateTime);
  EXPECT_FALSE(query->descending);
  EXPECT_FALSE(query->after.has_value());
  EXPECT_FALSE(query->filter.display_name_contains.has_value());
  EXPECT_FALSE(query->filter.group_id.has_value());
  EXPECT_FALSE(query->filter.type.has_value());
  EXPECT_FALSE(query->filter.status.has_value());
  EXPECT_FALSE(Filter("  \t ").status.has_value());
}

TEST(ValidateListCalendarsRequestTest, ChecksParentAndPageSize) {
  v1::ListCalendarsRequest request = ListCalendars();
  request.set_page_size(5000);
  EXPECT_EQ(ValidateListCalendarsRequest(request)->page_size, kMaxPageSize);
  request.set_page_size(7);
  EXPECT_EQ(ValidateListCalendarsRequest(request)->page_size, 7);
  request.set_page_size(-1);
  request.set_parent("locations/acme/calendars/x");
  EXPECT_THAT(
      Violations(ValidateListCalendarsRequest(request).status()),
      UnorderedElementsAre(ViolationOf("parent"), ViolationOf("page_size")));
}

TEST(ValidateListCalendarsRequestTest, ParsesEachCondition) {
  EXPECT_EQ(Filter("display_name:\"intro\"").display_name_contains, "intro");
  EXPECT_EQ(Filter("group = \"locations/acme/groups/sales\"").group_id,
            "sales");
  EXPECT_EQ(Filter("group = \"\"").group_id, "");
  EXPECT_EQ(Filter("calendar_type = EVENT").type, domain::CalendarType::kEvent);
  EXPECT_EQ(Filter("calendar_type = ROUND_ROBIN").type,
            domain::CalendarType::kRoundRobin);
  EXPECT_EQ(Filter("calendar_type = COLLECTIVE").type,
            domain::CalendarType::kCollective);
  EXPECT_EQ(Filter("calendar_type = CLASS_BOOKING").type,
            domain::CalendarType::kClassBooking);
  EXPECT_EQ(Filter("calendar_type = SERVICE").type,
            domain::CalendarType::kService);
  EXPECT_EQ(Filter("status = ACTIVE").status, domain::CalendarStatus::kActive);
  EXPECT_EQ(Filter("status = INACTIVE").status,
            domain::CalendarStatus::kInactive);
}

TEST(ValidateListCalendarsRequestTest, JoinsConditionsWithAndInAnySpacing) {
  const CalendarFilter filter = Filter(
      " display_name : \"Demo: \\\"A\\\" \\\\ B\"AND\tgroup=\"\"\n"
      "AND calendar_type=SERVICE   AND status =INACTIVE ");
  EXPECT_EQ(filter.display_name_contains, "Demo: \"A\" \\ B");
  EXPECT_EQ(filter.group_id, "");
  EXPECT_EQ(filter.type, domain::CalendarType::kService);
  EXPECT_EQ(filter.status, domain::CalendarStatus::kInactive);
  EXPECT_EQ(Filter("display_name:\"\"").display_name_contains, "");
  EXPECT_EQ(Filter("display_name:\"Café AND 'x'\"").display_name_contains,
            "Café AND 'x'");
}

TEST(ValidateListCalendarsRequestTest, SaysWhatWasExpectedInABadFilter) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"display_name = \"x\"", "expected ':' after display_name"},
      {"display_name:x", "double-quoted string"},
      {"display_name:\"x", "not closed"},
      {"display_name:\"a\\nb\"", "only escapes"},
      {"display_name:\"x\\", "only escapes"},
      {"slug = \"x\"", "expected a condition: display_name:\"text\""},
      {"status : ACTIVE", "expected '=' after status"},
      {"status = DELETED", "status must be ACTIVE or INACTIVE"},
      {"status = active", "status must be ACTIVE or INACTIVE"},
      {"status = \"ACTIVE\"", "status must be ACTIVE or INACTIVE"},
      {"calendar_type = TYPE_UNSPECIFIED", "calendar_type must be EVENT"},
      {"calendar_type = event", "calendar_type must be EVENT"},
      {"calendar_type = 1", "calendar_type must be EVENT"},
      {"group = sales", "double-quoted string"},
      {"group = \"sales\"", "locations/acme/groups/{group}"},
      {"group = \"locations/other/groups/sales\"", "group must be"},
      {"status = ACTIVE and calendar_type = EVENT", "expected AND"},
      {"status = ACTIVE calendar_type = EVENT", "expected AND"},
      {"status = ACTIVE OR status = INACTIVE", "expected AND"},
      {"status = ACTIVE AND", "expected a condition after AND"},
      {"status = ACTIVE AND  ", "expected a condition after AND"},
      {"AND status = ACTIVE", "expected a condition"},
      {"(status = ACTIVE)", "expected a condition"},
      {"-status = ACTIVE", "expected a condition"},
      {"status = ACTIVE AND status = INACTIVE", "status may appear only once"},
      {"group = \"\" AND group = \"\"", "group may appear only once"},
  };
  for (const auto& [filter, expected] : cases) {
    EXPECT_THAT(FilterError(filter), HasSubstr(expected)) << filter;
  }
  EXPECT_THAT(FilterError("status = ACTIVE AND slug = \"x\""),
              HasSubstr("(at offset 20)"));
}

TEST(ValidateListCalendarsRequestTest, LimitsTheFilterAndItsText) {
  const std::string two_hundred(200, 'a');
  EXPECT_EQ(Filter(absl::StrCat("display_name:\"", two_hundred, "\""))
                .display_name_contains,
            two_hundred);
  EXPECT_THAT(FilterError(absl::StrCat("display_name:\"", two_hundred, "b\"")),
              HasSubstr("at most 200 characters"));
  std::string long_filter = "status = ACTIVE";
  long_filter.append(kMaxFilterLength - long_filter.size() + 1, ' ');
  EXPECT_THAT(FilterError(long_filter), HasSubstr("at most 1000 characters"));
}

TEST(ValidateListCalendarsRequestTest, ReportsFilterAndOrderWithParent) {
  v1::ListCalendarsRequest request = ListCalendars("status = NOPE", "name");
  request.set_parent("acme");
  EXPECT_THAT(Violations(ValidateListCalendarsRequest(request).status()),
              UnorderedElementsAre(ViolationOf("parent"), ViolationOf("filter"),
                                   ViolationOf("order_by")));
}

TEST(ValidateListCalendarsRequestTest, ParsesOrderBy) {
  struct Case {
    const char* order_by;
    CalendarOrder order;
    bool descending;
  };
  for (const Case& c : {
           Case{"", CalendarOrder::kCreateTime, false},
           Case{"create_time", CalendarOrder::kCreateTime, false},
           Case{"create_time desc", CalendarOrder::kCreateTime, true},
           Case{"display_name", CalendarOrder::kDisplayName, false},
           Case{"  display_name   desc ", CalendarOrder::kDisplayName, true},
           Case{"update_time", CalendarOrder::kUpdateTime, false},
           Case{"update_time desc", CalendarOrder::kUpdateTime, true},
       }) {
    absl::StatusOr<CalendarListQuery> query =
        ValidateListCalendarsRequest(ListCalendars("", c.order_by));
    ASSERT_TRUE(query.ok()) << c.order_by << ": " << query.status();
    EXPECT_EQ(query->order, c.order) << c.order_by;
    EXPECT_EQ(query->descending, c.descending) << c.order_by;
  }
  for (const char* bad :
       {"name", "display_name asc", "display_name DESC",
        "display_name desc desc", "display_name,update_time", "desc"}) {
    EXPECT_THAT(
        Violations(
            ValidateListCalendarsRequest(ListCalendars("", bad)).status()),
        ElementsAre(ViolationSaying("order_by", "create_time, display_name")))
        << bad;
  }
}

domain::Calendar LastCalendar() {
  domain::Calendar calendar;
  calendar.pk = 42;
  calendar.display_name = "Zoë: 1:1 \"call\"";
  calendar.update_time = absl::FromUnixMicros(1'800'000'000'123'456);
  return calendar;
}

// The query of `request` continued by a token of its page ending at `last`.
absl::StatusOr<CalendarListQuery> NextPage(v1::ListCalendarsRequest request,
                                           const domain::Calendar& last) {
  absl::StatusOr<CalendarListQuery> first =
      ValidateListCalendarsRequest(request);
  EXPECT_TRUE(first.ok()) << first.status();
  request.set_page_token(EncodeCalendarPageToken(*first, last));
  return ValidateListCalendarsRequest(request);
}

TEST(CalendarPageTokenTest, CarriesTheKeysOfTheOrder) {
  absl::StatusOr<CalendarListQuery> next =
      NextPage(ListCalendars("", "create_time desc"), LastCalendar());
  ASSERT_TRUE(next.ok()) << next.status();
  ASSERT_TRUE(next->after.has_value());
  EXPECT_EQ(next->after->pk, 42);

  next = NextPage(ListCalendars("", "display_name"), LastCalendar());
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->after->pk, 42);
  EXPECT_EQ(next->after->display_name, "Zoë: 1:1 \"call\"");

  next = NextPage(ListCalendars("", "update_time"), LastCalendar());
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->after->pk, 42);
  EXPECT_EQ(next->after->update_time, LastCalendar().update_time);
}

TEST(CalendarPageTokenTest, IsOpaqueWebSafeText) {
  absl::StatusOr<CalendarListQuery> query =
      ValidateListCalendarsRequest(ListCalendars("", "display_name"));
  const std::string token = EncodeCalendarPageToken(*query, LastCalendar());
  EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
                                    "opqrstuvwxyz0123456789-_"),
            std::string::npos)
      << token;
  EXPECT_EQ(token.find("Zo"), std::string::npos);
}

TEST(CalendarPageTokenTest, IsBoundToParentFilterAndOrder) {
  const v1::ListCalendarsRequest original =
      ListCalendars("status = ACTIVE", "display_name");
  const CalendarListQuery query = *ValidateListCalendarsRequest(original);
  const std::string token = EncodeCalendarPageToken(query, LastCalendar());

  std::vector<v1::ListCalendarsRequest> others(5, original);
  others[0].set_parent("locations/other");
  others[1].set_filter("status = INACTIVE");
  others[2].set_filter("");
  others[3].set_order_by("display_name desc");
  others[4].set_order_by("update_time");
  for (v1::ListCalendarsRequest& other : others) {
    other.set_page_token(token);
    EXPECT_THAT(Violations(ValidateListCalendarsRequest(other).status()),
                ElementsAre(ViolationSaying("page_token", "another parent")))
        << other.DebugString();
  }

  v1::ListCalendarsRequest same = original;
  same.set_filter("  status=ACTIVE ");
  same.set_order_by("display_name ");
  same.set_page_size(3);
  same.set_page_token(token);
  EXPECT_TRUE(ValidateListCalendarsRequest(same).ok());
}

TEST(CalendarPageTokenTest, TellsFiltersThatDifferOnlyInTheirText) {
  const CalendarListQuery a =
      *ValidateListCalendarsRequest(ListCalendars("display_name:\"ab\""));
  v1::ListCalendarsRequest b = ListCalendars("display_name:\"a\"");
  b.set_page_token(EncodeCalendarPageToken(a, LastCalendar()));
  EXPECT_THAT(Violations(ValidateListCalendarsRequest(b).status()),
              ElementsAre(ViolationOf("page_token")));
}

TEST(CalendarPageTokenTest, RefusesTokensItDidNotIssue) {
  const CalendarListQuery query =
      *ValidateListCalendarsRequest(ListCalendars("", "display_name"));
  const std::string valid = EncodeCalendarPageToken(query, LastCalendar());
  std::string payload;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(valid, &payload));
  // "cal1:<fingerprint>:" as the valid token has it.
  const std::string prefix = payload.substr(0, 5 + 16 + 1);
  for (const std::string& token : {
           std::string("garbage!"),
           std::string("%%"),
           absl::WebSafeBase64Escape("cal1"),
           absl::WebSafeBase64Escape(absl::StrCat(prefix, "0:0:x")),
           absl::WebSafeBase64Escape(absl::StrCat(prefix, "-3:0:x")),
           absl::WebSafeBase64Escape(absl::StrCat(prefix, "x:0:x")),
           absl::WebSafeBase64Escape(absl::StrCat(prefix, "7:1.5:x")),
           absl::WebSafeBase64Escape(absl::StrCat(prefix, "7:0")),
           absl::WebSafeBase64Escape(absl::StrCat(prefix, "7:0:\xC3")),
           absl::WebSafeBase64Escape(absl::StrCat(prefix, "7:0:\xED\xA0\x80")),
           absl::WebSafeBase64Escape(
               absl::StrCat(prefix, "7:0:", std::string(201, 'a'))),
           absl::WebSafeBase64Escape(absl::StrCat("grp1", payload.substr(4))),
           std::string(3000, 'A'),
       }) {
    v1::ListCalendarsRequest request = ListCalendars("", "display_name");
    request.set_page_token(token);
    EXPECT_THAT(Violations(ValidateListCalendarsRequest(request).status()),
                ElementsAre(ViolationSaying("page_token", "not a page token")))
        << token;
  }
  v1::ListCalendarsRequest request = ListCalendars("", "display_name");
  request.set_page_token(
      absl::WebSafeBase64Escape(absl::StrCat(prefix, "7:0:a:b")));
  absl::StatusOr<CalendarListQuery> crafted =
      ValidateListCalendarsRequest(request);
  ASSERT_TRUE(crafted.ok()) << crafted.status();
  EXPECT_EQ(crafted->after->display_name, "a:b");
}

TEST(CalendarPageTokenTest, IsCheckedOnlyWhenTheRestIsValid) {
  v1::ListCalendarsRequest request = ListCalendars("status = NOPE");
  request.set_page_token("garbage");
  EXPECT_THAT(Violations(ValidateListCalendarsRequest(request).status()),
              ElementsAre(ViolationOf("filter")));
}

TEST(CalendarPageTokenTest, DecodesWhatItEncodes) {
  const CalendarListQuery query =
      *ValidateListCalendarsRequest(ListCalendars("", "update_time desc"));
  absl::StatusOr<CalendarListQuery::Position> position =
      DecodeCalendarPageToken(EncodeCalendarPageToken(query, LastCalendar()),
                              query);
  ASSERT_TRUE(position.ok()) << position.status();
  EXPECT_EQ(position->pk, 42);
  EXPECT_EQ(position->update_time, LastCalendar().update_time);
  EXPECT_EQ(position->display_name, "");
}

v1::ListGroupsRequest ListGroups() {
  v1::ListGroupsRequest request;
  request.set_parent("locations/acme");
  return request;
}

TEST(ValidateListGroupsTest, ChecksParentAndPageSize) {
  absl::StatusOr<GroupListQuery> query = ValidateListGroups(ListGroups());
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->location_id, "acme");
  EXPECT_EQ(query->page_size, kDefaultPageSize);
  EXPECT_FALSE(query->after.has_value());
  v1::ListGroupsRequest request = ListGroups();
  request.set_page_size(1001);
  EXPECT_EQ(ValidateListGroups(request)->page_size, kMaxPageSize);
  request.set_parent("locations/Acme");
  request.set_page_size(-5);
  EXPECT_THAT(
      Violations(ValidateListGroups(request).status()),
      UnorderedElementsAre(ViolationOf("parent"), ViolationOf("page_size")));
}

TEST(GroupPageTokenTest, RoundTripsAndIsBoundToTheLocation) {
  const GroupListQuery query = *ValidateListGroups(ListGroups());
  domain::Group last;
  last.pk = 9;
  last.display_name = "Sales: EMEA";
  v1::ListGroupsRequest request = ListGroups();
  request.set_page_token(EncodeGroupPageToken(query, last));
  absl::StatusOr<GroupListQuery> next = ValidateListGroups(request);
  ASSERT_TRUE(next.ok()) << next.status();
  ASSERT_TRUE(next->after.has_value());
  EXPECT_EQ(next->after->pk, 9);
  EXPECT_EQ(next->after->display_name, "Sales: EMEA");

  request.set_parent("locations/other");
  EXPECT_THAT(Violations(ValidateListGroups(request).status()),
              ElementsAre(ViolationSaying("page_token", "another parent")));
}

TEST(GroupPageTokenTest, RefusesTokensOfOtherListsAndGarbage) {
  const GroupListQuery query = *ValidateListGroups(ListGroups());
  const CalendarListQuery calendars =
      *ValidateListCalendarsRequest(ListCalendars());
  for (const std::string& token :
       {EncodeCalendarPageToken(calendars, LastCalendar()),
        std::string("garbage"), absl::WebSafeBase64Escape("grp1:0:1:x")}) {
    EXPECT_THAT(Violations(DecodeGroupPageToken(token, query).status()),
                ElementsAre(ViolationOf("page_token")))
        << token;
  }
}

v1::ListBookingsRequest ListBookings() {
  v1::ListBookingsRequest request;
  request.set_parent("locations/acme/calendars/intro");
  request.mutable_start_time()->set_seconds(1'800'000'000);
  request.mutable_end_time()->set_seconds(1'800'086'400);
  return request;
}

TEST(ValidateListBookingsTest, ReadsCalendarRangeAndOptions) {
  v1::ListBookingsRequest request = ListBookings();
  request.set_show_cancelled(true);
  request.set_page_size(20);
  absl::StatusOr<BookingListQuery> query = ValidateListBookings(request);
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->calendar.location_id, "acme");
  EXPECT_EQ(query->calendar.calendar_id, "intro");
  EXPECT_EQ(query->start_time, absl::FromUnixSeconds(1'800'000'000));
  EXPECT_EQ(query->end_time, absl::FromUnixSeconds(1'800'086'400));
  EXPECT_TRUE(query->show_cancelled);
  EXPECT_EQ(query->page_size, 20);
  EXPECT_FALSE(query->after.has_value());
}

TEST(ValidateListBookingsTest, BoundsAreOptional) {
  v1::ListBookingsRequest request = ListBookings();
  request.clear_start_time();
  request.clear_end_time();
  absl::StatusOr<BookingListQuery> query = ValidateListBookings(request);
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_FALSE(query->start_time.has_value());
  EXPECT_FALSE(query->end_time.has_value());
  EXPECT_FALSE(query->show_cancelled);
  EXPECT_EQ(query->page_size, kDefaultPageSize);
}

TEST(ValidateListBookingsTest, ReportsEveryViolation) {
  v1::ListBookingsRequest request = ListBookings();
  request.set_parent("locations/acme");
  request.mutable_start_time()->set_nanos(-1);
  request.mutable_end_time()->set_seconds(300'000'000'000);
  request.set_page_size(-1);
  EXPECT_THAT(
      Violations(ValidateListBookings(request).status()),
      UnorderedElementsAre(ViolationOf("parent"), ViolationOf("start_time"),
                           ViolationOf("end_time"), ViolationOf("page_size")));
  request = ListBookings();
  request.mutable_end_time()->set_seconds(1'800'000'000);
  EXPECT_THAT(Violations(ValidateListBookings(request).status()),
              ElementsAre(ViolationSaying("end_time", "after start_time")));
}

TEST(BookingPageTokenTest, RoundTripsAndIsBoundToCalendarRangeAndOptions) {
  const BookingListQuery query = *ValidateListBookings(ListBookings());
  domain::Booking last;
  last.pk = 77;
  last.start_time = absl::FromUnixMicros(1'800'003'600'000'001);
  const std::string token = EncodeBookingPageToken(query, last);

  v1::ListBookingsRequest request = ListBookings();
  request.set_page_size(5);
  request.set_page_token(token);
  absl::StatusOr<BookingListQuery> next = ValidateListBookings(request);
  ASSERT_TRUE(next.ok()) << next.status();
  ASSERT_TRUE(next->after.has_value());
  EXPECT_EQ(next->after->pk, 77);
  EXPECT_EQ(next->after->start_time, last.start_time);

  std::vector<v1::ListBookingsRequest> others(5, request);
  others[0].set_parent("locations/acme/calendars/other");
  others[1].set_parent("locations/other/calendars/intro");
  others[2].clear_start_time();
  others[3].mutable_end_time()->set_seconds(1'800'090'000);
  others[4].set_show_cancelled(true);
  for (const v1::ListBookingsRequest& other : others) {
    EXPECT_THAT(Violations(ValidateListBookings(other).status()),
                ElementsAre(ViolationSaying("page_token", "another parent")))
        << other.DebugString();
  }
}

TEST(BookingPageTokenTest, RefusesMalformedTokens) {
  const BookingListQuery query = *ValidateListBookings(ListBookings());
  domain::Booking last;
  last.pk = 77;
  std::string payload;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(EncodeBookingPageToken(query, last),
                                          &payload));
  const std::string prefix = payload.substr(0, 5 + 16 + 1);
  for (const std::string& token :
       {std::string("?"), absl::WebSafeBase64Escape(prefix + "77"),
        absl::WebSafeBase64Escape(prefix + "77:1:2"),
        absl::WebSafeBase64Escape(prefix + "0:1"),
        absl::WebSafeBase64Escape(prefix + "77:soon")}) {
    EXPECT_THAT(Violations(DecodeBookingPageToken(token, query).status()),
                ElementsAre(ViolationSaying("page_token", "not a page token")))
        << token;
  }
}

}  // namespace
}  // namespace scheduling::api
