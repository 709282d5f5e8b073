#include "server/store/transaction.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/observability/log.h"
#include "server/store/call_deadline.h"

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
const char* RetryCause(int code, bool at_commit, bool lost) {
  if (lost) return "transaction_lost";
  if (code == kErrLockWaitTimeout) return "lock_wait_timeout";
  return at_commit ? "certification" : "deadlock";
}

absl::Status DeadlinePassed() {
  return absl::DeadlineExceededError(
      "the call's deadline passed; nothing was committed");
}

// Whether `error` is a statement cut off by the call's deadline: MariaDB's
// max_statement_time, or a kill that came after the deadline had passed.
bool IsStatementDeadline(int code) {
  return code == kErrStatementTimeout ||
         (code == kErrQueryInterrupted && absl::Now() >= CurrentCallDeadline());
}

// Sets the session up for `work`, in one round trip and only when
// something changes: statements bounded by the call's remaining time (see
// RunTransaction), and autocommit off for a transaction, on for single
// statements.
void PrepareSession(Lease& lease, bool transaction) {
  const absl::Time deadline = CurrentCallDeadline();
  const int64_t limit = StatementTimeLimitMicros(
      deadline == absl::InfiniteFuture() ? absl::InfiniteDuration()
                                         : deadline - absl::Now());
  std::string assignments;
  if (limit != lease.statement_time_limit_us()) {
    // max_statement_time is in seconds with microsecond precision.
    absl::StrAppend(&assignments, "max_statement_time = ", limit / 1000000, ".",
                    absl::Dec(limit % 1000000, absl::kZeroPad6));
  }
  if (lease.autocommit() == transaction) {
    absl::StrAppend(&assignments, assignments.empty() ? "" : ", ",
                    "autocommit = ", transaction ? "0" : "1");
  }
  if (assignments.empty()) return;
  Execute(lease, absl::StrCat("SET SESSION ", assignments).c_str());
  lease.statement_time_limit_us() = limit;
  lease.autocommit() = !transaction;
}

// The savepoint each transaction sets first and releases just before its
// COMMIT: if the database ended the transaction in between, the savepoint
// went with it (see RunTransaction).
constexpr char kBeginTransaction[] = "SAVEPOINT scheduling_transaction";
constexpr char kCheckTransaction[] = "RELEASE SAVEPOINT scheduling_transaction";

// A connection for a call: never waiting past the call's deadline.
absl::StatusOr<Lease> AcquireForCall(ConnectionPool& pool) {
  const absl::Duration left = CurrentCallDeadline() - absl::Now();
  if (left <= absl::ZeroDuration()) return DeadlinePassed();
  absl::StatusOr<Lease> lease = pool.Acquire(std::min(kAcquireTimeout, left));
  if (!lease.ok() && CurrentCallDeadline() <= absl::Now()) {
    return DeadlinePassed();
  }
  return lease;
}

// The pause before rerun `attempt` (1-based): see kRetryBackoffBase.
absl::Duration RetryBackoff(int attempt) {
  absl::Duration ceiling = kRetryBackoffBase;
  for (int i = 1; i < attempt && ceiling < kRetryBackoffCap; ++i) {
    ceiling *= 2;
  }
  ceiling = std::min(ceiling, kRetryBackoffCap);
  thread_local std::minstd_rand random(std::random_device{}());
  std::uniform_int_distribution<int64_t> micros(
      absl::ToInt64Microseconds(ceiling) / 2,
      absl::ToInt64Microseconds(ceiling));
  return absl::Microseconds(micros(random));
}

absl::Status RunTransactionAttempts(
    ConnectionPool& pool, absl::string_view what,
    absl::FunctionRef<absl::Status(Lease&)> work) {
  absl::Status last_error;
  bool reconnected = false;
  for (int attempt = 1; attempt <= kMaxTransactionAttempts; ++attempt) {
    absl::StatusOr<Lease> lease = AcquireForCall(pool);
    if (!lease.ok()) return lease.status();
    bool started = false;
    bool at_commit = false;
    bool lost = false;
    try {
      PrepareSession(*lease, /*transaction=*/true);
      // On Galera the causal wait (wsrep_sync_wait) is made by START
      // TRANSACTION; statements inside a transaction make none.
      if (lease->galera()) Execute(*lease, "START TRANSACTION");
      Execute(*lease, kBeginTransaction);
      started = true;
      absl::Status status = work(*lease);
      if (!status.ok()) {
        RollbackQuietly(*lease);
        return status;
      }
      // The caller has gone: do not commit what nobody will hear of.
      if (absl::Now() >= CurrentCallDeadline()) {
        RollbackQuietly(*lease);
        return DeadlinePassed();
      }
      at_commit = true;
      // The transaction must still be the one this attempt began. A Galera
      // node that aborts it for a replicated write set should fail the
      // next statement, but the suite has seen statements run on after
      // such an abort as if nothing happened (the later ones in a
      // transaction of their own); a COMMIT would then write half of the
      // work, decided on reads the abort undid. The savepoint is gone
      // with the transaction that set it, so its release fails then, and
      // the whole unit is rolled back and run again.
      try {
        Execute(*lease, kCheckTransaction);
      } catch (const sql::SQLException& error) {
        if (error.getErrorCode() != kErrSavepointMissing) throw;
        lost = true;
        observability::Log(observability::LogLevel::kWarning,
                           "the database ended a transaction before its "
                           "COMMIT; running it again")
            .Add("operation", what);
        ThrowLostRace("transaction ended before COMMIT");
      }
      // Only a COMMIT that returns without an error is a success: a
      // certification failure, a lost connection (outcome unknown:
      // UNAVAILABLE) or anything else is reported as such, never as OK.
      Execute(*lease, "SET STATEMENT max_statement_time = 0 FOR COMMIT");
      return absl::OkStatus();
    } catch (const sql::SQLException& error) {
      const int code = error.getErrorCode();
      if (IsConnectionLost(code)) {
        lease->MarkBroken();
        // Nothing was written on a connection that died before its
        // transaction began: once more, on a fresh one.
        if (!started && !reconnected) {
          reconnected = true;
          --attempt;
          continue;
        }
        return SqlErrorToStatus(error, what);
      }
      RollbackQuietly(*lease);
      if (!IsRetryable(code)) return SqlErrorToStatus(error, what);
      last_error = SqlErrorToStatus(error, what);
      if (attempt == kMaxTransactionAttempts) break;
      // Rerun only if the pause leaves the caller time for the rerun.
      const absl::Duration pause = RetryBackoff(attempt);
      if (absl::Now() + pause >= CurrentCallDeadline()) break;
      pool.metrics().TransactionRetried(RetryCause(code, at_commit, lost));
      absl::SleepFor(pause);
    }
  }
  return last_error;
}

}  // namespace

void ThrowLostRace(const char* what) {
  throw sql::SQLException(what, "40001", kErrDeadlock);
}

absl::Status SqlErrorToStatus(const sql::SQLException& error,
                              absl::string_view what) {
  const int code = error.getErrorCode();
  // Callers get a stable message of their own; the driver's text and error
  // number, which can name tables, keys and hosts, go to the log only.
  if (IsRetryable(code)) {
    return absl::AbortedError(
        absl::StrCat(what, ": lost a race in the database; retry"));
  }
  if (IsStatementDeadline(code)) {
    return absl::DeadlineExceededError(kStatementDeadlineMessage);
  }
  observability::Log(observability::LogLevel::kWarning, "database error")
      .Add("operation", what)
      .Add("error_code", code)
      .Add("error", error.what());
  if (IsConnectionLost(code) || code == kErrNodeNotReady) {
    return absl::UnavailableError(kDatabaseUnavailableMessage);
  }
  if (code == kErrDuplicateKey) {
    return absl::AlreadyExistsError(absl::StrCat(what, ": it exists already"));
  }
  return absl::InternalError(absl::StrCat(what, ": database error"));
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
  absl::StatusOr<Lease> lease = AcquireForCall(pool);
  if (!lease.ok()) return lease.status();
  const absl::Time start = absl::Now();
  absl::Status status;
  try {
    PrepareSession(*lease, /*transaction=*/false);
    status = work(*lease);
  } catch (const sql::SQLException& error) {
    if (IsConnectionLost(error.getErrorCode())) lease->MarkBroken();
    status = SqlErrorToStatus(error, what);
  }
  pool.metrics().StoreOperation(what, absl::Now() - start);
  return status;
}

int64_t StatementTimeLimitMicros(absl::Duration left) {
  if (left == absl::InfiniteDuration()) return 0;
  const int64_t micros = absl::ToInt64Microseconds(left);
  const int64_t step = micros >= 10000000  ? 1000000
                       : micros >= 1000000 ? 100000
                       : micros >= 10000   ? 10000
                                           : 1000;
  return std::max<int64_t>(1000, micros / step * step);
}

absl::Status CheckDatabase(ConnectionPool& pool) {
  return RunStatements(pool, "check database", [](Lease& lease) {
    Execute(lease, "DO 1");
    return absl::OkStatus();
  });
}

}  // namespace scheduling::store
