// The deadline of the call the current thread is serving, so that the
// store never works for a caller who has gone: waiting for a connection
// never outlasts it, and a transaction whose deadline passes before COMMIT
// rolls back (DEADLINE_EXCEEDED, nothing committed).
//
// Set for the length of a handler by a CallDeadlineScope (the API layer's
// gate makes one per admitted call); code outside any call (start-up,
// tests calling the store directly) sees no deadline.
//
// Thread-safety: per thread by construction.
#ifndef SCHEDULING_SERVER_STORE_CALL_DEADLINE_H_
#define SCHEDULING_SERVER_STORE_CALL_DEADLINE_H_

#include "absl/time/time.h"

namespace scheduling::store {

namespace call_deadline_internal {
inline thread_local absl::Time current = absl::InfiniteFuture();
}  // namespace call_deadline_internal

// The current call's deadline; InfiniteFuture() outside a call.
inline absl::Time CurrentCallDeadline() {
  return call_deadline_internal::current;
}

// Sets the current thread's call deadline while it lives; movable, so it
// can travel in the value a handler keeps for its whole length.
class CallDeadlineScope {
 public:
  CallDeadlineScope() = default;
  explicit CallDeadlineScope(absl::Time deadline)
      : previous_(call_deadline_internal::current), active_(true) {
    call_deadline_internal::current = deadline;
  }
  CallDeadlineScope(CallDeadlineScope&& other) noexcept
      : previous_(other.previous_), active_(other.active_) {
    other.active_ = false;
  }
  CallDeadlineScope& operator=(CallDeadlineScope&& other) noexcept {
    if (this != &other) {
      Restore();
      previous_ = other.previous_;
      active_ = other.active_;
      other.active_ = false;
    }
    return *this;
  }
  CallDeadlineScope(const CallDeadlineScope&) = delete;
  CallDeadlineScope& operator=(const CallDeadlineScope&) = delete;
  ~CallDeadlineScope() { Restore(); }

 private:
  void Restore() {
    if (active_) call_deadline_internal::current = previous_;
    active_ = false;
  }
  absl::Time previous_ = absl::InfiniteFuture();
  bool active_ = false;
};

}  // namespace scheduling::store

#endif  // SCHEDULING_SERVER_STORE_CALL_DEADLINE_H_
