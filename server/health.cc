#include "server/health.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_join.h"
#include "server/observability/log.h"
#include "server/store/migrations.h"
#include "server/store/transaction.h"

namespace scheduling {
namespace {

using observability::Log;
using observability::LogLevel;

constexpr absl::Duration kFirstRetry = absl::Milliseconds(250);
constexpr absl::Duration kMaxRetry = absl::Seconds(5);

}  // namespace

HealthReporter::HealthReporter(
    std::vector<grpc::HealthCheckServiceInterface*> health,
    store::ConnectionPool& probe, store::ConnectionPool& serving,
    observability::Metrics& metrics, Options options)
    : health_(std::move(health)),
      probe_(probe),
      serving_(serving),
      metrics_(metrics),
      options_(options) {
  Set(kLivenessHealthName, true);
  Set("", false);
  for (const char* name : kServiceHealthNames) {
    Set(name, false);
  }
  metrics_.DatabaseUp(false);
  thread_ = std::thread([this] { Run(); });
}

void HealthReporter::Set(const char* name, bool serving) {
  for (grpc::HealthCheckServiceInterface* health : health_) {
    health->SetServingStatus(name, serving);
  }
}

HealthReporter::~HealthReporter() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  thread_.join();
}

absl::Status HealthReporter::WaitUntilReady(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&ready_), timeout);
  return ready_ ? absl::OkStatus() : last_error_;
}

void HealthReporter::BeginDrain() {
  absl::MutexLock lock(&mu_);
  stop_ = true;
  // Under the lock, so the thread cannot report SERVING after this.
  Set("", false);
  for (const char* name : kServiceHealthNames) {
    Set(name, false);
  }
}

bool HealthReporter::WaitForStop(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&stop_), timeout);
}

absl::Status HealthReporter::Ping() { return store::CheckDatabase(probe_); }

absl::Status HealthReporter::StartUp() {
  if (options_.migrate) {
    absl::StatusOr<std::vector<int>> applied = store::ApplyMigrations(probe_);
    if (!applied.ok()) return applied.status();
    if (!applied->empty()) {
      Log(LogLevel::kInfo, "applied schema migrations")
          .Add("versions", absl::StrJoin(*applied, ","));
    }
  } else {
    absl::Status current = store::CheckSchemaCurrent(probe_);
    if (!current.ok()) return current;
  }
  return Ping();
}

void HealthReporter::ReportDatabase(bool up) {
  absl::MutexLock lock(&mu_);
  if (stop_) return;
  for (const char* name : kServiceHealthNames) {
    Set(name, up);
  }
  metrics_.DatabaseUp(up);
}

void HealthReporter::Run() {
  absl::Duration retry = kFirstRetry;
  for (;;) {
    absl::Status status = StartUp();
    {
      absl::MutexLock lock(&mu_);
      last_error_ = status;
    }
    if (status.ok()) break;
    Log(LogLevel::kWarning, "not ready")
        .Add("reason", status.ToString())
        .Add("retry_in_ms", absl::ToInt64Milliseconds(retry));
    if (WaitForStop(retry)) return;
    retry = std::min(retry * 2, kMaxRetry);
  }
  serving_.SetReady(true);
  {
    absl::MutexLock lock(&mu_);
    if (stop_) return;
    ready_ = true;
    Set("", true);
  }
  ReportDatabase(true);
  Log(LogLevel::kInfo, "ready: schema current, database answering");

  bool up = true;
  while (!WaitForStop(options_.check_interval)) {
    absl::Status status = Ping();
    if (!status.ok()) {
      // Every idle connection died with the database: drop them now
      // rather than let each fail a caller first.
      serving_.DropIdle();
    }
    if (status.ok() == up) continue;
    up = status.ok();
    ReportDatabase(up);
    if (up) {
      Log(LogLevel::kInfo, "database reachable again");
    } else {
      Log(LogLevel::kWarning, "database unreachable")
          .Add("reason", status.ToString());
    }
  }
}

}  // namespace scheduling
