// Which rows the database's lock waits are on: while a measurement window
// runs, a thread takes snapshots of InnoDB's lock-wait table
// (information_schema.innodb_lock_waits joined with innodb_locks on the
// blocking lock) and tallies the blocking locks by table, index, mode and
// row (lock_data). Where one hot row serialises writers, it tops the tally.
//
// Innodb_row_lock_waits (server_stats.h) says how often writers waited;
// this says on what. The sampler needs the PROCESS privilege (bench.sh
// grants it); without it the tally carries the error and stays empty.
//
// The interval must exceed 100 ms (kMinLockWaitSampleInterval): InnoDB
// serves these tables from a cache that it refills only once nobody has
// read it for 100 ms (trx0i_s.cc, can_cache_be_updated), so reading more
// often sees one snapshot, the first, over and over.
//
// Each sample is one statement on a connection of the sampler's own, so it
// counts in MariaDB's `Questions`: LockWaitTally::queries says how many to
// take off. It is off unless asked for (scheduling_loadgen
// --sample_lock_waits).
//
// Thread-safety: Start and Stop from one thread, alternately.
#ifndef SCHEDULING_BENCH_LOCK_WAIT_SAMPLER_H_
#define SCHEDULING_BENCH_LOCK_WAIT_SAMPLER_H_

#include <cstdint>
#include <map>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/store/connection_pool.h"

namespace scheduling::bench {

// Sampling at or below this repeats InnoDB's cached snapshot (see above).
inline constexpr absl::Duration kMinLockWaitSampleInterval =
    absl::Milliseconds(100);

// One row (or gap) waited on: the lock that blocked the waiters.
struct LockWaitRow {
  std::string table;    // `database`.`table`
  std::string index;    // "PRIMARY", ...; "-" for a table lock
  std::string mode;     // X, S, X,GAP, ...
  std::string data;     // the row's key values; "-" if InnoDB gave none
  int64_t samples = 0;  // samples that caught a wait on it
  int64_t waiters = 0;  // waiting locks on it, summed over the samples
};

struct LockWaitTally {
  absl::Duration interval;
  int64_t queries = 0;             // samples taken (one statement each)
  int64_t samples_with_waits = 0;  // samples that caught any wait
  std::vector<LockWaitRow> rows;   // most samples first
  std::string error;               // why sampling stopped early, if it did
};

class LockWaitSampler {
 public:
  // Samples through `pool`, which should be the sampler's own (one
  // connection), every `interval`.
  LockWaitSampler(store::ConnectionPool& pool, absl::Duration interval);
  LockWaitSampler(const LockWaitSampler&) = delete;
  LockWaitSampler& operator=(const LockWaitSampler&) = delete;
  ~LockWaitSampler();

  // Starts a new tally on a thread of its own.
  void Start();
  // Stops the thread and returns what it tallied since Start.
  LockWaitTally Stop();

 private:
  using Key = std::tuple<std::string, std::string, std::string, std::string>;
  struct Counts {
    int64_t samples = 0;
    int64_t waiters = 0;
  };

  void Loop();

  store::ConnectionPool& pool_;
  const absl::Duration interval_;
  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
  // Written by the thread only; read after joining it.
  int64_t queries_ = 0;
  int64_t samples_with_waits_ = 0;
  std::map<Key, Counts> counts_;
  std::string error_;
};

}  // namespace scheduling::bench

#endif  // SCHEDULING_BENCH_LOCK_WAIT_SAMPLER_H_
