// Bookings in MySQL, and the one booking procedure every path shares.
//
// Every booking transaction takes its locks in one order: the one-time
// link (if any), then the calendar row, then the booking being changed (if
// any), then the rows of the members involved, sorted by id. Under those
// locks it reads what the slot engine needs, lets the domain decide, and
// writes. So a calendar's seats and daily maximum are counted by one
// transaction at a time, and a member's time is checked and taken by one
// transaction at a time across every calendar of the location.
//
// Every such transaction also bumps the calendar's booking revision and
// its members' revisions, which lets free-slot reads reuse bookings read
// earlier (BookingContextCache); booking decisions never use them.
//
// Thread-safety: thread-safe; every call leases its own connection.
#ifndef SCHEDULING_SERVER_STORE_BOOKING_STORE_H_
#define SCHEDULING_SERVER_STORE_BOOKING_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/domain/booking.h"
#include "server/domain/calendar.h"
#include "server/domain/one_time_link.h"
#include "server/domain/slots.h"
#include "server/store/booking_context_cache.h"
#include "server/store/connection_pool.h"

namespace scheduling::store {

// What a caller asks to book.
struct BookingRequest {
  absl::Time start;
  std::optional<absl::Duration> duration;  // kService: the chosen one
  domain::Invitee invitee;
  std::string request_id;  // idempotency key; empty for none
  // Copied onto the booking (a one-time link's metadata).
  std::map<std::string, std::string> metadata;
  // The hash of the new booking's manage token, given the booking with its
  // ids set; unset: the booking gets none.
  std::function<std::string(const domain::Booking&)> manage_token_hash;
};

// Whether the caller may act on bookings of a location (token calls: an
// unknown token's answer otherwise, before anything is written).
using LocationAllowed = absl::FunctionRef<bool(absl::string_view location_id)>;

struct BookingPage {
  std::vector<domain::Booking> bookings;
  bool has_more = false;
};

// Which bookings ListBookings returns.
struct BookingListOptions {
  std::string location_id;
  std::string calendar_id;
  std::optional<absl::Time> ends_after;
  std::optional<absl::Time> starts_before;
  bool show_cancelled = false;
  int page_size = 50;
  // Keyset position: bookings after (start_time, pk).
  std::optional<std::pair<absl::Time, int64_t>> after;
};

class BookingStore {
 public:
  // Keeps the bookings of up to `cached_calendars` calendars for free-slot
  // reads (0: none).
  explicit BookingStore(ConnectionPool& pool, size_t cached_calendars = 256)
      : pool_(pool), cache_(cached_calendars) {}

  // Books through the calendar's permanent link. With a request_id, a
  // booking already made with it is returned instead.
  absl::StatusOr<domain::Booking> Create(absl::string_view location_id,
                                         absl::string_view calendar_id,
                                         const BookingRequest& request,
                                         absl::Time now);

  absl::StatusOr<domain::Booking> Get(absl::string_view location_id,
                                      absl::string_view calendar_id,
                                      absl::string_view booking_id);

  absl::StatusOr<BookingPage> List(const BookingListOptions& options);

  // The booking whose manage token hashes to `token_hash`; NOT_FOUND
  // (domain::UnknownManageToken) if none or if `allowed` refuses its
  // location.
  absl::StatusOr<domain::Booking> GetByManageTokenHash(
      absl::string_view token_hash, LocationAllowed allowed);

  // Cancels; cancelling a cancelled booking returns it unchanged. A
  // booking made through a one-time link that returns its use on cancel
  // gives it back in the same transaction, which then locks the link row
  // first (the lock order of every booking path), and records the link's
  // USE_RETURNED event by `actor`. Sets `*cancelled_now` (if given) to
  // whether this call cancelled it.
  absl::StatusOr<domain::Booking> Cancel(absl::string_view location_id,
                                         absl::string_view calendar_id,
                                         absl::string_view booking_id,
                                         absl::string_view reason,
                                         const domain::Actor& actor,
                                         absl::Time now,
                                         bool* cancelled_now = nullptr);

  // Cancel for the booking whose manage token hashes to `token_hash`.
  absl::StatusOr<domain::Booking> CancelByManageToken(
      absl::string_view token_hash, absl::string_view reason,
      LocationAllowed allowed, const domain::Actor& actor, absl::Time now,
      bool* cancelled_now = nullptr);

  // Moves a confirmed booking to the slot starting at `start`. With a
  // `request_id` the booking has had a reschedule with already, returns the
  // booking as it is and moves nothing (the key is recorded with the move,
  // in the same transaction, under the booking's row lock).
  absl::StatusOr<domain::Booking> Reschedule(absl::string_view location_id,
                                             absl::string_view calendar_id,
                                             absl::string_view booking_id,
                                             absl::Time start,
                                             absl::string_view request_id,
                                             absl::Time now);

  // Reschedule for the booking whose manage token hashes to `token_hash`.
  absl::StatusOr<domain::Booking> RescheduleByManageToken(
      absl::string_view token_hash, absl::Time start,
      absl::string_view request_id, LocationAllowed allowed, absl::Time now);

  // The calendar, the booking length `requested` comes to on it
  // (domain::ChooseDuration) and what decides its free slots of that length
  // in `range`. NOT_FOUND for a missing or deleted calendar. The context
  // may come from the cache and be shared: it is never to be changed.
  struct CalendarWithContext {
    domain::Calendar calendar;
    absl::Duration duration;
    std::shared_ptr<const domain::BookingContext> context;
  };
  absl::StatusOr<CalendarWithContext> GetWithContext(
      absl::string_view location_id, absl::string_view calendar_id,
      std::optional<absl::Duration> requested, domain::TimeInterval range);

  // What decides the free slots of `calendar`, read beforehand (its
  // version and booking revision stamp what is read now), for bookings of
  // `duration` starting in `range`.
  absl::StatusOr<std::shared_ptr<const domain::BookingContext>> GetContext(
      const domain::Calendar& calendar, absl::Duration duration,
      domain::TimeInterval range);

 private:
  // The cached context if still current, else reads and caches it.
  absl::StatusOr<std::shared_ptr<const domain::BookingContext>> CachedContext(
      Lease& lease, const domain::Calendar& calendar, absl::Duration duration,
      domain::TimeInterval range);

  ConnectionPool& pool_;
  BookingContextCache cache_;
};

// The building blocks of booking transactions, for the stores' own use.
namespace booking_internal {

// Locks the calendar row `calendar_pk` and reads the calendar.
absl::StatusOr<domain::Calendar> LockCalendar(Lease& lease,
                                              int64_t calendar_pk);

// Everything DecideBooking/ComputeFreeSlots needs for slots of `duration`
// starting in `range`, ignoring the booking `exclude_booking_pk`.
absl::StatusOr<domain::BookingContext> LoadContext(
    Lease& lease, const domain::Calendar& calendar, absl::Duration duration,
    domain::TimeInterval range, int64_t exclude_booking_pk = 0);

// The same for every booking whose blocked interval meets `window` (a
// range already widened by domain::ContextMargin).
absl::StatusOr<domain::BookingContext> LoadContextOver(
    Lease& lease, const domain::Calendar& calendar, domain::TimeInterval window,
    int64_t exclude_booking_pk);

// Marks the calendar's bookings changed (see BookingContextCache). Called
// by every transaction that changes them, holding the calendar's lock or
// taking it here.
void BumpBookingRevision(Lease& lease, int64_t calendar_pk);

// Inside a transaction that holds the calendar lock: locks the members,
// decides and writes the booking. `link_pk` 0 means no link.
absl::StatusOr<domain::Booking> BookOnLockedCalendar(
    Lease& lease, const domain::Calendar& calendar,
    const BookingRequest& request, int64_t link_pk, absl::Time now);

// The booking of `calendar_pk` whose `condition` ("b.request_id = ?") holds
// for `value`; NOT_FOUND if none.
absl::StatusOr<domain::Booking> SelectBooking(Lease& lease, int64_t calendar_pk,
                                              absl::string_view condition,
                                              const std::string& value,
                                              bool for_update);

}  // namespace booking_internal
}  // namespace scheduling::store

#endif  // SCHEDULING_SERVER_STORE_BOOKING_STORE_H_
