// What the processes under test spent: CPU time and memory of a process
// (the scheduling server, the database server, the benchmark itself) from
// /proc, and the number of statements the database server executed.
//
// Sampled at the edges of a measurement window, differences give CPU
// seconds per operation and SQL statements per operation.
//
// Thread-safety: free functions; safe from any thread.
#ifndef SCHEDULING_BENCH_SERVER_STATS_H_
#define SCHEDULING_BENCH_SERVER_STATS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/store/connection_pool.h"

namespace scheduling::bench {

struct ProcessSample {
  double cpu_seconds = 0;   // user + system, all threads, since start
  int64_t peak_rss_kb = 0;  // VmHWM: since start or the last ResetPeakRss
  int64_t rss_kb = 0;       // VmRSS: now
  int threads = 0;
};

// Reads /proc/`pid`/stat and /proc/`pid`/status. NOT_FOUND if the process
// is gone.
absl::StatusOr<ProcessSample> SampleProcess(int pid);

// Sets the peak RSS of `pid` back to its current RSS (writes "5" to
// /proc/`pid`/clear_refs, Linux 4.0 and later), so that the next sample's
// peak belongs to the workload that ran in between. Needs the right to
// write there (the same user, or root).
absl::Status ResetPeakRss(int pid);

struct DatabaseCounters {
  // MariaDB's global `Questions`: every statement a client sends, prepared
  // executions included, the SHOW STATUS itself too.
  int64_t statements = 0;
  // InnoDB's row lock waits, and the milliseconds spent in them: where a
  // hot row serialises writers, these grow with every operation.
  int64_t row_lock_waits = 0;
  int64_t row_lock_time_ms = 0;
};

// The database server's counters, in one statement.
absl::StatusOr<DatabaseCounters> ReadDatabaseCounters(
    store::ConnectionPool& pool);

}  // namespace scheduling::bench

#endif  // SCHEDULING_BENCH_SERVER_STATS_H_
