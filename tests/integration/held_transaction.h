// A transaction of the test's own, on a connection of its own to the
// database SCHEDULING_TEST_DSN names, kept open until Release() (or
// destruction): for tests that hold row locks while the server works.
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

#include "gtest/gtest.h"
#include "server/store/connection_pool.h"
#include "server/store/dsn.h"

namespace scheduling::testing {

class HeldTransaction {
 public:
  HeldTransaction() {
    const char* dsn = std::getenv("SCHEDULING_TEST_DSN");
    auto parsed = store::ParseDsn(dsn == nullptr ? "" : dsn);
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    if (!parsed.ok()) return;
    auto pool = store::ConnectionPool::Create(*parsed, 1);
    EXPECT_TRUE(pool.ok()) << pool.status();
    if (!pool.ok()) return;
    pool_ = *std::move(pool);
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
