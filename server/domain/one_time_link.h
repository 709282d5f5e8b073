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
#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/domain/booking.h"
#include "server/domain/calendar.h"
#include "server/domain/slots.h"

namespace scheduling::domain {

enum class LinkState { kActive, kUsed, kExpired, kRevoked };

// The person a link is meant for.
struct LinkInvitee {
  std::string contact_id;
  std::string display_name;
  std::string email;
  std::string phone;
};

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
  std::string request_id;  // idempotency key of its creation, if any
  LinkInvitee invitee;
  bool enforce_invitee = false;
  std::map<std::string, std::string> metadata;
  // Overrides of the calendar: a window of local dates (calendar's zone)
  // and a booking length.
  std::optional<absl::CivilDay> earliest_date;
  std::optional<absl::CivilDay> latest_date;
  std::optional<absl::Duration> duration;
  // Whether cancelling a booking made through it gives its use back.
  bool return_use_on_cancel = false;
};

// One use of a link (the audit trail).
// Who made a change: the authenticated principal, and the
// `x-scheduling-caller` it said it acts for (may be empty).
struct Actor {
  std::string principal;
  std::string on_behalf_of;
};

struct LinkUse {
  std::string booking_id;
  absl::Time use_time;
  std::string invitee_name;
  std::string invitee_email;
  std::string caller;  // the principal
  std::string on_behalf_of;
};

enum class LinkEventType {
  kCreated = 1,
  kUsed = 2,
  kRevoked = 3,
  kUseReturned = 4,  // a cancelled booking gave its use back
};

struct LinkEvent {
  std::string location_id;
  int64_t seq = 0;
  LinkEventType type = LinkEventType::kCreated;
  std::string calendar_id;
  std::string link_id;
  std::string booking_id;
  domain::LinkState state = domain::LinkState::kActive;
  std::string contact_id;
  std::map<std::string, std::string> metadata;
  absl::Time event_time;
  std::string principal;  // who caused it
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
// The booker is not the invitee an enforcing link is meant for.
inline constexpr char kReasonInviteeMismatch[] = "INVITEE_MISMATCH";

// The state of `link` at `now`. A used link stays USED even after its
// expiry; a revoked link is REVOKED whatever else holds.
LinkState StateAt(const OneTimeLink& link, absl::Time now);

// OK if `link` can take a booking at `now`; otherwise FAILED_PRECONDITION
// with kLinkInactiveMessage and the reason (see domain/errors.h).
// Precedence: REVOKED, USED, EXPIRED, then CALENDAR_INACTIVE.
absl::Status CheckBookable(const OneTimeLink& link, bool calendar_active,
                           absl::Time now);

// Whether cancelling a booking made through `link` gives its use back:
// the link says so and has a use spent.
bool ReturnsUseOnCancel(const OneTimeLink& link);

// Gives one use back (a booking through it was cancelled). Requires
// ReturnsUseOnCancel.
void ReturnUse(OneTimeLink& link);

// Records one use by `booking_id` at `now`. Requires CheckBookable to
// have passed.
void RecordUse(OneTimeLink& link, const std::string& booking_id,
               absl::Time now);

// The instants the link's date window covers in the calendar's zone:
// from the start of earliest_date to the end of latest_date, each bound
// open when unset.
TimeInterval LinkWindow(const OneTimeLink& link, absl::TimeZone zone);

// `range` narrowed to the link's window (possibly empty: start >= end).
TimeInterval ClampToLinkWindow(const OneTimeLink& link, absl::TimeZone zone,
                               TimeInterval range);

// OK if `start` lies in the link's window; INVALID_ARGUMENT on
// "start_time" otherwise.
absl::Status CheckInLinkWindow(const OneTimeLink& link, absl::TimeZone zone,
                               absl::Time start);

// OK unless the link enforces its invitee and `booker` has another e-mail
// address (compared without case): FAILED_PRECONDITION INVITEE_MISMATCH.
absl::Status CheckInvitee(const OneTimeLink& link, const Invitee& booker);

// OK if the link's overrides fit `calendar` at `now`: its duration is one
// the calendar allows, and its date window ends within the booking
// horizon. INVALID_ARGUMENT otherwise, on fields under `field_prefix`
// (e.g. "one_time_link").
absl::Status CheckLinkFitsCalendar(const OneTimeLink& link,
                                   const Calendar& calendar, absl::Time now,
                                   absl::string_view field_prefix);

// What revoking `link` does at `now`.
enum class RevokeOutcome {
  kRevoke,          // ACTIVE or EXPIRED: becomes REVOKED
  kAlreadyRevoked,  // idempotent: nothing changes
  kRefuseUsed,      // USED: FAILED_PRECONDITION, LINK_USED
};
RevokeOutcome DecideRevoke(const OneTimeLink& link, absl::Time now);

}  // namespace scheduling::domain

#endif  // SCHEDULING_SERVER_DOMAIN_ONE_TIME_LINK_H_
