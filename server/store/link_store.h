// One-time links, their uses and their events in MySQL.
//
// BookThroughLink is the heart of the product: the link's use and the
// booking commit in one transaction. The link row is locked (SELECT ... FOR
// UPDATE) before its state is checked, so concurrent bookers of one link
// queue on that row and each sees the uses the others spent; the booking
// itself follows the procedure every booking path shares
// (booking_store.h).
//
// Every state change (created, used, revoked) appends an event to the
// outbox in the same transaction, as an unnumbered draft that touches no
// row shared with other links (migration 0006); the event sequencer
// (event_sequencer.h) gives it its place in the location's gapless seq
// order after COMMIT, keeping each link's events in the order they
// happened.
//
// Thread-safety: thread-safe; every call leases its own connection.
#ifndef SCHEDULING_SERVER_STORE_LINK_STORE_H_
#define SCHEDULING_SERVER_STORE_LINK_STORE_H_

#include <cstdint>
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
#include "server/store/booking_store.h"
#include "server/store/connection_pool.h"

namespace scheduling::store {

struct LinkWithCalendar {
  domain::OneTimeLink link;
  domain::Calendar calendar;
  // Create: false when an earlier call with the same request_id made it.
  bool created = true;
};

// What a booking page shows of a link's calendar.
struct CalendarView {
  std::string location_id;
  std::string calendar_id;
  std::string slug;
  std::string display_name;
  std::string time_zone_name;
  absl::Duration duration;
  bool takes_bookings = false;  // as domain::Calendar::TakesBookings
};

struct ResolvedLink {
  domain::OneTimeLink link;
  CalendarView calendar;
};

// Which links List returns: a calendar's, newest first.
struct LinkListOptions {
  std::string location_id;
  std::string calendar_id;
  std::optional<domain::LinkState> state;  // at `now`
  std::optional<std::string> contact_id;
  int page_size = 50;
  std::optional<int64_t> before_pk;  // keyset: links with pk below
};

struct LinkPage {
  std::vector<domain::OneTimeLink> links;
  bool has_more = false;
};

class LinkStore {
 public:
  explicit LinkStore(ConnectionPool& pool) : pool_(pool) {}

  // Stores new links (each with its link_id, token_hash and options set)
  // for one active calendar, with their CREATED events, all or none. A
  // link whose request_id was used before on the calendar is not stored
  // again: the earlier link comes back in its place (created = false).
  // NOT_FOUND without the calendar; FAILED_PRECONDITION CALENDAR_INACTIVE
  // if it takes no bookings; INVALID_ARGUMENT when a link's date window or
  // duration does not fit the calendar.
  // `batch` says whether violations name "requests[i].one_time_link..."
  // (BatchCreateOneTimeLinks) or "one_time_link..." (CreateOneTimeLink).
  absl::StatusOr<std::vector<LinkWithCalendar>> Create(
      absl::string_view location_id, absl::string_view calendar_id,
      std::vector<domain::OneTimeLink> links, bool batch,
      const domain::Actor& actor, absl::Time now);

  // NOT_FOUND if there is no such link.
  absl::StatusOr<LinkWithCalendar> Get(absl::string_view location_id,
                                       absl::string_view calendar_id,
                                       absl::string_view link_id);

  // The link whose token hashes to `token_hash`; NOT_FOUND if none.
  absl::StatusOr<LinkWithCalendar> GetByTokenHash(absl::string_view token_hash);

  // The same link with only what a booking page shows of its calendar:
  // fewer columns to fetch and decode on the hottest read.
  absl::StatusOr<ResolvedLink> ResolveByTokenHash(absl::string_view token_hash);

  absl::StatusOr<LinkPage> List(const LinkListOptions& options, absl::Time now);

  // The uses of a link, oldest first.
  absl::StatusOr<std::vector<domain::LinkUse>> ListUses(
      absl::string_view location_id, absl::string_view calendar_id,
      absl::string_view link_id);

  // A location's numbered events with seq > after_seq, in order (drafts
  // not yet numbered are not read: EventSequencer::CatchUp first for
  // read-your-writes).
  absl::StatusOr<std::vector<domain::LinkEvent>> ListEvents(
      absl::string_view location_id, int64_t after_seq, int limit);

  // Revokes an unused link (see domain::DecideRevoke); idempotent.
  absl::StatusOr<LinkWithCalendar> Revoke(absl::string_view location_id,
                                          absl::string_view calendar_id,
                                          absl::string_view link_id,
                                          const domain::Actor& actor,
                                          absl::Time now);

  // Books the slot starting at request.start through the link, atomically
  // with the link's use, its audit record and its USED event. The link's
  // duration, date window, invitee rule and metadata apply. Errors:
  // NOT_FOUND (no such token), FAILED_PRECONDITION with the link's
  // inactive reason, INVITEE_MISMATCH or SLOT_UNAVAILABLE,
  // INVALID_ARGUMENT (start_time not a slot the link offers), ABORTED after
  // repeated deadlocks, UNAVAILABLE without a database.
  // `location_allowed` is asked, once the link is read and before anything
  // is written, whether the caller may book on the link's location; if
  // not, the answer is the one for an unknown token.
  absl::StatusOr<domain::Booking> BookThroughLink(
      absl::string_view token_hash, BookingRequest request,
      const domain::Actor& actor,
      absl::FunctionRef<bool(absl::string_view location_id)> location_allowed,
      absl::Time now);

 private:
  ConnectionPool& pool_;
};

// The link steps of other stores' transactions.
namespace link_internal {

// Locks the link row `link_pk` and reads the link (location and calendar
// ids left empty). A transaction that changes a booking made through a
// link and its link takes this lock first.
absl::StatusOr<domain::OneTimeLink> LockLink(Lease& lease, int64_t link_pk);

// Holding the link's lock, in the transaction that cancels `booking_id`
// (of the link's calendar `calendar_id` in `location_id`): gives the
// link's use back if it says so (domain::ReturnsUseOnCancel), with its
// USE_RETURNED event. Returns whether it did.
bool ReturnUseOnCancel(Lease& lease, domain::OneTimeLink& link,
                       const std::string& location_id,
                       const std::string& calendar_id,
                       const std::string& booking_id,
                       const domain::Actor& actor, absl::Time now);

}  // namespace link_internal
}  // namespace scheduling::store

#endif  // SCHEDULING_SERVER_STORE_LINK_STORE_H_
