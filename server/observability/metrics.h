// The server's Prometheus metrics, in one registry: gRPC server metrics
// under the grpc-ecosystem names (so existing dashboards work), the
// database pool and transactions, and domain counters. Served over HTTP by
// MetricsExposer (server.cc wires it to --metrics_listen).
//
//   grpc_server_started_total{grpc_service,grpc_method,grpc_type}
//   grpc_server_handled_total{grpc_service,grpc_method,grpc_type,grpc_code}
//   grpc_server_handling_seconds{grpc_service,grpc_method,grpc_type}
//   grpc_server_msg_received_total, grpc_server_msg_sent_total
//   scheduling_db_pool_connections{state="in_use"|"idle"}
//   scheduling_db_pool_max_connections
//   scheduling_db_pool_acquire_seconds,
//   scheduling_db_pool_acquire_timeouts_total
//   scheduling_db_transaction_retries_total{cause}
//   scheduling_db_operation_seconds{operation}
//   scheduling_db_up
//   scheduling_links_created_total, scheduling_links_used_total
//   scheduling_bookings_created_total{via}, scheduling_bookings_cancelled_total
//   scheduling_link_booking_refusals_total{reason}
//   scheduling_free_slot_cache_lookups_total{result="hit"|"miss"}
//   scheduling_watch_streams_open
//
// The header names no Prometheus type, so every layer can count without
// depending on the library.
//
// Thread-safety: thread-safe.
#ifndef SCHEDULING_SERVER_OBSERVABILITY_METRICS_H_
#define SCHEDULING_SERVER_OBSERVABILITY_METRICS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace prometheus {
class Registry;
class Exposer;
}  // namespace prometheus

namespace scheduling::observability {

// What grpc-ecosystem calls one method: "scheduling.v1.CalendarService",
// "GetCalendar", "unary" or "server_stream".
struct RpcLabels {
  std::string service;
  std::string method;
  std::string type;
};

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // gRPC server metrics; `code` is the canonical name ("OK", "NOT_FOUND").
  void RpcStarted(const RpcLabels& rpc);
  void RpcHandled(const RpcLabels& rpc, absl::string_view code,
                  absl::Duration took);
  void RpcMessageReceived(const RpcLabels& rpc);
  void RpcMessageSent(const RpcLabels& rpc);

  // Database pool: connections now leased and idle, the pool's size, how
  // long a caller waited for a connection, and waits that gave up.
  void PoolConnections(int in_use, int idle, int max);
  void PoolAcquired(absl::Duration waited);
  void PoolAcquireTimedOut();

  // A transaction rerun after `cause`: "deadlock", "lock_wait_timeout",
  // "certification" (a multi-writer cluster refused it at COMMIT) or
  // "transaction_lost" (the database ended it before COMMIT without an
  // error; see store::RunTransaction).
  void TransactionRetried(absl::string_view cause);
  // One unit of store work (its statements and COMMIT, retries included)
  // named by `operation` ("book one-time link").
  void StoreOperation(absl::string_view operation, absl::Duration took);
  // Whether the last health check reached the database.
  void DatabaseUp(bool up);

  // Domain counters.
  void LinksCreated(int count);
  void LinkUsed();
  // `via`: "one_time_link" or "create_booking".
  void BookingCreated(absl::string_view via);
  void BookingCancelled();
  // A BookOneTimeLink refused with an ErrorInfo reason ("LINK_USED").
  void LinkBookingRefused(absl::string_view reason);
  void FreeSlotCacheLookup(bool hit);
  void WatchStreamOpened();
  void WatchStreamClosed();
  // Link events numbered by this server's sequencer, and its failed
  // passes (store/event_sequencer.h).
  void EventsSequenced(int count);
  void EventSequencerFailed();

  std::shared_ptr<prometheus::Registry> registry() const;

 private:
  struct Families;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Families> families_;
};

// Serves a registry at http://<listen>/metrics (Prometheus text format).
class MetricsExposer {
 public:
  // `listen` is "host:port"; port 0 picks a free one. UNAVAILABLE if it
  // cannot bind.
  static absl::StatusOr<std::unique_ptr<MetricsExposer>> Start(
      const std::string& listen, const Metrics& metrics);
  ~MetricsExposer();

  // The port actually bound.
  int port() const { return port_; }

 private:
  MetricsExposer() = default;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
};

}  // namespace scheduling::observability

#endif  // SCHEDULING_SERVER_OBSERVABILITY_METRICS_H_
