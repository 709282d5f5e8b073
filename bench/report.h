// The benchmark's results: what was measured, the table printed at the
// end of a run, the same as JSON, and the targets checked against
// them.
//
// Thread-safety: plain values and free functions.
#ifndef SCHEDULING_BENCH_REPORT_H_
#define SCHEDULING_BENCH_REPORT_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bench/fixtures.h"
#include "bench/load_generator.h"
#include "bench/lock_wait_sampler.h"
#include "bench/storm.h"

namespace scheduling::bench {

// The workloads' names in the table; the targets are keyed on them.
inline constexpr char kHealthWorkload[] = "Health/Check (bare gRPC)";
inline constexpr char kCreateWorkload[] = "CreateOneTimeLink";
inline constexpr char kResolveWorkload[] = "ResolveOneTimeLink";
inline constexpr char kBookFreshWorkload[] = "BookOneTimeLink fresh";
inline constexpr char kBookContendedWorkload[] = "BookOneTimeLink contended";
inline constexpr char kListFreeSlotsWorkload[] = "ListFreeSlots 31d";
inline constexpr char kWorkflowWorkload[] = "Workflow create+resolve+book";

// CPU seconds spent by each process over a measurement window.
struct CpuSpent {
  double client = 0;               // the benchmark process
  std::optional<double> server;    // the scheduling server
  std::optional<double> database;  // mariadbd
};

// One side (service, raw SQL or health check) at one concurrency.
struct Measurement {
  LoadResult load;
  CpuSpent cpu;
  std::optional<int64_t> server_peak_rss_kb;  // warm-up and window
  std::optional<int> server_threads;          // at the end of the window
  std::optional<int64_t> sql_statements;      // executed in the window
  std::vector<double> server_cpu_by_process;  // with several replicas
  std::optional<int64_t> row_lock_waits;      // InnoDB's, in the window
  std::optional<int64_t> row_lock_time_ms;    // spent in those waits
  // The rows those waits were on (--sample_lock_waits), in the window.
  std::optional<LockWaitTally> lock_waits_sampled;

  // Per 1,000 calls counted in the window.
  std::optional<double> PerThousandCalls(std::optional<double> total) const;
  std::optional<double> StatementsPerCall() const;
  std::optional<double> PerCall(std::optional<int64_t> total) const;
};

struct ReportRow {
  std::string workload;  // "CreateOneTimeLink", ...
  int concurrency = 0;
  Measurement service;
  std::optional<Measurement> raw_sql;
  std::optional<double> health_calls_per_second;  // same concurrency
  // Labels that are right answers here, not errors (LINK_USED when
  // contending for a link).
  std::set<std::string> expected;
  std::vector<std::string> notes;

  std::optional<double> Ratio() const;  // service / raw SQL throughput
};

// One slot-engine micro-benchmark, read from Google Benchmark's JSON.
struct SlotEngineResult {
  std::string name;
  double microseconds = 0;  // CPU time per iteration (median of the runs)
};

// Two rows' throughputs side by side: one location against the same load
// over many, one replica against several.
struct Comparison {
  std::string title;  // "one location / 64 locations"
  std::string workload;
  int concurrency = 0;
  double numerator_rate = 0;  // calls that succeeded, per second
  double denominator_rate = 0;
  // InnoDB row lock waits per call on each side.
  std::optional<double> numerator_lock_waits;
  std::optional<double> denominator_lock_waits;
  std::optional<double> target;  // the ratio should be at least this

  std::optional<double> Ratio() const;
};

struct Machine {
  int cpus = 0;
  std::string cpu_model;
  int64_t memory_mb = 0;
  std::string kernel;
  static Machine ThisOne();
};

struct Report {
  std::string commit;
  std::string started;  // UTC, RFC 3339
  Machine machine;
  absl::Duration warmup;
  absl::Duration measure;
  int db_pool_size = 0;
  int max_calls_in_flight = 0;  // the server's, as bench.sh set it; 0: unknown
  int channels = 0;
  int replicas = 1;
  std::vector<ReportRow> rows;
  std::vector<Comparison> comparisons;
  std::optional<StormResult> storm;
  std::vector<SlotEngineResult> slot_engine;
  std::optional<DoubleUseCheck> double_uses;
  int64_t client_seen_double_wins = 0;
};

// Reads the results of a `slots_benchmark --benchmark_out=FILE
// --benchmark_out_format=json` run.
absl::StatusOr<std::vector<SlotEngineResult>> ReadSlotEngineResults(
    const std::string& path);

// The table, the slot engine's results and the targets, for a terminal
// and for RESULTS.md (it is Markdown).
void PrintReport(const Report& report, std::ostream& out);

absl::Status WriteJson(const Report& report, const std::string& path);

}  // namespace scheduling::bench

#endif  // SCHEDULING_BENCH_REPORT_H_
