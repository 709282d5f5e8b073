// A transaction of the test's own, on a connection of its own to the
// database SCHEDULING_TEST_DSN names, kept open until Release() (or
// destruction): for tests that hold row locks while the server works;
// and a probe that waits until someone else (the server) holds a row.
//
// Thread-safety: not thread-safe; one test drives it.
#ifndef SCHEDULING_TESTS_INTEGRATION_HELD_TRANSACTION_H_
#define SCHEDULING_TESTS_INTEGRATION_HELD_TRANSACTION_H_

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/store/connection_pool.h"
#include "server/store/dsn.h"
#include "server/store/transaction.h"

namespace scheduling::testing {

// A pool of one connection to SCHEDULING_TEST_DSN; null (with a gtest
// failure) if it cannot connect.
inline std::unique_ptr<store::ConnectionPool> OneConnectionPool() {
  const char* dsn = std::getenv("SCHEDULING_TEST_DSN");
  auto parsed = store::ParseDsn(dsn == nullptr ? "" : dsn);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  if (!parsed.ok()) return nullptr;
  auto pool = store::ConnectionPool::Create(*parsed, 1);
  EXPECT_TRUE(pool.ok()) << pool.status();
  if (!pool.ok()) return nullptr;
  return *std::move(pool);
}

// Waits up to `timeout` until another transaction holds a lock on a row
// that `select` (a SELECT) finds; whether one did. It probes with
// `select` FOR UPDATE NOWAIT in autocommit mode, so a probe that finds
// the rows free holds them only while its statement runs.
inline bool AwaitRowLockedElsewhere(const std::string& select,
                                    absl::Duration timeout) {
  std::unique_ptr<store::ConnectionPool> pool = OneConnectionPool();
  if (pool == nullptr) return false;
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    absl::Status probe =
        store::RunStatements(*pool, "lock probe", [&](store::Lease& lease) {
          std::unique_ptr<sql::Statement> statement(
              lease.connection().createStatement());
          std::unique_ptr<sql::ResultSet> rows(
              statement->executeQuery(select + " FOR UPDATE NOWAIT"));
          return absl::OkStatus();
        });
    // NOWAIT on a locked row fails as a lock wait timeout would, which
    // the store reports as a lost race.
    if (probe.code() == absl::StatusCode::kAborted) return true;
    EXPECT_TRUE(probe.ok()) << probe;
    if (!probe.ok()) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return false;
}

class HeldTransaction {
 public:
  HeldTransaction() : pool_(OneConnectionPool()) {
    if (pool_ == nullptr) return;
    auto lease = pool_->Acquire();
    EXPECT_TRUE(lease.ok()) << lease.status();
    if (!lease.ok()) return;
    lease_ = std::make_unique<store::Lease>(*std::move(lease));
    Execute("START TRANSACTION");
  }
  ~HeldTransaction() { Release(); }

  // Runs `sql` in the transaction (a SELECT ... FOR UPDATE takes the locks
  // of the rows it finds); the rows it returned.
  int Execute(const std::string& sql) {
    if (lease_ == nullptr) return 0;
    int count = 0;
    try {
      std::unique_ptr<sql::Statement> statement(
          lease_->connection().createStatement());
      if (statement->execute(sql)) {
        std::unique_ptr<sql::ResultSet> rows(statement->getResultSet());
        while (rows->next()) ++count;
      }
    } catch (const sql::SQLException& error) {
      ADD_FAILURE() << sql << ": " << error.what();
    }
    return count;
  }

  // Rolls back: the locks go.
  void Release() {
    if (lease_ == nullptr) return;
    Execute("ROLLBACK");
    lease_.reset();
  }

 private:
  std::unique_ptr<store::ConnectionPool> pool_;
  std::unique_ptr<store::Lease> lease_;
};

}  // namespace scheduling::testing

#endif  // SCHEDULING_TESTS_INTEGRATION_HELD_TRANSACTION_H_
