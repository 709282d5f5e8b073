// Domain errors as absl::Status with typed payloads that the API layer turns
// into google.rpc details: a reason (ErrorInfo) or field violations
// (BadRequest). Keeps the domain free of protobuf.
//
// Example:
//   return FailedPreconditionWithReason(kReasonLinkUsed, kLinkInactiveMessage);
//   ...
//   if (ErrorReason(status) == kReasonLinkUsed) { ... }
#ifndef SCHEDULING_SERVER_DOMAIN_ERRORS_H_
#define SCHEDULING_SERVER_DOMAIN_ERRORS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace scheduling::domain {

// One problem with one request field; `field` is its path in the request,
// e.g. "calendar.weekly_hours[2].end_time".
struct FieldViolation {
  std::string field;
  std::string description;

  friend bool operator==(const FieldViolation& a, const FieldViolation& b) {
    return a.field == b.field && a.description == b.description;
  }
};

// INVALID_ARGUMENT listing every violation. Requires !violations.empty().
absl::Status InvalidArgumentWithViolations(
    const std::vector<FieldViolation>& violations);

// INVALID_ARGUMENT for a single field.
absl::Status InvalidField(absl::string_view field,
                          absl::string_view description);

// FAILED_PRECONDITION carrying a machine-readable reason.
absl::Status FailedPreconditionWithReason(absl::string_view reason,
                                          absl::string_view message);

// The reason attached by FailedPreconditionWithReason, if any.
std::optional<std::string> ErrorReason(const absl::Status& status);

// The violations attached by InvalidArgumentWithViolations.
std::vector<FieldViolation> FieldViolations(const absl::Status& status);

// NOT_FOUND for a link token: unknown, or of a location the caller may not
// book on (the same answer, so a token reveals nothing across tenants).
absl::Status UnknownLinkToken();

// NOT_FOUND for a booking's manage token: unknown, or of a location the
// caller may not book on (the same answer, as for link tokens).
absl::Status UnknownManageToken();

// Reason of a change refused because the booking is cancelled.
inline constexpr char kReasonBookingCancelled[] = "BOOKING_CANCELLED";

// Reason of a slot that is no longer free.
inline constexpr char kReasonSlotUnavailable[] = "SLOT_UNAVAILABLE";

}  // namespace scheduling::domain

#endif  // SCHEDULING_SERVER_DOMAIN_ERRORS_H_
