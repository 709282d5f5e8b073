// scheduling_loadgen: runs the benchmark suite against a running server
// and its database, prints the table and writes it as JSON.
//
// scripts/bench.sh builds everything, starts a private database and the
// server, and runs this with the right flags; see bench/RESULTS.md.
//
//   scheduling_loadgen --server=127.0.0.1:PORT --dsn=mysql://...
//       --server_pid=PID [--db_pid=PID] [--json=bench/results/latest.json]
//       [--workloads=tenants] [--sample_lock_waits]
//
// Several replicas: --server=127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3
// --server_pid=PID1,PID2,PID3 (or --server=dns:///name:port for a name
// with several addresses); calls are spread with gRPC's round_robin.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/lock_wait_sampler.h"
#include "bench/report.h"
#include "bench/suite.h"

ABSL_FLAG(std::string, server, "",
          "host:port of the scheduling server; several replicas as a "
          "comma-separated list of IPv4 address:port, or a dns:///name:port "
          "target");
ABSL_FLAG(std::string, load_balancing_policy, "",
          "gRPC load-balancing policy; default: round_robin for several "
          "servers or a dns:/// target, else gRPC's default (pick_first)");
ABSL_FLAG(std::string, dsn, "",
          "the server's database, mysql://user:password@host:port/database");
ABSL_FLAG(std::string, server_pid, "",
          "pid of the server process, for its CPU time and peak RSS; "
          "comma-separated for several replicas");
ABSL_FLAG(int, max_calls_in_flight, 0,
          "the server's --max_calls_in_flight (recorded in the report)");
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
          "slots,rss,tenants,replicas,storm (default: all; replicas only "
          "with several servers)");
ABSL_FLAG(int, locations, 1,
          "spread the booking calendars over this many locations (tenants)");
ABSL_FLAG(int, tenant_locations, 64,
          "the tenants workload: one location against this many");
ABSL_FLAG(int, storm_threads, 64, "the deadline storm's client threads");
ABSL_FLAG(int, storm_channels, 16,
          "the deadline storm's client HTTP/2 connections");
ABSL_FLAG(absl::Duration, storm_deadline, absl::Milliseconds(1),
          "the deadline of every call of the storm");
ABSL_FLAG(absl::Duration, storm_duration, absl::Seconds(10),
          "how long the deadline storm lasts");
ABSL_FLAG(int, storm_book_links, 80000,
          "fresh links provisioned for the storm's BookOneTimeLink calls");
ABSL_FLAG(bool, sample_lock_waits, false,
          "during every measurement window, sample the database's lock "
          "waits (information_schema.innodb_lock_waits; needs the PROCESS "
          "privilege) and report the rows waited on");
ABSL_FLAG(absl::Duration, lock_wait_sample_interval, absl::Milliseconds(150),
          "how often --sample_lock_waits samples; more than 100ms (InnoDB "
          "refills the lock-wait table's cache only after 100 ms unread)");
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

bool ParsePids(const std::string& text, std::vector<int>* out) {
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    int value = 0;
    if (!absl::SimpleAtoi(part, &value) || value < 1) return false;
    out->push_back(value);
  }
  return true;
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
  const std::string server = absl::GetFlag(FLAGS_server);
  options.dsn = absl::GetFlag(FLAGS_dsn);
  if (server.empty() || options.dsn.empty()) {
    std::fprintf(stderr, "error: --server and --dsn are required\n");
    return 2;
  }
  if (!ParsePids(absl::GetFlag(FLAGS_server_pid), &options.server_pids)) {
    std::fprintf(stderr, "error: --server_pid takes pids, comma-separated\n");
    return 2;
  }
  const std::vector<std::string> servers =
      absl::StrSplit(server, ',', absl::SkipEmpty());
  options.load_balancing_policy = absl::GetFlag(FLAGS_load_balancing_policy);
  if (servers.size() > 1) {
    // gRPC's ipv4: scheme takes a list of numeric addresses; for host
    // names, give a dns:/// target instead.
    options.server_address = absl::StrCat("ipv4:", absl::StrJoin(servers, ","));
    options.single_server_address = servers.front();
    options.replicas = static_cast<int>(servers.size());
    if (options.load_balancing_policy.empty()) {
      options.load_balancing_policy = "round_robin";
    }
  } else {
    options.server_address = server;
    if (absl::StartsWith(server, "dns:")) {
      options.replicas = std::max<int>(1, options.server_pids.size());
      if (options.load_balancing_policy.empty()) {
        options.load_balancing_policy = "round_robin";
      }
    }
  }
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
  options.tenant_locations = absl::GetFlag(FLAGS_tenant_locations);
  options.sample_lock_waits = absl::GetFlag(FLAGS_sample_lock_waits);
  options.lock_wait_sample_interval =
      absl::GetFlag(FLAGS_lock_wait_sample_interval);
  if (options.lock_wait_sample_interval <=
      scheduling::bench::kMinLockWaitSampleInterval) {
    // Faster, every sample would read InnoDB's first snapshot again.
    std::fprintf(stderr,
                 "error: --lock_wait_sample_interval must exceed 100ms\n");
    return 2;
  }
  options.storm.threads = absl::GetFlag(FLAGS_storm_threads);
  options.storm.channels = absl::GetFlag(FLAGS_storm_channels);
  options.storm.deadline = absl::GetFlag(FLAGS_storm_deadline);
  options.storm.duration = absl::GetFlag(FLAGS_storm_duration);
  options.storm.book_links = absl::GetFlag(FLAGS_storm_book_links);
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
  report->max_calls_in_flight = absl::GetFlag(FLAGS_max_calls_in_flight);
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
