#include "server/store/connection_pool.h"

#include <cppconn/connection.h>
#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/observability/log.h"

namespace scheduling::store {
namespace {

// get_driver_instance() is not thread-safe; a function-local static makes
// the first call the only one.
sql::Driver* DriverInstance() {
  static sql::Driver* driver = sql::mysql::get_mysql_driver_instance();
  return driver;
}

// Session settings that every (re)connect must restore: Connector/C++
// forces REPEATABLE READ on connect, and DATETIME values are UTC only if
// the session says so.
constexpr const char* kSessionSetup[] = {
    "SET SESSION time_zone = '+00:00'",
    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
    "SET SESSION innodb_lock_wait_timeout = 10",
    "SET NAMES utf8mb4 COLLATE utf8mb4_bin",
    // Causal reads on a Galera cluster: a transaction's start, reads,
    // updates and deletes first wait until this node has applied what the
    // cluster committed before, so a link made through one node is found
    // through another at once (no-op without Galera).
    "SET SESSION wsrep_sync_wait = 3",
};

// Whether the server still knows the connection (a round trip).
bool Ping(PooledConnection& pooled) {
  try {
    return pooled.connection->isValid();
  } catch (const sql::SQLException&) {
    return false;
  }
}

}  // namespace

PooledConnection::PooledConnection() = default;

PooledConnection::~PooledConnection() {
  statements.clear();  // statements must go before their connection
  connection.reset();
}

Lease::Lease(ConnectionPool* pool, std::unique_ptr<PooledConnection> connection)
    : pool_(pool), connection_(std::move(connection)) {}

Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_),
      connection_(std::move(other.connection_)),
      broken_(other.broken_) {
  other.pool_ = nullptr;
}

Lease::~Lease() {
  if (pool_ != nullptr && connection_ != nullptr) {
    pool_->Release(std::move(connection_), broken_);
  }
}

sql::PreparedStatement& Lease::Prepare(const std::string& sql) {
  auto& statement = connection_->statements[sql];
  if (statement == nullptr) {
    statement.reset(connection_->connection->prepareStatement(sql));
  }
  return *statement;
}

ConnectionPool::ConnectionPool(const Dsn& dsn, const PoolOptions& options)
    : dsn_(dsn),
      size_(options.size),
      io_timeout_seconds_(options.io_timeout_seconds),
      metrics_(options.metrics != nullptr
                   ? options.metrics
                   : std::make_shared<observability::Metrics>()),
      driver_(DriverInstance()),
      ready_(options.ready) {
  absl::MutexLock lock(&mu_);
  ReportConnections();
}

ConnectionPool::~ConnectionPool() {
  absl::MutexLock lock(&mu_);
  idle_.clear();
}

absl::StatusOr<std::unique_ptr<ConnectionPool>> ConnectionPool::Create(
    const Dsn& dsn, int size) {
  PoolOptions options;
  options.size = size;
  return Create(dsn, std::move(options));
}

absl::StatusOr<std::unique_ptr<ConnectionPool>> ConnectionPool::Create(
    const Dsn& dsn, PoolOptions options) {
  if (options.size < 1) {
    return absl::InvalidArgumentError("pool size must be >= 1");
  }
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool(dsn, options));
  if (options.connect_now) {
    const bool ready = options.ready;
    pool->SetReady(true);
    absl::StatusOr<Lease> first = pool->Acquire();
    if (!first.ok()) return first.status();
    pool->SetReady(ready);
  }
  return pool;
}

void ConnectionPool::SetReady(bool ready) {
  absl::MutexLock lock(&mu_);
  ready_ = ready;
}

void ConnectionPool::DropIdle() {
  std::vector<std::unique_ptr<PooledConnection>> dropped;
  {
    absl::MutexLock lock(&mu_);
    open_ -= static_cast<int>(idle_.size());
    dropped.swap(idle_);
    ReportConnections();
  }
  // Closing sends a goodbye to a database that may be gone: not under
  // the lock.
  dropped.clear();
}

void ConnectionPool::ReportConnections() {
  const int idle = static_cast<int>(idle_.size());
  metrics_->PoolConnections(open_ - idle, idle, size_);
}

absl::StatusOr<std::unique_ptr<PooledConnection>> ConnectionPool::Open() {
  sql::ConnectOptionsMap options;
  options["hostName"] = absl::StrCat("tcp://", dsn_.host, ":", dsn_.port);
  options["userName"] = dsn_.user;
  options["password"] = dsn_.password;
  options["schema"] = dsn_.database;
  options["OPT_RECONNECT"] = false;
  options["OPT_CONNECT_TIMEOUT"] = 5;
  options["OPT_CHARSET_NAME"] = "utf8mb4";
  if (io_timeout_seconds_ > 0) {
    options["OPT_READ_TIMEOUT"] = io_timeout_seconds_;
    options["OPT_WRITE_TIMEOUT"] = io_timeout_seconds_;
  }
  auto pooled = std::make_unique<PooledConnection>();
  try {
    pooled->connection.reset(driver_->connect(options));
    std::unique_ptr<sql::Statement> statement(
        pooled->connection->createStatement());
    for (const char* setup : kSessionSetup) statement->execute(setup);
    std::unique_ptr<sql::ResultSet> wsrep(
        statement->executeQuery("SHOW VARIABLES LIKE 'wsrep_on'"));
    pooled->galera = wsrep->next() && wsrep->getString(2) == "ON";
  } catch (const sql::SQLException& e) {
    // The detail (never the password) for the log, at most once a second
    // however many callers find the database down.
    const int64_t now = absl::ToUnixSeconds(absl::Now());
    if (last_connect_error_log_.exchange(now) != now) {
      observability::Log(observability::LogLevel::kWarning,
                         "cannot connect to the database")
          .Add("database",
               absl::StrCat(dsn_.host, ":", dsn_.port, "/", dsn_.database))
          .Add("user", dsn_.user)
          .Add("error_code", e.getErrorCode())
          .Add("error", e.what());
    }
    return absl::UnavailableError("the database is unavailable; retry");
  }
  return pooled;
}

absl::StatusOr<Lease> ConnectionPool::Acquire(absl::Duration timeout) {
  const absl::Time start = absl::Now();
  std::unique_ptr<PooledConnection> idle;
  {
    auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < size_;
    };
    absl::MutexLock lock(&mu_);
    if (!ready_) {
      return absl::UnavailableError(
          "the service is starting: its database is not ready yet; retry");
    }
    if (!mu_.AwaitWithTimeout(absl::Condition(&available), timeout)) {
      metrics_->PoolAcquireTimedOut();
      return absl::UnavailableError(
          "timed out waiting for a database connection");
    }
    metrics_->PoolAcquired(absl::Now() - start);
    if (!idle_.empty()) {
      std::unique_ptr<PooledConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      ReportConnections();
      idle = std::move(connection);
    } else {
      ++open_;
      ReportConnections();
    }
  }
  if (idle != nullptr) {
    if (absl::Now() - idle->idle_since < kPingIdleAfter || Ping(*idle)) {
      return Lease(this, std::move(idle));
    }
    // Dead (the database restarted or dropped it): a fresh one instead, in
    // its place.
    idle.reset();
  }
  // Connecting takes round trips: do it without holding the lock.
  absl::StatusOr<std::unique_ptr<PooledConnection>> opened = Open();
  if (!opened.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
    ReportConnections();
    return opened.status();
  }
  return Lease(this, *std::move(opened));
}

void ConnectionPool::Release(std::unique_ptr<PooledConnection> connection,
                             bool broken) {
  if (broken) {
    connection.reset();  // close outside the lock
    absl::MutexLock lock(&mu_);
    --open_;
    ReportConnections();
    return;
  }
  connection->idle_since = absl::Now();
  absl::MutexLock lock(&mu_);
  idle_.push_back(std::move(connection));
  ReportConnections();
}

}  // namespace scheduling::store
