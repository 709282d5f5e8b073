// The closed-loop load generator: `concurrency` threads, each issuing one
// blocking call after another, so exactly that many calls are in flight.
// Calls during the warm-up (connections opening, statements being
// prepared, caches filling) are not counted; then calls that both start
// and finish inside the measurement window are.
//
// A workload is an Operation: one call, made by worker `worker`, that
// reports how it ended as a label ("OK", "FAILED_PRECONDITION/LINK_USED",
// "SQL_1213", ...). Labels are counted, so errors are reported by code.
//
// Thread-safety: RunClosedLoop calls `operation` from many threads at
// once; the operation must be safe for that.
#ifndef SCHEDULING_BENCH_LOAD_GENERATOR_H_
#define SCHEDULING_BENCH_LOAD_GENERATOR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "bench/latency_histogram.h"

namespace scheduling::bench {

// The label of a call that succeeded.
inline constexpr char kOk[] = "OK";
// The label an operation returns when it has nothing left to call with
// (say, no fresh link left): that worker stops, and the run is marked.
inline constexpr char kOutOfInput[] = "BENCH_OUT_OF_INPUT";

using Operation = std::function<std::string(int worker)>;

// Per-worker call counters, for operations that rotate over their inputs.
// Each worker touches only its own counter, so no synchronisation is
// needed; the padding keeps workers off each other's cache lines.
class WorkerTurns {
 public:
  explicit WorkerTurns(int workers) : turns_(workers) {}
  // 0 on the worker's first call, then 1, 2, ...
  int64_t Next(int worker) { return turns_[worker].value++; }

 private:
  struct alignas(64) Counter {
    int64_t value = 0;
  };
  std::vector<Counter> turns_;
};

struct LoadOptions {
  int concurrency = 16;  // 1 to 256 calls in flight
  absl::Duration warmup = absl::Seconds(5);
  absl::Duration measure = absl::Seconds(10);
};

struct LoadResult {
  int concurrency = 0;
  absl::Duration window;  // the measurement window actually observed
  int64_t calls = 0;      // calls counted in the window
  LatencyHistogram latency;
  std::map<std::string, int64_t> outcomes;  // label -> calls
  bool ran_out_of_input = false;

  double CallsPerSecond() const;
};

// Runs `operation` in a closed loop for options.warmup + options.measure.
// `on_window_start` and `on_window_end` run on the calling thread at the
// edges of the measurement window, to sample server-side counters over
// the same interval; either may be empty.
LoadResult RunClosedLoop(const LoadOptions& options, const Operation& operation,
                         const std::function<void()>& on_window_start = {},
                         const std::function<void()>& on_window_end = {});

}  // namespace scheduling::bench

#endif  // SCHEDULING_BENCH_LOAD_GENERATOR_H_
