// What gRPC itself answers before any handler runs, said the way the API
// says everything else (a gRPC server interceptor, the one place that sees
// those answers):
//
// - A request that does not parse (protobuf refuses a `string` field that
//   holds bytes that are not UTF-8) reaches no handler, and gRPC 1.51's
//   synchronous server answers INTERNAL with an empty message. That is the
//   caller's mistake: INVALID_ARGUMENT with a BadRequest violation naming
//   the request. (Which field is not knowable here: the server never sees
//   the bytes, only the failed parse.)
// - A call the server has no thread for (the thread limit, a
//   grpc::ResourceQuota, is reached: possible in a burst even below the
//   gate's limit of calls in flight) is answered RESOURCE_EXHAUSTED
//   "Server Threadpool Exhausted": it gets the gate's message and
//   google.rpc.RetryInfo.
//
// Handlers never answer INTERNAL with an empty message, nor
// RESOURCE_EXHAUSTED without details (status_mapping.cc), which is how
// these are told apart.
//
// Thread-safety: the factory is thread-safe.
#ifndef SCHEDULING_SERVER_API_FRAMEWORK_ERRORS_H_
#define SCHEDULING_SERVER_API_FRAMEWORK_ERRORS_H_

#include <memory>

#include "grpcpp/support/server_interceptor.h"

namespace scheduling::api {

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeFrameworkErrorsInterceptorFactory();

}  // namespace scheduling::api

#endif  // SCHEDULING_SERVER_API_FRAMEWORK_ERRORS_H_
