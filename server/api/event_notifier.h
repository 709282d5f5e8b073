// Wakes event watchers of a location as soon as this server commits an
// event there, so that WatchOneTimeLinkEvents keeps up without polling the
// database in a tight loop. Events committed by other replicas are found
// by the watchers' periodic re-read (see one_time_link_service.cc).
//
// Thread-safety: thread-safe.
#ifndef SCHEDULING_SERVER_API_EVENT_NOTIFIER_H_
#define SCHEDULING_SERVER_API_EVENT_NOTIFIER_H_

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace scheduling::api {

class EventNotifier {
 public:
  // How many times `location_id` was notified so far.
  uint64_t Generation(absl::string_view location_id);

  // Records that `location_id` has new events and wakes its waiters.
  void Notify(absl::string_view location_id);

  // Waits until the location's generation differs from `seen`, `deadline`
  // passes or Stop() is called; returns the generation then.
  uint64_t WaitForChange(absl::string_view location_id, uint64_t seen,
                         absl::Time deadline);

  // Wakes every waiter for good: the server is shutting down.
  void Stop();
  bool stopped();

 private:
  absl::Mutex mu_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_map<std::string, uint64_t> generations_ ABSL_GUARDED_BY(mu_);
};

}  // namespace scheduling::api

#endif  // SCHEDULING_SERVER_API_EVENT_NOTIFIER_H_
