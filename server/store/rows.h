// Reading domain values from result rows. Queries select the column lists
// below (with the table alias `c` for calendars and `l` for links), and the
// readers take the 1-based index of the list's first column.
#ifndef SCHEDULING_SERVER_STORE_ROWS_H_
#define SCHEDULING_SERVER_STORE_ROWS_H_

#include "absl/status/statusor.h"
#include "server/domain/calendar.h"
#include "server/domain/one_time_link.h"

namespace sql {
class ResultSet;
}

namespace scheduling::store {

inline constexpr char kCalendarColumns[] =
    "c.pk, c.location_id, c.calendar_id, c.slug, c.display_name, "
    "c.duration_minutes, c.time_zone, c.weekly_hours, c.status, c.version, "
    "c.create_time, c.update_time";
inline constexpr int kCalendarColumnCount = 12;

inline constexpr char kLinkColumns[] =
    "l.pk, l.link_id, l.token_hash, l.max_uses, l.use_count, l.revoked, "
    "l.expire_time, l.create_time, l.use_time, l.revoke_time, "
    "l.last_booking_id";
inline constexpr int kLinkColumnCount = 11;

absl::StatusOr<domain::Calendar> ReadCalendar(sql::ResultSet& row,
                                              int first_column);

// Reads a link; location and calendar ids are not among its columns and
// are left empty.
absl::StatusOr<domain::OneTimeLink> ReadLink(sql::ResultSet& row,
                                             int first_column);

}  // namespace scheduling::store

#endif  // SCHEDULING_SERVER_STORE_ROWS_H_
