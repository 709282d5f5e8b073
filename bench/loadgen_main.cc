// scheduling_loadgen: runs the benchmark suite against a running server
// and its database, prints the table and writes it as JSON.
//
// scripts/bench.sh builds everything, starts a private database and the
// server, and runs this with the right flags; see bench/RESULTS.md.
//
//   scheduling_loadgen --server=127.0.0.1:PORT --dsn=mysql://...
//       --server_pid=PID [--db_pid=PID] [--json=bench/results/latest.json]
#include <cstdio>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/report.h"
#include "bench/suite.h"

ABSL_FLAG(std::string, server, "", "host:port of the scheduling server");
ABSL_FLAG(std::string, dsn, "",
          "the server's database, mysql://user:password@host:port/database");
ABSL_FLAG(int, server_pid, 0,
          "pid of the server process, for its CPU time and peak RSS");
ABSL_FLAG(int, db_pid, 0, "pid of mariadbd, for its CPU time");
ABSL_FLAG(int, db_pool_size, 16,
          "the server's --db_pool_size (recorded in the report)");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(5),
          "warm-up before each measurement, not counted");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10),
          "measurement window per workload and concurrency");
ABSL_FLAG(std::string, concurrency, "16,64",
          "calls in flight (1 to 256), comma-separated");
ABSL_FLAG(int, latency_concurrency, 1,
          "concurrency of the ListFreeSlots latency point");
ABSL_FLAG(int, rss_concurrency, 256, "concurrency of the server memory check");
ABSL_FLAG(int, channels, 4, "client HTTP/2 connections to the server");
ABSL_FLAG(std::string, workloads, "",
          "comma-separated subset of create,resolve,book,contended,workflow,"
          "slots,rss (default: all)");
ABSL_FLAG(int, locations, 1,
          "spread the booking calendars over this many locations (tenants)");
ABSL_FLAG(std::string, json, "bench/results/latest.json",
          "where to write the results as JSON");
ABSL_FLAG(std::string, slot_engine_results, "",
          "JSON output of slots_benchmark to include in the report");
ABSL_FLAG(std::string, commit, "unknown", "the commit measured");

namespace {

bool ParseConcurrency(const std::string& text, std::vector<int>* out) {
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    int value = 0;
    if (!absl::SimpleAtoi(part, &value) || value < 1 || value > 256) {
      return false;
    }
    out->push_back(value);
  }
  return !out->empty();
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "runs the benchmark suite against a running scheduling server; "
      "scripts/bench.sh is the usual way in");
  absl::ParseCommandLine(argc, argv);
  // Debian builds Abseil without NDEBUG, which leaves absl::Mutex's
  // deadlock detection on; gRPC locks through absl::Mutex, so it would
  // cost this client CPU that the server and the database need.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  scheduling::bench::SuiteOptions options;
  options.server_address = absl::GetFlag(FLAGS_server);
  options.dsn = absl::GetFlag(FLAGS_dsn);
  if (options.server_address.empty() || options.dsn.empty()) {
    std::fprintf(stderr, "error: --server and --dsn are required\n");
    return 2;
  }
  options.server_pid = absl::GetFlag(FLAGS_server_pid);
  options.db_pid = absl::GetFlag(FLAGS_db_pid);
  options.db_pool_size = absl::GetFlag(FLAGS_db_pool_size);
  options.warmup = absl::GetFlag(FLAGS_warmup);
  options.measure = absl::GetFlag(FLAGS_duration);
  options.concurrency.clear();
  if (!ParseConcurrency(absl::GetFlag(FLAGS_concurrency),
                        &options.concurrency)) {
    std::fprintf(stderr, "error: --concurrency takes numbers 1 to 256\n");
    return 2;
  }
  options.latency_concurrency = absl::GetFlag(FLAGS_latency_concurrency);
  options.rss_concurrency = absl::GetFlag(FLAGS_rss_concurrency);
  options.channels = absl::GetFlag(FLAGS_channels);
  for (absl::string_view key :
       absl::StrSplit(absl::GetFlag(FLAGS_workloads), ',', absl::SkipEmpty())) {
    options.workloads.insert(std::string(key));
  }
  // A location of its own per run, so runs never see each other's rows.
  options.location_id =
      absl::StrCat("bench-", absl::ToUnixSeconds(absl::Now()));

  absl::StatusOr<scheduling::bench::Report> report =
      scheduling::bench::RunSuite(options);
  if (!report.ok()) {
    std::fprintf(stderr, "error: %s\n", report.status().ToString().c_str());
    return 1;
  }
  report->commit = absl::GetFlag(FLAGS_commit);
  const std::string slot_results = absl::GetFlag(FLAGS_slot_engine_results);
  if (!slot_results.empty()) {
    auto results = scheduling::bench::ReadSlotEngineResults(slot_results);
    if (!results.ok()) {
      std::fprintf(stderr, "warning: %s\n",
                   results.status().ToString().c_str());
    } else {
      report->slot_engine = *std::move(results);
    }
  }
  scheduling::bench::PrintReport(*report, std::cout);
  absl::Status written =
      scheduling::bench::WriteJson(*report, absl::GetFlag(FLAGS_json));
  if (!written.ok()) {
    std::fprintf(stderr, "error: %s\n", written.ToString().c_str());
    return 1;
  }
  std::fprintf(stderr, "bench: wrote %s\n", absl::GetFlag(FLAGS_json).c_str());
  return 0;
}
