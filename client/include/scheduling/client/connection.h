// Connecting to the scheduling service the way it expects to be called:
// over TLS (verifying the server, and presenting a client certificate where
// it requires mTLS) or, when chosen, in plain text; with an API key sent as
// `authorization: Bearer <key>` on every call.
//
// Example:
//   scheduling::client::ConnectionOptions options;
//   options.target = "scheduling.internal:50051";
//   options.ApplyEnvironment();  // SCHEDULING_API_KEY, SCHEDULING_TLS_CA...
//   std::shared_ptr<grpc::Channel> channel;
//   grpc::Status status = scheduling::client::Connect(options, &channel);
//   if (!status.ok()) { ... status.error_message() ... }
//   auto links = scheduling::v1::OneTimeLinkService::NewStub(channel);
//
// Thread-safety: Connect is thread-safe; channels are.
#ifndef SCHEDULING_CLIENT_CONNECTION_H_
#define SCHEDULING_CLIENT_CONNECTION_H_

#include <memory>
#include <string>

#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"

namespace scheduling::client {

struct ConnectionOptions {
  // "host:port", or "dns:///name:port" to reach every address of a name
  // (with load_balancing_policy "round_robin" behind a headless Service).
  std::string target;
  // Plain text, no TLS: only for a server started with --insecure.
  bool insecure = false;
  // PEM roots that verify the server's certificate; empty: the system's.
  std::string tls_ca_file;
  // PEM client certificate and key, for a server that requires mTLS.
  std::string tls_cert_file;
  std::string tls_key_file;
  // The name to check in the server's certificate, if not the target's.
  std::string tls_server_name;
  // Sent with every call as `authorization: Bearer <key>`; empty: none.
  std::string api_key;
  // gRPC load-balancing policy ("round_robin", "pick_first"); empty: the
  // default (pick_first).
  std::string load_balancing_policy;
  // A connection of this channel's own, not shared with other channels to
  // the same target: for load generators that want several.
  bool own_connection = false;

  // Fills every field still empty from the environment:
  // SCHEDULING_TLS_CA, SCHEDULING_TLS_CERT, SCHEDULING_TLS_KEY,
  // SCHEDULING_TLS_SERVER_NAME, SCHEDULING_API_KEY; and `insecure` from
  // SCHEDULING_INSECURE=true.
  void ApplyEnvironment();
};

// A channel as `options` say. INVALID_ARGUMENT if a file cannot be read or
// the options contradict each other (insecure with TLS files, a client
// certificate without its key).
grpc::Status Connect(const ConnectionOptions& options,
                     std::shared_ptr<grpc::Channel>* channel);

}  // namespace scheduling::client

#endif  // SCHEDULING_CLIENT_CONNECTION_H_
