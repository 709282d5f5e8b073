// The service commands: health, and demo (its flow is in demo.cc).

#include <iostream>

#include "absl/flags/flag.h"
#include "absl/types/span.h"
#include "client/cli/command_helpers.h"
#include "client/cli/commands.h"
#include "client/cli/common_flags.h"
#include "client/cli/demo.h"
#include "client/cli/output.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/client_context.h"

namespace scheduling::cli {
namespace {

int RunHealth(const Invocation& call) {
  grpc::health::v1::HealthCheckRequest request;
  request.set_service("");
  grpc::health::v1::HealthCheckResponse response;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.health->Check(&context, request, &response);
  if (!status.ok()) return call.CallFailed(status);
  FieldPrinter()
      .Add("server", call.services.target)
      .Add("status", grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
                         response.status()))
      .Print(std::cout);
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING
             ? 0
             : kCallFailed;
}

int RunDemoCommand(const Invocation& call) {
  return RunDemo(call.services, LocationName(absl::GetFlag(FLAGS_location)));
}

constexpr Command kServiceCommands[] = {
    {"health", "", "", RunHealth, "service"},
    {"demo", "--location=L", "location", RunDemoCommand},
};

}  // namespace

absl::Span<const Command> ServiceCommands() { return kServiceCommands; }

}  // namespace scheduling::cli
