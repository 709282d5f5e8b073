#include "server/observability/metrics.h"

#include <exception>
#include <map>

#include "absl/strings/str_cat.h"
#include "prometheus/counter.h"
#include "prometheus/exposer.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace scheduling::observability {
namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;

// Seconds, from half a millisecond (a cached read) to ten seconds (a
// deadline): finer at the low end than grpc-ecosystem's defaults, because
// most calls here take a few milliseconds.
const Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new Histogram::BucketBoundaries{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return *buckets;
}

prometheus::Labels RpcLabelSet(const RpcLabels& rpc) {
  return {{"grpc_service", rpc.service},
          {"grpc_method", rpc.method},
          {"grpc_type", rpc.type}};
}

}  // namespace

struct Metrics::Families {
  explicit Families(prometheus::Registry& r)
      : rpc_started(prometheus::BuildCounter()
                        .Name("grpc_server_started_total")
                        .Help("RPCs started on the server.")
                        .Register(r)),
        rpc_handled(prometheus::BuildCounter()
                        .Name("grpc_server_handled_total")
                        .Help("RPCs completed on the server, by status code.")
                        .Register(r)),
        rpc_seconds(prometheus::BuildHistogram()
                        .Name("grpc_server_handling_seconds")
                        .Help("Time from the start of an RPC to its status.")
                        .Register(r)),
        msg_received(prometheus::BuildCounter()
                         .Name("grpc_server_msg_received_total")
                         .Help("Request messages received.")
                         .Register(r)),
        msg_sent(prometheus::BuildCounter()
                     .Name("grpc_server_msg_sent_total")
                     .Help("Response messages sent.")
                     .Register(r)),
        pool_connections(prometheus::BuildGauge()
                             .Name("scheduling_db_pool_connections")
                             .Help("Database connections, by state.")
                             .Register(r)),
        pool_in_use(pool_connections.Add({{"state", "in_use"}})),
        pool_idle(pool_connections.Add({{"state", "idle"}})),
        pool_max(prometheus::BuildGauge()
                     .Name("scheduling_db_pool_max_connections")
                     .Help("The most database connections the pool opens.")
                     .Register(r)
                     .Add({})),
        pool_acquire_seconds(
            prometheus::BuildHistogram()
                .Name("scheduling_db_pool_acquire_seconds")
                .Help("How long calls waited for a database connection.")
                .Register(r)
                .Add({}, LatencyBuckets())),
        pool_acquire_timeouts(
            prometheus::BuildCounter()
                .Name("scheduling_db_pool_acquire_timeouts_total")
                .Help("Waits for a database connection that gave up.")
                .Register(r)
                .Add({})),
        retries(prometheus::BuildCounter()
                    .Name("scheduling_db_transaction_retries_total")
                    .Help("Transactions run again, by cause.")
                    .Register(r)),
        operation_seconds(
            prometheus::BuildHistogram()
                .Name("scheduling_db_operation_seconds")
                .Help("Time of one unit of store work, retries included.")
                .Register(r)),
        db_up(prometheus::BuildGauge()
                  .Name("scheduling_db_up")
                  .Help("1 if the last health check reached the database.")
                  .Register(r)
                  .Add({})),
        links_created(prometheus::BuildCounter()
                          .Name("scheduling_links_created_total")
                          .Help("One-time links created (not replays).")
                          .Register(r)
                          .Add({})),
        links_used(prometheus::BuildCounter()
                       .Name("scheduling_links_used_total")
                       .Help("Bookings made through one-time links.")
                       .Register(r)
                       .Add({})),
        bookings_created(prometheus::BuildCounter()
                             .Name("scheduling_bookings_created_total")
                             .Help("Bookings created, by entry point.")
                             .Register(r)),
        bookings_cancelled(prometheus::BuildCounter()
                               .Name("scheduling_bookings_cancelled_total")
                               .Help("Bookings cancelled.")
                               .Register(r)
                               .Add({})),
        link_refusals(prometheus::BuildCounter()
                          .Name("scheduling_link_booking_refusals_total")
                          .Help("BookOneTimeLink calls refused, by reason.")
                          .Register(r)),
        cache_lookups(prometheus::BuildCounter()
                          .Name("scheduling_free_slot_cache_lookups_total")
                          .Help("Free-slot reads of a calendar's bookings.")
                          .Register(r)),
        cache_hits(cache_lookups.Add({{"result", "hit"}})),
        cache_misses(cache_lookups.Add({{"result", "miss"}})),
        watch_streams(prometheus::BuildGauge()
                          .Name("scheduling_watch_streams_open")
                          .Help("WatchOneTimeLinkEvents streams now open.")
                          .Register(r)
                          .Add({})),
        events_sequenced(prometheus::BuildCounter()
                             .Name("scheduling_link_events_sequenced_total")
                             .Help("Link events given their seq by this "
                                   "server's sequencer.")
                             .Register(r)
                             .Add({})),
        sequencer_failures(
            prometheus::BuildCounter()
                .Name("scheduling_link_event_sequencer_failures_total")
                .Help("Sequencing passes or sweeps that failed (retried "
                      "later; the events wait, callers see no error).")
                .Register(r)
                .Add({})) {}

  Family<Counter>& rpc_started;
  Family<Counter>& rpc_handled;
  Family<Histogram>& rpc_seconds;
  Family<Counter>& msg_received;
  Family<Counter>& msg_sent;
  Family<Gauge>& pool_connections;
  Gauge& pool_in_use;
  Gauge& pool_idle;
  Gauge& pool_max;
  Histogram& pool_acquire_seconds;
  Counter& pool_acquire_timeouts;
  Family<Counter>& retries;
  Family<Histogram>& operation_seconds;
  Gauge& db_up;
  Counter& links_created;
  Counter& links_used;
  Family<Counter>& bookings_created;
  Counter& bookings_cancelled;
  Family<Counter>& link_refusals;
  Family<Counter>& cache_lookups;
  Counter& cache_hits;
  Counter& cache_misses;
  Gauge& watch_streams;
  Counter& events_sequenced;
  Counter& sequencer_failures;
};

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      families_(std::make_unique<Families>(*registry_)) {}

Metrics::~Metrics() = default;

std::shared_ptr<prometheus::Registry> Metrics::registry() const {
  return registry_;
}

void Metrics::RpcStarted(const RpcLabels& rpc) {
  families_->rpc_started.Add(RpcLabelSet(rpc)).Increment();
}

void Metrics::RpcHandled(const RpcLabels& rpc, absl::string_view code,
                         absl::Duration took) {
  prometheus::Labels labels = RpcLabelSet(rpc);
  families_->rpc_seconds.Add(labels, LatencyBuckets())
      .Observe(absl::ToDoubleSeconds(took));
  labels.emplace("grpc_code", std::string(code));
  families_->rpc_handled.Add(labels).Increment();
}

void Metrics::RpcMessageReceived(const RpcLabels& rpc) {
  families_->msg_received.Add(RpcLabelSet(rpc)).Increment();
}

void Metrics::RpcMessageSent(const RpcLabels& rpc) {
  families_->msg_sent.Add(RpcLabelSet(rpc)).Increment();
}

void Metrics::PoolConnections(int in_use, int idle, int max) {
  families_->pool_in_use.Set(in_use);
  families_->pool_idle.Set(idle);
  families_->pool_max.Set(max);
}

void Metrics::PoolAcquired(absl::Duration waited) {
  families_->pool_acquire_seconds.Observe(absl::ToDoubleSeconds(waited));
}

void Metrics::PoolAcquireTimedOut() {
  families_->pool_acquire_timeouts.Increment();
}

void Metrics::TransactionRetried(absl::string_view cause) {
  families_->retries.Add({{"cause", std::string(cause)}}).Increment();
}

void Metrics::StoreOperation(absl::string_view operation, absl::Duration took) {
  families_->operation_seconds
      .Add({{"operation", std::string(operation)}}, LatencyBuckets())
      .Observe(absl::ToDoubleSeconds(took));
}

void Metrics::DatabaseUp(bool up) { families_->db_up.Set(up ? 1 : 0); }

void Metrics::LinksCreated(int count) {
  families_->links_created.Increment(count);
}

void Metrics::LinkUsed() { families_->links_used.Increment(); }

void Metrics::BookingCreated(absl::string_view via) {
  families_->bookings_created.Add({{"via", std::string(via)}}).Increment();
}

void Metrics::BookingCancelled() { families_->bookings_cancelled.Increment(); }

void Metrics::LinkBookingRefused(absl::string_view reason) {
  families_->link_refusals.Add({{"reason", std::string(reason)}}).Increment();
}

void Metrics::FreeSlotCacheLookup(bool hit) {
  (hit ? families_->cache_hits : families_->cache_misses).Increment();
}

void Metrics::WatchStreamOpened() { families_->watch_streams.Increment(); }

void Metrics::WatchStreamClosed() { families_->watch_streams.Decrement(); }

void Metrics::EventsSequenced(int count) {
  families_->events_sequenced.Increment(count);
}

void Metrics::EventSequencerFailed() {
  families_->sequencer_failures.Increment();
}

absl::StatusOr<std::unique_ptr<MetricsExposer>> MetricsExposer::Start(
    const std::string& listen, const Metrics& metrics) {
  std::unique_ptr<MetricsExposer> exposer(new MetricsExposer());
  try {
    // One serving thread: a scrape every few seconds needs no more, and
    // the metrics port must never compete with the gRPC port for threads.
    exposer->exposer_ = std::make_unique<prometheus::Exposer>(listen, 1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", listen, ": ", e.what()));
  }
  exposer->exposer_->RegisterCollectable(metrics.registry());
  std::vector<int> ports = exposer->exposer_->GetListeningPorts();
  exposer->port_ = ports.empty() ? 0 : ports.front();
  return exposer;
}

MetricsExposer::~MetricsExposer() = default;

}  // namespace scheduling::observability
