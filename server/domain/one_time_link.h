// The life of a one-time link, as a pure state machine.
//
// A link is ACTIVE until its uses are exhausted (USED), its expiry passes
// (EXPIRED) or it is revoked (REVOKED). Only USED and REVOKED are stored;
// EXPIRED follows from the clock. A link whose calendar is inactive keeps
// its state but cannot be booked (CALENDAR_INACTIVE).
//
// Thread-safety: pure functions over values.
#ifndef SCHEDULING_SERVER_DOMAIN_ONE_TIME_LINK_H_
#define SCHEDULING_SERVER_DOMAIN_ONE_TIME_LINK_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace scheduling::domain {

enum class LinkState { kActive, kUsed, kExpired, kRevoked };

// A link as stored (never its token, only the token's hash).
struct OneTimeLink {
  int64_t pk = 0;
  std::string location_id;
  std::string calendar_id;
  std::string link_id;
  std::string token_hash;  // lowercase hex SHA-256 of the token
  int max_uses = 1;
  int use_count = 0;
  bool revoked = false;
  std::optional<absl::Time> expire_time;
  absl::Time create_time;
  std::optional<absl::Time> use_time;
  std::optional<absl::Time> revoke_time;
  std::string booking_id;  // the booking that used it last, if any
};

// The message every inactive link gives, in the product's words.
inline constexpr char kLinkInactiveMessage[] =
    "The link is no longer active. Please reach out to the event owner for a "
    "new link.";

// ErrorInfo reasons of an inactive link.
inline constexpr char kReasonLinkUsed[] = "LINK_USED";
inline constexpr char kReasonLinkExpired[] = "LINK_EXPIRED";
inline constexpr char kReasonLinkRevoked[] = "LINK_REVOKED";
inline constexpr char kReasonCalendarInactive[] = "CALENDAR_INACTIVE";

// The state of `link` at `now`. A used link stays USED even after its
// expiry; a revoked link is REVOKED whatever else holds.
LinkState StateAt(const OneTimeLink& link, absl::Time now);

// OK if `link` can take a booking at `now`; otherwise FAILED_PRECONDITION
// with kLinkInactiveMessage and the reason (see domain/errors.h).
// Precedence: REVOKED, USED, EXPIRED, then CALENDAR_INACTIVE.
absl::Status CheckBookable(const OneTimeLink& link, bool calendar_active,
                           absl::Time now);

// Records one use by `booking_id` at `now`. Requires CheckBookable to
// have passed.
void RecordUse(OneTimeLink& link, const std::string& booking_id,
               absl::Time now);

// What revoking `link` does at `now`.
enum class RevokeOutcome {
  kRevoke,          // ACTIVE or EXPIRED: becomes REVOKED
  kAlreadyRevoked,  // idempotent: nothing changes
  kRefuseUsed,      // USED: FAILED_PRECONDITION, LINK_USED
};
RevokeOutcome DecideRevoke(const OneTimeLink& link, absl::Time now);

}  // namespace scheduling::domain

#endif  // SCHEDULING_SERVER_DOMAIN_ONE_TIME_LINK_H_
