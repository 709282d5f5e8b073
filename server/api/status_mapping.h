// absl::Status → grpc::Status with google.rpc.Status details: an ErrorInfo
// for statuses carrying a reason, a BadRequest for field violations, a
// RetryInfo for RESOURCE_EXHAUSTED.
// Internal errors are logged and replaced by a generic message, so that
// SQL text or driver messages never reach callers.
#ifndef SCHEDULING_SERVER_API_STATUS_MAPPING_H_
#define SCHEDULING_SERVER_API_STATUS_MAPPING_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/support/status.h"

namespace scheduling::api {

// The ErrorInfo domain of every reason this service gives.
inline constexpr char kErrorDomain[] = "scheduling.v1";

// How long a caller refused for overload (RESOURCE_EXHAUSTED) is told to
// wait before retrying (google.rpc.RetryInfo).
inline constexpr absl::Duration kOverloadRetryDelay = absl::Milliseconds(200);

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace scheduling::api

#endif  // SCHEDULING_SERVER_API_STATUS_MAPPING_H_
