#include "server/domain/one_time_link.h"

#include <algorithm>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
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

bool ReturnsUseOnCancel(const OneTimeLink& link) {
  return link.return_use_on_cancel && link.use_count > 0;
}

void ReturnUse(OneTimeLink& link) { --link.use_count; }

TimeInterval LinkWindow(const OneTimeLink& link, absl::TimeZone zone) {
  TimeInterval window{absl::InfinitePast(), absl::InfiniteFuture()};
  if (link.earliest_date.has_value()) {
    window.start = ToInstant(absl::CivilMinute(*link.earliest_date), zone);
  }
  if (link.latest_date.has_value()) {
    window.end = ToInstant(absl::CivilMinute(*link.latest_date + 1), zone);
  }
  return window;
}

TimeInterval ClampToLinkWindow(const OneTimeLink& link, absl::TimeZone zone,
                               TimeInterval range) {
  const TimeInterval window = LinkWindow(link, zone);
  return {std::max(range.start, window.start), std::min(range.end, window.end)};
}

absl::Status CheckInLinkWindow(const OneTimeLink& link, absl::TimeZone zone,
                               absl::Time start) {
  const TimeInterval window = LinkWindow(link, zone);
  if (start < window.start || start >= window.end) {
    return InvalidField("start_time",
                        "is outside the dates this link can book");
  }
  return absl::OkStatus();
}

absl::Status CheckInvitee(const OneTimeLink& link, const Invitee& booker) {
  if (!link.enforce_invitee ||
      absl::EqualsIgnoreCase(link.invitee.email, booker.email)) {
    return absl::OkStatus();
  }
  return FailedPreconditionWithReason(
      kReasonInviteeMismatch,
      "This link was sent to someone else. Please reach out to the event "
      "owner for a link of your own.");
}

absl::Status CheckLinkFitsCalendar(const OneTimeLink& link,
                                   const Calendar& calendar, absl::Time now,
                                   absl::string_view field_prefix) {
  std::vector<FieldViolation> violations;
  if (link.duration.has_value() &&
      !ChooseDuration(calendar, link.duration).ok()) {
    violations.push_back({absl::StrCat(field_prefix, ".duration"),
                          "is not a duration this calendar allows"});
  }
  const int horizon = calendar.rules.booking_horizon_days;
  if (horizon > 0) {
    const absl::Time last_start = now + absl::Hours(24) * horizon;
    const TimeInterval window = LinkWindow(link, calendar.rules.zone);
    if (link.earliest_date.has_value() && window.start >= last_start) {
      violations.push_back(
          {absl::StrCat(field_prefix, ".earliest_date"),
           absl::StrCat("is beyond the calendar's booking horizon of ", horizon,
                        " days")});
    }
    if (link.latest_date.has_value() &&
        window.end > last_start + absl::Hours(24)) {
      violations.push_back(
          {absl::StrCat(field_prefix, ".latest_date"),
           absl::StrCat("is beyond the calendar's booking horizon of ", horizon,
                        " days")});
    }
  }
  if (violations.empty()) return absl::OkStatus();
  return InvalidArgumentWithViolations(violations);
}

// `now` is unused: expiry does not matter to revoking, since an expired link
// may still be revoked to make its end explicit.
RevokeOutcome DecideRevoke(const OneTimeLink& link, absl::Time /*now*/) {
  if (link.revoked) return RevokeOutcome::kAlreadyRevoked;
  if (link.use_count >= link.max_uses) return RevokeOutcome::kRefuseUsed;
  return RevokeOutcome::kRevoke;
}

}  // namespace scheduling::domain
