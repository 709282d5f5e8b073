#include "server/server.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "server/api/framework_errors.h"
#include "server/auth/transport.h"
#include "server/domain/secrets.h"
#include "server/observability/log.h"
#include "server/observability/rpc_interceptor.h"
#include "server/store/dsn.h"

namespace scheduling {
namespace {

using observability::Log;
using observability::LogLevel;

// Health checks must answer within a probe's timeout even when the
// database hangs instead of refusing.
constexpr int kProbeIoTimeoutSeconds = 3;

}  // namespace

absl::StatusOr<std::unique_ptr<SchedulingServer>> SchedulingServer::Start(
    ServerOptions options) {
  if (options.dsn.empty()) {
    return absl::InvalidArgumentError(
        "no database: set --dsn or SCHEDULING_DSN "
        "(mysql://user:password@host:port/database)");
  }
  while (absl::EndsWith(options.public_base_url, "/")) {
    options.public_base_url.pop_back();
  }
  absl::StatusOr<store::Dsn> dsn = store::ParseDsn(options.dsn);
  if (!dsn.ok()) return dsn.status();

  auth::TransportOptions transport;
  transport.tls_cert = options.tls_cert;
  transport.tls_key = options.tls_key;
  transport.tls_client_ca = options.tls_client_ca;
  transport.insecure = options.insecure;
  transport.reload_interval = options.tls_reload_interval;
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      auth::ServerTransportCredentials(transport);
  if (!credentials.ok()) return credentials.status();

  std::unique_ptr<SchedulingServer> server(new SchedulingServer());
  if (!options.access_policy.empty()) {
    absl::StatusOr<std::unique_ptr<auth::PolicySource>> policies =
        auth::PolicySource::Open(options.access_policy,
                                 options.access_policy_reload_interval);
    if (!policies.ok()) return policies.status();
    server->policies_ = *std::move(policies);
  } else {
    Log(LogLevel::kWarning,
        "AUTHENTICATION IS OFF: no access policy, so every caller may read, "
        "create, book and revoke anything in every location");
  }
  const int max_in_flight = options.max_calls_in_flight > 0
                                ? options.max_calls_in_flight
                                : std::max(16, 4 * options.db_pool_size);
  server->gate_ =
      std::make_unique<auth::Gate>(server->policies_.get(), max_in_flight);
  if (options.insecure) {
    Log(LogLevel::kWarning,
        "PLAIN TEXT: the gRPC port has no TLS (--insecure); API keys and all "
        "data cross the network readable")
        .Add("listen", options.listen_address);
  }
  server->metrics_ = std::make_shared<observability::Metrics>();
  if (!options.metrics_listen.empty()) {
    std::string listen = options.metrics_listen;
    if (absl::StartsWith(listen, ":")) listen = absl::StrCat("0.0.0.0", listen);
    absl::StatusOr<std::unique_ptr<observability::MetricsExposer>> exposer =
        observability::MetricsExposer::Start(listen, *server->metrics_);
    if (!exposer.ok()) return exposer.status();
    server->metrics_exposer_ = *std::move(exposer);
  }

  store::PoolOptions serving;
  serving.size = options.db_pool_size;
  serving.metrics = server->metrics_;
  serving.connect_now = false;
  serving.ready = false;
  absl::StatusOr<std::unique_ptr<store::ConnectionPool>> pool =
      store::ConnectionPool::Create(*dsn, serving);
  if (!pool.ok()) return pool.status();
  server->pool_ = *std::move(pool);
  store::PoolOptions probe;
  probe.size = 1;
  probe.connect_now = false;
  probe.io_timeout_seconds = kProbeIoTimeoutSeconds;
  absl::StatusOr<std::unique_ptr<store::ConnectionPool>> probe_pool =
      store::ConnectionPool::Create(*dsn, probe);
  if (!probe_pool.ok()) return probe_pool.status();
  server->probe_pool_ = *std::move(probe_pool);

  server->calendar_store_ =
      std::make_unique<store::CalendarStore>(*server->pool_);
  server->booking_store_ =
      std::make_unique<store::BookingStore>(*server->pool_);
  server->link_store_ = std::make_unique<store::LinkStore>(*server->pool_);
  if (options.token_secret.empty()) {
    Log(LogLevel::kWarning,
        "no token secret configured (--token_secret or "
        "SCHEDULING_TOKEN_SECRET); using a random one, so retried link "
        "creations and bookings only get their token back from this "
        "process");
    options.token_secret = domain::GenerateSecret();
  }
  // The sequencer's thread has a connection of its own: it never waits
  // behind calls, nor they behind it, and its pool metrics stay apart.
  store::PoolOptions sequencing;
  sequencing.size = 1;
  sequencing.connect_now = false;
  absl::StatusOr<std::unique_ptr<store::ConnectionPool>> sequencer_pool =
      store::ConnectionPool::Create(*dsn, sequencing);
  if (!sequencer_pool.ok()) return sequencer_pool.status();
  server->sequencer_pool_ = *std::move(sequencer_pool);
  server->sequencer_ = std::make_unique<store::EventSequencer>(
      *server->sequencer_pool_, *server->pool_, options.sequencer);
  server->calendar_service_ = std::make_unique<api::CalendarServiceImpl>(
      *server->calendar_store_, *server->booking_store_, *server->sequencer_,
      options.token_secret, options.clock, *server->metrics_, *server->gate_);
  server->link_service_ = std::make_unique<api::OneTimeLinkServiceImpl>(
      *server->link_store_, *server->booking_store_, *server->sequencer_,
      options.public_base_url, options.token_secret, options.clock,
      *server->metrics_, *server->gate_);
  // Numbered events wake this server's watchers at once. The sequencer
  // stops (Shutdown) before the service goes.
  api::OneTimeLinkServiceImpl* link_service = server->link_service_.get();
  server->sequencer_->Start([link_service](const std::string& location_id) {
    link_service->EventsNumbered(location_id);
  });

  // Reflection clients (buf curl, grpcurl) can only list the health
  // service if its descriptors are linked in: reference one.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  // The sync server runs each call on a polling thread that then blocks on
  // the database; with gRPC's default of two pollers it keeps creating and
  // destroying threads under load (measured in bench/RESULTS.md). Keep
  // enough pollers for every pooled connection to be in use at once.
  builder.SetSyncServerOption(
      grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 4);
  builder.SetSyncServerOption(
      grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
      std::max(4, options.db_pool_size));
  // Every call runs on a thread of its own. The gate admits at most
  // max_in_flight calls and refuses the rest at once, so the threads never
  // all sit in handlers and a spare one is always there to refuse; the
  // quota caps the total all the same (pollers and refusals included).
  grpc::ResourceQuota quota("scheduling-server");
  quota.SetMaxThreads(max_in_flight + std::max(16, options.db_pool_size));
  builder.SetResourceQuota(quota);
  builder.AddListeningPort(options.listen_address, *credentials,
                           &server->port_);
  builder.RegisterService(server->calendar_service_.get());
  builder.RegisterService(server->link_service_.get());
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  // First the rewrite of gRPC's own answers, so that metrics and the log
  // line see the final status.
  interceptors.push_back(api::MakeFrameworkErrorsInterceptorFactory());
  interceptors.push_back(observability::MakeRpcInterceptorFactory(
      *server->metrics_, options.log_rpcs));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address));
  }

  std::vector<grpc::HealthCheckServiceInterface*> health_services = {
      server->server_->GetHealthCheckService()};
  if (!options.health_listen.empty()) {
    // Only the health service, in plain text: Kubernetes' gRPC probes
    // cannot speak TLS. It reveals nothing but SERVING or NOT_SERVING.
    grpc::ServerBuilder health_builder;
    health_builder.AddListeningPort(options.health_listen,
                                    grpc::InsecureServerCredentials(),
                                    &server->health_port_);
    server->health_server_ = health_builder.BuildAndStart();
    if (server->health_server_ == nullptr || server->health_port_ == 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot listen on ", options.health_listen));
    }
    health_services.push_back(server->health_server_->GetHealthCheckService());
  }
  HealthReporter::Options health;
  health.migrate = options.migrate;
  health.check_interval = options.db_check_interval;
  server->health_ = std::make_unique<HealthReporter>(
      std::move(health_services), *server->probe_pool_, *server->pool_,
      *server->metrics_, health);
  if (options.startup_timeout > absl::ZeroDuration()) {
    absl::Status ready =
        server->health_->WaitUntilReady(options.startup_timeout);
    if (!ready.ok()) return ready;
  }
  return server;
}

SchedulingServer::~SchedulingServer() {
  if (!shut_down_ && server_ != nullptr) Shutdown(absl::ZeroDuration());
  // Start may have failed after starting it.
  if (sequencer_ != nullptr) sequencer_->Stop();
  health_.reset();  // joins its thread before the pools go
}

int SchedulingServer::metrics_port() const {
  return metrics_exposer_ != nullptr ? metrics_exposer_->port() : 0;
}

void SchedulingServer::Shutdown(absl::Duration grace, absl::Duration delay) {
  if (shut_down_) return;
  shut_down_ = true;
  if (health_ != nullptr) health_->BeginDrain();
  if (delay > absl::ZeroDuration()) {
    Log(LogLevel::kInfo, "draining: NOT_SERVING, still answering")
        .Add("delay_ms", absl::ToInt64Milliseconds(delay));
    // Endpoints and client-side balancers learn of NOT_SERVING on their
    // next probe; until then calls keep coming and are answered.
    absl::SleepFor(delay);
  }
  link_service_->StopWatchers();
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  if (health_server_ != nullptr) health_server_->Shutdown();
  // No call writes events any more: number what they left, then stop.
  sequencer_->Stop();
}

void SchedulingServer::Wait() {
  server_->Wait();
  if (health_server_ != nullptr) health_server_->Wait();
}

}  // namespace scheduling
