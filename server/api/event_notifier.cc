#include "server/api/event_notifier.h"

namespace scheduling::api {

uint64_t EventNotifier::Generation(absl::string_view location_id) {
  absl::MutexLock lock(&mu_);
  auto it = generations_.find(location_id);
  return it == generations_.end() ? 0 : it->second;
}

void EventNotifier::Notify(absl::string_view location_id) {
  absl::MutexLock lock(&mu_);
  ++generations_[location_id];
}

uint64_t EventNotifier::WaitForChange(absl::string_view location_id,
                                      uint64_t seen, absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  auto changed = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    auto it = generations_.find(location_id);
    return stopped_ || (it != generations_.end() && it->second != seen);
  };
  mu_.AwaitWithDeadline(absl::Condition(&changed), deadline);
  auto it = generations_.find(location_id);
  return it == generations_.end() ? 0 : it->second;
}

void EventNotifier::Stop() {
  absl::MutexLock lock(&mu_);
  stopped_ = true;
}

bool EventNotifier::stopped() {
  absl::MutexLock lock(&mu_);
  return stopped_;
}

}  // namespace scheduling::api
