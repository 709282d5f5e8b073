// One-time links and the bookings made through them, in MySQL.
//
// BookThroughLink is the heart of the product: the link's use and the
// booking commit in one transaction. The link row is locked (SELECT ... FOR
// UPDATE) before its state is checked, so concurrent bookers of one link
// queue on that row and all but the first see it used; the booking itself
// follows the procedure every booking path shares (booking_store.h).
//
// Thread-safety: thread-safe; every call leases its own connection.
#ifndef SCHEDULING_SERVER_STORE_LINK_STORE_H_
#define SCHEDULING_SERVER_STORE_LINK_STORE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/domain/booking.h"
#include "server/domain/calendar.h"
#include "server/domain/one_time_link.h"
#include "server/store/booking_store.h"
#include "server/store/connection_pool.h"

namespace scheduling::store {

struct LinkWithCalendar {
  domain::OneTimeLink link;
  domain::Calendar calendar;
};

class LinkStore {
 public:
  explicit LinkStore(ConnectionPool& pool) : pool_(pool) {}

  // Stores a new link (its link_id, token_hash, max_uses and expire_time
  // are taken from `link`) for an active calendar. NOT_FOUND without the
  // calendar; FAILED_PRECONDITION CALENDAR_INACTIVE if it is inactive.
  absl::StatusOr<LinkWithCalendar> Create(absl::string_view location_id,
                                          absl::string_view calendar_id,
                                          domain::OneTimeLink link,
                                          absl::Time now);

  // NOT_FOUND if there is no such link.
  absl::StatusOr<LinkWithCalendar> Get(absl::string_view location_id,
                                       absl::string_view calendar_id,
                                       absl::string_view link_id);

  // The link whose token hashes to `token_hash`; NOT_FOUND if none.
  absl::StatusOr<LinkWithCalendar> GetByTokenHash(absl::string_view token_hash);

  // Revokes an unused link (see domain::DecideRevoke); idempotent.
  absl::StatusOr<LinkWithCalendar> Revoke(absl::string_view location_id,
                                          absl::string_view calendar_id,
                                          absl::string_view link_id,
                                          absl::Time now);

  // Books the slot starting at `start` through the link, atomically with
  // the link's use. Errors: NOT_FOUND (no such token), FAILED_PRECONDITION
  // with the link's inactive reason or SLOT_UNAVAILABLE, INVALID_ARGUMENT
  // (start_time not a slot of the calendar), ABORTED after repeated
  // deadlocks, UNAVAILABLE without a database.
  absl::StatusOr<domain::Booking> BookThroughLink(
      absl::string_view token_hash, const BookingRequest& request,
      absl::Time now);

 private:
  ConnectionPool& pool_;
};

}  // namespace scheduling::store

#endif  // SCHEDULING_SERVER_STORE_LINK_STORE_H_
