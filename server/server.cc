#include "server/server.h"

#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "server/domain/secrets.h"
#include "server/rpc_logging.h"
#include "server/store/dsn.h"
#include "server/store/migrations.h"

namespace scheduling {
namespace {

constexpr const char* kServiceNames[] = {
    "scheduling.v1.CalendarService",
    "scheduling.v1.OneTimeLinkService",
};

void SetServing(grpc::Server& server, bool serving) {
  grpc::HealthCheckServiceInterface* health = server.GetHealthCheckService();
  if (health == nullptr) return;
  health->SetServingStatus(serving);
  for (const char* service : kServiceNames) {
    health->SetServingStatus(service, serving);
  }
}

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

  std::unique_ptr<SchedulingServer> server(new SchedulingServer());
  absl::StatusOr<std::unique_ptr<store::ConnectionPool>> pool =
      store::ConnectionPool::Create(*dsn, options.db_pool_size);
  if (!pool.ok()) return pool.status();
  server->pool_ = *std::move(pool);
  if (options.migrate) {
    absl::StatusOr<std::vector<int>> applied =
        store::ApplyMigrations(*server->pool_);
    if (!applied.ok()) return applied.status();
    if (!applied->empty()) {
      std::fprintf(stderr, "applied schema migrations: %s\n",
                   absl::StrJoin(*applied, ", ").c_str());
    }
  }
  server->calendar_store_ =
      std::make_unique<store::CalendarStore>(*server->pool_);
  server->booking_store_ =
      std::make_unique<store::BookingStore>(*server->pool_);
  server->link_store_ = std::make_unique<store::LinkStore>(*server->pool_);
  server->calendar_service_ = std::make_unique<api::CalendarServiceImpl>(
      *server->calendar_store_, *server->booking_store_, options.clock);
  if (options.token_secret.empty()) {
    std::fprintf(stderr,
                 "warning: no token secret configured (--token_secret or "
                 "SCHEDULING_TOKEN_SECRET); using a random one, so retried "
                 "link creations only get their token back from this "
                 "process\n");
    options.token_secret = domain::GenerateSecret();
  }
  server->link_service_ = std::make_unique<api::OneTimeLinkServiceImpl>(
      *server->link_store_, *server->booking_store_, options.public_base_url,
      options.token_secret, options.clock);

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
  builder.AddListeningPort(options.listen_address,
                           grpc::InsecureServerCredentials(), &server->port_);
  builder.RegisterService(server->calendar_service_.get());
  builder.RegisterService(server->link_service_.get());
  if (options.log_rpcs) {
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors;
    interceptors.push_back(MakeRpcLoggingInterceptorFactory());
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
  }
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address));
  }
  SetServing(*server->server_, true);
  return server;
}

SchedulingServer::~SchedulingServer() {
  if (!shut_down_ && server_ != nullptr) Shutdown(absl::ZeroDuration());
}

void SchedulingServer::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  SetServing(*server_, false);
  link_service_->StopWatchers();
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
}

void SchedulingServer::Wait() { server_->Wait(); }

}  // namespace scheduling
