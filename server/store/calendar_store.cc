#include "server/store/calendar_store.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/store/rows.h"
#include "server/store/sql_values.h"
#include "server/store/transaction.h"

namespace scheduling::store {
namespace {

int StatusColumn(domain::CalendarStatus status) {
  return status == domain::CalendarStatus::kInactive ? 2 : 1;
}

const std::string& SelectCalendarSql() {
  static const std::string* sql = new std::string(
      absl::StrCat("SELECT ", kCalendarColumns,
                   " FROM calendars c WHERE c.location_id = ? AND "
                   "c.calendar_id = ?"));
  return *sql;
}

absl::StatusOr<domain::Calendar> SelectCalendar(Lease& lease,
                                                absl::string_view location_id,
                                                absl::string_view calendar_id) {
  sql::PreparedStatement& select = lease.Prepare(SelectCalendarSql());
  select.setString(1, std::string(location_id));
  select.setString(2, std::string(calendar_id));
  std::unique_ptr<sql::ResultSet> row(select.executeQuery());
  if (!row->next()) {
    return absl::NotFoundError(absl::StrCat("calendar locations/", location_id,
                                            "/calendars/", calendar_id,
                                            " does not exist"));
  }
  return ReadCalendar(*row, 1);
}

}  // namespace

absl::StatusOr<domain::Calendar> CalendarStore::Create(
    domain::Calendar calendar, absl::Time now) {
  // DATETIME(6) keeps microseconds: store and return the same instant.
  now = absl::FromUnixMicros(absl::ToUnixMicros(now));
  calendar.create_time = now;
  calendar.update_time = now;
  calendar.version = 1;
  absl::Status status =
      RunStatements(pool_, "create calendar", [&](Lease& lease) {
        sql::PreparedStatement& insert = lease.Prepare(
            "INSERT INTO calendars (location_id, calendar_id, slug, "
            "display_name, "
            "duration_minutes, time_zone, weekly_hours, status, version, "
            "create_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, "
            "?)");
        insert.setString(1, calendar.location_id);
        insert.setString(2, calendar.calendar_id);
        insert.setString(3, calendar.slug);
        insert.setString(4, calendar.display_name);
        insert.setInt(
            5, static_cast<int>(absl::ToInt64Minutes(calendar.rules.duration)));
        insert.setString(6, calendar.time_zone_name);
        insert.setString(7, EncodeWeeklyHours(calendar.rules.weekly_hours));
        insert.setInt(8, StatusColumn(calendar.status));
        insert.setDateTime(9, ToSqlDateTime(now));
        insert.setDateTime(10, ToSqlDateTime(now));
        try {
          insert.executeUpdate();
        } catch (const sql::SQLException& error) {
          if (error.getErrorCode() != kErrDuplicateKey) throw;
          if (absl::StrContains(error.what(), "calendars_by_slug")) {
            return absl::AlreadyExistsError(absl::StrCat(
                "slug \"", calendar.slug, "\" is taken in locations/",
                calendar.location_id));
          }
          return absl::AlreadyExistsError(absl::StrCat(
              "calendar locations/", calendar.location_id, "/calendars/",
              calendar.calendar_id, " already exists"));
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return calendar;
}

absl::StatusOr<domain::Calendar> CalendarStore::Get(
    absl::string_view location_id, absl::string_view calendar_id) {
  absl::StatusOr<domain::Calendar> calendar;
  absl::Status status = RunStatements(pool_, "get calendar", [&](Lease& lease) {
    calendar = SelectCalendar(lease, location_id, calendar_id);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return calendar;
}

absl::StatusOr<CalendarPage> CalendarStore::List(absl::string_view location_id,
                                                 int64_t after_pk,
                                                 int page_size) {
  CalendarPage page;
  absl::Status status =
      RunStatements(pool_, "list calendars", [&](Lease& lease) {
        static const std::string* sql = new std::string(absl::StrCat(
            "SELECT ", kCalendarColumns,
            " FROM calendars c WHERE c.location_id = ? AND c.pk > ? "
            "ORDER BY c.pk LIMIT ?"));
        sql::PreparedStatement& select = lease.Prepare(*sql);
        select.setString(1, std::string(location_id));
        select.setInt64(2, after_pk);
        // One row more than asked tells whether another page exists.
        select.setInt(3, page_size + 1);
        std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
        while (rows->next()) {
          if (static_cast<int>(page.calendars.size()) == page_size) {
            page.has_more = true;
            break;
          }
          absl::StatusOr<domain::Calendar> calendar = ReadCalendar(*rows, 1);
          if (!calendar.ok()) return calendar.status();
          page.calendars.push_back(*std::move(calendar));
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<domain::Calendar> CalendarStore::SetStatus(
    absl::string_view location_id, absl::string_view calendar_id,
    domain::CalendarStatus status_value, absl::Time now) {
  absl::StatusOr<domain::Calendar> calendar;
  absl::Status status =
      RunTransaction(pool_, "set calendar status", [&](Lease& lease) {
        sql::PreparedStatement& update = lease.Prepare(
            "UPDATE calendars SET status = ?, version = version + 1, "
            "update_time = ? WHERE location_id = ? AND calendar_id = ? AND "
            "status <> ?");
        update.setInt(1, StatusColumn(status_value));
        update.setDateTime(2, ToSqlDateTime(now));
        update.setString(3, std::string(location_id));
        update.setString(4, std::string(calendar_id));
        update.setInt(5, StatusColumn(status_value));
        update.executeUpdate();
        calendar = SelectCalendar(lease, location_id, calendar_id);
        return calendar.status();
      });
  if (!status.ok()) return status;
  return calendar;
}

absl::StatusOr<CalendarStore::CalendarWithBusy> CalendarStore::GetWithBusy(
    absl::string_view location_id, absl::string_view calendar_id,
    domain::TimeInterval range) {
  CalendarWithBusy result;
  bool found = false;
  absl::Status status =
      RunStatements(pool_, "read calendar and bookings", [&](Lease& lease) {
        static const std::string* sql = new std::string(absl::StrCat(
            "SELECT ", kCalendarColumns,
            ", b.start_time, b.end_time FROM calendars c "
            "LEFT JOIN bookings b ON b.calendar_pk = c.pk AND b.holds_slot = 1 "
            "AND b.start_time < ? AND b.end_time > ? "
            "WHERE c.location_id = ? AND c.calendar_id = ? ORDER BY "
            "b.start_time"));
        sql::PreparedStatement& select = lease.Prepare(*sql);
        select.setDateTime(1, ToSqlDateTime(range.end));
        select.setDateTime(2, ToSqlDateTime(range.start));
        select.setString(3, std::string(location_id));
        select.setString(4, std::string(calendar_id));
        std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
        constexpr int kStart = kCalendarColumnCount + 1;
        while (rows->next()) {
          if (!found) {
            absl::StatusOr<domain::Calendar> calendar = ReadCalendar(*rows, 1);
            if (!calendar.ok()) return calendar.status();
            result.calendar = *std::move(calendar);
            found = true;
          }
          if (rows->isNull(kStart)) continue;
          absl::StatusOr<absl::Time> start =
              FromSqlDateTime(std::string(rows->getString(kStart)));
          absl::StatusOr<absl::Time> end =
              FromSqlDateTime(std::string(rows->getString(kStart + 1)));
          if (!start.ok()) return start.status();
          if (!end.ok()) return end.status();
          result.busy.push_back({*start, *end});
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  if (!found) {
    return absl::NotFoundError(absl::StrCat("calendar locations/", location_id,
                                            "/calendars/", calendar_id,
                                            " does not exist"));
  }
  return result;
}

}  // namespace scheduling::store
