#include "server/store/transaction.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/statement.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace scheduling::store {
namespace {

bool IsConnectionLost(int code) {
  // 2002/2003 cannot connect, 2006 server gone away, 2013 lost during
  // query, 2055 lost at handshake; 1927 connection killed (MariaDB).
  return code == 2002 || code == 2003 || code == 2006 || code == 2013 ||
         code == 2055 || code == 1927;
}

bool IsRetryable(int code) {
  return code == kErrDeadlock || code == kErrLockWaitTimeout;
}

void Execute(Lease& lease, const char* statement_text) {
  std::unique_ptr<sql::Statement> statement(
      lease.connection().createStatement());
  statement->execute(statement_text);
}

// Rolls back after a failure; if even that fails the connection's state
// is unknown and it must not go back to the pool.
void RollbackQuietly(Lease& lease) {
  try {
    Execute(lease, "ROLLBACK");
  } catch (const sql::SQLException&) {
    lease.MarkBroken();
  }
}

// Why a transaction is run again, as the retries metric names it. A
// deadlock raised by COMMIT itself cannot come from InnoDB's lock graph
// (every lock was taken by then): it is a multi-writer cluster (Galera)
// refusing the transaction at certification.
const char* RetryCause(int code, bool at_commit) {
  if (code == kErrLockWaitTimeout) return "lock_wait_timeout";
  return at_commit ? "certification" : "deadlock";
}

absl::Status RunTransactionAttempts(
    ConnectionPool& pool, absl::string_view what,
    absl::FunctionRef<absl::Status(Lease&)> work) {
  absl::Status last_error;
  for (int attempt = 1; attempt <= kMaxTransactionAttempts; ++attempt) {
    absl::StatusOr<Lease> lease = pool.Acquire();
    if (!lease.ok()) return lease.status();
    bool at_commit = false;
    try {
      Execute(*lease, "START TRANSACTION");
      absl::Status status = work(*lease);
      if (!status.ok()) {
        RollbackQuietly(*lease);
        return status;
      }
      at_commit = true;
      Execute(*lease, "COMMIT");
      return absl::OkStatus();
    } catch (const sql::SQLException& error) {
      const int code = error.getErrorCode();
      if (IsConnectionLost(code)) {
        lease->MarkBroken();
        return SqlErrorToStatus(error, what);
      }
      RollbackQuietly(*lease);
      if (!IsRetryable(code)) return SqlErrorToStatus(error, what);
      last_error = SqlErrorToStatus(error, what);
      if (attempt == kMaxTransactionAttempts) break;
      pool.metrics().TransactionRetried(RetryCause(code, at_commit));
    }
    // Back off a little so that the transactions that deadlocked do not
    // collide again in lockstep.
    absl::SleepFor(absl::Milliseconds(attempt * 2));
  }
  return last_error;
}

}  // namespace

absl::Status SqlErrorToStatus(const sql::SQLException& error,
                              absl::string_view what) {
  const int code = error.getErrorCode();
  const std::string detail =
      absl::StrCat(what, ": ", error.what(), " (error ", code, ")");
  if (IsConnectionLost(code)) return absl::UnavailableError(detail);
  if (IsRetryable(code)) {
    return absl::AbortedError(
        absl::StrCat(what, ": lost a race in the database; retry"));
  }
  if (code == kErrDuplicateKey) return absl::AlreadyExistsError(detail);
  return absl::InternalError(detail);
}

absl::Status RunTransaction(ConnectionPool& pool, absl::string_view what,
                            absl::FunctionRef<absl::Status(Lease&)> work) {
  const absl::Time start = absl::Now();
  absl::Status status = RunTransactionAttempts(pool, what, work);
  pool.metrics().StoreOperation(what, absl::Now() - start);
  return status;
}

absl::Status RunStatements(ConnectionPool& pool, absl::string_view what,
                           absl::FunctionRef<absl::Status(Lease&)> work) {
  absl::StatusOr<Lease> lease = pool.Acquire();
  if (!lease.ok()) return lease.status();
  const absl::Time start = absl::Now();
  absl::Status status;
  try {
    status = work(*lease);
  } catch (const sql::SQLException& error) {
    if (IsConnectionLost(error.getErrorCode())) lease->MarkBroken();
    status = SqlErrorToStatus(error, what);
  }
  pool.metrics().StoreOperation(what, absl::Now() - start);
  return status;
}

absl::Status CheckDatabase(ConnectionPool& pool) {
  return RunStatements(pool, "check database", [](Lease& lease) {
    Execute(lease, "DO 1");
    return absl::OkStatus();
  });
}

}  // namespace scheduling::store
