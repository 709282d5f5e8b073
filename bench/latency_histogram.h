// A latency histogram with bounded relative error, for the load generator.
//
// Buckets are log-linear (as in HdrHistogram): 64 linear sub-buckets per
// power of two, so a reported percentile is within 1 % of the true value,
// memory is fixed (a few thousand counters) however many calls are
// recorded, and per-thread histograms merge exactly.
//
// Thread-safety: none; give each thread its own and Merge() afterwards.
#ifndef SCHEDULING_BENCH_LATENCY_HISTOGRAM_H_
#define SCHEDULING_BENCH_LATENCY_HISTOGRAM_H_

#include <cstdint>
#include <vector>

#include "absl/time/time.h"

namespace scheduling::bench {

class LatencyHistogram {
 public:
  LatencyHistogram();

  void Record(absl::Duration latency);
  void Merge(const LatencyHistogram& other);

  int64_t count() const { return count_; }
  // The latency below which a fraction `q` (0..1) of the calls fall; zero
  // when nothing was recorded.
  absl::Duration Percentile(double q) const;
  absl::Duration Max() const { return absl::Nanoseconds(max_ns_); }
  absl::Duration Mean() const;

 private:
  std::vector<int64_t> counts_;
  int64_t count_ = 0;
  int64_t max_ns_ = 0;
  double sum_ns_ = 0;
};

}  // namespace scheduling::bench

#endif  // SCHEDULING_BENCH_LATENCY_HISTOGRAM_H_
