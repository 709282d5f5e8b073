#include "server/api/request_validation.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/errors.h"

namespace scheduling::api {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

MATCHER_P(ViolationOf, field, "") { return arg.field == field; }

std::vector<domain::FieldViolation> Violations(const absl::Status& status) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  return domain::FieldViolations(status);
}

v1::CreateCalendarRequest ValidCreate() {
  v1::CreateCalendarRequest request;
  request.set_parent("locations/acme");
  v1::Calendar* calendar = request.mutable_calendar();
  calendar->set_display_name("Intro call");
  calendar->set_slug("intro-call");
  calendar->mutable_duration()->set_seconds(1800);
  calendar->set_time_zone("Europe/London");
  v1::OpenInterval* hours = calendar->add_weekly_hours();
  hours->set_day_of_week(google::type::FRIDAY);
  hours->mutable_start_time()->set_hours(13);
  hours->mutable_end_time()->set_hours(17);
  hours = calendar->add_weekly_hours();
  hours->set_day_of_week(google::type::MONDAY);
  hours->mutable_start_time()->set_hours(9);
  hours->mutable_end_time()->set_hours(24);
  return request;
}

TEST(ValidateCreateCalendarTest, AcceptsAValidCalendarAndSortsItsHours) {
  absl::StatusOr<domain::Calendar> calendar =
      ValidateCreateCalendar(ValidCreate());
  ASSERT_TRUE(calendar.ok()) << calendar.status();
  EXPECT_EQ(calendar->location_id, "acme");
  EXPECT_TRUE(calendar->calendar_id.empty());
  EXPECT_EQ(calendar->rules.duration, absl::Minutes(30));
  EXPECT_EQ(calendar->time_zone_name, "Europe/London");
  EXPECT_EQ(calendar->status, domain::CalendarStatus::kActive);
  EXPECT_THAT(
      calendar->rules.weekly_hours,
      ElementsAre(domain::OpenInterval{absl::Weekday::monday, 540, 1440},
                  domain::OpenInterval{absl::Weekday::friday, 780, 1020}));
}

TEST(ValidateCreateCalendarTest, ReportsEveryViolationAtOnce) {
  v1::CreateCalendarRequest request = ValidCreate();
  request.set_parent("acme");
  request.set_calendar_id("-bad");
  request.mutable_calendar()->set_display_name(" ");
  request.mutable_calendar()->set_slug("Intro Call");
  request.mutable_calendar()->mutable_duration()->set_seconds(90);
  request.mutable_calendar()->set_time_zone("Europe/Atlantis");
  EXPECT_THAT(
      Violations(ValidateCreateCalendar(request).status()),
      UnorderedElementsAre(
          ViolationOf("parent"), ViolationOf("calendar_id"),
          ViolationOf("calendar.display_name"), ViolationOf("calendar.slug"),
          ViolationOf("calendar.duration"), ViolationOf("calendar.time_zone")));
}

TEST(ValidateCreateCalendarTest, RejectsBadAndOverlappingHours) {
  v1::CreateCalendarRequest request = ValidCreate();
  v1::OpenInterval* overlap = request.mutable_calendar()->add_weekly_hours();
  overlap->set_day_of_week(google::type::MONDAY);
  overlap->mutable_start_time()->set_hours(23);
  overlap->mutable_end_time()->set_hours(24);
  v1::OpenInterval* inverted = request.mutable_calendar()->add_weekly_hours();
  inverted->set_day_of_week(google::type::TUESDAY);
  inverted->mutable_start_time()->set_hours(10);
  inverted->mutable_end_time()->set_hours(9);
  v1::OpenInterval* no_day = request.mutable_calendar()->add_weekly_hours();
  no_day->mutable_start_time()->set_hours(10);
  no_day->mutable_end_time()->set_hours(11);
  v1::OpenInterval* seconds = request.mutable_calendar()->add_weekly_hours();
  seconds->set_day_of_week(google::type::SUNDAY);
  seconds->mutable_start_time()->set_hours(10);
  seconds->mutable_start_time()->set_seconds(30);
  seconds->mutable_end_time()->set_hours(25);
  EXPECT_THAT(
      Violations(ValidateCreateCalendar(request).status()),
      UnorderedElementsAre(ViolationOf("calendar.weekly_hours[2]"),
                           ViolationOf("calendar.weekly_hours[3].end_time"),
                           ViolationOf("calendar.weekly_hours[4].day_of_week"),
                           ViolationOf("calendar.weekly_hours[5].start_time"),
                           ViolationOf("calendar.weekly_hours[5].end_time")));
}

TEST(ValidateCreateCalendarTest, RequiresTheCalendar) {
  v1::CreateCalendarRequest request;
  request.set_parent("locations/acme");
  EXPECT_THAT(Violations(ValidateCreateCalendar(request).status()),
              ElementsAre(ViolationOf("calendar")));
}

TEST(LoadZoneTest, LoadsIanaZonesAndRefusesPathLikeNames) {
  EXPECT_TRUE(LoadZone("America/New_York").has_value());
  EXPECT_TRUE(LoadZone("Asia/Kathmandu").has_value());
  EXPECT_TRUE(LoadZone("UTC").has_value());
  EXPECT_FALSE(LoadZone("").has_value());
  EXPECT_FALSE(LoadZone("Mars/Olympus_Mons").has_value());
  EXPECT_FALSE(LoadZone("../../etc/passwd").has_value());
  EXPECT_FALSE(LoadZone("/usr/share/zoneinfo/UTC").has_value());
  EXPECT_FALSE(LoadZone("Europe/London\n").has_value());
  EXPECT_FALSE(LoadZone(std::string(65, 'A')).has_value());
}

TEST(ValidateListCalendarsTest, DefaultsAndCapsPageSize) {
  v1::ListCalendarsRequest request;
  request.set_parent("locations/acme");
  EXPECT_EQ(ValidateListCalendars(request)->page_size, kDefaultPageSize);
  request.set_page_size(5000);
  EXPECT_EQ(ValidateListCalendars(request)->page_size, kMaxPageSize);
  request.set_page_size(-1);
  EXPECT_THAT(Violations(ValidateListCalendars(request).status()),
              ElementsAre(ViolationOf("page_size")));
}

TEST(ValidateListCalendarsTest, PageTokensRoundTripAndAreBoundToTheParent) {
  v1::ListCalendarsRequest request;
  request.set_parent("locations/acme");
  request.set_page_token(EncodeCalendarPageToken("acme", 42));
  absl::StatusOr<ListCalendarsQuery> query = ValidateListCalendars(request);
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->after_pk, 42);

  request.set_page_token(EncodeCalendarPageToken("other", 42));
  EXPECT_THAT(Violations(ValidateListCalendars(request).status()),
              ElementsAre(ViolationOf("page_token")));
  for (const char* token : {"garbage", "%%", "Y2FsZW5kYXJzOnYxOmFjbWU6LTE"}) {
    request.set_page_token(token);
    EXPECT_THAT(Violations(ValidateListCalendars(request).status()),
                ElementsAre(ViolationOf("page_token")))
        << token;
  }
}

TEST(ValidateFreeSlotsRangeTest, RequiresAnOrderedRangeOfAtMost31Days) {
  google::protobuf::Timestamp start, end;
  start.set_seconds(1'800'000'000);
  end.set_seconds(start.seconds() + 31 * 86400);
  absl::StatusOr<FreeSlotsQuery> query =
      ValidateFreeSlotsRange(&start, &end, "");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_FALSE(query->zone.has_value());

  end.set_seconds(start.seconds() + 31 * 86400 + 1);
  EXPECT_THAT(Violations(ValidateFreeSlotsRange(&start, &end, "").status()),
              ElementsAre(ViolationOf("end_time")));
  end.set_seconds(start.seconds());
  EXPECT_THAT(Violations(ValidateFreeSlotsRange(&start, &end, "").status()),
              ElementsAre(ViolationOf("end_time")));
  EXPECT_THAT(
      Violations(
          ValidateFreeSlotsRange(nullptr, nullptr, "Nope/Zone").status()),
      UnorderedElementsAre(ViolationOf("start_time"), ViolationOf("end_time"),
                           ViolationOf("time_zone")));
  start.set_nanos(-1);
  end.set_seconds(start.seconds() + 60);
  EXPECT_THAT(Violations(ValidateFreeSlotsRange(&start, &end, "").status()),
              ElementsAre(ViolationOf("start_time")));
}

TEST(ValidateBookOneTimeLinkTest, ChecksTokenStartAndInvitee) {
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  v1::BookOneTimeLinkRequest request;
  request.set_token("abcdefghijklmnopqrstuvwxyzABCDE_");
  request.mutable_start_time()->set_seconds(1'800'000'000 + 3600);
  request.mutable_invitee()->set_display_name("Ada");
  request.mutable_invitee()->set_email("ada@example.com");
  absl::StatusOr<BookLinkInput> input = ValidateBookOneTimeLink(request, now);
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_EQ(input->start_time, now + absl::Hours(1));

  request.set_token(std::string(10000, 'a'));
  request.mutable_start_time()->set_seconds(1'800'000'000 - 1);
  request.mutable_invitee()->set_email("ada@");
  EXPECT_THAT(
      Violations(ValidateBookOneTimeLink(request, now).status()),
      UnorderedElementsAre(ViolationOf("token"), ViolationOf("start_time"),
                           ViolationOf("invitee.email")));
  request.clear_invitee();
  request.clear_start_time();
  request.clear_token();
  EXPECT_THAT(
      Violations(ValidateBookOneTimeLink(request, now).status()),
      UnorderedElementsAre(ViolationOf("token"), ViolationOf("start_time"),
                           ViolationOf("invitee")));
}

TEST(ValidateBookOneTimeLinkTest, EmailShapes) {
  const absl::Time now = absl::FromUnixSeconds(0);
  v1::BookOneTimeLinkRequest request;
  request.set_token("abcdefghijklmnopqrstuvwxyzABCDE_");
  request.mutable_start_time()->set_seconds(60);
  request.mutable_invitee()->set_display_name("Ada");
  for (const char* good : {"a@b.co", "first.last+tag@sub.example.org"}) {
    request.mutable_invitee()->set_email(good);
    EXPECT_TRUE(ValidateBookOneTimeLink(request, now).ok()) << good;
  }
  for (const char* bad : {"", "plain", "@example.com", "a@b", "a b@c.com",
                          "a@.com", "a@b.com."}) {
    request.mutable_invitee()->set_email(bad);
    EXPECT_THAT(Violations(ValidateBookOneTimeLink(request, now).status()),
                ElementsAre(ViolationOf("invitee.email")))
        << bad;
  }
}

TEST(ValidateCreateOneTimeLinkTest, ExpiryMustBeInTheFuture) {
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  v1::CreateOneTimeLinkRequest request;
  request.set_parent("locations/acme/calendars/intro");
  absl::StatusOr<CreateLinkInput> input =
      ValidateCreateOneTimeLink(request, now);
  ASSERT_TRUE(input.ok());
  EXPECT_FALSE(input->expire_time.has_value());
  request.mutable_one_time_link()->mutable_expire_time()->set_seconds(
      1'800'000'000);
  EXPECT_THAT(Violations(ValidateCreateOneTimeLink(request, now).status()),
              ElementsAre(ViolationOf("one_time_link.expire_time")));
  request.set_parent("locations/acme");
  request.mutable_one_time_link()->mutable_expire_time()->set_seconds(
      1'800'000'001);
  EXPECT_THAT(Violations(ValidateCreateOneTimeLink(request, now).status()),
              ElementsAre(ViolationOf("parent")));
}

TEST(CombineViolationsTest, MergesInOrderAndIsOkWhenAllAreOk) {
  EXPECT_TRUE(CombineViolations({absl::OkStatus(), absl::OkStatus()}).ok());
  absl::Status combined =
      CombineViolations({domain::InvalidField("a", "x"), absl::OkStatus(),
                         domain::InvalidField("b", "y")});
  EXPECT_THAT(Violations(combined),
              ElementsAre(ViolationOf("a"), ViolationOf("b")));
}

}  // namespace
}  // namespace scheduling::api
