// What the gRPC health service (grpc.health.v1) reports, kept true by one
// thread that starts the database side of the server and then checks it.
//
//   "liveness"  SERVING from the start until the process exits: the
//               process answers calls. For Kubernetes liveness and
//               startup probes; never flipped by the database, so a
//               database outage restarts no pod.
//   ""          readiness: SERVING once the schema is current and the
//               database has answered; NOT_SERVING again only from the
//               start of a drain (SIGTERM). A database outage after
//               start-up does not flip it: every replica shares the
//               database, so it would take every pod out of the Service
//               at once and callers would get connection errors instead of
//               UNAVAILABLE with a reason, and flap on every blip (the
//               trade-off SpiceDB's issue #692 discusses).
//   "scheduling.v1.CalendarService", "scheduling.v1.OneTimeLinkService"
//               the truth about the database: SERVING while the last
//               check (every `check_interval`) reached it, NOT_SERVING
//               while it does not, and before start-up and during a drain.
//               For dashboards, alerts and clients that want to know.
//
// Start-up: until the schema is current (migrated by this server, or by
// `scheduling_server migrate` when `migrate` is off) and the database
// answers, the serving pool hands out no connections, so calls get
// UNAVAILABLE ("the service is starting") and never meet a missing table.
// Failures are retried with backoff (0.25 s doubling to 5 s) and logged.
//
// Thread-safety: thread-safe.
#ifndef SCHEDULING_SERVER_HEALTH_H_
#define SCHEDULING_SERVER_HEALTH_H_

#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/health_check_service_interface.h"
#include "server/observability/metrics.h"
#include "server/store/connection_pool.h"

namespace scheduling {

inline constexpr char kLivenessHealthName[] = "liveness";
inline constexpr const char* kServiceHealthNames[] = {
    "scheduling.v1.CalendarService",
    "scheduling.v1.OneTimeLinkService",
};

class HealthReporter {
 public:
  struct Options {
    // Apply pending migrations at start-up; otherwise wait for them.
    bool migrate = true;
    // How often the database is checked once serving.
    absl::Duration check_interval = absl::Seconds(5);
  };

  // Reports "liveness" SERVING and the rest NOT_SERVING, then starts the
  // thread. `probe` is a pool of its own (one connection, short I/O
  // timeouts) so that checks never queue behind calls; `serving` is the
  // pool the services use, made ready at the end of start-up.
  // `health` are the health services to keep (the gRPC port's, and the
  // plain-text health port's if there is one).
  HealthReporter(std::vector<grpc::HealthCheckServiceInterface*> health,
                 store::ConnectionPool& probe, store::ConnectionPool& serving,
                 observability::Metrics& metrics, Options options);
  ~HealthReporter();

  // Waits up to `timeout` for start-up to finish; the last start-up error
  // (UNAVAILABLE, FAILED_PRECONDITION...) if it has not.
  absl::Status WaitUntilReady(absl::Duration timeout);

  // Readiness and the service names go NOT_SERVING for good; checks stop.
  // "liveness" stays SERVING while in-flight calls drain.
  void BeginDrain();

 private:
  void Run();
  absl::Status StartUp();
  absl::Status Ping();
  // True if stopped while waiting.
  bool WaitForStop(absl::Duration timeout);
  void ReportDatabase(bool up);
  void Set(const char* name, bool serving);

  const std::vector<grpc::HealthCheckServiceInterface*> health_;
  store::ConnectionPool& probe_;
  store::ConnectionPool& serving_;
  observability::Metrics& metrics_;
  const Options options_;

  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool ready_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status last_error_ ABSL_GUARDED_BY(mu_) =
      absl::UnavailableError("starting");
  std::thread thread_;
};

}  // namespace scheduling

#endif  // SCHEDULING_SERVER_HEALTH_H_
