// The scheduling server: both services, health (health.h), reflection,
// metrics and RPC logs (observability/) on one port, over a database
// connection pool, and Prometheus metrics on a port of their own. main.cc
// runs it; the integration tests run the same object in-process on real
// ports.
//
// Thread-safety: Shutdown may be called from any thread, once.
#ifndef SCHEDULING_SERVER_SERVER_H_
#define SCHEDULING_SERVER_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "server/api/calendar_service.h"
#include "server/api/one_time_link_service.h"
#include "server/auth/gate.h"
#include "server/auth/policy_source.h"
#include "server/health.h"
#include "server/observability/metrics.h"
#include "server/store/booking_store.h"
#include "server/store/calendar_store.h"
#include "server/store/connection_pool.h"
#include "server/store/event_sequencer.h"
#include "server/store/link_store.h"

namespace scheduling {

struct ServerOptions {
  // host:port; port 0 picks a free one (see SchedulingServer::port()).
  std::string listen_address = "0.0.0.0:50051";
  // Transport of the gRPC port: TLS with this certificate chain and key
  // (PEM files, reloaded when they change), and, if `tls_client_ca` is
  // set, client certificates signed by it are required (mTLS). Plain text
  // only if `insecure` (then the TLS files must be empty).
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  bool insecure = false;
  // How often the TLS files are checked for changes.
  absl::Duration tls_reload_interval = absl::Seconds(60);
  // The access policy file (auth/access_policy.h); empty switches
  // authentication off: every caller may do everything (tests and local
  // experiments only; main.cc demands --disable_auth for it).
  std::string access_policy;
  absl::Duration access_policy_reload_interval = absl::Seconds(5);
  // host:port of a plain-text gRPC port with only the health service, for
  // probes that cannot speak TLS (Kubernetes' gRPC probes); empty: none.
  // Port 0 picks a free one (see health_port()).
  std::string health_listen;
  // mysql://user:password@host:port/database
  std::string dsn;
  // Prefix of one-time link URLs.
  std::string public_base_url = "http://localhost:8080";
  // Derives link tokens (domain/secrets.h). Every replica needs the same
  // one, kept across restarts, for retried link creations to get their
  // first token back. Empty: a random one for this process.
  std::string token_secret;
  int db_pool_size = 16;
  // Calls admitted at once (auth/gate.h); one more is refused at once with
  // RESOURCE_EXHAUSTED and RetryInfo. Watch streams count while open.
  // 0: four per pooled connection, at least 16.
  int max_calls_in_flight = 0;
  // Apply pending schema migrations before serving; otherwise wait,
  // NOT_SERVING, until `scheduling_server migrate` has applied them.
  bool migrate = true;
  // One log line per RPC (observability/rpc_interceptor.h).
  bool log_rpcs = true;
  // host:port for Prometheus (/metrics); ":9090" means every interface;
  // port 0 picks a free one (see metrics_port()); empty: no metrics port.
  std::string metrics_listen;
  // How often a serving server checks its database (health.h).
  absl::Duration db_check_interval = absl::Seconds(5);
  // How long Start waits for the schema and the database before it gives
  // up with the last start-up error. Zero: return at once and keep
  // trying in the background, reporting NOT_SERVING meanwhile (what a
  // server in a cluster does, where the database may come up later).
  absl::Duration startup_timeout = absl::Seconds(30);
  // The link event sequencer (store/event_sequencer.h): batch size, sweep
  // interval, deadline of its work; `enabled = false` leaves the events
  // this server writes unnumbered until another server's sweep finds
  // them (tests: a server that dies before numbering).
  store::SequencerOptions sequencer;
  // The current time; tests may pin it.
  api::Clock clock = [] { return absl::Now(); };
};

class SchedulingServer {
 public:
  // Starts serving (health NOT_SERVING), then connects to the database
  // and migrates (or waits for the schema) in the background; waits for
  // that up to `options.startup_timeout`. INVALID_ARGUMENT for bad
  // options; UNAVAILABLE if a port cannot be bound or the database is not
  // ready in time.
  static absl::StatusOr<std::unique_ptr<SchedulingServer>> Start(
      ServerOptions options);

  ~SchedulingServer();

  // The port actually bound.
  int port() const { return port_; }
  // The metrics port actually bound (0 without one).
  int metrics_port() const;
  // The plain-text health port actually bound (0 without one).
  int health_port() const { return health_port_; }
  // The access policy in force (null with authentication off).
  const auth::PolicySource* policies() const { return policies_.get(); }

  observability::Metrics& metrics() { return *metrics_; }

  // Reports NOT_SERVING (readiness and services; "liveness" stays
  // SERVING), keeps answering calls for `delay` so that load balancers
  // notice and stop sending, then stops accepting calls, lets in-flight
  // calls finish within `grace`, and cancels the rest.
  void Shutdown(absl::Duration grace,
                absl::Duration delay = absl::ZeroDuration());

  // Blocks until the server has shut down.
  void Wait();

 private:
  SchedulingServer() = default;

  std::shared_ptr<observability::Metrics> metrics_;
  std::unique_ptr<auth::PolicySource> policies_;
  std::unique_ptr<auth::Gate> gate_;
  std::unique_ptr<observability::MetricsExposer> metrics_exposer_;
  std::unique_ptr<store::ConnectionPool> pool_;
  std::unique_ptr<store::ConnectionPool> probe_pool_;
  std::unique_ptr<store::ConnectionPool> sequencer_pool_;
  std::unique_ptr<store::CalendarStore> calendar_store_;
  std::unique_ptr<store::BookingStore> booking_store_;
  std::unique_ptr<store::LinkStore> link_store_;
  std::unique_ptr<store::EventSequencer> sequencer_;
  std::unique_ptr<api::CalendarServiceImpl> calendar_service_;
  std::unique_ptr<api::OneTimeLinkServiceImpl> link_service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::Server> health_server_;
  std::unique_ptr<HealthReporter> health_;
  int port_ = 0;
  int health_port_ = 0;
  bool shut_down_ = false;
};

}  // namespace scheduling

#endif  // SCHEDULING_SERVER_SERVER_H_
