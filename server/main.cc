// scheduling_server: the one-time scheduling links gRPC service.
//
//   scheduling_server [--listen=...] [--dsn=...]   serve (migrating first)
//   scheduling_server migrate [--dsn=...]          only migrate, then exit
//
// Every flag can also come from the environment (SCHEDULING_LISTEN,
// SCHEDULING_DSN, SCHEDULING_PUBLIC_BASE_URL, SCHEDULING_TOKEN_SECRET,
// SCHEDULING_DB_POOL_SIZE, SCHEDULING_GRACE_PERIOD); a flag on the command
// line wins.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "server/server.h"
#include "server/store/connection_pool.h"
#include "server/store/dsn.h"
#include "server/store/migrations.h"

namespace {

std::string EnvOr(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

int EnvIntOr(const char* name, int fallback) {
  int value = 0;
  return absl::SimpleAtoi(EnvOr(name, ""), &value) ? value : fallback;
}

absl::Duration EnvDurationOr(const char* name, absl::Duration fallback) {
  absl::Duration value;
  return absl::ParseDuration(EnvOr(name, ""), &value) ? value : fallback;
}

}  // namespace

ABSL_FLAG(std::string, listen, EnvOr("SCHEDULING_LISTEN", "0.0.0.0:50051"),
          "host:port to serve gRPC on (env SCHEDULING_LISTEN)");
ABSL_FLAG(std::string, dsn, EnvOr("SCHEDULING_DSN", ""),
          "database: mysql://user:password@host:port/database "
          "(env SCHEDULING_DSN)");
ABSL_FLAG(std::string, public_base_url,
          EnvOr("SCHEDULING_PUBLIC_BASE_URL", "http://localhost:8080"),
          "prefix of one-time link URLs (env SCHEDULING_PUBLIC_BASE_URL)");
ABSL_FLAG(std::string, token_secret, EnvOr("SCHEDULING_TOKEN_SECRET", ""),
          "secret that derives one-time link tokens; the same on every "
          "replica and across restarts (env SCHEDULING_TOKEN_SECRET)");
ABSL_FLAG(int, db_pool_size, EnvIntOr("SCHEDULING_DB_POOL_SIZE", 16),
          "database connections (env SCHEDULING_DB_POOL_SIZE)");
ABSL_FLAG(bool, log_rpcs, EnvOr("SCHEDULING_LOG_RPCS", "true") != "false",
          "one stderr line per RPC: method, status, latency "
          "(env SCHEDULING_LOG_RPCS=false turns it off)");
ABSL_FLAG(absl::Duration, grace_period,
          EnvDurationOr("SCHEDULING_GRACE_PERIOD", absl::Seconds(10)),
          "how long in-flight calls may finish after SIGTERM/SIGINT "
          "(env SCHEDULING_GRACE_PERIOD)");

namespace {

int Migrate() {
  absl::StatusOr<scheduling::store::Dsn> dsn =
      scheduling::store::ParseDsn(absl::GetFlag(FLAGS_dsn));
  if (!dsn.ok()) {
    std::fprintf(stderr, "error: %s\n", dsn.status().ToString().c_str());
    return 2;
  }
  auto pool = scheduling::store::ConnectionPool::Create(*dsn, 1);
  if (!pool.ok()) {
    std::fprintf(stderr, "error: %s\n", pool.status().ToString().c_str());
    return 1;
  }
  absl::StatusOr<std::vector<int>> applied =
      scheduling::store::ApplyMigrations(**pool);
  if (!applied.ok()) {
    std::fprintf(stderr, "error: %s\n", applied.status().ToString().c_str());
    return 1;
  }
  std::printf(
      "schema is current; applied now: %s\n",
      applied->empty() ? "none" : absl::StrJoin(*applied, ", ").c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "serves the one-time scheduling links gRPC API.\n"
      "  scheduling_server [flags]          serve\n"
      "  scheduling_server migrate [flags]  apply schema migrations and exit");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  // Debian's abseil builds with mutex deadlock detection on, which every
  // lock gRPC and the pool take pays for (bench/RESULTS.md); the server's
  // lock order is fixed by design, and tests run with detection on.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  if (args.size() > 2 ||
      (args.size() == 2 && std::string(args[1]) != "migrate")) {
    std::fprintf(stderr, "usage: scheduling_server [migrate] [--flags]\n");
    return 2;
  }
  if (args.size() == 2) return Migrate();

  // Block the stop signals in every thread (gRPC's included, which inherit
  // this mask) so that only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  scheduling::ServerOptions options;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.dsn = absl::GetFlag(FLAGS_dsn);
  options.public_base_url = absl::GetFlag(FLAGS_public_base_url);
  options.db_pool_size = absl::GetFlag(FLAGS_db_pool_size);
  options.token_secret = absl::GetFlag(FLAGS_token_secret);
  options.log_rpcs = absl::GetFlag(FLAGS_log_rpcs);
  absl::StatusOr<std::unique_ptr<scheduling::SchedulingServer>> server =
      scheduling::SchedulingServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "error: %s\n", server.status().ToString().c_str());
    return 1;
  }
  std::fprintf(stderr, "serving on port %d (listen %s)\n", (*server)->port(),
               options.listen_address.c_str());

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  const absl::Duration grace = absl::GetFlag(FLAGS_grace_period);
  std::fprintf(stderr, "received %s: draining for up to %s\n",
               signal_number == SIGTERM ? "SIGTERM" : "SIGINT",
               absl::FormatDuration(grace).c_str());
  (*server)->Shutdown(grace);
  (*server)->Wait();
  std::fprintf(stderr, "stopped\n");
  return 0;
}
