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

TEST(ValidateBookOneTimeLinkTest, RequestIdIsAnIdempotencyKeyOfSafeCharacters) {
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  v1::BookOneTimeLinkRequest request;
  request.set_token("abcdefghijklmnopqrstuvwxyzABCDE_");
  request.mutable_start_time()->set_seconds(1'800'000'000 + 3600);
  request.mutable_invitee()->set_display_name("Ada");
  request.mutable_invitee()->set_email("ada@example.com");
  request.set_request_id("retry-7_A");
  absl::StatusOr<BookLinkInput> input = ValidateBookOneTimeLink(request, now);
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_EQ(input->request_id, "retry-7_A");
  for (const std::string& bad :
       {std::string(64, 'a'), std::string("a b"), std::string("caf\xc3\xa9")}) {
    request.set_request_id(bad);
    EXPECT_THAT(Violations(ValidateBookOneTimeLink(request, now).status()),
                ElementsAre(ViolationOf("request_id")))
        << bad;
  }
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
  EXPECT_FALSE(input->link.expire_time.has_value());
  EXPECT_EQ(input->link.max_uses, 1);
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

TEST(ValidateFreeSlotsRangeTest, DurationMustBeWholeMinutesUpToADay) {
  google::protobuf::Timestamp start, end;
  start.set_seconds(1'800'000'000);
  end.set_seconds(start.seconds() + 86400);
  google::protobuf::Duration duration;
  duration.set_seconds(45 * 60);
  absl::StatusOr<FreeSlotsQuery> query =
      ValidateFreeSlotsRange(&start, &end, "", &duration);
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->duration, absl::Minutes(45));
  for (int64_t seconds : {0, -60, 90, 25 * 3600}) {
    duration.set_seconds(seconds);
    EXPECT_THAT(
        Violations(
            ValidateFreeSlotsRange(&start, &end, "", &duration).status()),
        ElementsAre(ViolationOf("duration")))
        << seconds;
  }
}

v1::CreateBookingRequest ValidBooking() {
  v1::CreateBookingRequest request;
  request.set_parent("locations/acme/calendars/intro");
  request.mutable_start_time()->set_seconds(1'800'003'600);
  request.mutable_invitee()->set_display_name("Ada");
  request.mutable_invitee()->set_email("ada@example.com");
  return request;
}

TEST(ValidateCreateBookingTest, AcceptsAValidRequest) {
  v1::CreateBookingRequest request = ValidBooking();
  request.set_request_id("3f1c2a9e-7b1d-4c55-9a41-0e8f6b1d2c3a");
  request.mutable_duration()->set_seconds(3600);
  absl::StatusOr<CreateBookingInput> input =
      ValidateCreateBooking(request, absl::FromUnixSeconds(1'800'000'000));
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_EQ(input->calendar.calendar_id, "intro");
  EXPECT_EQ(input->duration, absl::Hours(1));
  EXPECT_EQ(input->request_id, "3f1c2a9e-7b1d-4c55-9a41-0e8f6b1d2c3a");
}

TEST(ValidateCreateBookingTest, ReportsEveryViolation) {
  v1::CreateBookingRequest request = ValidBooking();
  request.set_parent("locations/acme");
  request.mutable_start_time()->set_seconds(1'799'999'999);
  request.mutable_invitee()->set_email("nope");
  request.mutable_duration()->set_seconds(61);
  request.set_request_id("has spaces");
  EXPECT_THAT(
      Violations(
          ValidateCreateBooking(request, absl::FromUnixSeconds(1'800'000'000))
              .status()),
      UnorderedElementsAre(ViolationOf("parent"), ViolationOf("start_time"),
                           ViolationOf("invitee.email"),
                           ViolationOf("duration"), ViolationOf("request_id")));
  request.set_request_id(std::string(64, 'a'));
  EXPECT_THAT(
      Violations(
          ValidateCreateBooking(request, absl::FromUnixSeconds(0)).status()),
      ::testing::Contains(ViolationOf("request_id")));
}

TEST(ValidateRescheduleBookingTest, NeedsABookingNameAndAFutureStart) {
  v1::RescheduleBookingRequest request;
  request.set_name("locations/acme/calendars/intro/bookings/b1");
  request.mutable_start_time()->set_seconds(100);
  absl::StatusOr<RescheduleInput> input =
      ValidateRescheduleBooking(request, absl::FromUnixSeconds(50));
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_EQ(input->booking.booking_id, "b1");
  request.set_name("locations/acme/calendars/intro");
  request.clear_start_time();
  EXPECT_THAT(
      Violations(ValidateRescheduleBooking(request, absl::FromUnixSeconds(50))
                     .status()),
      UnorderedElementsAre(ViolationOf("name"), ViolationOf("start_time")));
}

TEST(ValidateCancelBookingTest, BoundsTheReason) {
  v1::CancelBookingRequest request;
  request.set_name("locations/acme/calendars/intro/bookings/b1");
  request.set_reason(std::string(500, 'x'));
  EXPECT_TRUE(ValidateCancelBooking(request).ok());
  request.set_reason(std::string(501, 'x'));
  request.set_name("bookings/b1");
  EXPECT_THAT(Violations(ValidateCancelBooking(request).status()),
              UnorderedElementsAre(ViolationOf("name"), ViolationOf("reason")));
}

TEST(ParseEtagTest, ReadsOnlyEtagsThisServiceIssues) {
  EXPECT_EQ(ParseEtag("\"v7\""), 7);
  EXPECT_EQ(ParseEtag("\"v123456789\""), 123456789);
  for (const char* bad : {"", "v7", "\"7\"", "\"v\"", "\"v0\"", "\"v-1\"",
                          "\"vx\"", "W/\"v7\""}) {
    EXPECT_EQ(ParseEtag(bad), std::nullopt) << bad;
  }
}

TEST(TruncateDisplayNameTest, CutsByCharactersNotBytes) {
  EXPECT_EQ(TruncateDisplayName("Intro (copy)"), "Intro (copy)");
  const std::string long_name = std::string(199, 'a') + "\xc3\xa9\xc3\xa9";
  EXPECT_EQ(TruncateDisplayName(long_name), std::string(199, 'a') + "\xc3\xa9");
}

TEST(ValidateDuplicateCalendarTest, ChecksOptionalFields) {
  v1::DuplicateCalendarRequest request;
  request.set_name("locations/acme/calendars/intro");
  EXPECT_TRUE(ValidateDuplicateCalendar(request).ok());
  request.set_slug("Bad Slug");
  request.set_calendar_id("-x");
  request.set_display_name(std::string(201, 'n'));
  EXPECT_THAT(
      Violations(ValidateDuplicateCalendar(request).status()),
      UnorderedElementsAre(ViolationOf("slug"), ViolationOf("calendar_id"),
                           ViolationOf("display_name")));
}

TEST(ValidateMoveCalendarToGroupTest, GroupMustBeOfTheSameLocation) {
  v1::MoveCalendarToGroupRequest request;
  request.set_name("locations/acme/calendars/intro");
  request.set_group("locations/acme/groups/sales");
  absl::StatusOr<MoveInput> input = ValidateMoveCalendarToGroup(request);
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_EQ(input->group_id, "sales");
  request.set_group("");
  EXPECT_EQ(ValidateMoveCalendarToGroup(request)->group_id, "");
  request.set_group("locations/other/groups/sales");
  EXPECT_THAT(Violations(ValidateMoveCalendarToGroup(request).status()),
              ElementsAre(ViolationOf("group")));
  request.set_group("groups/sales");
  EXPECT_THAT(Violations(ValidateMoveCalendarToGroup(request).status()),
              ElementsAre(ViolationOf("group")));
}

}  // namespace
}  // namespace scheduling::api
