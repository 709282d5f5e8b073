// A transaction the database ends before COMMIT without the client hearing
// of it (seen on Galera after a brute-force abort; BUILD.md, "Transactions
// the node ended without saying so"). The test plays the database's part
// with a ROLLBACK inside the work: the statements after it must neither
// commit on their own nor be committed by RunTransaction's COMMIT; the
// unit runs again instead.
#include <cppconn/connection.h>
#include <cppconn/statement.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/store/call_deadline.h"
#include "server/store/connection_pool.h"
#include "server/store/dsn.h"
#include "server/store/transaction.h"
#include "tests/integration/link_fixtures.h"

namespace scheduling::testing {
namespace {

class LostTransactionTest : public LinkFixture {
 protected:
  void SetUp() override {
    LinkFixture::SetUp();
    const v1::Calendar calendar = AllDayCalendar();
    where_ = "WHERE location_id = '" + location_ + "' AND calendar_id = '" +
             calendar.name().substr(calendar.name().rfind('/') + 1) + "'";
    const char* dsn = std::getenv("SCHEDULING_TEST_DSN");
    auto parsed = store::ParseDsn(dsn == nullptr ? "" : dsn);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    auto pool = store::ConnectionPool::Create(*parsed, 1);
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = *std::move(pool);
  }

  int64_t Version() {
    return QueryInt("SELECT version FROM calendars " + where_);
  }

  // Two writes, with the transaction ended behind the work's back between
  // them on the first attempt, or on every one.
  absl::Status TwoWrites(int* attempts, bool lose_every_time) {
    return store::RunTransaction(
        *pool_, "test two writes", [&](store::Lease& lease) {
          ++*attempts;
          std::unique_ptr<sql::Statement> statement(
              lease.connection().createStatement());
          const std::string bump =
              "UPDATE calendars SET version = version + 1 " + where_;
          statement->execute(bump);
          if (lose_every_time || *attempts == 1) statement->execute("ROLLBACK");
          statement->execute(bump);
          return absl::OkStatus();
        });
  }

  std::string where_;
  std::unique_ptr<store::ConnectionPool> pool_;
};

TEST_F(LostTransactionTest, StatementsAfterALostTransactionAreRunAgainWhole) {
  const int64_t before = Version();
  int attempts = 0;
  EXPECT_TRUE(TwoWrites(&attempts, /*lose_every_time=*/false).ok());
  // The first attempt's second write did not commit by itself, nor with
  // the COMMIT: the whole unit ran again, and both writes are there once.
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(Version(), before + 2);
}

TEST_F(LostTransactionTest, AUnitThatKeepsLosingItsTransactionWritesNothing) {
  const int64_t before = Version();
  int attempts = 0;
  absl::Status status;
  {
    store::CallDeadlineScope scope(absl::Now() + absl::Milliseconds(500));
    status = TwoWrites(&attempts, /*lose_every_time=*/true);
  }
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << status;
  EXPECT_GT(attempts, 1);
  EXPECT_EQ(Version(), before);
}

}  // namespace
}  // namespace scheduling::testing
