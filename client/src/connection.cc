#include "scheduling/client/connection.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "grpcpp/support/client_interceptor.h"

namespace scheduling::client {
namespace {

using grpc::experimental::InterceptionHookPoints;

bool ReadFile(const std::string& path, std::string* contents) {
  std::ifstream file(path);
  if (!file) return false;
  std::stringstream text;
  text << file.rdbuf();
  *contents = text.str();
  return true;
}

void FromEnvironment(const char* name, std::string* field) {
  const char* value = std::getenv(name);
  if (field->empty() && value != nullptr) *field = value;
}

// Adds the API key to every call's initial metadata. An interceptor rather
// than call credentials: gRPC refuses call credentials on plain-text
// channels, and the key must work on both.
class ApiKeyInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit ApiKeyInterceptor(const std::string& header) : header_(header) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace("authorization", header_);
    }
    methods->Proceed();
  }

 private:
  const std::string& header_;
};

class ApiKeyInterceptorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit ApiKeyInterceptorFactory(const std::string& api_key)
      : header_("Bearer " + api_key) {}

  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    return new ApiKeyInterceptor(header_);
  }

 private:
  const std::string header_;
};

grpc::Status Invalid(const std::string& message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message);
}

}  // namespace

void ConnectionOptions::ApplyEnvironment() {
  FromEnvironment("SCHEDULING_TLS_CA", &tls_ca_file);
  FromEnvironment("SCHEDULING_TLS_CERT", &tls_cert_file);
  FromEnvironment("SCHEDULING_TLS_KEY", &tls_key_file);
  FromEnvironment("SCHEDULING_TLS_SERVER_NAME", &tls_server_name);
  FromEnvironment("SCHEDULING_API_KEY", &api_key);
  const char* plain = std::getenv("SCHEDULING_INSECURE");
  if (plain != nullptr && std::string(plain) == "true") insecure = true;
}

grpc::Status Connect(const ConnectionOptions& options,
                     std::shared_ptr<grpc::Channel>* channel) {
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  const bool any_tls = !options.tls_ca_file.empty() ||
                       !options.tls_cert_file.empty() ||
                       !options.tls_key_file.empty();
  if (options.insecure) {
    if (any_tls) {
      return Invalid("insecure (plain text) and TLS files exclude each other");
    }
    credentials = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions ssl;
    if (!options.tls_ca_file.empty() &&
        !ReadFile(options.tls_ca_file, &ssl.pem_root_certs)) {
      return Invalid("cannot read the TLS CA file " + options.tls_ca_file);
    }
    if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
      return Invalid(
          "a client certificate needs its key, and a key its "
          "certificate");
    }
    if (!options.tls_cert_file.empty()) {
      if (!ReadFile(options.tls_cert_file, &ssl.pem_cert_chain)) {
        return Invalid("cannot read the TLS certificate file " +
                       options.tls_cert_file);
      }
      if (!ReadFile(options.tls_key_file, &ssl.pem_private_key)) {
        return Invalid("cannot read the TLS key file " + options.tls_key_file);
      }
    }
    credentials = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments arguments;
  if (!options.tls_server_name.empty()) {
    arguments.SetSslTargetNameOverride(options.tls_server_name);
  }
  if (options.own_connection) {
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  }
  if (!options.load_balancing_policy.empty()) {
    arguments.SetLoadBalancingPolicyName(options.load_balancing_policy);
  }
  std::vector<
      std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
      interceptors;
  if (!options.api_key.empty()) {
    interceptors.push_back(
        std::make_unique<ApiKeyInterceptorFactory>(options.api_key));
  }
  *channel = grpc::experimental::CreateCustomChannelWithInterceptors(
      options.target, credentials, arguments, std::move(interceptors));
  return grpc::Status::OK;
}

}  // namespace scheduling::client
