// A fixed-size pool of MySQL Connector/C++ connections.
//
// Connector/C++ allows one thread per connection at a time and ships no
// pool. Each pooled connection also caches its prepared statements, so a
// hot statement costs one round trip, not a prepare and an execute.
// Connections are opened lazily, configured after every connect (UTC,
// READ COMMITTED, no auto-reconnect: a silent reconnect would lose the
// transaction and the session settings), and dropped when a lease reports
// them broken. A connection that sat idle for a while is pinged before it
// is handed out (and replaced if the database forgot it, say after a
// restart), so no caller is the one to find it dead.
//
// Thread-safety: ConnectionPool is thread-safe; a Lease belongs to one
// thread at a time.
#ifndef SCHEDULING_SERVER_STORE_CONNECTION_POOL_H_
#define SCHEDULING_SERVER_STORE_CONNECTION_POOL_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/observability/metrics.h"
#include "server/store/dsn.h"

namespace sql {
class Connection;
class Driver;
class PreparedStatement;
}  // namespace sql

namespace scheduling::store {

class ConnectionPool;

// One connection and the statements prepared on it. Statements are
// declared after the connection so they are destroyed first.
struct PooledConnection {
  PooledConnection();
  ~PooledConnection();
  std::unique_ptr<sql::Connection> connection;
  std::unordered_map<std::string, std::unique_ptr<sql::PreparedStatement>>
      statements;
  // When it last went back to the pool.
  absl::Time idle_since = absl::InfinitePast();
  // The session's max_statement_time in microseconds (0: none), as
  // transaction.cc last set it; a new connection starts with none.
  int64_t statement_time_limit_us = 0;
  // The session's autocommit, as transaction.cc last set it: off while it
  // runs transactions, on for single statements; on after the setup.
  bool autocommit = true;
  // Whether the server is a Galera node (wsrep_on), read at connect.
  bool galera = false;
};

// Exclusive use of one pooled connection; returns it on destruction.
class Lease {
 public:
  Lease(ConnectionPool* pool, std::unique_ptr<PooledConnection> connection);
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&&) = delete;
  ~Lease();

  sql::Connection& connection() { return *connection_->connection; }
  // The session's max_statement_time as last set (transaction.cc).
  int64_t& statement_time_limit_us() {
    return connection_->statement_time_limit_us;
  }
  // The session's autocommit as last set (transaction.cc).
  bool& autocommit() { return connection_->autocommit; }
  bool galera() const { return connection_->galera; }

  // The statement for `sql`, prepared on first use. May throw
  // sql::SQLException like every Connector/C++ call.
  sql::PreparedStatement& Prepare(const std::string& sql);

  // The connection is unusable (lost, or its state unknown): close it
  // instead of returning it to the pool.
  void MarkBroken() { broken_ = true; }

 private:
  ConnectionPool* pool_;
  std::unique_ptr<PooledConnection> connection_;
  bool broken_ = false;
};

struct PoolOptions {
  // The most connections open at once.
  int size = 1;
  // Where the pool and the store count (metrics.h); null: a private
  // registry nobody reads.
  std::shared_ptr<observability::Metrics> metrics;
  // Connect at once and fail early (UNAVAILABLE) if the database cannot
  // be reached; otherwise the first Acquire connects.
  bool connect_now = true;
  // Whether Acquire hands out connections from the start (see SetReady).
  bool ready = true;
  // Seconds a read or write on a connection may block before the driver
  // gives up (0: the driver's default, no limit). For health checks,
  // which must answer even when the database hangs.
  int io_timeout_seconds = 0;
};

class ConnectionPool {
 public:
  // A pool of at most `size` connections to `dsn`. Opens one connection at
  // once to report a wrong DSN or unreachable database early (UNAVAILABLE).
  static absl::StatusOr<std::unique_ptr<ConnectionPool>> Create(const Dsn& dsn,
                                                                int size);
  static absl::StatusOr<std::unique_ptr<ConnectionPool>> Create(
      const Dsn& dsn, PoolOptions options);

  ~ConnectionPool();

  // Waits up to `timeout` for a free connection, opening one if the pool
  // is not full. UNAVAILABLE if none could be had, or while not ready.
  absl::StatusOr<Lease> Acquire(absl::Duration timeout = absl::Seconds(5));

  // Whether Acquire hands out connections. A server's pool is not ready
  // until the schema is current, so that no call meets a missing table.
  void SetReady(bool ready);

  // Closes every idle connection: the database went away, so they are
  // all dead, and each would fail one caller before being dropped.
  void DropIdle();

  int size() const { return size_; }

  // How long a connection may sit idle before it is pinged when leased.
  static constexpr absl::Duration kPingIdleAfter = absl::Seconds(1);
  observability::Metrics& metrics() const { return *metrics_; }

 private:
  friend class Lease;
  ConnectionPool(const Dsn& dsn, const PoolOptions& options);

  // Publishes the connection counts; called with mu_ held.
  void ReportConnections() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::StatusOr<std::unique_ptr<PooledConnection>> Open();
  void Release(std::unique_ptr<PooledConnection> connection, bool broken);

  const Dsn dsn_;
  const int size_;
  const int io_timeout_seconds_;
  const std::shared_ptr<observability::Metrics> metrics_;
  sql::Driver* driver_;  // process-wide singleton owned by Connector/C++
  std::atomic<int64_t> last_connect_error_log_{0};  // unix seconds

  absl::Mutex mu_;
  bool ready_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<PooledConnection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;  // idle + leased + being opened
};

}  // namespace scheduling::store

#endif  // SCHEDULING_SERVER_STORE_CONNECTION_POOL_H_
