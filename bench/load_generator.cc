#include "bench/load_generator.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/time/clock.h"

namespace scheduling::bench {
namespace {

enum Phase : int { kWarmup = 0, kMeasuring = 1, kDone = 2 };

struct WorkerTally {
  LatencyHistogram latency;
  std::map<std::string, int64_t> outcomes;
  int64_t calls = 0;
  bool ran_out = false;
};

}  // namespace

double LoadResult::CallsPerSecond() const {
  const double seconds = absl::ToDoubleSeconds(window);
  return seconds > 0 ? static_cast<double>(calls) / seconds : 0;
}

LoadResult RunClosedLoop(const LoadOptions& options, const Operation& operation,
                         const std::function<void()>& on_window_start,
                         const std::function<void()>& on_window_end) {
  std::atomic<int> phase{kWarmup};
  std::vector<std::unique_ptr<WorkerTally>> tallies;
  std::vector<std::thread> workers;
  for (int w = 0; w < options.concurrency; ++w) {
    tallies.push_back(std::make_unique<WorkerTally>());
    workers.emplace_back([&, w, tally = tallies.back().get()] {
      while (phase.load(std::memory_order_acquire) != kDone) {
        const bool started_in_window =
            phase.load(std::memory_order_acquire) == kMeasuring;
        const absl::Time start = absl::Now();
        std::string label = operation(w);
        const absl::Time end = absl::Now();
        if (label == kOutOfInput) {
          tally->ran_out = true;
          return;
        }
        // A call that straddles an edge of the window would blur it.
        if (started_in_window &&
            phase.load(std::memory_order_acquire) == kMeasuring) {
          tally->latency.Record(end - start);
          ++tally->outcomes[std::move(label)];
          ++tally->calls;
        }
      }
    });
  }

  absl::SleepFor(options.warmup);
  if (on_window_start) on_window_start();
  const absl::Time window_start = absl::Now();
  phase.store(kMeasuring, std::memory_order_release);
  absl::SleepFor(options.measure);
  phase.store(kDone, std::memory_order_release);
  const absl::Time window_end = absl::Now();
  if (on_window_end) on_window_end();
  for (std::thread& worker : workers) worker.join();

  LoadResult result;
  result.concurrency = options.concurrency;
  result.window = window_end - window_start;
  for (const auto& tally : tallies) {
    result.latency.Merge(tally->latency);
    for (const auto& [label, count] : tally->outcomes) {
      result.outcomes[label] += count;
    }
    result.calls += tally->calls;
    result.ran_out_of_input |= tally->ran_out;
  }
  return result;
}

}  // namespace scheduling::bench
