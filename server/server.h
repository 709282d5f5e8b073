// The scheduling server: both services, health, reflection and RPC logging
// on one port, over a database connection pool. main.cc runs it; the
// integration tests run the same object in-process on a real port.
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
#include "server/store/booking_store.h"
#include "server/store/calendar_store.h"
#include "server/store/connection_pool.h"
#include "server/store/link_store.h"

namespace scheduling {

struct ServerOptions {
  // host:port; port 0 picks a free one (see SchedulingServer::port()).
  std::string listen_address = "0.0.0.0:50051";
  // mysql://user:password@host:port/database
  std::string dsn;
  // Prefix of one-time link URLs.
  std::string public_base_url = "http://localhost:8080";
  // Derives link tokens (domain/secrets.h). Every replica needs the same
  // one, kept across restarts, for retried link creations to get their
  // first token back. Empty: a random one for this process.
  std::string token_secret;
  int db_pool_size = 16;
  // Apply pending schema migrations before serving.
  bool migrate = true;
  // One stderr line per RPC.
  bool log_rpcs = true;
  // The current time; tests may pin it.
  api::Clock clock = [] { return absl::Now(); };
};

class SchedulingServer {
 public:
  // Connects to the database, migrates, and starts serving. UNAVAILABLE
  // without a database; INVALID_ARGUMENT for bad options.
  static absl::StatusOr<std::unique_ptr<SchedulingServer>> Start(
      ServerOptions options);

  ~SchedulingServer();

  // The port actually bound.
  int port() const { return port_; }

  // Marks the health service NOT_SERVING, stops accepting calls, lets
  // in-flight calls finish within `grace`, then cancels the rest.
  void Shutdown(absl::Duration grace);

  // Blocks until the server has shut down.
  void Wait();

 private:
  SchedulingServer() = default;

  std::unique_ptr<store::ConnectionPool> pool_;
  std::unique_ptr<store::CalendarStore> calendar_store_;
  std::unique_ptr<store::BookingStore> booking_store_;
  std::unique_ptr<store::LinkStore> link_store_;
  std::unique_ptr<api::CalendarServiceImpl> calendar_service_;
  std::unique_ptr<api::OneTimeLinkServiceImpl> link_service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace scheduling

#endif  // SCHEDULING_SERVER_SERVER_H_
