#include "server/api/framework_errors.h"

#include <string>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "server/api/status_mapping.h"

namespace scheduling::api {
namespace {

using grpc::experimental::InterceptionHookPoints;

grpc::Status WithDetails(grpc::StatusCode code, const std::string& message,
                         const google::protobuf::Message& detail) {
  google::rpc::Status status;
  status.set_code(static_cast<int>(code));
  status.set_message(message);
  status.add_details()->PackFrom(detail);
  return grpc::Status(code, message, status.SerializeAsString());
}

grpc::Status Unparsable(const std::string& method) {
  google::rpc::BadRequest bad_request;
  auto* violation = bad_request.add_field_violations();
  violation->set_field("");
  violation->set_description(
      "the request is not a valid message for " + method +
      ": a string field holds bytes that are not UTF-8, or the bytes are "
      "not a protobuf message of this method's request type");
  return WithDetails(grpc::StatusCode::INVALID_ARGUMENT,
                     "invalid request: " + violation->description(),
                     bad_request);
}

grpc::Status Overloaded() {
  google::rpc::RetryInfo retry;
  const absl::Duration delay = kOverloadRetryDelay;
  retry.mutable_retry_delay()->set_seconds(absl::ToInt64Seconds(delay));
  retry.mutable_retry_delay()->set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(delay % absl::Seconds(1))));
  return WithDetails(grpc::StatusCode::RESOURCE_EXHAUSTED,
                     "the server is at its limit of calls in flight; retry "
                     "after the delay in RetryInfo",
                     retry);
}

class FrameworkErrorsInterceptor final
    : public grpc::experimental::Interceptor {
 public:
  explicit FrameworkErrorsInterceptor(grpc::experimental::ServerRpcInfo* info)
      : method_(info->method() != nullptr ? info->method() : "") {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      if (status.error_code() == grpc::StatusCode::INTERNAL &&
          status.error_message().empty()) {
        methods->ModifySendStatus(Unparsable(method_));
      } else if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED &&
                 status.error_details().empty()) {
        methods->ModifySendStatus(Overloaded());
      }
    }
    methods->Proceed();
  }

 private:
  const std::string method_;
};

class FrameworkErrorsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new FrameworkErrorsInterceptor(info);
  }
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeFrameworkErrorsInterceptorFactory() {
  return std::make_unique<FrameworkErrorsInterceptorFactory>();
}

}  // namespace scheduling::api
