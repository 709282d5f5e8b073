// The deadline storm (issue 11): many client threads send
// ListFreeSlots and BookOneTimeLink calls with a 1 ms deadline, one after
// another, for a fixed time, while the server's threads and memory are
// sampled from /proc. Then a normal call shows whether the server is
// healthy and fast right after, and the database shows how many bookings
// calls whose callers had given up still committed.
//
// Thread-safety: RunDeadlineStorm drives the machine; not reentrant.
#ifndef SCHEDULING_BENCH_STORM_H_
#define SCHEDULING_BENCH_STORM_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/fixtures.h"
#include "bench/service_workloads.h"
#include "server/store/connection_pool.h"

namespace scheduling::bench {

struct StormOptions {
  int threads = 64;   // client threads, each one call after another
  int channels = 16;  // client HTTP/2 connections (per server)
  absl::Duration deadline = absl::Milliseconds(1);
  absl::Duration duration = absl::Seconds(10);
  // Fresh links provisioned for the storm's bookings; a worker whose
  // links ran out lists free slots instead (counted).
  int book_links = 80000;
  std::vector<int> server_pids;  // sampled; empty: no server figures
};

struct StormResult {
  StormOptions options;
  absl::Duration window;
  int64_t calls = 0;
  // Method ("ListFreeSlots", "BookOneTimeLink") -> status code -> calls.
  std::map<std::string, std::map<std::string, int64_t>> answers;
  int64_t book_calls_without_link = 0;  // sent as ListFreeSlots instead
  // Summed over the servers for threads, the largest for memory.
  int threads_before = 0;
  int peak_threads = 0;   // sampled every few milliseconds
  int threads_after = 0;  // once the database is quiet again
  int64_t rss_before_kb = 0;
  int64_t peak_rss_kb = 0;  // VmHWM over the storm
  int64_t rss_after_kb = 0;
  int samples = 0;
  // Bookings the storm's calls committed (database count, after the
  // server went quiet) and how many of them the callers were told of.
  int64_t bookings_committed = 0;
  int64_t book_ok = 0;
  // Right after the storm: the first normal ListFreeSlots (31 days,
  // deadline 10 s), then the median of ten more, and the health check.
  std::string first_call_label;
  absl::Duration first_call_latency;
  absl::Duration median_call_latency;
  std::string health_label;
  absl::Duration settle_time;  // until the bookings count stood still

  int64_t Answers(const std::string& code) const;  // over both methods
  int64_t OtherAnswers() const;  // not OK, DEADLINE_EXCEEDED, RESOURCE_...
  bool Healthy() const;
};

absl::StatusOr<StormResult> RunDeadlineStorm(const StormOptions& options,
                                             const ServiceStubs& stubs,
                                             Fixtures& fixtures,
                                             store::ConnectionPool& admin);

}  // namespace scheduling::bench

#endif  // SCHEDULING_BENCH_STORM_H_
