// The benchmark suite: makes the fixtures, then for each workload and
// concurrency runs the service and, right after it, the raw-SQL baseline
// on the same database, and samples the server, the database and itself
// at the edges of each measurement window.
//
// Thread-safety: RunSuite is not reentrant (it drives the machine).
#ifndef SCHEDULING_BENCH_SUITE_H_
#define SCHEDULING_BENCH_SUITE_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/report.h"
#include "bench/storm.h"

namespace scheduling::bench {

// Workload keys for SuiteOptions::workloads.
inline constexpr char kCreateKey[] = "create";
inline constexpr char kResolveKey[] = "resolve";
inline constexpr char kBookKey[] = "book";
inline constexpr char kContendedKey[] = "contended";
inline constexpr char kSlotsKey[] = "slots";
inline constexpr char kWorkflowKey[] = "workflow";
inline constexpr char kRssKey[] = "rss";
// Create and book in one location against the same load over many.
inline constexpr char kTenantsKey[] = "tenants";
// Create and book through one replica against all (with several servers).
inline constexpr char kReplicasKey[] = "replicas";
// The deadline storm (bench/storm.h).
inline constexpr char kStormKey[] = "storm";

struct SuiteOptions {
  // host:port of the running server, or a target naming several replicas
  // ("ipv4:127.0.0.1:P1,127.0.0.1:P2", "dns:///name:port").
  std::string server_address;
  // The policy spreading calls over several replicas ("round_robin").
  std::string load_balancing_policy;
  // With several replicas: the first alone, and how many there are.
  std::string single_server_address;
  int replicas = 1;
  std::string dsn;               // the database the server uses
  std::vector<int> server_pids;  // empty: no server-side figures
  int db_pid = 0;                // 0: no database CPU figures
  int db_pool_size = 16;         // what the server was started with
  absl::Duration warmup = absl::Seconds(5);
  absl::Duration measure = absl::Seconds(10);
  std::vector<int> concurrency = {16, 64};
  int latency_concurrency = 1;      // ListFreeSlots' latency target
  int rss_concurrency = 256;        // the memory target
  int channels = 4;                 // client HTTP/2 connections
  std::set<std::string> workloads;  // empty: all
  std::string location_id;          // fresh per run
  int locations = 1;                // see Fixtures::Options::locations
  int tenant_locations = 64;        // the spread side of kTenantsKey
  StormOptions storm;               // server_pids are filled in
  // Tally which rows InnoDB's lock waits are on during every measurement
  // window (bench/lock_wait_sampler.h), one sample every interval.
  // Above kMinLockWaitSampleInterval (bench/lock_wait_sampler.h).
  bool sample_lock_waits = false;
  absl::Duration lock_wait_sample_interval = absl::Milliseconds(150);
};

absl::StatusOr<Report> RunSuite(const SuiteOptions& options);

}  // namespace scheduling::bench

#endif  // SCHEDULING_BENCH_SUITE_H_
