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

// What callers are told when the database cannot be reached (the detail
// goes to the log).
inline constexpr char kDatabaseUnavailableMessage[] =
    "the database is unavailable; retry";

// The longest a call waits for a pooled connection (less if its deadline
// comes first: call_deadline.h).
inline constexpr absl::Duration kAcquireTimeout = absl::Seconds(5);

// How many times a transaction runs when it keeps losing deadlocks.
inline constexpr int kMaxTransactionAttempts = 4;

// The status for a driver error: lost connection → UNAVAILABLE,
// deadlock or lock-wait timeout → ABORTED (retryable), duplicate key →
// ALREADY_EXISTS, anything else → INTERNAL. `what` names the operation.
// The messages never carry the driver's text; it is logged instead.
absl::Status SqlErrorToStatus(const sql::SQLException& error,
                              absl::string_view what);

// Runs `work` in one transaction. COMMIT is issued as a statement because
// Connection::commit() hides a failed commit. If `work` returns an error
// or throws, the transaction is rolled back. Deadlocks and lock-wait
// timeouts anywhere, COMMIT included, rerun the whole unit (it must be
// safe to rerun), at most kMaxTransactionAttempts times, then ABORTED.
absl::Status RunTransaction(ConnectionPool& pool, absl::string_view what,
                            absl::FunctionRef<absl::Status(Lease&)> work);

// Runs `work` in autocommit mode: for reads and single-statement writes.
absl::Status RunStatements(ConnectionPool& pool, absl::string_view what,
                           absl::FunctionRef<absl::Status(Lease&)> work);

// OK if the database answers a trivial query on a connection of `pool`.
absl::Status CheckDatabase(ConnectionPool& pool);

}  // namespace scheduling::store

#endif  // SCHEDULING_SERVER_STORE_TRANSACTION_H_
