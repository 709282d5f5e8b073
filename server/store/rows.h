// Reading domain values from result rows. Queries select the column lists
// below from the matching FROM clauses, and the readers take the 1-based
// index of the list's first column.
#ifndef SCHEDULING_SERVER_STORE_ROWS_H_
#define SCHEDULING_SERVER_STORE_ROWS_H_

#include <cppconn/resultset.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/domain/booking.h"
#include "server/domain/calendar.h"
#include "server/domain/one_time_link.h"

namespace sql {
class ResultSet;
}

namespace scheduling::store {

// A calendar with its group's id and state (alias c, g).
inline constexpr char kCalendarFrom[] =
    "calendars c LEFT JOIN calendar_groups g ON g.pk = c.group_pk";
inline constexpr char kCalendarColumns[] =
    "c.pk, c.location_id, c.calendar_id, c.slug, c.display_name, "
    "c.duration_minutes, c.time_zone, c.weekly_hours, c.status, c.version, "
    "c.create_time, c.update_time, c.calendar_type, c.team_members, "
    "c.allowed_durations, c.slot_interval_minutes, c.date_overrides, "
    "c.buffer_before_minutes, c.buffer_after_minutes, "
    "c.minimum_notice_minutes, c.booking_horizon_days, "
    "c.max_bookings_per_day, c.seats_per_slot, c.live, g.group_id, g.enabled, "
    "c.booking_revision, c.max_bookings_per_week, c.max_bookings_per_month, "
    "c.team_member_settings, c.round_robin_distribution, "
    "c.distribution_max_lead";
inline constexpr int kCalendarColumnCount = 32;

// What a booking page shows of a calendar, and what says whether it takes
// bookings (alias c, g; from kCalendarFrom). Resolving a link reads these
// instead of kCalendarColumns: it is the hottest read, and Connector/C++
// costs per column.
inline constexpr char kCalendarViewColumns[] =
    "c.location_id, c.calendar_id, c.slug, c.display_name, "
    "c.duration_minutes, c.time_zone, c.status, c.live, g.enabled";
inline constexpr int kCalendarViewColumnCount = 9;

// A one-time link (alias l).
inline constexpr char kLinkColumns[] =
    "l.pk, l.link_id, l.token_hash, l.max_uses, l.use_count, l.revoked, "
    "l.expire_time, l.create_time, l.use_time, l.revoke_time, "
    "l.last_booking_id, l.request_id, l.contact_id, l.invitee_name, "
    "l.invitee_email, l.invitee_phone, l.enforce_invitee, l.metadata, "
    "l.earliest_date, l.latest_date, l.duration_minutes, "
    "l.return_use_on_cancel";
inline constexpr int kLinkColumnCount = 22;

// A booking with its calendar's ids and its link's id (alias b, bc, bl).
inline constexpr char kBookingFrom[] =
    "bookings b JOIN calendars bc ON bc.pk = b.calendar_pk "
    "LEFT JOIN one_time_links bl ON bl.pk = b.one_time_link_pk";
inline constexpr char kBookingColumns[] =
    "b.pk, bc.location_id, bc.calendar_id, b.booking_id, b.start_time, "
    "b.end_time, b.invitee_name, b.invitee_email, bl.link_id, b.create_time, "
    "b.state, b.members, b.cancel_time, b.cancel_reason, b.reschedule_time, "
    "b.request_id, b.blocked_start, b.blocked_end, b.metadata, "
    "b.manage_token_hash IS NOT NULL";
inline constexpr int kBookingColumnCount = 20;

// A group with the number of its live calendars (alias g).
inline constexpr char kGroupColumns[] =
    "g.pk, g.location_id, g.group_id, g.display_name, g.description, "
    "g.enabled, g.version, g.create_time, g.update_time, "
    "(SELECT COUNT(*) FROM calendars gc WHERE gc.group_pk = g.pk AND "
    "gc.live = 1)";
inline constexpr int kGroupColumnCount = 10;

absl::StatusOr<domain::Calendar> ReadCalendar(sql::ResultSet& row,
                                              int first_column);

// Reads a link; location and calendar ids are not among its columns and
// are left empty.
absl::StatusOr<domain::OneTimeLink> ReadLink(sql::ResultSet& row,
                                             int first_column);

absl::StatusOr<domain::Booking> ReadBooking(sql::ResultSet& row,
                                            int first_column);

absl::StatusOr<domain::Group> ReadGroup(sql::ResultSet& row, int first_column);

// Reads a page: list queries ask for page_size + 1 rows, so that a row
// beyond the page tells that another page exists. `read(row)` returns
// absl::StatusOr<T>.
template <typename T, typename Read>
absl::Status ReadPage(sql::ResultSet& rows, int page_size, Read read,
                      std::vector<T>* items, bool* has_more);

// NOT_FOUND for a missing (or deleted) calendar.
absl::Status CalendarNotFound(absl::string_view location_id,
                              absl::string_view calendar_id);

// Reads a DATETIME(6) column.
absl::StatusOr<absl::Time> ReadTime(sql::ResultSet& row, int column);

// A DATETIME(6) column selected as microseconds since the epoch, for
// paths that read many rows: Connector/C++ hands DATETIMEs over as text
// (formatted, then parsed again), integers as they are.
std::string SelectMicros(absl::string_view column);

// Reads a column selected with SelectMicros.
inline absl::Time ReadMicros(sql::ResultSet& row, int column) {
  return absl::FromUnixMicros(row.getInt64(column));
}

template <typename T, typename Read>
absl::Status ReadPage(sql::ResultSet& rows, int page_size, Read read,
                      std::vector<T>* items, bool* has_more) {
  *has_more = false;
  while (rows.next()) {
    if (static_cast<int>(items->size()) == page_size) {
      *has_more = true;
      break;
    }
    absl::StatusOr<T> item = read(rows);
    if (!item.ok()) return item.status();
    items->push_back(*std::move(item));
  }
  return absl::OkStatus();
}

}  // namespace scheduling::store

#endif  // SCHEDULING_SERVER_STORE_ROWS_H_
