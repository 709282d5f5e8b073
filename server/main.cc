// scheduling_server: the one-time scheduling links gRPC service.
//
//   scheduling_server [--listen=...] [--dsn=...]   serve (migrating first)
//   scheduling_server migrate [--dsn=...]          only migrate, then exit
//
// Every flag can also come from the environment (SCHEDULING_LISTEN,
// SCHEDULING_DSN, SCHEDULING_METRICS_LISTEN, SCHEDULING_LOG_FORMAT, ...: the
// flag's name in capitals after SCHEDULING_); a flag on the command line
// wins.
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
#include "server/observability/log.h"
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
ABSL_FLAG(int, max_calls_in_flight,
          EnvIntOr("SCHEDULING_MAX_CALLS_IN_FLIGHT", 0),
          "calls served at once (watch streams included); one more gets "
          "RESOURCE_EXHAUSTED with RetryInfo at once; 0: 4 x pool, at least "
          "16 (env SCHEDULING_MAX_CALLS_IN_FLIGHT)");
ABSL_FLAG(bool, log_rpcs, EnvOr("SCHEDULING_LOG_RPCS", "true") != "false",
          "one log line per RPC: method, code, duration, peer, request id "
          "(env SCHEDULING_LOG_RPCS=false turns it off)");
ABSL_FLAG(absl::Duration, grace_period,
          EnvDurationOr("SCHEDULING_GRACE_PERIOD", absl::Seconds(10)),
          "how long in-flight calls may finish after SIGTERM/SIGINT "
          "(env SCHEDULING_GRACE_PERIOD)");
ABSL_FLAG(absl::Duration, shutdown_delay,
          EnvDurationOr("SCHEDULING_SHUTDOWN_DELAY", absl::ZeroDuration()),
          "after SIGTERM, report NOT_SERVING and keep answering this long "
          "before draining, so endpoints stop sending calls first "
          "(env SCHEDULING_SHUTDOWN_DELAY; 5s in k8s/)");
ABSL_FLAG(std::string, metrics_listen,
          EnvOr("SCHEDULING_METRICS_LISTEN", ":9090"),
          "host:port for Prometheus metrics at /metrics; empty: none "
          "(env SCHEDULING_METRICS_LISTEN)");
ABSL_FLAG(std::string, log_format, EnvOr("SCHEDULING_LOG_FORMAT", "text"),
          "log lines as json (one object a line) or text "
          "(env SCHEDULING_LOG_FORMAT; json in the container image)");
ABSL_FLAG(bool, migrate, EnvOr("SCHEDULING_MIGRATE", "true") != "false",
          "apply schema migrations at start; false: wait, NOT_SERVING, "
          "until `scheduling_server migrate` has (env SCHEDULING_MIGRATE)");
ABSL_FLAG(std::string, tls_cert, EnvOr("SCHEDULING_TLS_CERT", ""),
          "PEM certificate chain of the gRPC port; reloaded when it changes "
          "(env SCHEDULING_TLS_CERT)");
ABSL_FLAG(std::string, tls_key, EnvOr("SCHEDULING_TLS_KEY", ""),
          "PEM private key of the gRPC port (env SCHEDULING_TLS_KEY)");
ABSL_FLAG(std::string, tls_client_ca, EnvOr("SCHEDULING_TLS_CLIENT_CA", ""),
          "PEM CA bundle; when set, callers must present a client "
          "certificate it signed (mTLS) (env SCHEDULING_TLS_CLIENT_CA)");
ABSL_FLAG(absl::Duration, tls_reload_interval,
          EnvDurationOr("SCHEDULING_TLS_RELOAD_INTERVAL", absl::Seconds(60)),
          "how often the TLS files are checked for changes "
          "(env SCHEDULING_TLS_RELOAD_INTERVAL)");
ABSL_FLAG(bool, insecure, EnvOr("SCHEDULING_INSECURE", "false") == "true",
          "serve gRPC in plain text, without TLS: only on a trusted network "
          "or 127.0.0.1 (env SCHEDULING_INSECURE=true)");
ABSL_FLAG(std::string, access_policy, EnvOr("SCHEDULING_ACCESS_POLICY", ""),
          "JSON access policy: principals, their credentials and roles per "
          "location; reloaded when it changes (env SCHEDULING_ACCESS_POLICY)");
ABSL_FLAG(bool, disable_auth,
          EnvOr("SCHEDULING_DISABLE_AUTH", "false") == "true",
          "run without an access policy: every caller may do everything "
          "(env SCHEDULING_DISABLE_AUTH=true; never in production)");
ABSL_FLAG(std::string, health_listen, EnvOr("SCHEDULING_HEALTH_LISTEN", ""),
          "host:port of a plain-text port with only the gRPC health service, "
          "for probes that cannot speak TLS; empty: none "
          "(env SCHEDULING_HEALTH_LISTEN)");
ABSL_FLAG(absl::Duration, db_check_interval,
          EnvDurationOr("SCHEDULING_DB_CHECK_INTERVAL", absl::Seconds(5)),
          "how often the health checker reaches for the database "
          "(env SCHEDULING_DB_CHECK_INTERVAL)");

namespace {

using scheduling::observability::Log;
using scheduling::observability::LogLevel;

int Fail(int exit_code, const absl::Status& status) {
  Log(LogLevel::kError, "exiting").Add("reason", status.ToString());
  return exit_code;
}

int Migrate() {
  absl::StatusOr<scheduling::store::Dsn> dsn =
      scheduling::store::ParseDsn(absl::GetFlag(FLAGS_dsn));
  if (!dsn.ok()) return Fail(2, dsn.status());
  auto pool = scheduling::store::ConnectionPool::Create(*dsn, 1);
  if (!pool.ok()) return Fail(1, pool.status());
  absl::StatusOr<std::vector<int>> applied =
      scheduling::store::ApplyMigrations(**pool);
  if (!applied.ok()) return Fail(1, applied.status());
  Log(LogLevel::kInfo, "schema is current")
      .Add("applied_now",
           applied->empty() ? "none" : absl::StrJoin(*applied, ","));
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
  scheduling::observability::LogFormat format;
  if (!scheduling::observability::ParseLogFormat(
          absl::GetFlag(FLAGS_log_format), &format)) {
    std::fprintf(stderr, "error: --log_format must be json or text\n");
    return 2;
  }
  scheduling::observability::SetLogFormat(format);
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
  options.max_calls_in_flight = absl::GetFlag(FLAGS_max_calls_in_flight);
  options.token_secret = absl::GetFlag(FLAGS_token_secret);
  options.log_rpcs = absl::GetFlag(FLAGS_log_rpcs);
  options.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  options.migrate = absl::GetFlag(FLAGS_migrate);
  options.db_check_interval = absl::GetFlag(FLAGS_db_check_interval);
  options.tls_cert = absl::GetFlag(FLAGS_tls_cert);
  options.tls_key = absl::GetFlag(FLAGS_tls_key);
  options.tls_client_ca = absl::GetFlag(FLAGS_tls_client_ca);
  options.tls_reload_interval = absl::GetFlag(FLAGS_tls_reload_interval);
  options.insecure = absl::GetFlag(FLAGS_insecure);
  options.access_policy = absl::GetFlag(FLAGS_access_policy);
  options.health_listen = absl::GetFlag(FLAGS_health_listen);
  if (options.access_policy.empty() && !absl::GetFlag(FLAGS_disable_auth)) {
    return Fail(2, absl::InvalidArgumentError(
                       "no access policy: give --access_policy=FILE (see "
                       "BUILD.md), or --disable_auth to let every caller do "
                       "everything"));
  }
  if (!options.access_policy.empty() && absl::GetFlag(FLAGS_disable_auth)) {
    return Fail(2,
                absl::InvalidArgumentError(
                    "--access_policy and --disable_auth exclude each other"));
  }
  // Serve at once and report NOT_SERVING until the database is ready: in
  // a cluster the database may well come up after the server.
  options.startup_timeout = absl::ZeroDuration();
  absl::StatusOr<std::unique_ptr<scheduling::SchedulingServer>> server =
      scheduling::SchedulingServer::Start(options);
  if (!server.ok()) return Fail(1, server.status());
  Log(LogLevel::kInfo, "listening")
      .Add("grpc_port", (*server)->port())
      .Add("transport", options.insecure                ? "plaintext"
                        : options.tls_client_ca.empty() ? "tls"
                                                        : "mtls")
      .Add("metrics_port", (*server)->metrics_port())
      .Add("health_port", (*server)->health_port())
      .Add("listen", options.listen_address);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  const absl::Duration grace = absl::GetFlag(FLAGS_grace_period);
  const absl::Duration delay = absl::GetFlag(FLAGS_shutdown_delay);
  Log(LogLevel::kInfo, "stopping")
      .Add("signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT")
      .Add("shutdown_delay_ms", absl::ToInt64Milliseconds(delay))
      .Add("grace_period_ms", absl::ToInt64Milliseconds(grace));
  (*server)->Shutdown(grace, delay);
  (*server)->Wait();
  Log(LogLevel::kInfo, "stopped");
  return 0;
}
