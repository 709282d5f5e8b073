// What every RPC passes through on its way in and out, as a gRPC server
// interceptor so that no handler can forget it:
//
// - the grpc_server_* metrics (metrics.h);
// - a request id: the caller's `x-request-id` if it sent a sane one (at
//   most 128 printable ASCII characters), else a fresh random one; echoed
//   in the response's initial metadata as `x-request-id`;
// - one log line per RPC (log.h), when enabled:
//     {"time":...,"level":"info","msg":"rpc","service":"scheduling.v1.
//      OneTimeLinkService","method":"BookOneTimeLink","code":"OK",
//      "duration_ms":3.214,"peer":"ipv4:127.0.0.1:53122",
//      "request_id":"..."}
//   Health checks are counted but not logged (probes would drown the log).
//   The line carries no request or response content, so link tokens and
//   invitee data never reach it.
//
// Thread-safety: the factory is thread-safe; gRPC makes one interceptor
// per call.
#ifndef SCHEDULING_SERVER_OBSERVABILITY_RPC_INTERCEPTOR_H_
#define SCHEDULING_SERVER_OBSERVABILITY_RPC_INTERCEPTOR_H_

#include <memory>

#include "grpcpp/support/server_interceptor.h"
#include "server/observability/metrics.h"

namespace scheduling::observability {

inline constexpr char kRequestIdHeader[] = "x-request-id";

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeRpcInterceptorFactory(Metrics& metrics, bool log_rpcs);

}  // namespace scheduling::observability

#endif  // SCHEDULING_SERVER_OBSERVABILITY_RPC_INTERCEPTOR_H_
