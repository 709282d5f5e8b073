#include "server/domain/one_time_link.h"

#include "server/domain/errors.h"

namespace scheduling::domain {

LinkState StateAt(const OneTimeLink& link, absl::Time now) {
  if (link.revoked) return LinkState::kRevoked;
  if (link.use_count >= link.max_uses) return LinkState::kUsed;
  if (link.expire_time.has_value() && now >= *link.expire_time) {
    return LinkState::kExpired;
  }
  return LinkState::kActive;
}

absl::Status CheckBookable(const OneTimeLink& link, bool calendar_active,
                           absl::Time now) {
  switch (StateAt(link, now)) {
    case LinkState::kRevoked:
      return FailedPreconditionWithReason(kReasonLinkRevoked,
                                          kLinkInactiveMessage);
    case LinkState::kUsed:
      return FailedPreconditionWithReason(kReasonLinkUsed,
                                          kLinkInactiveMessage);
    case LinkState::kExpired:
      return FailedPreconditionWithReason(kReasonLinkExpired,
                                          kLinkInactiveMessage);
    case LinkState::kActive:
      break;
  }
  // Checked last so that a link which is itself dead says so, rather than
  // pointing the invitee at a calendar that may come back.
  if (!calendar_active) {
    return FailedPreconditionWithReason(kReasonCalendarInactive,
                                        kLinkInactiveMessage);
  }
  return absl::OkStatus();
}

void RecordUse(OneTimeLink& link, const std::string& booking_id,
               absl::Time now) {
  ++link.use_count;
  link.use_time = now;
  link.booking_id = booking_id;
}

// `now` is unused: expiry does not matter to revoking, since an expired link
// may still be revoked to make its end explicit.
RevokeOutcome DecideRevoke(const OneTimeLink& link, absl::Time /*now*/) {
  if (link.revoked) return RevokeOutcome::kAlreadyRevoked;
  if (link.use_count >= link.max_uses) return RevokeOutcome::kRefuseUsed;
  return RevokeOutcome::kRevoke;
}

}  // namespace scheduling::domain
