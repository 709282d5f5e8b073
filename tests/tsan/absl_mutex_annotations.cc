// ThreadSanitizer builds only (SCHEDULING_SANITIZE=thread): makes
// absl::Mutex visible to TSan.
//
// Debian's abseil is a prebuilt shared library, not compiled with
// -fsanitize=thread, so its Mutex takes and releases locks with atomics and
// futexes that TSan never sees; every ABSL_GUARDED_BY member the project
// touches from two threads would be reported as a race. The linker is told
// to wrap (-Wl,--wrap, tests/tsan/absl_mutex_annotations.cmake) each call
// the project's code makes to the Mutex and CondVar functions below; each
// wrapper calls the real one and adds the happens-before edges of a lock:
// a release on the mutex's address before it is given up, an acquire after
// it is taken. Conditions are evaluated by abseil under the lock, sometimes
// on another thread (the one unlocking), so each evaluation is bracketed by
// an acquire and a release too.
//
// Only the edges are modelled, not ownership, so TSan reports no lock-order
// inversions for these mutexes; data races on what they guard are what
// this is for. Calls from inside gRPC or abseil are not wrapped: that code
// is not instrumented, so TSan checks none of its accesses anyway.
#include <sanitizer/tsan_interface.h>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

// "_ZN4absl" followed by abseil's inline namespace as mangled, e.g.
// "7debian3"; set by absl_mutex_annotations.cmake.
#ifndef SCHEDULING_ABSL_MANGLED_NS
#error "SCHEDULING_ABSL_MANGLED_NS is not set"
#endif
#define SCHEDULING_ABSL(name) "_ZN4absl" SCHEDULING_ABSL_MANGLED_NS name

// Declares __real_<symbol> (the library's function) and defines
// __wrap_<symbol>, both as free functions taking `this` first, which is how
// the x86-64 ABI passes it to a member function.
#define SCHEDULING_WRAP(ret, name, symbol, ...)                           \
  ret Real##name(__VA_ARGS__) __asm__("__real_" SCHEDULING_ABSL(symbol)); \
  ret Wrap##name(__VA_ARGS__) __asm__("__wrap_" SCHEDULING_ABSL(symbol))

namespace {

using absl::Condition;
using absl::CondVar;
using absl::Duration;
using absl::Mutex;
using absl::Time;

void Acquired(Mutex* mu) { __tsan_acquire(mu); }
void Releasing(Mutex* mu) { __tsan_release(mu); }

// A condition evaluated as if its thread had just taken the lock and would
// give it up right after.
struct AnnotatedCondition {
  const Condition* condition;
  Mutex* mu;

  static bool Eval(void* arg) {
    auto* self = static_cast<AnnotatedCondition*>(arg);
    Acquired(self->mu);
    const bool result = self->condition->Eval();
    Releasing(self->mu);
    return result;
  }
};

}  // namespace

extern "C" {

SCHEDULING_WRAP(void, Lock, "5Mutex4LockEv", Mutex* mu);
SCHEDULING_WRAP(void, Unlock, "5Mutex6UnlockEv", Mutex* mu);
SCHEDULING_WRAP(bool, TryLock, "5Mutex7TryLockEv", Mutex* mu);
SCHEDULING_WRAP(void, ReaderLock, "5Mutex10ReaderLockEv", Mutex* mu);
SCHEDULING_WRAP(void, ReaderUnlock, "5Mutex12ReaderUnlockEv", Mutex* mu);
SCHEDULING_WRAP(bool, ReaderTryLock, "5Mutex13ReaderTryLockEv", Mutex* mu);
SCHEDULING_WRAP(void, Await, "5Mutex5AwaitERKNS0_9ConditionE", Mutex* mu,
                const Condition& condition);
SCHEDULING_WRAP(bool, AwaitWithTimeout,
                "5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE",
                Mutex* mu, const Condition& condition, Duration timeout);
SCHEDULING_WRAP(bool, AwaitWithDeadline,
                "5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE",
                Mutex* mu, const Condition& condition, Time deadline);
SCHEDULING_WRAP(void, LockWhen, "5Mutex8LockWhenERKNS0_9ConditionE", Mutex* mu,
                const Condition& condition);
SCHEDULING_WRAP(bool, LockWhenWithTimeout,
                "5Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE",
                Mutex* mu, const Condition& condition, Duration timeout);
SCHEDULING_WRAP(bool, LockWhenWithDeadline,
                "5Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE",
                Mutex* mu, const Condition& condition, Time deadline);
SCHEDULING_WRAP(void, ReaderLockWhen,
                "5Mutex14ReaderLockWhenERKNS0_9ConditionE", Mutex* mu,
                const Condition& condition);
SCHEDULING_WRAP(void, CondVarWait, "7CondVar4WaitEPNS0_5MutexE", CondVar* cv,
                Mutex* mu);
SCHEDULING_WRAP(bool, CondVarWaitWithTimeout,
                "7CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE",
                CondVar* cv, Mutex* mu, Duration timeout);
SCHEDULING_WRAP(bool, CondVarWaitWithDeadline,
                "7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE",
                CondVar* cv, Mutex* mu, Time deadline);

void WrapLock(Mutex* mu) {
  RealLock(mu);
  Acquired(mu);
}

void WrapUnlock(Mutex* mu) {
  Releasing(mu);
  RealUnlock(mu);
}

bool WrapTryLock(Mutex* mu) {
  if (!RealTryLock(mu)) return false;
  Acquired(mu);
  return true;
}

void WrapReaderLock(Mutex* mu) {
  RealReaderLock(mu);
  Acquired(mu);
}

void WrapReaderUnlock(Mutex* mu) {
  Releasing(mu);
  RealReaderUnlock(mu);
}

bool WrapReaderTryLock(Mutex* mu) {
  if (!RealReaderTryLock(mu)) return false;
  Acquired(mu);
  return true;
}

void WrapAwait(Mutex* mu, const Condition& condition) {
  AnnotatedCondition annotated{&condition, mu};
  Releasing(mu);
  RealAwait(mu, Condition(&AnnotatedCondition::Eval, &annotated));
  Acquired(mu);
}

bool WrapAwaitWithTimeout(Mutex* mu, const Condition& condition,
                          Duration timeout) {
  AnnotatedCondition annotated{&condition, mu};
  Releasing(mu);
  const bool result = RealAwaitWithTimeout(
      mu, Condition(&AnnotatedCondition::Eval, &annotated), timeout);
  Acquired(mu);
  return result;
}

bool WrapAwaitWithDeadline(Mutex* mu, const Condition& condition,
                           Time deadline) {
  AnnotatedCondition annotated{&condition, mu};
  Releasing(mu);
  const bool result = RealAwaitWithDeadline(
      mu, Condition(&AnnotatedCondition::Eval, &annotated), deadline);
  Acquired(mu);
  return result;
}

void WrapLockWhen(Mutex* mu, const Condition& condition) {
  AnnotatedCondition annotated{&condition, mu};
  RealLockWhen(mu, Condition(&AnnotatedCondition::Eval, &annotated));
  Acquired(mu);
}

bool WrapLockWhenWithTimeout(Mutex* mu, const Condition& condition,
                             Duration timeout) {
  AnnotatedCondition annotated{&condition, mu};
  const bool result = RealLockWhenWithTimeout(
      mu, Condition(&AnnotatedCondition::Eval, &annotated), timeout);
  Acquired(mu);
  return result;
}

bool WrapLockWhenWithDeadline(Mutex* mu, const Condition& condition,
                              Time deadline) {
  AnnotatedCondition annotated{&condition, mu};
  const bool result = RealLockWhenWithDeadline(
      mu, Condition(&AnnotatedCondition::Eval, &annotated), deadline);
  Acquired(mu);
  return result;
}

void WrapReaderLockWhen(Mutex* mu, const Condition& condition) {
  AnnotatedCondition annotated{&condition, mu};
  RealReaderLockWhen(mu, Condition(&AnnotatedCondition::Eval, &annotated));
  Acquired(mu);
}

void WrapCondVarWait(CondVar* cv, Mutex* mu) {
  Releasing(mu);
  RealCondVarWait(cv, mu);
  Acquired(mu);
}

bool WrapCondVarWaitWithTimeout(CondVar* cv, Mutex* mu, Duration timeout) {
  Releasing(mu);
  const bool result = RealCondVarWaitWithTimeout(cv, mu, timeout);
  Acquired(mu);
  return result;
}

bool WrapCondVarWaitWithDeadline(CondVar* cv, Mutex* mu, Time deadline) {
  Releasing(mu);
  const bool result = RealCondVarWaitWithDeadline(cv, mu, deadline);
  Acquired(mu);
  return result;
}

}  // extern "C"
