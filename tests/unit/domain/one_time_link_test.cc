#include "server/domain/one_time_link.h"

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/domain/errors.h"

namespace scheduling::domain {
namespace {

const absl::Time kCreated = absl::FromUnixSeconds(1767621600);
const absl::Time kExpires = kCreated + absl::Hours(24);

OneTimeLink NewLink() {
  OneTimeLink link;
  link.location_id = "nyc";
  link.calendar_id = "dentist";
  link.link_id = "abc123";
  link.create_time = kCreated;
  link.expire_time = kExpires;
  return link;
}

OneTimeLink UsedLink() {
  OneTimeLink link = NewLink();
  RecordUse(link, "booking-1", kCreated + absl::Hours(1));
  return link;
}

OneTimeLink RevokedLink() {
  OneTimeLink link = NewLink();
  link.revoked = true;
  link.revoke_time = kCreated + absl::Hours(1);
  return link;
}

void ExpectInactive(const absl::Status& status, const char* reason) {
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), kLinkInactiveMessage);
  EXPECT_EQ(ErrorReason(status), reason);
}

TEST(OneTimeLinkTest, NewLinkIsActiveUntilItExpires) {
  const OneTimeLink link = NewLink();
  EXPECT_EQ(StateAt(link, kCreated), LinkState::kActive);
  EXPECT_EQ(StateAt(link, kExpires - absl::Nanoseconds(1)), LinkState::kActive);
}

TEST(OneTimeLinkTest, ExpiresExactlyAtExpireTime) {
  const OneTimeLink link = NewLink();
  EXPECT_EQ(StateAt(link, kExpires), LinkState::kExpired);
  EXPECT_EQ(StateAt(link, kExpires + absl::Hours(1000)), LinkState::kExpired);
}

TEST(OneTimeLinkTest, LinkWithoutExpireTimeNeverExpires) {
  OneTimeLink link = NewLink();
  link.expire_time.reset();
  EXPECT_EQ(StateAt(link, kCreated + absl::Hours(24 * 365 * 100)),
            LinkState::kActive);
}

TEST(OneTimeLinkTest, UsedOnceUseCountReachesMaxUses) {
  EXPECT_EQ(StateAt(UsedLink(), kCreated + absl::Hours(2)), LinkState::kUsed);
}

TEST(OneTimeLinkTest, MultiUseLinkStaysActiveUntilLastUse) {
  OneTimeLink link = NewLink();
  link.max_uses = 3;
  const absl::Time now = kCreated + absl::Hours(1);
  RecordUse(link, "booking-1", now);
  RecordUse(link, "booking-2", now);
  EXPECT_EQ(StateAt(link, now), LinkState::kActive);
  RecordUse(link, "booking-3", now);
  EXPECT_EQ(StateAt(link, now), LinkState::kUsed);
}

TEST(OneTimeLinkTest, UsedLinkStaysUsedAfterExpiry) {
  EXPECT_EQ(StateAt(UsedLink(), kExpires + absl::Hours(1)), LinkState::kUsed);
}

TEST(OneTimeLinkTest, RevokedWinsOverEveryOtherState) {
  const OneTimeLink revoked = RevokedLink();
  EXPECT_EQ(StateAt(revoked, kCreated), LinkState::kRevoked);
  EXPECT_EQ(StateAt(revoked, kExpires), LinkState::kRevoked);

  OneTimeLink used_then_revoked = UsedLink();
  used_then_revoked.revoked = true;
  EXPECT_EQ(StateAt(used_then_revoked, kExpires), LinkState::kRevoked);
}

TEST(CheckBookableTest, ActiveLinkOnActiveCalendarIsBookable) {
  EXPECT_TRUE(
      CheckBookable(NewLink(), /*calendar_active=*/true, kCreated).ok());
}

TEST(CheckBookableTest, RevokedLinkSaysRevoked) {
  ExpectInactive(CheckBookable(RevokedLink(), true, kCreated),
                 kReasonLinkRevoked);
}

TEST(CheckBookableTest, UsedLinkSaysUsed) {
  ExpectInactive(CheckBookable(UsedLink(), true, kCreated + absl::Hours(2)),
                 kReasonLinkUsed);
}

TEST(CheckBookableTest, ExpiredLinkSaysExpired) {
  ExpectInactive(CheckBookable(NewLink(), true, kExpires), kReasonLinkExpired);
}

TEST(CheckBookableTest, InactiveCalendarSaysCalendarInactive) {
  ExpectInactive(CheckBookable(NewLink(), /*calendar_active=*/false, kCreated),
                 kReasonCalendarInactive);
}

TEST(CheckBookableTest, RevokedTakesPrecedenceOverUsedExpiredAndInactive) {
  OneTimeLink link = UsedLink();
  link.revoked = true;
  ExpectInactive(CheckBookable(link, false, kExpires), kReasonLinkRevoked);
}

TEST(CheckBookableTest, UsedTakesPrecedenceOverExpiredAndInactive) {
  ExpectInactive(CheckBookable(UsedLink(), false, kExpires), kReasonLinkUsed);
}

TEST(CheckBookableTest, ExpiredTakesPrecedenceOverInactiveCalendar) {
  ExpectInactive(CheckBookable(NewLink(), false, kExpires), kReasonLinkExpired);
}

TEST(RecordUseTest, CountsUseAndRemembersBookingAndTime) {
  OneTimeLink link = NewLink();
  const absl::Time now = kCreated + absl::Minutes(5);
  RecordUse(link, "booking-7", now);
  EXPECT_EQ(link.use_count, 1);
  EXPECT_EQ(link.use_time, now);
  EXPECT_EQ(link.booking_id, "booking-7");
  EXPECT_FALSE(link.revoked);
}

TEST(RecordUseTest, LaterUseReplacesBookingAndTime) {
  OneTimeLink link = NewLink();
  link.max_uses = 2;
  RecordUse(link, "booking-1", kCreated + absl::Minutes(1));
  RecordUse(link, "booking-2", kCreated + absl::Minutes(2));
  EXPECT_EQ(link.use_count, 2);
  EXPECT_EQ(link.use_time, kCreated + absl::Minutes(2));
  EXPECT_EQ(link.booking_id, "booking-2");
}

TEST(RecordUseTest, SingleUseLinkIsNoLongerBookableAfterUse) {
  OneTimeLink link = NewLink();
  const absl::Time now = kCreated + absl::Minutes(5);
  ASSERT_TRUE(CheckBookable(link, true, now).ok());
  RecordUse(link, "booking-1", now);
  ExpectInactive(CheckBookable(link, true, now), kReasonLinkUsed);
}

TEST(DecideRevokeTest, ActiveLinkIsRevoked) {
  EXPECT_EQ(DecideRevoke(NewLink(), kCreated), RevokeOutcome::kRevoke);
}

TEST(DecideRevokeTest, ExpiredLinkIsRevoked) {
  EXPECT_EQ(DecideRevoke(NewLink(), kExpires), RevokeOutcome::kRevoke);
}

TEST(DecideRevokeTest, PartlyUsedMultiUseLinkIsRevoked) {
  OneTimeLink link = NewLink();
  link.max_uses = 2;
  RecordUse(link, "booking-1", kCreated);
  EXPECT_EQ(DecideRevoke(link, kCreated), RevokeOutcome::kRevoke);
}

TEST(DecideRevokeTest, UsedLinkRefuses) {
  EXPECT_EQ(DecideRevoke(UsedLink(), kCreated + absl::Hours(2)),
            RevokeOutcome::kRefuseUsed);
  EXPECT_EQ(DecideRevoke(UsedLink(), kExpires), RevokeOutcome::kRefuseUsed);
}

TEST(DecideRevokeTest, RevokedLinkIsAlreadyRevoked) {
  EXPECT_EQ(DecideRevoke(RevokedLink(), kCreated + absl::Hours(2)),
            RevokeOutcome::kAlreadyRevoked);
}

TEST(DecideRevokeTest, RevokedAndUsedLinkIsAlreadyRevoked) {
  OneTimeLink link = UsedLink();
  link.revoked = true;
  EXPECT_EQ(DecideRevoke(link, kCreated), RevokeOutcome::kAlreadyRevoked);
}

TEST(OneTimeLinkTest, ReturnsAUseOnCancelOnlyWhenItSaysSo) {
  OneTimeLink link = UsedLink();
  const absl::Time now = kCreated + absl::Hours(2);
  EXPECT_FALSE(ReturnsUseOnCancel(link));
  link.return_use_on_cancel = true;
  ASSERT_TRUE(ReturnsUseOnCancel(link));
  ReturnUse(link);
  EXPECT_EQ(link.use_count, 0);
  EXPECT_EQ(StateAt(link, now), LinkState::kActive);
  EXPECT_TRUE(CheckBookable(link, true, now).ok());
  // Nothing spent: nothing to give back.
  EXPECT_FALSE(ReturnsUseOnCancel(link));
  // An expired link stays expired with its use back.
  link.use_count = 1;
  ReturnUse(link);
  EXPECT_EQ(StateAt(link, kExpires + absl::Hours(1)), LinkState::kExpired);
}

}  // namespace
}  // namespace scheduling::domain
