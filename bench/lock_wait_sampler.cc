#include "bench/lock_wait_sampler.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace scheduling::bench {
namespace {

// The locks blocking the waits now, by table, index, mode and row, with
// how many waiting locks each blocks.
constexpr char kLockWaits[] =
    "SELECT l.lock_table, IFNULL(l.lock_index, '-'), l.lock_mode, "
    "IFNULL(l.lock_data, '-'), COUNT(*) "
    "FROM information_schema.innodb_lock_waits w "
    "JOIN information_schema.innodb_locks l "
    "ON l.lock_id = w.blocking_lock_id "
    "GROUP BY 1, 2, 3, 4";

}  // namespace

LockWaitSampler::LockWaitSampler(store::ConnectionPool& pool,
                                 absl::Duration interval)
    : pool_(pool), interval_(interval) {}

LockWaitSampler::~LockWaitSampler() {
  if (thread_.joinable()) Stop();
}

void LockWaitSampler::Start() {
  if (thread_.joinable()) Stop();
  {
    absl::MutexLock lock(&mu_);
    stop_ = false;
  }
  queries_ = 0;
  samples_with_waits_ = 0;
  counts_.clear();
  error_.clear();
  thread_ = std::thread([this] { Loop(); });
}

LockWaitTally LockWaitSampler::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
  LockWaitTally tally;
  tally.interval = interval_;
  tally.queries = queries_;
  tally.samples_with_waits = samples_with_waits_;
  tally.error = error_;
  for (const auto& [key, counts] : counts_) {
    LockWaitRow row;
    std::tie(row.table, row.index, row.mode, row.data) = key;
    row.samples = counts.samples;
    row.waiters = counts.waiters;
    tally.rows.push_back(std::move(row));
  }
  std::stable_sort(tally.rows.begin(), tally.rows.end(),
                   [](const LockWaitRow& a, const LockWaitRow& b) {
                     return std::tie(a.samples, a.waiters) >
                            std::tie(b.samples, b.waiters);
                   });
  return tally;
}

void LockWaitSampler::Loop() {
  absl::StatusOr<store::Lease> lease = pool_.Acquire();
  if (!lease.ok()) {
    error_ = lease.status().ToString();
    return;
  }
  try {
    std::unique_ptr<sql::Statement> statement(
        lease->connection().createStatement());
    while (true) {
      {
        absl::MutexLock lock(&mu_);
        if (stop_) break;
      }
      ++queries_;  // sent, so counted in Questions, even should it fail
      std::unique_ptr<sql::ResultSet> rows(statement->executeQuery(kLockWaits));
      bool any = false;
      while (rows->next()) {
        any = true;
        Counts& counts = counts_[Key(rows->getString(1), rows->getString(2),
                                     rows->getString(3), rows->getString(4))];
        ++counts.samples;
        counts.waiters += rows->getInt64(5);
      }
      if (any) ++samples_with_waits_;
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stop_), interval_);
    }
  } catch (const sql::SQLException& error) {
    lease->MarkBroken();
    error_ =
        absl::StrCat("information_schema.innodb_lock_waits: ", error.what(),
                     " (", error.getErrorCode(), ")");
  }
}

}  // namespace scheduling::bench
