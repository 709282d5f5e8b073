#include "bench/latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace scheduling::bench {
namespace {

constexpr int kSubBucketBits = 6;
constexpr int64_t kSubBuckets = int64_t{1} << kSubBucketBits;  // 64
// Values up to 2^48 ns (3 days) are kept apart; longer ones share the
// last bucket, which no call of a benchmark reaches.
constexpr int kGroups = 48 - kSubBucketBits;

int BitWidth(uint64_t value) {
  return value == 0 ? 0 : 64 - __builtin_clzll(value);
}

// Values below 2 * kSubBuckets are exact; above, the bucket of `ns` is
// (group, top kSubBucketBits + 1 bits), the group being how far the value
// had to be shifted right to fit.
size_t BucketOf(int64_t ns) {
  const uint64_t value = static_cast<uint64_t>(std::max<int64_t>(ns, 0));
  const int shift = std::max(0, BitWidth(value) - (kSubBucketBits + 1));
  const int group = std::min(shift, kGroups - 1);
  const uint64_t sub = std::min<uint64_t>(value >> group, 2 * kSubBuckets - 1);
  return static_cast<size_t>(group) * 2 * kSubBuckets + sub;
}

// The middle of bucket `index`'s value range.
double MidpointOf(size_t index) {
  const size_t group = index / (2 * kSubBuckets);
  const uint64_t sub = index % (2 * kSubBuckets);
  const double low = std::ldexp(static_cast<double>(sub), group);
  const double width = std::ldexp(1.0, group);
  return low + (width - 1) / 2;
}

}  // namespace

LatencyHistogram::LatencyHistogram()
    : counts_(static_cast<size_t>(kGroups) * 2 * kSubBuckets, 0) {}

void LatencyHistogram::Record(absl::Duration latency) {
  const int64_t ns = absl::ToInt64Nanoseconds(latency);
  ++counts_[BucketOf(ns)];
  ++count_;
  max_ns_ = std::max(max_ns_, ns);
  sum_ns_ += static_cast<double>(ns);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  max_ns_ = std::max(max_ns_, other.max_ns_);
  sum_ns_ += other.sum_ns_;
}

absl::Duration LatencyHistogram::Percentile(double q) const {
  if (count_ == 0) return absl::ZeroDuration();
  // The rank of the call at quantile q, 1-based, as the nearest-rank
  // method defines it.
  const int64_t rank = std::max<int64_t>(
      1, static_cast<int64_t>(std::ceil(q * static_cast<double>(count_))));
  int64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const double ns = std::min(MidpointOf(i), static_cast<double>(max_ns_));
      return absl::Nanoseconds(static_cast<int64_t>(ns));
    }
  }
  return Max();
}

absl::Duration LatencyHistogram::Mean() const {
  if (count_ == 0) return absl::ZeroDuration();
  return absl::Nanoseconds(
      static_cast<int64_t>(sum_ns_ / static_cast<double>(count_)));
}

}  // namespace scheduling::bench
