// One log line per RPC on stderr: method, status code and latency.
//
//   2026-11-24T18:55:01.123456Z rpc
//   /scheduling.v1.OneTimeLinkService/BookOneTimeLink OK 3.214ms
//
// A gRPC server interceptor, so no handler can forget it.
#ifndef SCHEDULING_SERVER_RPC_LOGGING_H_
#define SCHEDULING_SERVER_RPC_LOGGING_H_

#include <memory>

#include "grpcpp/support/server_interceptor.h"

namespace scheduling {

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeRpcLoggingInterceptorFactory();

}  // namespace scheduling

#endif  // SCHEDULING_SERVER_RPC_LOGGING_H_
