// Reading the rich error details (google.rpc.Status) that the scheduling
// service attaches to failed calls.
//
// Example:
//   grpc::Status status = stub->BookOneTimeLink(&context, request, &booking);
//   if (scheduling::client::ErrorReason(status) == "LINK_USED") { ... }
//
// Thread-safe: free functions over values.
#ifndef SCHEDULING_CLIENT_ERROR_DETAILS_H_
#define SCHEDULING_CLIENT_ERROR_DETAILS_H_

#include <string>
#include <utility>
#include <vector>

#include "grpcpp/support/status.h"

namespace scheduling::client {

// The canonical name of a status code, e.g. "FAILED_PRECONDITION".
const char* StatusCodeName(grpc::StatusCode code);

// The ErrorInfo reason of a failed call ("LINK_USED", ...), or "" if none.
std::string ErrorReason(const grpc::Status& status);

// The BadRequest field violations of a failed call as (field, description).
std::vector<std::pair<std::string, std::string>> FieldViolations(
    const grpc::Status& status);

// A one-line human-readable description: code, message, reason, violations.
std::string DescribeStatus(const grpc::Status& status);

}  // namespace scheduling::client

#endif  // SCHEDULING_CLIENT_ERROR_DETAILS_H_
