// The confirmations of finished bookings by idempotency key, in memory,
// bounded in count (least recently used go first) and in age: a retried
// booking POST that reaches the process that booked is answered from here,
// without a call.
//
// Each rendered form carries a random key. The server's request_id (the same
// key, on BookOneTimeLink and CreateBooking) is what makes a retry book once
// across replicas and restarts; this cache makes the common retry (a reload,
// a double click, a browser resending after a dropped connection) cost
// nothing, and makes concurrent POSTs with one key wait for the first
// instead of racing to the server.
//
// Example:
//   IdempotencyCache<std::string> cache({/*capacity=*/10000, absl::Hours(2)});
//   auto claim = cache.Begin(key, absl::Now(), absl::Seconds(10));
//   if (claim.state == decltype(cache)::State::kDone) return claim.value;
//   ... book; on success cache.Finish(key, page, absl::Now());
//   ...       on failure cache.Abandon(key);
//
// Thread-safe.
#ifndef SCHEDULING_CLIENT_BOOKING_PAGE_IDEMPOTENCY_CACHE_H_
#define SCHEDULING_CLIENT_BOOKING_PAGE_IDEMPOTENCY_CACHE_H_

#include <cstddef>
#include <list>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace scheduling::booking_page {

template <typename Value>
class IdempotencyCache {
 public:
  struct Options {
    // Most results kept; the least recently used go first.
    size_t capacity = 10000;
    // How long a result is kept after it was stored.
    absl::Duration ttl = absl::Hours(2);
  };

  enum class State {
    // Nothing is known of this key: the caller makes the result, then calls
    // Finish (to keep it) or Abandon (to let a retry try again).
    kFirst,
    // A request with this key finished: `value` is its result.
    kDone,
    // Another request with this key is still making its result, longer
    // than the caller was willing to wait.
    kInFlight,
  };

  struct Claim {
    State state;
    Value value;  // set for kDone
  };

  explicit IdempotencyCache(Options options) : options_(options) {}

  // Claims `key` at `now`, waiting up to `wait` (real time) for another
  // request that holds it.
  Claim Begin(const std::string& key, absl::Time now, absl::Duration wait) {
    absl::MutexLock lock(&mu_);
    if (in_flight_.contains(key)) {
      const auto settled = [this, &key]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !in_flight_.contains(key);
      };
      if (!mu_.AwaitWithTimeout(absl::Condition(&settled), wait)) {
        return {State::kInFlight, Value()};
      }
    }
    if (auto it = entries_.find(key); it != entries_.end()) {
      if (now - it->second.stored < options_.ttl) {
        lru_.splice(lru_.begin(), lru_, it->second.position);
        return {State::kDone, it->second.value};
      }
      lru_.erase(it->second.position);
      entries_.erase(it);
    }
    in_flight_.insert(key);
    return {State::kFirst, Value()};
  }

  // Stores the result of the claim on `key` made by Begin.
  void Finish(const std::string& key, Value value, absl::Time now) {
    absl::MutexLock lock(&mu_);
    in_flight_.erase(key);
    if (auto it = entries_.find(key); it != entries_.end()) {
      lru_.erase(it->second.position);
      entries_.erase(it);
    }
    if (options_.capacity == 0) return;
    while (entries_.size() >= options_.capacity) {
      entries_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(key);
    entries_[key] = Entry{std::move(value), now, lru_.begin()};
  }

  // Gives up the claim on `key` made by Begin, keeping nothing.
  void Abandon(const std::string& key) {
    absl::MutexLock lock(&mu_);
    in_flight_.erase(key);
  }

  // Results kept (expired ones included until they are looked up or
  // pushed out).
  size_t size() const {
    absl::MutexLock lock(&mu_);
    return entries_.size();
  }

 private:
  struct Entry {
    Value value;
    absl::Time stored;
    std::list<std::string>::iterator position;
  };

  const Options options_;
  mutable absl::Mutex mu_;
  // Keys by recency of use, most recent first.
  std::list<std::string> lru_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> in_flight_ ABSL_GUARDED_BY(mu_);
};

}  // namespace scheduling::booking_page

#endif  // SCHEDULING_CLIENT_BOOKING_PAGE_IDEMPOTENCY_CACHE_H_
