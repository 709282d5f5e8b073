// A link's overrides and rules: date window, invitee, fit to its calendar,
// and derived tokens.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/errors.h"
#include "server/domain/one_time_link.h"
#include "server/domain/secrets.h"

namespace scheduling::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;

absl::TimeZone Zone(const char* name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(name, &zone)) << name;
  return zone;
}

TEST(LinkWindowTest, CoversWholeLocalDatesOfTheCalendarZone) {
  OneTimeLink link;
  link.earliest_date = absl::CivilDay(2027, 3, 1);
  link.latest_date = absl::CivilDay(2027, 3, 2);
  const absl::TimeZone kolkata = Zone("Asia/Kolkata");
  const TimeInterval window = LinkWindow(link, kolkata);
  EXPECT_EQ(window.start, absl::FromCivil(absl::CivilDay(2027, 3, 1), kolkata));
  EXPECT_EQ(window.end, absl::FromCivil(absl::CivilDay(2027, 3, 3), kolkata));
  EXPECT_TRUE(CheckInLinkWindow(link, kolkata, window.start).ok());
  EXPECT_TRUE(
      CheckInLinkWindow(link, kolkata, window.end - absl::Minutes(30)).ok());
  EXPECT_THAT(FieldViolations(CheckInLinkWindow(link, kolkata, window.end)),
              ElementsAre(Field(&FieldViolation::field, "start_time")));
  EXPECT_FALSE(
      CheckInLinkWindow(link, kolkata, window.start - absl::Seconds(1)).ok());
}

TEST(LinkWindowTest, UnsetBoundsAreOpen) {
  OneTimeLink link;
  const TimeInterval window = LinkWindow(link, absl::UTCTimeZone());
  EXPECT_EQ(window.start, absl::InfinitePast());
  EXPECT_EQ(window.end, absl::InfiniteFuture());
  const TimeInterval range{absl::FromUnixSeconds(100),
                           absl::FromUnixSeconds(200)};
  EXPECT_EQ(ClampToLinkWindow(link, absl::UTCTimeZone(), range), range);
}

TEST(LinkWindowTest, ClampingCanLeaveNothing) {
  OneTimeLink link;
  link.latest_date = absl::CivilDay(2027, 1, 1);
  const TimeInterval range{
      absl::FromCivil(absl::CivilDay(2027, 2, 1), absl::UTCTimeZone()),
      absl::FromCivil(absl::CivilDay(2027, 2, 2), absl::UTCTimeZone())};
  const TimeInterval clamped =
      ClampToLinkWindow(link, absl::UTCTimeZone(), range);
  EXPECT_GE(clamped.start, clamped.end);
}

TEST(CheckInviteeTest, EnforcesTheEmailWithoutCase) {
  OneTimeLink link;
  link.invitee.email = "Asha@Example.com";
  Invitee booker{"Asha", "asha@example.COM"};
  EXPECT_TRUE(CheckInvitee(link, {"Someone", "other@example.com"}).ok());
  link.enforce_invitee = true;
  EXPECT_TRUE(CheckInvitee(link, booker).ok());
  absl::Status refused = CheckInvitee(link, {"Mallory", "mallory@example.com"});
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(refused), kReasonInviteeMismatch);
}

Calendar ServiceCalendar() {
  Calendar calendar;
  calendar.type = CalendarType::kService;
  calendar.rules.zone = absl::UTCTimeZone();
  calendar.rules.duration = absl::Minutes(30);
  calendar.allowed_durations = {absl::Minutes(30), absl::Minutes(60)};
  calendar.rules.booking_horizon_days = 7;
  return calendar;
}

TEST(CheckLinkFitsCalendarTest, DurationMustBeAllowed) {
  const absl::Time now =
      absl::FromCivil(absl::CivilDay(2027, 1, 1), absl::UTCTimeZone());
  OneTimeLink link;
  link.duration = absl::Minutes(60);
  EXPECT_TRUE(
      CheckLinkFitsCalendar(link, ServiceCalendar(), now, "one_time_link")
          .ok());
  link.duration = absl::Minutes(45);
  EXPECT_THAT(
      FieldViolations(
          CheckLinkFitsCalendar(link, ServiceCalendar(), now, "one_time_link")),
      ElementsAre(Field(&FieldViolation::field, "one_time_link.duration")));
}

TEST(CheckLinkFitsCalendarTest, WindowMustLieWithinTheHorizon) {
  const absl::Time now =
      absl::FromCivil(absl::CivilDay(2027, 1, 1), absl::UTCTimeZone());
  OneTimeLink link;
  link.earliest_date = absl::CivilDay(2027, 1, 3);
  link.latest_date = absl::CivilDay(2027, 1, 8);
  EXPECT_TRUE(CheckLinkFitsCalendar(link, ServiceCalendar(), now, "p").ok());
  link.latest_date = absl::CivilDay(2027, 1, 31);
  EXPECT_THAT(
      FieldViolations(CheckLinkFitsCalendar(link, ServiceCalendar(), now, "p")),
      ElementsAre(Field(&FieldViolation::field, "p.latest_date")));
  link.earliest_date = absl::CivilDay(2027, 1, 20);
  EXPECT_THAT(
      FieldViolations(CheckLinkFitsCalendar(link, ServiceCalendar(), now, "p")),
      ElementsAre(Field(&FieldViolation::field, "p.earliest_date"),
                  Field(&FieldViolation::field, "p.latest_date")));
  Calendar unlimited = ServiceCalendar();
  unlimited.rules.booking_horizon_days = 0;
  EXPECT_TRUE(CheckLinkFitsCalendar(link, unlimited, now, "p").ok());
}

TEST(DeriveLinkTokenTest, IsStablePerSecretAndNameAndShapedLikeAToken) {
  const std::string name = "locations/acme/calendars/intro/oneTimeLinks/abc";
  const std::string token = DeriveLinkToken("secret-1", "acme", name);
  EXPECT_TRUE(IsWellFormedLinkToken(token)) << token;
  EXPECT_EQ(DeriveLinkToken("secret-1", "acme", name), token);
  EXPECT_NE(DeriveLinkToken("secret-2", "acme", name), token);
  EXPECT_NE(DeriveLinkToken("secret-1", "acme", name + "d"), token);
}

TEST(GenerateSecretTest, Is256RandomBitsInHex) {
  const std::string secret = GenerateSecret();
  EXPECT_EQ(secret.size(), 64u);
  EXPECT_NE(GenerateSecret(), secret);
}

}  // namespace
}  // namespace scheduling::domain
