#include "client/booking_page/outcome.h"

#include <string>

#include "scheduling/client/error_details.h"

namespace scheduling::booking_page {

Outcome ClassifyFailure(const grpc::Status& status, bool token_call) {
  const std::string reason = scheduling::client::ErrorReason(status);
  switch (status.error_code()) {
    case grpc::StatusCode::FAILED_PRECONDITION:
      if (reason == "LINK_USED" || reason == "LINK_EXPIRED" ||
          reason == "LINK_REVOKED" || reason == "CALENDAR_INACTIVE") {
        return Outcome::kGone;
      }
      if (reason == "SLOT_UNAVAILABLE") return Outcome::kSlotTaken;
      if (reason == "INVITEE_MISMATCH") return Outcome::kInviteeMismatch;
      return Outcome::kFailed;
    case grpc::StatusCode::NOT_FOUND:
      return Outcome::kNotFound;
    case grpc::StatusCode::INVALID_ARGUMENT:
      return token_call ? Outcome::kNotFound : Outcome::kInvalidInput;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::ABORTED:
      return Outcome::kUnavailable;
    default:
      return Outcome::kFailed;
  }
}

int HttpStatusOf(Outcome outcome) {
  switch (outcome) {
    case Outcome::kGone:
      return 410;
    case Outcome::kNotFound:
      return 404;
    case Outcome::kSlotTaken:
      return 409;
    case Outcome::kInviteeMismatch:
    case Outcome::kInvalidInput:
      return 422;
    case Outcome::kUnavailable:
      return 503;
    case Outcome::kFailed:
      return 502;
  }
  return 502;
}

}  // namespace scheduling::booking_page
