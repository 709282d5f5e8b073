// A server's memory of calendars' bookings, so that ListFreeSlots, the
// most frequent read, does not fetch a calendar's bookings on every call.
//
// An entry is the BookingContext read for one calendar over a window of
// instants, stamped with what it was read under: the calendar's version,
// its booking revision and the sum of its members' revisions (see
// migration 0004). Every transaction that changes a calendar's bookings, or
// a member's time on any calendar, bumps one of those in the database, on
// whichever replica it runs. A reader takes the stamp from the database
// *before* reading bookings, so an entry's bookings are never older than
// its stamp: a matching stamp means nothing changed since they were read.
// (An entry may be newer than its stamp; that only costs a re-read.)
//
// Thread-safety: thread-safe.
#ifndef SCHEDULING_SERVER_STORE_BOOKING_CONTEXT_CACHE_H_
#define SCHEDULING_SERVER_STORE_BOOKING_CONTEXT_CACHE_H_

#include <cstdint>
#include <memory>
#include <unordered_map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/domain/slots.h"

namespace scheduling::store {

// What a calendar's bookings were read under.
struct BookingStamp {
  int64_t calendar_version = 0;
  int64_t booking_revision = 0;
  int64_t member_revision = 0;  // sum over the calendar's members

  friend bool operator==(const BookingStamp& a, const BookingStamp& b) {
    return a.calendar_version == b.calendar_version &&
           a.booking_revision == b.booking_revision &&
           a.member_revision == b.member_revision;
  }
};

class BookingContextCache {
 public:
  // Keeps at most `capacity` calendars, dropping the least recently used.
  explicit BookingContextCache(size_t capacity = 256);

  // The context of calendar `calendar_pk` read under `stamp` over a window
  // that covers `window`, or null.
  std::shared_ptr<const domain::BookingContext> Find(
      int64_t calendar_pk, const BookingStamp& stamp,
      domain::TimeInterval window);

  // Remembers `context`, read under `stamp` over `window`, replacing what
  // was kept for the calendar.
  void Store(int64_t calendar_pk, const BookingStamp& stamp,
             domain::TimeInterval window,
             std::shared_ptr<const domain::BookingContext> context);

  // Widens a window to whole UTC days, so that ranges starting at "now"
  // find the entry read a few seconds before.
  static domain::TimeInterval WindowToRead(domain::TimeInterval needed);

 private:
  struct Entry {
    BookingStamp stamp;
    domain::TimeInterval window;
    std::shared_ptr<const domain::BookingContext> context;
    uint64_t last_used = 0;
  };

  const size_t capacity_;
  absl::Mutex mutex_;
  std::unordered_map<int64_t, Entry> entries_ ABSL_GUARDED_BY(mutex_);
  uint64_t clock_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace scheduling::store

#endif  // SCHEDULING_SERVER_STORE_BOOKING_CONTEXT_CACHE_H_
