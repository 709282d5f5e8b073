#include "server/observability/rpc_interceptor.h"

#include <string>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "server/observability/log.h"

namespace scheduling::observability {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;

constexpr size_t kMaxRequestIdLength = 128;
constexpr absl::string_view kHealthService = "grpc.health.v1.Health";

const char* RpcType(ServerRpcInfo::Type type) {
  switch (type) {
    case ServerRpcInfo::Type::UNARY:
      return "unary";
    case ServerRpcInfo::Type::CLIENT_STREAMING:
      return "client_stream";
    case ServerRpcInfo::Type::SERVER_STREAMING:
      return "server_stream";
    case ServerRpcInfo::Type::BIDI_STREAMING:
      return "bidi_stream";
  }
  return "unknown";
}

RpcLabels LabelsOf(ServerRpcInfo* info) {
  // "/scheduling.v1.CalendarService/GetCalendar"
  absl::string_view full = info->method() != nullptr ? info->method() : "";
  if (!full.empty() && full.front() == '/') full.remove_prefix(1);
  const size_t slash = full.rfind('/');
  RpcLabels labels;
  labels.service = std::string(
      slash == absl::string_view::npos ? "" : full.substr(0, slash));
  labels.method = std::string(
      slash == absl::string_view::npos ? full : full.substr(slash + 1));
  labels.type = RpcType(info->type());
  return labels;
}

bool IsSaneRequestId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (char c : id) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

std::string NewRequestId() {
  thread_local absl::BitGen bits;
  const uint64_t high = absl::Uniform<uint64_t>(bits);
  const uint64_t low = absl::Uniform<uint64_t>(bits);
  std::string raw(16, '\0');
  for (int i = 0; i < 8; ++i) {
    raw[i] = static_cast<char>(high >> (8 * i));
    raw[8 + i] = static_cast<char>(low >> (8 * i));
  }
  return absl::BytesToHexString(raw);
}

std::string RequestIdOf(ServerRpcInfo* info) {
  const grpc::ServerContextBase* context = info->server_context();
  if (context != nullptr) {
    const auto& metadata = context->client_metadata();
    auto found = metadata.find(kRequestIdHeader);
    if (found != metadata.end()) {
      absl::string_view id(found->second.data(), found->second.size());
      if (IsSaneRequestId(id)) return std::string(id);
    }
  }
  return NewRequestId();
}

class RpcInterceptor final : public grpc::experimental::Interceptor {
 public:
  RpcInterceptor(ServerRpcInfo* info, Metrics& metrics, bool log_rpcs)
      : info_(info),
        metrics_(metrics),
        labels_(LabelsOf(info)),
        log_(log_rpcs && labels_.service != kHealthService),
        start_(absl::Now()) {
    metrics_.RpcStarted(labels_);
  }

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE)) {
      metrics_.RpcMessageReceived(labels_);
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace(kRequestIdHeader, RequestId());
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      metrics_.RpcMessageSent(labels_);
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      Finish(methods->GetSendStatus());
    }
    methods->Proceed();
  }

 private:
  const std::string& RequestId() {
    if (request_id_.empty()) request_id_ = RequestIdOf(info_);
    return request_id_;
  }

  void Finish(const grpc::Status& status) {
    const absl::Duration took = absl::Now() - start_;
    const std::string code = absl::StatusCodeToString(
        static_cast<absl::StatusCode>(status.error_code()));
    metrics_.RpcHandled(labels_, code, took);
    if (!log_) return;
    const grpc::ServerContextBase* context = info_->server_context();
    Log(LogLevel::kInfo, "rpc")
        .Add("service", labels_.service)
        .Add("method", labels_.method)
        .Add("code", code)
        .Add("duration_ms", absl::ToDoubleMilliseconds(took))
        .Add("peer", context != nullptr ? context->peer() : "")
        .Add("request_id", RequestId());
  }

  ServerRpcInfo* const info_;
  Metrics& metrics_;
  const RpcLabels labels_;
  const bool log_;
  const absl::Time start_;
  std::string request_id_;
};

class RpcInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  RpcInterceptorFactory(Metrics& metrics, bool log_rpcs)
      : metrics_(metrics), log_rpcs_(log_rpcs) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      ServerRpcInfo* info) override {
    return new RpcInterceptor(info, metrics_, log_rpcs_);
  }

 private:
  Metrics& metrics_;
  const bool log_rpcs_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeRpcInterceptorFactory(Metrics& metrics, bool log_rpcs) {
  return std::make_unique<RpcInterceptorFactory>(metrics, log_rpcs);
}

}  // namespace scheduling::observability
