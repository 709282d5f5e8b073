// The stubs schedctl calls, over one channel to one server.
//
// Thread-compatible: the stubs themselves are thread-safe, but schedctl uses
// one Services from one thread.
#ifndef SCHEDULING_CLIENT_CLI_SERVICES_H_
#define SCHEDULING_CLIENT_CLI_SERVICES_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "scheduling/client/connection.h"
#include "scheduling/v1/calendar_service.grpc.pb.h"
#include "scheduling/v1/one_time_link_service.grpc.pb.h"

namespace scheduling::cli {

struct Services {
  // Opens a channel as `connection` says (TLS or plain text, API key).
  // Calls fail fast with UNAVAILABLE while the server cannot be reached.
  // INVALID_ARGUMENT if a TLS file cannot be read.
  static absl::StatusOr<Services> Connect(
      const client::ConnectionOptions& connection, absl::Duration timeout);

  // Gives `context` the deadline every call gets: `timeout` from now.
  void SetDeadline(grpc::ClientContext* context) const;

  std::string target;
  absl::Duration timeout;
  std::unique_ptr<scheduling::v1::CalendarService::Stub> calendars;
  std::unique_ptr<scheduling::v1::OneTimeLinkService::Stub> links;
  std::unique_ptr<grpc::health::v1::Health::Stub> health;
};

}  // namespace scheduling::cli

#endif  // SCHEDULING_CLIENT_CLI_SERVICES_H_
