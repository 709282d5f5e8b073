#include "server/store/booking_context_cache.h"

#include <utility>

namespace scheduling::store {

BookingContextCache::BookingContextCache(size_t capacity)
    : capacity_(capacity) {}

std::shared_ptr<const domain::BookingContext> BookingContextCache::Find(
    int64_t calendar_pk, const BookingStamp& stamp,
    domain::TimeInterval window) {
  absl::MutexLock lock(&mutex_);
  auto it = entries_.find(calendar_pk);
  if (it == entries_.end()) return nullptr;
  Entry& entry = it->second;
  if (!(entry.stamp == stamp) || window.start < entry.window.start ||
      window.end > entry.window.end) {
    return nullptr;
  }
  entry.last_used = ++clock_;
  return entry.context;
}

void BookingContextCache::Store(
    int64_t calendar_pk, const BookingStamp& stamp, domain::TimeInterval window,
    std::shared_ptr<const domain::BookingContext> context) {
  if (capacity_ == 0) return;
  absl::MutexLock lock(&mutex_);
  if (entries_.size() >= capacity_ && entries_.count(calendar_pk) == 0) {
    // A linear scan: it runs only when a new calendar is read into a full
    // cache, and costs far less than the read that preceded it.
    auto oldest = entries_.begin();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.last_used < oldest->second.last_used) oldest = it;
    }
    entries_.erase(oldest);
  }
  entries_[calendar_pk] = {stamp, window, std::move(context), ++clock_};
}

domain::TimeInterval BookingContextCache::WindowToRead(
    domain::TimeInterval needed) {
  const absl::Duration day = absl::Hours(24);
  const absl::Time start =
      absl::UnixEpoch() + absl::Floor(needed.start - absl::UnixEpoch(), day);
  absl::Time end =
      absl::UnixEpoch() + absl::Floor(needed.end - absl::UnixEpoch(), day);
  if (end < needed.end) end += day;
  return {start, end};
}

}  // namespace scheduling::store
