#include "server/store/event_sequencer.h"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/observability/log.h"
#include "server/store/call_deadline.h"
#include "server/store/migrations.h"
#include "server/store/transaction.h"

namespace scheduling::store {
namespace {

using observability::Log;
using observability::LogLevel;

// Passes over one location per wake before others get their turn.
constexpr int kPassesPerTurn = 8;
// Passes CatchUp runs at most (a location written faster than it can be
// numbered is the thread's to follow; the caller reads what is numbered).
constexpr int kCatchUpPasses = 64;
// How often the thread checks for the schema before it starts.
constexpr absl::Duration kSchemaCheckInterval = absl::Milliseconds(250);
// How often the same kind of failure is logged at most.
constexpr absl::Duration kFailureLogInterval = absl::Seconds(10);

struct Draft {
  uint64_t pk = 0;
  uint64_t link_pk = 0;
  int64_t link_event_no = 0;
};

// The location's oldest drafts, at most `limit`.
std::vector<Draft> OldestDrafts(Lease& lease, const std::string& location,
                                int limit) {
  sql::PreparedStatement& select = lease.Prepare(
      "SELECT pk, link_pk, link_event_no FROM one_time_link_event_drafts "
      "WHERE location_id = ? ORDER BY pk LIMIT ?");
  select.setString(1, location);
  select.setInt(2, limit);
  std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
  std::vector<Draft> drafts;
  while (rows->next()) {
    drafts.push_back(
        {rows->getUInt64(1), rows->getUInt64(2), rows->getInt64(3)});
  }
  return drafts;
}

// Locks the location's head row (made if missing) and returns last_seq.
int64_t LockHead(Lease& lease, const std::string& location) {
  sql::PreparedStatement& lock = lease.Prepare(
      "SELECT last_seq FROM one_time_link_event_heads WHERE location_id = ? "
      "FOR UPDATE");
  for (int attempt = 0; attempt < 2; ++attempt) {
    lock.setString(1, location);
    {
      std::unique_ptr<sql::ResultSet> row(lock.executeQuery());
      if (row->next()) return row->getInt64(1);
    }
    sql::PreparedStatement& insert = lease.Prepare(
        "INSERT IGNORE INTO one_time_link_event_heads (location_id, last_seq) "
        "VALUES (?, 0)");
    insert.setString(1, location);
    insert.executeUpdate();
  }
  return 0;  // not reached: the row exists after the insert
}

std::string PkList(const std::vector<uint64_t>& pks) {
  return absl::StrJoin(pks, ",");
}

// Drops from `drafts` (the oldest of a full batch) every event of a link
// that has an earlier event (lower link_event_no) beyond the batch: on
// Galera, AUTO_INCREMENT values of different nodes interleave, so a link's
// later event can have the lower pk. Such a link waits for a later pass.
// True if any was dropped.
bool KeepLinkOrderAcrossBatches(Lease& lease, std::vector<Draft>& drafts) {
  std::vector<uint64_t> links;
  for (const Draft& draft : drafts) links.push_back(draft.link_pk);
  std::sort(links.begin(), links.end());
  links.erase(std::unique(links.begin(), links.end()), links.end());
  // Only integers go into the text (pks read from the database).
  std::unique_ptr<sql::Statement> statement(
      lease.connection().createStatement());
  std::unique_ptr<sql::ResultSet> rows(statement->executeQuery(absl::StrCat(
      "SELECT link_pk, MIN(link_event_no) FROM one_time_link_event_drafts "
      "WHERE pk > ",
      drafts.back().pk, " AND link_pk IN (", PkList(links),
      ") GROUP BY link_pk")));
  absl::flat_hash_map<uint64_t, int64_t> first_beyond;
  while (rows->next()) first_beyond[rows->getUInt64(1)] = rows->getInt64(2);
  if (first_beyond.empty()) return false;
  const size_t before = drafts.size();
  drafts.erase(std::remove_if(drafts.begin(), drafts.end(),
                              [&](const Draft& draft) {
                                auto it = first_beyond.find(draft.link_pk);
                                return it != first_beyond.end() &&
                                       draft.link_event_no > it->second;
                              }),
               drafts.end());
  return drafts.size() != before;
}

// The order seqs are given in: pk order, except that each link's events
// take that link's places in pk order sorted by link_event_no.
std::vector<uint64_t> SequenceOrder(const std::vector<Draft>& drafts) {
  absl::flat_hash_map<uint64_t, std::vector<const Draft*>> by_link;
  for (const Draft& draft : drafts) by_link[draft.link_pk].push_back(&draft);
  absl::flat_hash_map<uint64_t, size_t> next;
  for (auto& [link, events] : by_link) {
    std::stable_sort(events.begin(), events.end(),
                     [](const Draft* a, const Draft* b) {
                       return a->link_event_no < b->link_event_no;
                     });
    next[link] = 0;
  }
  std::vector<uint64_t> order;
  order.reserve(drafts.size());
  for (const Draft& draft : drafts) {  // pk order
    order.push_back(by_link[draft.link_pk][next[draft.link_pk]++]->pk);
  }
  return order;
}

}  // namespace

absl::StatusOr<SequencedBatch> SequenceLocation(ConnectionPool& pool,
                                                absl::string_view location_id,
                                                int batch_size) {
  const std::string location(location_id);
  SequencedBatch batch;
  absl::Status status =
      RunTransaction(pool, "sequence link events", [&](Lease& lease) {
        batch = {};
        // Nothing to do: no lock taken (sweeps and CatchUp mostly end
        // here).
        if (OldestDrafts(lease, location, 1).empty()) return absl::OkStatus();
        // Sequencers of the location queue here; once it is held, the
        // drafts read next are the committed ones no sequencer numbered
        // (READ COMMITTED: each read sees the latest commits).
        const int64_t last_seq = LockHead(lease, location);
        std::vector<Draft> drafts = OldestDrafts(lease, location, batch_size);
        if (drafts.empty()) return absl::OkStatus();
        batch.more = static_cast<int>(drafts.size()) == batch_size;
        if (batch.more && KeepLinkOrderAcrossBatches(lease, drafts)) {
          if (drafts.empty()) return absl::OkStatus();
        }
        const std::vector<uint64_t> order = SequenceOrder(drafts);
        const std::string pks = PkList(order);
        std::unique_ptr<sql::Statement> statement(
            lease.connection().createStatement());
        // FIELD(pk, ...) is the 1-based place of pk in `order`.
        const int inserted = statement->executeUpdate(absl::StrCat(
            "INSERT INTO one_time_link_events (location_id, seq, event_type, "
            "calendar_id, link_id, booking_id, link_state, contact_id, "
            "metadata, event_time, principal) SELECT location_id, ",
            last_seq, " + FIELD(pk, ", pks,
            "), event_type, calendar_id, link_id, booking_id, link_state, "
            "contact_id, metadata, event_time, principal FROM "
            "one_time_link_event_drafts WHERE pk IN (",
            pks, ")"));
        const int deleted = statement->executeUpdate(absl::StrCat(
            "DELETE FROM one_time_link_event_drafts WHERE pk IN (", pks, ")"));
        if (inserted != static_cast<int>(order.size()) ||
            deleted != static_cast<int>(order.size())) {
          // Not possible while the head row is held; refuse rather than
          // number what another pass may have numbered.
          return absl::AbortedError("link event drafts changed while numbered");
        }
        sql::PreparedStatement& head = lease.Prepare(
            "UPDATE one_time_link_event_heads SET last_seq = ? WHERE "
            "location_id = ?");
        head.setInt64(1, last_seq + static_cast<int64_t>(order.size()));
        head.setString(2, location);
        head.executeUpdate();
        batch.numbered = static_cast<int>(order.size());
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return batch;
}

EventSequencer::EventSequencer(ConnectionPool& own, ConnectionPool& calls,
                               SequencerOptions options)
    : own_(own), calls_(calls), options_(options) {}

EventSequencer::~EventSequencer() { Stop(); }

void EventSequencer::Start(Numbered numbered) {
  numbered_ = std::move(numbered);
  if (!options_.enabled) return;
  thread_ = std::thread([this] { Run(); });
}

void EventSequencer::Wake(absl::string_view location_id) {
  if (!options_.enabled) return;
  absl::MutexLock lock(&mu_);
  woken_.insert(std::string(location_id));
}

void EventSequencer::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

absl::Status EventSequencer::CatchUp(absl::string_view location_id) {
  if (!options_.enabled) return absl::OkStatus();
  const std::string location(location_id);
  // The newest draft now: every draft committed before the call is at or
  // below it.
  std::optional<uint64_t> target;
  auto newest = [&](Lease& lease) {
    sql::PreparedStatement& select = lease.Prepare(
        "SELECT MAX(pk) FROM one_time_link_event_drafts WHERE location_id = ?");
    select.setString(1, location);
    std::unique_ptr<sql::ResultSet> row(select.executeQuery());
    target.reset();
    if (row->next() && !row->isNull(1)) target = row->getUInt64(1);
    return absl::OkStatus();
  };
  absl::Status status = RunStatements(calls_, "find link event drafts", newest);
  if (!status.ok() || !target.has_value()) return status;
  const uint64_t up_to = *target;
  for (int pass = 0; pass < kCatchUpPasses; ++pass) {
    absl::StatusOr<SequencedBatch> batch =
        SequenceLocation(calls_, location, options_.batch_size);
    if (!batch.ok()) return batch.status();
    if (batch->numbered > 0) {
      calls_.metrics().EventsSequenced(batch->numbered);
      if (numbered_) numbered_(location);
    }
    if (!batch->more) return absl::OkStatus();
    status = RunStatements(calls_, "find link event drafts", newest);
    if (!status.ok()) return status;
    if (!target.has_value() || *target > up_to) {
      // Still drafts: are any of them old enough to matter?
      bool left = false;
      status =
          RunStatements(calls_, "find link event drafts", [&](Lease& lease) {
            sql::PreparedStatement& select = lease.Prepare(
                "SELECT 1 FROM one_time_link_event_drafts WHERE location_id = "
                "? AND pk <= ? LIMIT 1");
            select.setString(1, location);
            select.setUInt64(2, up_to);
            std::unique_ptr<sql::ResultSet> row(select.executeQuery());
            left = row->next();
            return absl::OkStatus();
          });
      if (!status.ok()) return status;
      if (!left) return absl::OkStatus();
    }
  }
  return absl::DeadlineExceededError("link events are still being numbered");
}

absl::StatusOr<int> EventSequencer::Drain(const std::string& location_id,
                                          int passes) {
  int total = 0;
  for (int pass = 0; pass < passes; ++pass) {
    CallDeadlineScope deadline(absl::Now() + options_.work_timeout);
    absl::StatusOr<SequencedBatch> batch =
        SequenceLocation(own_, location_id, options_.batch_size);
    if (!batch.ok()) return batch.status();
    if (batch->numbered > 0) {
      total += batch->numbered;
      calls_.metrics().EventsSequenced(batch->numbered);
      if (numbered_) numbered_(location_id);
    }
    if (!batch->more) return total;
  }
  Wake(location_id);  // more left: another turn, after the others
  return total;
}

absl::StatusOr<std::vector<std::string>> EventSequencer::Sweep() {
  CallDeadlineScope deadline(absl::Now() + options_.work_timeout);
  std::vector<std::string> locations;
  absl::Status status =
      RunStatements(own_, "sweep link event drafts", [&](Lease& lease) {
        locations.clear();
        uint64_t newest = 0;
        {
          std::unique_ptr<sql::Statement> statement(
              lease.connection().createStatement());
          std::unique_ptr<sql::ResultSet> row(statement->executeQuery(
              "SELECT MAX(pk) FROM one_time_link_event_drafts"));
          if (row->next() && !row->isNull(1)) newest = row->getUInt64(1);
        }
        // Drafts that were there at the last sweep: their writers had a
        // whole interval to have them numbered and did not (another
        // server that was not woken, or one that crashed). At the first
        // sweep, every draft.
        const uint64_t up_to = swept_once_ ? swept_up_to_ : newest;
        swept_up_to_ = newest;
        swept_once_ = true;
        if (up_to == 0) return absl::OkStatus();
        sql::PreparedStatement& select = lease.Prepare(
            "SELECT location_id FROM one_time_link_event_drafts WHERE pk <= ? "
            "GROUP BY location_id LIMIT ?");
        select.setUInt64(1, up_to);
        select.setInt(2, options_.sweep_locations);
        std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
        while (rows->next()) locations.push_back(rows->getString(1));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return locations;
}

void EventSequencer::Failed(absl::string_view what,
                            const absl::Status& status) {
  // Before the server is ready the pool hands out nothing: not a failure.
  if (!succeeded_once_ && absl::IsUnavailable(status)) return;
  calls_.metrics().EventSequencerFailed();
  ++failures_unlogged_;
  const absl::Time now = absl::Now();
  if (now - last_failure_log_ < kFailureLogInterval) return;
  Log(LogLevel::kWarning, "link events not numbered yet; will retry")
      .Add("operation", what)
      .Add("error", status.ToString())
      .Add("failures", failures_unlogged_);
  last_failure_log_ = now;
  failures_unlogged_ = 0;
}

bool EventSequencer::AwaitSchema() {
  while (true) {
    absl::Status current;
    {
      CallDeadlineScope deadline(absl::Now() + options_.work_timeout);
      current = CheckSchemaCurrent(own_);
    }
    if (current.ok()) return true;
    // Quietly: the health reporter tells about the schema and the
    // database.
    absl::MutexLock lock(&mu_);
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping_),
                             kSchemaCheckInterval)) {
      return false;
    }
  }
}

void EventSequencer::Run() {
  if (!AwaitSchema()) return;
  absl::Time next_sweep = absl::Now();
  while (true) {
    std::vector<std::string> locations;
    bool stopping = false;
    {
      absl::MutexLock lock(&mu_);
      auto due = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !woken_.empty();
      };
      mu_.AwaitWithDeadline(absl::Condition(&due), next_sweep);
      locations.assign(woken_.begin(), woken_.end());
      woken_.clear();
      stopping = stopping_;
    }
    for (const std::string& location : locations) {
      absl::StatusOr<int> drained = Drain(location, kPassesPerTurn);
      if (drained.ok()) {
        succeeded_once_ = true;
      } else {
        Failed("sequence link events", drained.status());
      }
    }
    if (stopping) return;  // what it was woken for is done (or logged)
    if (absl::Now() < next_sweep) continue;
    absl::StatusOr<std::vector<std::string>> swept = Sweep();
    next_sweep = absl::Now() + options_.sweep_interval;
    if (!swept.ok()) {
      Failed("sweep link event drafts", swept.status());
      continue;
    }
    succeeded_once_ = true;
    for (const std::string& location : *swept) {
      absl::StatusOr<int> drained = Drain(location, kPassesPerTurn);
      if (!drained.ok()) Failed("sequence link events", drained.status());
    }
  }
}

}  // namespace scheduling::store
