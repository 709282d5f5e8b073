#include "server/store/calendar_store.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "server/domain/errors.h"
#include "server/store/rows.h"
#include "server/store/sql_values.h"
#include "server/store/transaction.h"

namespace scheduling::store {
namespace {

// The settings columns, in the order BindSettings binds them.
constexpr char kSettingsColumns[] =
    "slug, display_name, duration_minutes, time_zone, weekly_hours, status, "
    "calendar_type, team_members, allowed_durations, slot_interval_minutes, "
    "date_overrides, buffer_before_minutes, buffer_after_minutes, "
    "minimum_notice_minutes, booking_horizon_days, max_bookings_per_day, "
    "seats_per_slot, max_bookings_per_week, max_bookings_per_month, "
    "team_member_settings, round_robin_distribution, distribution_max_lead";
constexpr int kSettingsCount = 22;

int StatusColumn(domain::CalendarStatus status) {
  return status == domain::CalendarStatus::kInactive ? 2 : 1;
}

int TypeColumn(domain::CalendarType type) {
  switch (type) {
    case domain::CalendarType::kEvent:
      return 1;
    case domain::CalendarType::kRoundRobin:
      return 2;
    case domain::CalendarType::kCollective:
      return 3;
    case domain::CalendarType::kClassBooking:
      return 4;
    case domain::CalendarType::kService:
      return 5;
  }
  return 1;
}

int Minutes(absl::Duration duration) {
  return static_cast<int>(absl::ToInt64Minutes(duration));
}

void BindSettings(sql::PreparedStatement& statement, unsigned first,
                  const domain::Calendar& calendar) {
  const domain::AvailabilityRules& rules = calendar.rules;
  unsigned i = first;
  statement.setString(i++, calendar.slug);
  statement.setString(i++, calendar.display_name);
  statement.setInt(i++, Minutes(rules.duration));
  statement.setString(i++, calendar.time_zone_name);
  statement.setString(i++, EncodeWeeklyHours(rules.weekly_hours));
  statement.setInt(i++, StatusColumn(calendar.status));
  statement.setInt(i++, TypeColumn(calendar.type));
  statement.setString(i++, EncodeIdList(calendar.members));
  statement.setString(i++, EncodeMinutesList(calendar.allowed_durations));
  statement.setInt(i++, Minutes(rules.slot_interval));
  statement.setString(i++, EncodeDateOverrides(rules.date_overrides));
  statement.setInt(i++, Minutes(rules.buffer_before));
  statement.setInt(i++, Minutes(rules.buffer_after));
  statement.setInt(i++, Minutes(rules.minimum_notice));
  statement.setInt(i++, rules.booking_horizon_days);
  statement.setInt(i++, rules.max_bookings_per_day);
  statement.setInt(i++, rules.seats_per_slot);
  statement.setInt(i++, rules.max_bookings_per_week);
  statement.setInt(i++, rules.max_bookings_per_month);
  statement.setString(i++, EncodeMemberSettings(calendar.member_settings));
  statement.setInt(i++,
                   calendar.distribution ==
                           domain::RoundRobinDistribution::kEqualDistribution
                       ? 2
                       : 1);
  statement.setInt(i++, calendar.max_lead);
}

absl::Status GroupNotFound(absl::string_view location_id,
                           absl::string_view group_id) {
  return absl::NotFoundError(absl::StrCat("group locations/", location_id,
                                          "/groups/", group_id,
                                          " does not exist"));
}

absl::Status StaleEtag(absl::string_view what) {
  return absl::AbortedError(absl::StrCat(
      what, " was changed by someone else (etag mismatch); read it again"));
}

absl::StatusOr<domain::Calendar> SelectLiveCalendar(
    Lease& lease, absl::string_view location_id,
    absl::string_view calendar_id) {
  static const std::string* sql = new std::string(
      absl::StrCat("SELECT ", kCalendarColumns, " FROM ", kCalendarFrom,
                   " WHERE c.location_id = ? AND c.calendar_id = ? AND "
                   "c.live = 1"));
  sql::PreparedStatement& select = lease.Prepare(*sql);
  select.setString(1, std::string(location_id));
  select.setString(2, std::string(calendar_id));
  std::unique_ptr<sql::ResultSet> row(select.executeQuery());
  if (!row->next()) return CalendarNotFound(location_id, calendar_id);
  return ReadCalendar(*row, 1);
}

// The pk of a group, or NOT_FOUND.
absl::StatusOr<int64_t> GroupPk(Lease& lease, absl::string_view location_id,
                                absl::string_view group_id) {
  sql::PreparedStatement& select = lease.Prepare(
      "SELECT pk FROM calendar_groups WHERE location_id = ? AND group_id = ?");
  select.setString(1, std::string(location_id));
  select.setString(2, std::string(group_id));
  std::unique_ptr<sql::ResultSet> row(select.executeQuery());
  if (!row->next()) return GroupNotFound(location_id, group_id);
  return row->getInt64(1);
}

absl::StatusOr<domain::Group> SelectGroup(Lease& lease,
                                          absl::string_view location_id,
                                          absl::string_view group_id,
                                          bool for_update) {
  sql::PreparedStatement& select = lease.Prepare(absl::StrCat(
      "SELECT ", kGroupColumns,
      " FROM calendar_groups g WHERE g.location_id = ? AND g.group_id = ?",
      for_update ? " FOR UPDATE" : ""));
  select.setString(1, std::string(location_id));
  select.setString(2, std::string(group_id));
  std::unique_ptr<sql::ResultSet> row(select.executeQuery());
  if (!row->next()) return GroupNotFound(location_id, group_id);
  return ReadGroup(*row, 1);
}

// A LIKE pattern matching `text` anywhere, with LIKE's wildcards escaped.
std::string ContainsPattern(absl::string_view text) {
  return absl::StrCat(
      "%",
      absl::StrReplaceAll(text, {{"\\", "\\\\"}, {"%", "\\%"}, {"_", "\\_"}}),
      "%");
}

}  // namespace

absl::StatusOr<domain::Calendar> CalendarStore::Create(
    domain::Calendar calendar, absl::Time now) {
  now = TruncateToMicros(now);
  calendar.create_time = now;
  calendar.update_time = now;
  calendar.version = 1;
  absl::StatusOr<domain::Calendar> result;
  absl::Status status =
      RunStatements(pool_, "create calendar", [&](Lease& lease) {
        std::optional<int64_t> group_pk;
        if (!calendar.group_id.empty()) {
          absl::StatusOr<int64_t> pk =
              GroupPk(lease, calendar.location_id, calendar.group_id);
          if (!pk.ok()) return pk.status();
          group_pk = *pk;
        }
        sql::PreparedStatement& insert = lease.Prepare(absl::StrCat(
            "INSERT INTO calendars (", kSettingsColumns,
            ", location_id, calendar_id, group_pk, version, create_time, "
            "update_time) VALUES (",
            absl::StrJoin(std::vector<std::string>(kSettingsCount, "?"), ", "),
            ", ?, ?, ?, 1, ?, ?)"));
        BindSettings(insert, 1, calendar);
        unsigned i = kSettingsCount + 1;
        insert.setString(i++, calendar.location_id);
        insert.setString(i++, calendar.calendar_id);
        if (group_pk.has_value()) {
          insert.setInt64(i++, *group_pk);
        } else {
          insert.setNull(i++, 0);
        }
        insert.setDateTime(i++, ToSqlDateTime(now));
        insert.setDateTime(i++, ToSqlDateTime(now));
        try {
          insert.executeUpdate();
        } catch (const sql::SQLException& error) {
          if (error.getErrorCode() != kErrDuplicateKey) throw;
          if (absl::StrContains(error.what(), "slug")) {
            return absl::AlreadyExistsError(absl::StrCat(
                "slug \"", calendar.slug, "\" is taken in locations/",
                calendar.location_id));
          }
          return absl::AlreadyExistsError(absl::StrCat(
              "calendar locations/", calendar.location_id, "/calendars/",
              calendar.calendar_id, " already exists"));
        }
        result = SelectLiveCalendar(lease, calendar.location_id,
                                    calendar.calendar_id);
        return result.status();
      });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<domain::Calendar> CalendarStore::Get(
    absl::string_view location_id, absl::string_view calendar_id) {
  absl::StatusOr<domain::Calendar> calendar;
  absl::Status status = RunStatements(pool_, "get calendar", [&](Lease& lease) {
    calendar = SelectLiveCalendar(lease, location_id, calendar_id);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return calendar;
}

absl::StatusOr<CalendarPage> CalendarStore::List(
    const CalendarListOptions& options) {
  using Order = CalendarListOptions::Order;
  const char* direction = options.descending ? " DESC" : "";
  const char* after = options.descending ? "<" : ">";
  std::string sql =
      absl::StrCat("SELECT ", kCalendarColumns, " FROM ", kCalendarFrom,
                   " WHERE c.location_id = ? AND c.live = 1");
  if (options.display_name_contains) {
    // The column's binary collation compares case-sensitively; the search
    // box should not.
    absl::StrAppend(&sql,
                    " AND c.display_name COLLATE utf8mb4_unicode_ci LIKE ?");
  }
  if (options.group_id) {
    absl::StrAppend(&sql, options.group_id->empty() ? " AND c.group_pk IS NULL"
                                                    : " AND g.group_id = ?");
  }
  if (options.type) absl::StrAppend(&sql, " AND c.calendar_type = ?");
  if (options.status) absl::StrAppend(&sql, " AND c.status = ?");
  if (options.after) {
    switch (options.order) {
      case Order::kCreateTime:
        absl::StrAppend(&sql, " AND c.pk ", after, " ?");
        break;
      case Order::kDisplayName:
        absl::StrAppend(&sql, " AND (c.display_name ", after,
                        " ? OR (c.display_name = ? AND c.pk ", after, " ?))");
        break;
      case Order::kUpdateTime:
        absl::StrAppend(&sql, " AND (c.update_time ", after,
                        " ? OR (c.update_time = ? AND c.pk ", after, " ?))");
        break;
    }
  }
  switch (options.order) {
    case Order::kCreateTime:
      absl::StrAppend(&sql, " ORDER BY c.pk", direction);
      break;
    case Order::kDisplayName:
      absl::StrAppend(&sql, " ORDER BY c.display_name", direction, ", c.pk",
                      direction);
      break;
    case Order::kUpdateTime:
      absl::StrAppend(&sql, " ORDER BY c.update_time", direction, ", c.pk",
                      direction);
      break;
  }
  absl::StrAppend(&sql, " LIMIT ?");

  CalendarPage page;
  absl::Status status =
      RunStatements(pool_, "list calendars", [&](Lease& lease) {
        sql::PreparedStatement& select = lease.Prepare(sql);
        unsigned i = 1;
        select.setString(i++, options.location_id);
        if (options.display_name_contains) {
          select.setString(i++,
                           ContainsPattern(*options.display_name_contains));
        }
        if (options.group_id && !options.group_id->empty()) {
          select.setString(i++, *options.group_id);
        }
        if (options.type) select.setInt(i++, TypeColumn(*options.type));
        if (options.status) select.setInt(i++, StatusColumn(*options.status));
        if (options.after) {
          const auto& position = *options.after;
          if (options.order == Order::kDisplayName) {
            select.setString(i++, position.display_name);
            select.setString(i++, position.display_name);
          } else if (options.order == Order::kUpdateTime) {
            select.setDateTime(i++, ToSqlDateTime(position.update_time));
            select.setDateTime(i++, ToSqlDateTime(position.update_time));
          }
          select.setInt64(i++, position.pk);
        }
        // One row more than asked tells whether another page exists.
        select.setInt(i++, options.page_size + 1);
        std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
        return ReadPage<domain::Calendar>(
            *rows, options.page_size,
            [](sql::ResultSet& row) { return ReadCalendar(row, 1); },
            &page.calendars, &page.has_more);
      });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<domain::Calendar> CalendarStore::Update(
    const domain::Calendar& calendar, int64_t expected_version,
    absl::Time now) {
  now = TruncateToMicros(now);
  absl::StatusOr<domain::Calendar> result;
  absl::Status status =
      RunStatements(pool_, "update calendar", [&](Lease& lease) {
        sql::PreparedStatement& update = lease.Prepare(absl::StrCat(
            "UPDATE calendars SET ",
            absl::StrReplaceAll(kSettingsColumns, {{",", " = ?,"}}),
            " = ?, version = version + 1, update_time = ? WHERE location_id = "
            "? "
            "AND calendar_id = ? AND live = 1 AND version = ?"));
        BindSettings(update, 1, calendar);
        unsigned i = kSettingsCount + 1;
        update.setDateTime(i++, ToSqlDateTime(now));
        update.setString(i++, calendar.location_id);
        update.setString(i++, calendar.calendar_id);
        update.setInt64(i++, expected_version);
        int changed = 0;
        try {
          changed = update.executeUpdate();
        } catch (const sql::SQLException& error) {
          if (error.getErrorCode() != kErrDuplicateKey) throw;
          return absl::AlreadyExistsError(
              absl::StrCat("slug \"", calendar.slug,
                           "\" is taken in locations/", calendar.location_id));
        }
        result = SelectLiveCalendar(lease, calendar.location_id,
                                    calendar.calendar_id);
        if (!result.ok()) return result.status();
        if (changed == 0) return StaleEtag("the calendar");
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return result;
}

absl::Status CalendarStore::Delete(absl::string_view location_id,
                                   absl::string_view calendar_id,
                                   std::optional<int64_t> expected_version,
                                   absl::Time now) {
  return RunStatements(pool_, "delete calendar", [&](Lease& lease) {
    sql::PreparedStatement& update = lease.Prepare(
        "UPDATE calendars SET live = NULL, delete_time = ?, version = version "
        "+ 1, update_time = ? WHERE location_id = ? AND calendar_id = ? AND "
        "live = 1 AND (? = 0 OR version = ?)");
    update.setDateTime(1, ToSqlDateTime(now));
    update.setDateTime(2, ToSqlDateTime(now));
    update.setString(3, std::string(location_id));
    update.setString(4, std::string(calendar_id));
    update.setInt(5, expected_version.has_value() ? 1 : 0);
    update.setInt64(6, expected_version.value_or(0));
    if (update.executeUpdate() == 1) return absl::OkStatus();
    absl::StatusOr<domain::Calendar> current =
        SelectLiveCalendar(lease, location_id, calendar_id);
    if (!current.ok()) return current.status();
    return StaleEtag("the calendar");
  });
}

absl::StatusOr<domain::Calendar> CalendarStore::SetStatus(
    absl::string_view location_id, absl::string_view calendar_id,
    domain::CalendarStatus status_value, absl::Time now) {
  absl::StatusOr<domain::Calendar> calendar;
  absl::Status status =
      RunStatements(pool_, "set calendar status", [&](Lease& lease) {
        sql::PreparedStatement& update = lease.Prepare(
            "UPDATE calendars SET status = ?, version = version + 1, "
            "update_time = ? WHERE location_id = ? AND calendar_id = ? AND "
            "live = 1 AND status <> ?");
        update.setInt(1, StatusColumn(status_value));
        update.setDateTime(2, ToSqlDateTime(TruncateToMicros(now)));
        update.setString(3, std::string(location_id));
        update.setString(4, std::string(calendar_id));
        update.setInt(5, StatusColumn(status_value));
        update.executeUpdate();
        calendar = SelectLiveCalendar(lease, location_id, calendar_id);
        return calendar.status();
      });
  if (!status.ok()) return status;
  return calendar;
}

absl::StatusOr<domain::Calendar> CalendarStore::MoveToGroup(
    absl::string_view location_id, absl::string_view calendar_id,
    absl::string_view group_id, absl::Time now) {
  absl::StatusOr<domain::Calendar> calendar;
  absl::Status status =
      RunStatements(pool_, "move calendar", [&](Lease& lease) {
        std::optional<int64_t> group_pk;
        if (!group_id.empty()) {
          absl::StatusOr<int64_t> pk = GroupPk(lease, location_id, group_id);
          if (!pk.ok()) return pk.status();
          group_pk = *pk;
        }
        sql::PreparedStatement& update = lease.Prepare(
            "UPDATE calendars SET group_pk = ?, version = version + 1, "
            "update_time = ? WHERE location_id = ? AND calendar_id = ? AND "
            "live = 1");
        if (group_pk.has_value()) {
          update.setInt64(1, *group_pk);
        } else {
          update.setNull(1, 0);
        }
        update.setDateTime(2, ToSqlDateTime(TruncateToMicros(now)));
        update.setString(3, std::string(location_id));
        update.setString(4, std::string(calendar_id));
        update.executeUpdate();
        calendar = SelectLiveCalendar(lease, location_id, calendar_id);
        return calendar.status();
      });
  if (!status.ok()) return status;
  return calendar;
}

absl::StatusOr<domain::Group> CalendarStore::CreateGroup(domain::Group group,
                                                         absl::Time now) {
  now = TruncateToMicros(now);
  absl::StatusOr<domain::Group> result;
  absl::Status status = RunStatements(pool_, "create group", [&](Lease& lease) {
    sql::PreparedStatement& insert = lease.Prepare(
        "INSERT INTO calendar_groups (location_id, group_id, display_name, "
        "description, enabled, version, create_time, update_time) VALUES "
        "(?, ?, ?, ?, 1, 1, ?, ?)");
    insert.setString(1, group.location_id);
    insert.setString(2, group.group_id);
    insert.setString(3, group.display_name);
    insert.setString(4, group.description);
    insert.setDateTime(5, ToSqlDateTime(now));
    insert.setDateTime(6, ToSqlDateTime(now));
    try {
      insert.executeUpdate();
    } catch (const sql::SQLException& error) {
      if (error.getErrorCode() != kErrDuplicateKey) throw;
      return absl::AlreadyExistsError(
          absl::StrCat("group locations/", group.location_id, "/groups/",
                       group.group_id, " already exists"));
    }
    result = SelectGroup(lease, group.location_id, group.group_id, false);
    return result.status();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<domain::Group> CalendarStore::GetGroup(
    absl::string_view location_id, absl::string_view group_id) {
  absl::StatusOr<domain::Group> result;
  absl::Status status = RunStatements(pool_, "get group", [&](Lease& lease) {
    result = SelectGroup(lease, location_id, group_id, false);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<GroupPage> CalendarStore::ListGroups(
    absl::string_view location_id,
    const std::optional<std::pair<std::string, int64_t>>& after,
    int page_size) {
  GroupPage page;
  absl::Status status = RunStatements(pool_, "list groups", [&](Lease& lease) {
    sql::PreparedStatement& select = lease.Prepare(absl::StrCat(
        "SELECT ", kGroupColumns,
        " FROM calendar_groups g WHERE g.location_id = ?",
        after ? " AND (g.display_name > ? OR (g.display_name = ? AND g.pk > ?))"
              : "",
        " ORDER BY g.display_name, g.pk LIMIT ?"));
    unsigned i = 1;
    select.setString(i++, std::string(location_id));
    if (after) {
      select.setString(i++, after->first);
      select.setString(i++, after->first);
      select.setInt64(i++, after->second);
    }
    select.setInt(i++, page_size + 1);
    std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
    return ReadPage<domain::Group>(
        *rows, page_size, [](sql::ResultSet& row) { return ReadGroup(row, 1); },
        &page.groups, &page.has_more);
  });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<domain::Group> CalendarStore::UpdateGroup(
    const domain::Group& group, int64_t expected_version, absl::Time now) {
  absl::StatusOr<domain::Group> result;
  absl::Status status = RunStatements(pool_, "update group", [&](Lease& lease) {
    sql::PreparedStatement& update = lease.Prepare(
        "UPDATE calendar_groups SET display_name = ?, description = ?, "
        "version = version + 1, update_time = ? WHERE location_id = ? AND "
        "group_id = ? AND version = ?");
    update.setString(1, group.display_name);
    update.setString(2, group.description);
    update.setDateTime(3, ToSqlDateTime(TruncateToMicros(now)));
    update.setString(4, group.location_id);
    update.setString(5, group.group_id);
    update.setInt64(6, expected_version);
    const int changed = update.executeUpdate();
    result = SelectGroup(lease, group.location_id, group.group_id, false);
    if (!result.ok()) return result.status();
    if (changed == 0) return StaleEtag("the group");
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::Status CalendarStore::DeleteGroup(
    absl::string_view location_id, absl::string_view group_id, bool force,
    std::optional<int64_t> expected_version) {
  return RunTransaction(pool_, "delete group", [&](Lease& lease) {
    absl::StatusOr<domain::Group> group =
        SelectGroup(lease, location_id, group_id, /*for_update=*/true);
    if (!group.ok()) return group.status();
    if (expected_version.has_value() && *expected_version != group->version) {
      return StaleEtag("the group");
    }
    // Deleted calendars keep no group either: the foreign key would
    // otherwise hold the group row.
    sql::PreparedStatement& count = lease.Prepare(
        "SELECT COUNT(*) FROM calendars WHERE group_pk = ? AND live = 1");
    count.setInt64(1, group->pk);
    int live_calendars = 0;
    {
      std::unique_ptr<sql::ResultSet> row(count.executeQuery());
      row->next();
      live_calendars = row->getInt(1);
    }
    if (live_calendars > 0 && !force) {
      return domain::FailedPreconditionWithReason(
          "GROUP_NOT_EMPTY",
          absl::StrCat("The group holds ", live_calendars,
                       " calendar(s); move them out first or delete with "
                       "force, which leaves them ungrouped."));
    }
    // Ungrouping changes the calendars: new version, new update time.
    sql::PreparedStatement& ungroup = lease.Prepare(
        "UPDATE calendars SET group_pk = NULL, version = version + 1, "
        "update_time = UTC_TIMESTAMP(6) WHERE group_pk = ?");
    ungroup.setInt64(1, group->pk);
    ungroup.executeUpdate();
    sql::PreparedStatement& remove =
        lease.Prepare("DELETE FROM calendar_groups WHERE pk = ?");
    remove.setInt64(1, group->pk);
    remove.executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<domain::Group> CalendarStore::SetGroupEnabled(
    absl::string_view location_id, absl::string_view group_id, bool enabled,
    absl::Time now) {
  absl::StatusOr<domain::Group> result;
  absl::Status status =
      RunStatements(pool_, "enable or disable group", [&](Lease& lease) {
        sql::PreparedStatement& update = lease.Prepare(
            "UPDATE calendar_groups SET enabled = ?, version = version + 1, "
            "update_time = ? WHERE location_id = ? AND group_id = ? AND "
            "enabled <> ?");
        update.setInt(1, enabled ? 1 : 0);
        update.setDateTime(2, ToSqlDateTime(TruncateToMicros(now)));
        update.setString(3, std::string(location_id));
        update.setString(4, std::string(group_id));
        update.setInt(5, enabled ? 1 : 0);
        update.executeUpdate();
        result = SelectGroup(lease, location_id, group_id, false);
        return result.status();
      });
  if (!status.ok()) return status;
  return result;
}

}  // namespace scheduling::store
