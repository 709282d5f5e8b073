// Migrations safe under concurrency (issue 11): several migrators racing
// on one fresh MariaDB all succeed, each version is applied once, and a
// migration run again over a finished schema (a migrator that lost its
// lease halfway, say) changes nothing. The same across the nodes of a
// Galera cluster is GaleraStartTest in tests/galera/.
#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/barrier.h"
#include "gtest/gtest.h"
#include "server/store/connection_pool.h"
#include "server/store/dsn.h"
#include "server/store/migrations.h"
#include "server/store/transaction.h"
#include "tests/integration/private_database.h"

namespace scheduling::testing {
namespace {

std::string Text(store::ConnectionPool& pool, const std::string& sql) {
  std::string text;
  absl::Status status =
      store::RunStatements(pool, "test read", [&](store::Lease& lease) {
        std::unique_ptr<sql::Statement> statement(
            lease.connection().createStatement());
        std::unique_ptr<sql::ResultSet> rows(statement->executeQuery(sql));
        while (rows->next()) text += std::string(rows->getString(1)) + "\n";
        return absl::OkStatus();
      });
  EXPECT_TRUE(status.ok()) << status;
  return text;
}

// Every table's definition, as SHOW CREATE TABLE gives it.
std::string Schema(store::ConnectionPool& pool) {
  std::string schema;
  for (absl::string_view table :
       absl::StrSplit(Text(pool, "SHOW TABLES"), '\n', absl::SkipEmpty())) {
    absl::Status status =
        store::RunStatements(pool, "test schema", [&](store::Lease& lease) {
          std::unique_ptr<sql::Statement> statement(
              lease.connection().createStatement());
          std::unique_ptr<sql::ResultSet> rows(statement->executeQuery(
              "SHOW CREATE TABLE `" + std::string(table) + "`"));
          if (rows->next()) schema += std::string(rows->getString(2)) + "\n";
          return absl::OkStatus();
        });
    EXPECT_TRUE(status.ok()) << status;
  }
  return schema;
}

TEST(MigrationRaceTest, RacingMigratorsAllSucceedAndApplyEachVersionOnce) {
  std::unique_ptr<PrivateDatabase> db = PrivateDatabase::Start();
  ASSERT_NE(db, nullptr);
  auto parsed = store::ParseDsn(db->dsn());
  ASSERT_TRUE(parsed.ok());

  constexpr int kMigrators = 4;
  std::vector<std::unique_ptr<store::ConnectionPool>> pools;
  for (int i = 0; i < kMigrators; ++i) {
    auto pool = store::ConnectionPool::Create(*parsed, 1);
    ASSERT_TRUE(pool.ok()) << pool.status();
    pools.push_back(std::move(*pool));
  }
  std::vector<absl::StatusOr<std::vector<int>>> results(
      kMigrators, absl::UnknownError("not run"));
  absl::Barrier* start = new absl::Barrier(kMigrators);
  std::vector<std::thread> threads;
  for (int i = 0; i < kMigrators; ++i) {
    threads.emplace_back([&, i] {
      if (start->Block()) delete start;
      results[i] = store::ApplyMigrations(*pools[i]);
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::map<int, int> applied;  // version -> migrators that applied it
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.status();
    for (int version : *result) ++applied[version];
  }
  std::string expected;
  for (const store::Migration& migration : store::EmbeddedMigrations()) {
    EXPECT_EQ(applied[migration.version], 1) << migration.version;
    expected += std::to_string(migration.version) + "\n";
  }
  EXPECT_EQ(Text(*pools[0],
                 "SELECT version FROM schema_migrations ORDER BY "
                 "version"),
            expected);
  EXPECT_EQ(Text(*pools[0],
                 "SELECT COUNT(*) FROM schema_migration_lock "
                 "WHERE owner IS NOT NULL"),
            "0\n");

  // Every migration once more, statement by statement, as a migrator that
  // believed it still held the lease would: nothing changes.
  const std::string schema = Schema(*pools[0]);
  for (const store::Migration& migration : store::EmbeddedMigrations()) {
    absl::Status status =
        store::RunStatements(*pools[1], "test rerun", [&](store::Lease& lease) {
          std::unique_ptr<sql::Statement> statement(
              lease.connection().createStatement());
          // Comments and the split at ";" line ends as migrations.cc does.
          std::string current;
          for (absl::string_view line : absl::StrSplit(migration.sql, '\n')) {
            absl::string_view stripped = absl::StripAsciiWhitespace(line);
            if (stripped.empty() || absl::StartsWith(stripped, "--")) {
              continue;
            }
            current += std::string(line) + "\n";
            if (absl::EndsWith(stripped, ";")) {
              current.erase(current.rfind(';'));
              statement->execute(current);
              current.clear();
            }
          }
          return absl::OkStatus();
        });
    EXPECT_TRUE(status.ok())
        << "migration " << migration.version << " cannot run twice: " << status;
  }
  EXPECT_EQ(Schema(*pools[0]), schema);
}

}  // namespace
}  // namespace scheduling::testing
