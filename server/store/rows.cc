#include "server/store/rows.h"

#include <cppconn/resultset.h>

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/store/sql_values.h"

namespace scheduling::store {
namespace {

absl::StatusOr<std::optional<absl::Time>> ReadOptionalTime(sql::ResultSet& row,
                                                           int column) {
  if (row.isNull(column)) return std::optional<absl::Time>();
  absl::StatusOr<absl::Time> time =
      FromSqlDateTime(std::string(row.getString(column)));
  if (!time.ok()) return time.status();
  return std::optional<absl::Time>(*time);
}

}  // namespace

absl::StatusOr<domain::Calendar> ReadCalendar(sql::ResultSet& row,
                                              int first_column) {
  const int c = first_column;
  domain::Calendar calendar;
  calendar.pk = row.getInt64(c);
  calendar.location_id = row.getString(c + 1);
  calendar.calendar_id = row.getString(c + 2);
  calendar.slug = row.getString(c + 3);
  calendar.display_name = row.getString(c + 4);
  calendar.rules.duration = absl::Minutes(row.getInt(c + 5));
  calendar.time_zone_name = row.getString(c + 6);
  if (!absl::LoadTimeZone(calendar.time_zone_name, &calendar.rules.zone)) {
    return absl::InternalError(
        absl::StrCat("calendar has a time zone this server does not know: ",
                     calendar.time_zone_name));
  }
  absl::StatusOr<std::vector<domain::OpenInterval>> hours =
      DecodeWeeklyHours(std::string(row.getString(c + 7)));
  if (!hours.ok()) return hours.status();
  calendar.rules.weekly_hours = *std::move(hours);
  calendar.status = row.getInt(c + 8) == 2 ? domain::CalendarStatus::kInactive
                                           : domain::CalendarStatus::kActive;
  calendar.version = row.getInt64(c + 9);
  absl::StatusOr<absl::Time> create_time =
      FromSqlDateTime(std::string(row.getString(c + 10)));
  absl::StatusOr<absl::Time> update_time =
      FromSqlDateTime(std::string(row.getString(c + 11)));
  if (!create_time.ok()) return create_time.status();
  if (!update_time.ok()) return update_time.status();
  calendar.create_time = *create_time;
  calendar.update_time = *update_time;
  return calendar;
}

absl::StatusOr<domain::OneTimeLink> ReadLink(sql::ResultSet& row,
                                             int first_column) {
  const int c = first_column;
  domain::OneTimeLink link;
  link.pk = row.getInt64(c);
  link.link_id = row.getString(c + 1);
  link.token_hash = row.getString(c + 2);
  link.max_uses = row.getInt(c + 3);
  link.use_count = row.getInt(c + 4);
  link.revoked = row.getInt(c + 5) != 0;
  auto expire_time = ReadOptionalTime(row, c + 6);
  auto create_time = ReadOptionalTime(row, c + 7);
  auto use_time = ReadOptionalTime(row, c + 8);
  auto revoke_time = ReadOptionalTime(row, c + 9);
  for (const auto* time :
       {&expire_time, &create_time, &use_time, &revoke_time}) {
    if (!time->ok()) return time->status();
  }
  link.expire_time = *expire_time;
  link.create_time = create_time->value_or(absl::UnixEpoch());
  link.use_time = *use_time;
  link.revoke_time = *revoke_time;
  if (!row.isNull(c + 10)) link.booking_id = row.getString(c + 10);
  return link;
}

}  // namespace scheduling::store
