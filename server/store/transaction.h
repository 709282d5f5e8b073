// Running units of SQL work on pooled connections, and the only place where
// Connector/C++ exceptions become absl::Status.
//
// Example:
//   absl::Status status = RunTransaction(pool, [&](Lease& lease) {
//     sql::PreparedStatement& insert = lease.Prepare("INSERT ...");
//     ...
//     return absl::OkStatus();
//   });
//
// Thread-safety: thread-safe (each call leases its own connection).
#ifndef SCHEDULING_SERVER_STORE_TRANSACTION_H_
#define SCHEDULING_SERVER_STORE_TRANSACTION_H_

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/store/connection_pool.h"

namespace sql {
class SQLException;
}

namespace scheduling::store {

// MySQL/MariaDB error codes the store reacts to.
inline constexpr int kErrDuplicateKey = 1062;
inline constexpr int kErrLockWaitTimeout = 1205;
inline constexpr int kErrDeadlock = 1213;
// ER_QUERY_INTERRUPTED: a statement was killed.
inline constexpr int kErrQueryInterrupted = 1317;
// ER_STATEMENT_TIMEOUT (MariaDB): max_statement_time exceeded.
inline constexpr int kErrStatementTimeout = 1969;
// ER_UNKNOWN_COM_ERROR, which Galera returns while a node is not synced
// ("WSREP has not yet prepared node for application use").
inline constexpr int kErrNodeNotReady = 1047;
// ER_SP_DOES_NOT_EXIST: a savepoint that is not (or no longer) there.
inline constexpr int kErrSavepointMissing = 1305;

// What callers are told when the database cannot be reached (the detail
// goes to the log).
inline constexpr char kDatabaseUnavailableMessage[] =
    "the database is unavailable; retry";

// The longest a call waits for a pooled connection (less if its deadline
// comes first: call_deadline.h).
inline constexpr absl::Duration kAcquireTimeout = absl::Seconds(5);

// How many times a transaction runs at most when it keeps losing
// deadlocks or certification (fewer when the call's deadline comes first).
// The call's deadline is the real bound; this one stops a livelock of
// calls without a deadline, after at most about 2 s of pauses. On a Galera
// cluster under a write load on one location, 10 runs still left 1 to 3.5 %
// of calls ABORTED; 25 left under 0.1 % (BUILD.md, the Galera suite).
inline constexpr int kMaxTransactionAttempts = 25;

// The pause before rerun n (n = 1, 2, ...) is drawn uniformly from
// [d/2, d] with d = min(kRetryBackoffBase * 2^(n-1), kRetryBackoffCap):
// exponential, so that a hot row's contenders spread out, and jittered, so
// that the transactions that collided do not collide again in lockstep.
inline constexpr absl::Duration kRetryBackoffBase = absl::Milliseconds(2);
inline constexpr absl::Duration kRetryBackoffCap = absl::Milliseconds(100);

// What callers are told when a statement ran out of the call's time.
inline constexpr char kStatementDeadlineMessage[] =
    "the call's deadline passed before the database answered; nothing was "
    "committed";

// Ends the transaction running as if it had lost a deadlock: it is rolled
// back and run again (counted as a deadlock retry). For a write whose
// guard (`WHERE column = value read`) found the row changed.
[[noreturn]] void ThrowLostRace(const char* what);

// The status for a driver error: lost connection or an unsynced cluster
// node → UNAVAILABLE, deadlock (or Galera certification failure) or
// lock-wait timeout → ABORTED (retryable), max_statement_time exceeded →
// DEADLINE_EXCEEDED, duplicate key → ALREADY_EXISTS, anything else →
// INTERNAL. `what` names the operation. The messages never carry the
// driver's text; it is logged instead.
absl::Status SqlErrorToStatus(const sql::SQLException& error,
                              absl::string_view what);

// Runs `work` in one transaction. COMMIT is issued as a statement because
// Connection::commit() hides a failed commit; a COMMIT that fails is never
// reported as success. If `work` returns an error or throws, the
// transaction is rolled back. Deadlocks and lock-wait timeouts anywhere,
// and certification failures (error 1213 at COMMIT, or on any statement
// after a replicated write set aborted the transaction on a Galera node),
// rerun the whole unit (it must be safe to rerun) after a jittered
// exponential backoff, at most kMaxTransactionAttempts times and never
// past the call's deadline (call_deadline.h), then ABORTED.
//
// A transaction runs with autocommit off and starts with a savepoint that
// is released just before COMMIT: if the database ended the transaction
// without an error reaching the client (seen on Galera after a
// brute-force abort), no later statement can commit on its own, the
// release fails, and the unit is rolled back and run again.
//
// Statements run bounded by the call's remaining time: the session's
// max_statement_time is set to it (rounded down to a coarse step, so that
// calls with similar deadlines on one connection need no new SET: one
// extra round trip only when the step changes, none without a deadline on
// a connection that has none); COMMIT itself is exempt (`SET STATEMENT
// max_statement_time=0 FOR COMMIT`, same round trip), so a commit is never
// cut off halfway into an unknown outcome. A statement that runs out of
// time rolls the transaction back: DEADLINE_EXCEEDED.
absl::Status RunTransaction(ConnectionPool& pool, absl::string_view what,
                            absl::FunctionRef<absl::Status(Lease&)> work);

// Runs `work` in autocommit mode: for reads and single-statement writes.
// Statements are bounded by the call's remaining time as above.
absl::Status RunStatements(ConnectionPool& pool, absl::string_view what,
                           absl::FunctionRef<absl::Status(Lease&)> work);

// The max_statement_time (microseconds, 0: none) for a call with `left`
// time remaining: `left` rounded down to a step of 1 s above 10 s, 100 ms
// above 1 s, 10 ms above 10 ms, at least 1 ms; 0 for an infinite `left`.
int64_t StatementTimeLimitMicros(absl::Duration left);

// OK if the database answers a trivial query on a connection of `pool`.
absl::Status CheckDatabase(ConnectionPool& pool);

}  // namespace scheduling::store

#endif  // SCHEDULING_SERVER_STORE_TRANSACTION_H_
