// The gRPC port's transport credentials: TLS from PEM files that are
// reloaded when they change (gRPC's file-watching certificate provider, so
// certificates rotate without a restart), optionally requiring client
// certificates signed by a CA (mTLS); or plain text when chosen
// explicitly.
//
// Thread-safety: a function of its arguments.
#ifndef SCHEDULING_SERVER_AUTH_TRANSPORT_H_
#define SCHEDULING_SERVER_AUTH_TRANSPORT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/security/server_credentials.h"

namespace scheduling::auth {

struct TransportOptions {
  std::string tls_cert;       // PEM certificate chain
  std::string tls_key;        // PEM private key
  std::string tls_client_ca;  // PEM CA bundle; non-empty: mTLS required
  bool insecure = false;
  absl::Duration reload_interval = absl::Seconds(60);
};

// Checks the files now (readable, parse, key matches certificate) so that
// a mistake stops the server at start with a clear message rather than
// failing every handshake later. INVALID_ARGUMENT naming the problem.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>>
ServerTransportCredentials(const TransportOptions& options);

}  // namespace scheduling::auth

#endif  // SCHEDULING_SERVER_AUTH_TRANSPORT_H_
