#include "scheduling/client/error_details.h"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace scheduling::client {
namespace {

bool ParseDetails(const grpc::Status& status, google::rpc::Status* details) {
  return !status.error_details().empty() &&
         details->ParseFromString(status.error_details());
}

}  // namespace

const char* StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}

std::string ErrorReason(const grpc::Status& status) {
  google::rpc::Status details;
  if (!ParseDetails(status, &details)) return "";
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

std::vector<std::pair<std::string, std::string>> FieldViolations(
    const grpc::Status& status) {
  std::vector<std::pair<std::string, std::string>> violations;
  google::rpc::Status details;
  if (!ParseDetails(status, &details)) return violations;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad_request;
    if (!any.UnpackTo(&bad_request)) continue;
    for (const auto& violation : bad_request.field_violations()) {
      violations.emplace_back(violation.field(), violation.description());
    }
  }
  return violations;
}

std::string DescribeStatus(const grpc::Status& status) {
  std::string text = StatusCodeName(status.error_code());
  if (!status.error_message().empty()) text += ": " + status.error_message();
  const std::string reason = ErrorReason(status);
  if (!reason.empty()) text += " [reason " + reason + "]";
  for (const auto& [field, description] : FieldViolations(status)) {
    text += " [" + field + ": " + description + "]";
  }
  return text;
}

}  // namespace scheduling::client
