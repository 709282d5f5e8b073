#include "server/store/migrations.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <random>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "server/store/transaction.h"

namespace scheduling::store {
namespace {

// The lease on migrating: one row whose update replicates, so that it
// serialises servers on every node of a multi-writer cluster (GET_LOCK is
// node-local on Galera). Its holder renews it before each migration; a
// holder that died loses it when it expires.
constexpr absl::Duration kLeaseTime = absl::Seconds(60);
// How long a server waits for another one to finish migrating.
constexpr absl::Duration kWaitForOthers = absl::Minutes(10);
// How many times one step runs when it keeps meeting a race.
constexpr int kStepAttempts = 20;

// Errors that another server migrating at the same time (on this node or
// another node of a cluster) can cause, after which the step is simply run
// again: deadlock or certification failure, lock wait timeout, "table
// definition has changed" (1412), "record has changed since last read"
// (1020), a cluster node not yet synced (1047), and the "already exists"
// and "does not exist" errors of a DDL statement that raced its twin
// (1050 table, 1060 column, 1061 key, 1091 drop, 1826 foreign key, 1146
// table missing). Every step is idempotent, so running it again is safe.
bool IsRaceError(int code) {
  switch (code) {
    case kErrDeadlock:
    case kErrLockWaitTimeout:
    case kErrNodeNotReady:
    case 1020:
    case 1050:
    case 1060:
    case 1061:
    case 1091:
    case 1146:
    case 1412:
    case 1826:
      return true;
    default:
      return false;
  }
}

// Runs `step`, again after a jittered pause while it meets races; the
// last error is rethrown (RunStatements turns it into a status).
template <typename Step>
auto Retrying(Step step) -> decltype(step()) {
  thread_local std::minstd_rand random(std::random_device{}());
  for (int attempt = 1;; ++attempt) {
    try {
      return step();
    } catch (const sql::SQLException& error) {
      if (!IsRaceError(error.getErrorCode()) || attempt >= kStepAttempts) {
        throw;
      }
      const int64_t ceiling_ms = std::min<int64_t>(500, int64_t{5} << attempt);
      std::uniform_int_distribution<int64_t> pause(ceiling_ms / 2, ceiling_ms);
      absl::SleepFor(absl::Milliseconds(pause(random)));
    }
  }
}

// Splits a migration into statements: ";" ending a line ends a statement;
// lines starting with "--" are comments.
std::vector<std::string> SplitStatements(const char* sql) {
  std::vector<std::string> statements;
  std::string current;
  for (absl::string_view line : absl::StrSplit(sql, '\n')) {
    absl::string_view stripped = absl::StripAsciiWhitespace(line);
    if (stripped.empty() || absl::StartsWith(stripped, "--")) continue;
    absl::StrAppend(&current, line, "\n");
    if (absl::EndsWith(stripped, ";")) {
      current.erase(current.rfind(';'));
      statements.push_back(std::move(current));
      current.clear();
    }
  }
  if (!absl::StripAsciiWhitespace(current).empty()) {
    statements.push_back(std::move(current));
  }
  return statements;
}

std::set<int> AppliedVersions(sql::Statement& statement) {
  std::set<int> versions;
  std::unique_ptr<sql::ResultSet> rows(
      statement.executeQuery("SELECT version FROM schema_migrations"));
  while (rows->next()) versions.insert(rows->getInt(1));
  return versions;
}

std::vector<const Migration*> Missing(const std::set<int>& done) {
  std::vector<const Migration*> missing;
  for (const Migration& migration : EmbeddedMigrations()) {
    if (done.count(migration.version) == 0) missing.push_back(&migration);
  }
  return missing;
}

// A name for this migrator that no other server shares.
std::string LeaseOwner() {
  std::random_device random;
  return absl::StrCat(absl::Hex(random(), absl::kZeroPad8),
                      absl::Hex(random(), absl::kZeroPad8), "-", getpid());
}

// Takes the lease (or renews it): true if this owner holds it now.
bool TakeLease(sql::Connection& connection, const std::string& owner) {
  std::unique_ptr<sql::PreparedStatement> take(connection.prepareStatement(
      absl::StrCat("UPDATE schema_migration_lock SET owner = ?, "
                   "expire_time = UTC_TIMESTAMP(6) + INTERVAL ",
                   absl::ToInt64Seconds(kLeaseTime),
                   " SECOND WHERE id = 1 AND (owner IS NULL OR owner = ? OR "
                   "expire_time < UTC_TIMESTAMP(6))")));
  take->setString(1, owner);
  take->setString(2, owner);
  return take->executeUpdate() == 1;
}

void ReleaseLease(sql::Connection& connection, const std::string& owner) {
  std::unique_ptr<sql::PreparedStatement> release(connection.prepareStatement(
      "UPDATE schema_migration_lock SET owner = NULL, expire_time = NULL "
      "WHERE id = 1 AND owner = ?"));
  release->setString(1, owner);
  release->executeUpdate();
}

}  // namespace

// Concurrency: several servers may migrate one database at once, through
// one MariaDB/MySQL server or through different nodes of a multi-writer
// Galera cluster, where GET_LOCK and row locks are node-local and
// conflicting commits are refused only at certification. So:
//  - the tables of the migrator itself are created with IF NOT EXISTS and
//    its lease row with INSERT IGNORE;
//  - the servers take turns through the lease row (an autocommit UPDATE
//    that certification orders cluster-wide); the others wait, polling,
//    until the holder has recorded every version or its lease expired;
//  - every step is idempotent and is rerun after races (IsRaceError): the
//    migration files use CREATE TABLE IF NOT EXISTS, ADD COLUMN/KEY IF NOT
//    EXISTS, DROP INDEX IF EXISTS, updates guarded by WHERE, and a version
//    is recorded with INSERT IGNORE, so even two servers that both believe
//    they hold the lease (one stalled past its expiry) end with one
//    correct schema.
absl::StatusOr<std::vector<int>> ApplyMigrations(ConnectionPool& pool) {
  std::vector<int> applied;
  absl::Status status = RunStatements(pool, "migrate", [&](Lease& lease) {
    applied.clear();
    sql::Connection& connection = lease.connection();
    std::unique_ptr<sql::Statement> statement(connection.createStatement());
    Retrying([&] {
      statement->execute(
          "CREATE TABLE IF NOT EXISTS schema_migrations ("
          " version INT NOT NULL PRIMARY KEY,"
          " name VARCHAR(255) NOT NULL,"
          " applied_at DATETIME(6) NOT NULL"
          ") ENGINE=InnoDB");
      statement->execute(
          "CREATE TABLE IF NOT EXISTS schema_migration_lock ("
          " id TINYINT NOT NULL PRIMARY KEY,"
          " owner VARCHAR(100) NULL,"
          " expire_time DATETIME(6) NULL"
          ") ENGINE=InnoDB");
      statement->execute(
          "INSERT IGNORE INTO schema_migration_lock (id) VALUES (1)");
    });
    if (Missing(Retrying([&] {
          return AppliedVersions(*statement);
        })).empty()) {
      return absl::OkStatus();  // the common case: nothing to do, no lease
    }

    const std::string owner = LeaseOwner();
    const absl::Time give_up = absl::Now() + kWaitForOthers;
    absl::Duration poll = absl::Milliseconds(20);
    for (;;) {
      if (Retrying([&] { return TakeLease(connection, owner); })) break;
      // Another server migrates: done once it recorded every version.
      if (Missing(Retrying([&] {
            return AppliedVersions(*statement);
          })).empty()) {
        return absl::OkStatus();
      }
      if (absl::Now() > give_up) {
        return absl::UnavailableError(
            "timed out waiting for another server to finish migrating");
      }
      absl::SleepFor(poll);
      poll = std::min(poll * 2, absl::Milliseconds(500));
    }

    try {
      for (const Migration* migration :
           Missing(Retrying([&] { return AppliedVersions(*statement); }))) {
        if (!Retrying([&] { return TakeLease(connection, owner); })) {
          // Stalled past the lease: let the new holder finish.
          return absl::AbortedError(
              "migrate: another server took over migrating; retry");
        }
        for (const std::string& sql : SplitStatements(migration->sql)) {
          Retrying([&] { statement->execute(sql); });
        }
        std::unique_ptr<sql::PreparedStatement> record(
            connection.prepareStatement(
                "INSERT IGNORE INTO schema_migrations (version, name, "
                "applied_at) VALUES (?, ?, UTC_TIMESTAMP(6))"));
        record->setInt(1, migration->version);
        record->setString(2, migration->name);
        if (Retrying([&] { return record->executeUpdate(); }) == 1) {
          applied.push_back(migration->version);
        }
      }
    } catch (const sql::SQLException&) {
      try {
        ReleaseLease(connection, owner);
      } catch (const sql::SQLException&) {
        lease.MarkBroken();  // the lease expires by itself
      }
      throw;
    }
    Retrying([&] { ReleaseLease(connection, owner); });
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return applied;
}

absl::Status CheckSchemaCurrent(ConnectionPool& pool) {
  std::vector<int> missing;
  absl::Status status =
      RunStatements(pool, "check schema version", [&](Lease& lease) {
        std::unique_ptr<sql::Statement> statement(
            lease.connection().createStatement());
        std::set<int> done;
        {
          std::unique_ptr<sql::ResultSet> table(statement->executeQuery(
              "SELECT COUNT(*) FROM information_schema.tables WHERE "
              "table_schema = DATABASE() AND table_name = "
              "'schema_migrations'"));
          if (table->next() && table->getInt(1) > 0) {
            done = AppliedVersions(*statement);
          }
        }
        for (const Migration& migration : EmbeddedMigrations()) {
          if (done.count(migration.version) == 0) {
            missing.push_back(migration.version);
          }
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  if (!missing.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the database schema lacks migrations ", absl::StrJoin(missing, ", "),
        "; run `scheduling_server migrate`"));
  }
  return absl::OkStatus();
}

}  // namespace scheduling::store
