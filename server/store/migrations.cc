#include "server/store/migrations.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <memory>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/store/transaction.h"

namespace scheduling::store {
namespace {

constexpr char kLockName[] = "scheduling.schema_migrations";
constexpr int kLockTimeoutSeconds = 60;

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

}  // namespace

absl::StatusOr<std::vector<int>> ApplyMigrations(ConnectionPool& pool) {
  std::vector<int> applied;
  absl::Status status = RunStatements(pool, "migrate", [&](Lease& lease) {
    std::unique_ptr<sql::Statement> statement(
        lease.connection().createStatement());
    {
      std::unique_ptr<sql::ResultSet> locked(statement->executeQuery(
          absl::StrCat("SELECT GET_LOCK('", kLockName, "', ",
                       kLockTimeoutSeconds, ")")));
      if (!locked->next() || locked->getInt(1) != 1) {
        return absl::UnavailableError(
            "timed out waiting for another server to finish migrating");
      }
    }
    // The named lock belongs to the session: release it on every path, or
    // a pooled connection would keep holding it.
    auto release = [&] {
      statement->execute(absl::StrCat("DO RELEASE_LOCK('", kLockName, "')"));
    };
    try {
      statement->execute(
          "CREATE TABLE IF NOT EXISTS schema_migrations ("
          " version INT NOT NULL PRIMARY KEY,"
          " name VARCHAR(255) NOT NULL,"
          " applied_at DATETIME(6) NOT NULL"
          ") ENGINE=InnoDB");
      const std::set<int> done = AppliedVersions(*statement);
      for (const Migration& migration : EmbeddedMigrations()) {
        if (done.count(migration.version) > 0) continue;
        for (const std::string& sql : SplitStatements(migration.sql)) {
          statement->execute(sql);
        }
        std::unique_ptr<sql::PreparedStatement> record(
            lease.connection().prepareStatement(
                "INSERT INTO schema_migrations (version, name, applied_at) "
                "VALUES (?, ?, UTC_TIMESTAMP(6))"));
        record->setInt(1, migration.version);
        record->setString(2, migration.name);
        record->executeUpdate();
        applied.push_back(migration.version);
      }
    } catch (const sql::SQLException&) {
      lease.MarkBroken();  // closing the session frees the lock for sure
      throw;
    }
    release();
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
