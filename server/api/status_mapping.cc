#include "server/api/status_mapping.h"

#include <string>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "server/domain/errors.h"
#include "server/observability/log.h"

namespace scheduling::api {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  std::string message(status.message());
  if (status.code() == absl::StatusCode::kInternal ||
      status.code() == absl::StatusCode::kUnknown) {
    observability::Log(observability::LogLevel::kError, "internal error")
        .Add("status", status.ToString());
    message = "internal error; the server log has the details";
  }

  google::rpc::Status details;
  details.set_code(static_cast<int>(code));
  details.set_message(message);
  if (std::optional<std::string> reason = domain::ErrorReason(status)) {
    google::rpc::ErrorInfo info;
    info.set_reason(*reason);
    info.set_domain(kErrorDomain);
    details.add_details()->PackFrom(info);
  }
  if (status.code() == absl::StatusCode::kResourceExhausted) {
    google::rpc::RetryInfo retry;
    retry.mutable_retry_delay()->set_nanos(
        static_cast<int32_t>(absl::ToInt64Nanoseconds(kOverloadRetryDelay)));
    details.add_details()->PackFrom(retry);
  }
  std::vector<domain::FieldViolation> violations =
      domain::FieldViolations(status);
  if (!violations.empty()) {
    google::rpc::BadRequest bad_request;
    for (const domain::FieldViolation& violation : violations) {
      auto* field = bad_request.add_field_violations();
      field->set_field(violation.field);
      field->set_description(violation.description);
    }
    details.add_details()->PackFrom(bad_request);
  }
  if (details.details_size() == 0) return grpc::Status(code, message);
  return grpc::Status(code, message, details.SerializeAsString());
}

}  // namespace scheduling::api
