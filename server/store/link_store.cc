#include "server/store/link_store.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "server/domain/errors.h"
#include "server/domain/secrets.h"
#include "server/store/booking_store.h"
#include "server/store/rows.h"
#include "server/store/sql_values.h"
#include "server/store/transaction.h"

namespace scheduling::store {
namespace {

// Microsecond precision, as DATETIME(6) stores it.
absl::Time TruncateToMicros(absl::Time time) {
  return absl::FromUnixMicros(absl::ToUnixMicros(time));
}

absl::Status LinkNotFound(absl::string_view location_id,
                          absl::string_view calendar_id,
                          absl::string_view link_id) {
  return absl::NotFoundError(
      absl::StrCat("one-time link locations/", location_id, "/calendars/",
                   calendar_id, "/oneTimeLinks/", link_id, " does not exist"));
}

absl::Status TokenNotFound() {
  return absl::NotFoundError("no one-time link has this token");
}

// Reads the first row of a `SELECT kLinkColumns, kCalendarColumns` query.
absl::StatusOr<LinkWithCalendar> ReadLinkWithCalendar(sql::ResultSet& row) {
  absl::StatusOr<domain::OneTimeLink> link = ReadLink(row, 1);
  if (!link.ok()) return link.status();
  absl::StatusOr<domain::Calendar> calendar =
      ReadCalendar(row, kLinkColumnCount + 1);
  if (!calendar.ok()) return calendar.status();
  link->location_id = calendar->location_id;
  link->calendar_id = calendar->calendar_id;
  return LinkWithCalendar{*std::move(link), *std::move(calendar)};
}

const std::string& SelectByNameSql(bool for_update) {
  static const std::string* plain = new std::string(absl::StrCat(
      "SELECT ", kLinkColumns, ", ", kCalendarColumns,
      " FROM one_time_links l JOIN (", kCalendarFrom,
      ") ON c.pk = l.calendar_pk WHERE c.location_id = ? AND "
      "c.calendar_id = ? AND l.link_id = ?"));
  // Lock the link row alone (not its calendar's or group's): revoking must
  // not queue behind bookings of other links.
  static const std::string* locking = new std::string(absl::StrCat(
      "SELECT l.pk FROM one_time_links l WHERE l.calendar_pk = (SELECT "
      "cc.pk FROM calendars cc WHERE cc.location_id = ? AND cc.calendar_id = "
      "?) AND l.link_id = ? FOR UPDATE"));
  return for_update ? *locking : *plain;
}

absl::StatusOr<LinkWithCalendar> SelectByName(Lease& lease,
                                              absl::string_view location_id,
                                              absl::string_view calendar_id,
                                              absl::string_view link_id,
                                              bool for_update) {
  if (for_update) {
    sql::PreparedStatement& lock = lease.Prepare(SelectByNameSql(true));
    lock.setString(1, std::string(location_id));
    lock.setString(2, std::string(calendar_id));
    lock.setString(3, std::string(link_id));
    std::unique_ptr<sql::ResultSet> row(lock.executeQuery());
    if (!row->next()) return LinkNotFound(location_id, calendar_id, link_id);
  }
  sql::PreparedStatement& select = lease.Prepare(SelectByNameSql(false));
  select.setString(1, std::string(location_id));
  select.setString(2, std::string(calendar_id));
  select.setString(3, std::string(link_id));
  std::unique_ptr<sql::ResultSet> row(select.executeQuery());
  if (!row->next()) return LinkNotFound(location_id, calendar_id, link_id);
  return ReadLinkWithCalendar(*row);
}

}  // namespace

absl::StatusOr<LinkWithCalendar> LinkStore::Create(
    absl::string_view location_id, absl::string_view calendar_id,
    domain::OneTimeLink link, absl::Time now) {
  now = TruncateToMicros(now);
  LinkWithCalendar result;
  absl::Status status =
      RunStatements(pool_, "create one-time link", [&](Lease& lease) {
        static const std::string* select_calendar = new std::string(
            absl::StrCat("SELECT ", kCalendarColumns, " FROM ", kCalendarFrom,
                         " WHERE c.location_id = ? AND c.calendar_id = ? AND "
                         "c.live = 1"));
        sql::PreparedStatement& select = lease.Prepare(*select_calendar);
        select.setString(1, std::string(location_id));
        select.setString(2, std::string(calendar_id));
        {
          std::unique_ptr<sql::ResultSet> row(select.executeQuery());
          if (!row->next()) {
            return absl::NotFoundError(
                absl::StrCat("calendar locations/", location_id, "/calendars/",
                             calendar_id, " does not exist"));
          }
          absl::StatusOr<domain::Calendar> calendar = ReadCalendar(*row, 1);
          if (!calendar.ok()) return calendar.status();
          result.calendar = *std::move(calendar);
        }
        if (!result.calendar.TakesBookings()) {
          return domain::FailedPreconditionWithReason(
              domain::kReasonCalendarInactive,
              "The calendar is inactive; activate it before generating links.");
        }
        sql::PreparedStatement& insert = lease.Prepare(
            "INSERT INTO one_time_links (calendar_pk, link_id, token_hash, "
            "max_uses, expire_time, create_time) VALUES (?, ?, ?, ?, ?, ?)");
        insert.setInt64(1, result.calendar.pk);
        insert.setString(2, link.link_id);
        insert.setString(3, link.token_hash);
        insert.setInt(4, link.max_uses);
        if (link.expire_time.has_value()) {
          insert.setDateTime(5, ToSqlDateTime(*link.expire_time));
        } else {
          insert.setNull(5, 0);
        }
        insert.setDateTime(6, ToSqlDateTime(now));
        insert.executeUpdate();
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  link.location_id = std::string(location_id);
  link.calendar_id = std::string(calendar_id);
  link.create_time = now;
  if (link.expire_time.has_value()) {
    link.expire_time = TruncateToMicros(*link.expire_time);
  }
  result.link = std::move(link);
  return result;
}

absl::StatusOr<LinkWithCalendar> LinkStore::Get(absl::string_view location_id,
                                                absl::string_view calendar_id,
                                                absl::string_view link_id) {
  absl::StatusOr<LinkWithCalendar> result;
  absl::Status status =
      RunStatements(pool_, "get one-time link", [&](Lease& lease) {
        result = SelectByName(lease, location_id, calendar_id, link_id,
                              /*for_update=*/false);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<LinkWithCalendar> LinkStore::GetByTokenHash(
    absl::string_view token_hash) {
  absl::StatusOr<LinkWithCalendar> result;
  absl::Status status =
      RunStatements(pool_, "resolve one-time link", [&](Lease& lease) {
        static const std::string* sql = new std::string(absl::StrCat(
            "SELECT ", kLinkColumns, ", ", kCalendarColumns,
            " FROM one_time_links l JOIN (", kCalendarFrom,
            ") ON c.pk = l.calendar_pk WHERE l.token_hash = ?"));
        sql::PreparedStatement& select = lease.Prepare(*sql);
        select.setString(1, std::string(token_hash));
        std::unique_ptr<sql::ResultSet> row(select.executeQuery());
        if (!row->next()) {
          result = TokenNotFound();
        } else {
          result = ReadLinkWithCalendar(*row);
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<LinkWithCalendar> LinkStore::Revoke(
    absl::string_view location_id, absl::string_view calendar_id,
    absl::string_view link_id, absl::Time now) {
  now = TruncateToMicros(now);
  LinkWithCalendar result;
  absl::Status status =
      RunTransaction(pool_, "revoke one-time link", [&](Lease& lease) {
        absl::StatusOr<LinkWithCalendar> current =
            SelectByName(lease, location_id, calendar_id, link_id,
                         /*for_update=*/true);
        if (!current.ok()) return current.status();
        result = *std::move(current);
        switch (domain::DecideRevoke(result.link, now)) {
          case domain::RevokeOutcome::kAlreadyRevoked:
            return absl::OkStatus();
          case domain::RevokeOutcome::kRefuseUsed:
            return domain::FailedPreconditionWithReason(
                domain::kReasonLinkUsed,
                "The link was already used for a booking and cannot be "
                "revoked.");
          case domain::RevokeOutcome::kRevoke:
            break;
        }
        sql::PreparedStatement& update = lease.Prepare(
            "UPDATE one_time_links SET revoked = 1, revoke_time = ? WHERE pk = "
            "?");
        update.setDateTime(1, ToSqlDateTime(now));
        update.setInt64(2, result.link.pk);
        update.executeUpdate();
        result.link.revoked = true;
        result.link.revoke_time = now;
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<domain::Booking> LinkStore::BookThroughLink(
    absl::string_view token_hash, const BookingRequest& request,
    absl::Time now) {
  now = TruncateToMicros(now);
  absl::StatusOr<domain::Booking> booking;
  absl::Status status = RunTransaction(pool_, "book one-time link", [&](Lease& lease) {
    // 1. Lock the link row: bookers of this link queue here, and all but
    //    the first then see it used.
    static const std::string* lock_sql = new std::string(
        absl::StrCat("SELECT ", kLinkColumns,
                     ", l.calendar_pk FROM one_time_links l "
                     "WHERE l.token_hash = ? FOR UPDATE"));
    sql::PreparedStatement& lock = lease.Prepare(*lock_sql);
    lock.setString(1, std::string(token_hash));
    domain::OneTimeLink link;
    int64_t calendar_pk = 0;
    {
      std::unique_ptr<sql::ResultSet> row(lock.executeQuery());
      if (!row->next()) return TokenNotFound();
      absl::StatusOr<domain::OneTimeLink> read = ReadLink(*row, 1);
      if (!read.ok()) return read.status();
      link = *std::move(read);
      calendar_pk = row->getInt64(kLinkColumnCount + 1);
    }
    // 2. Then the calendar, as every booking path does.
    absl::StatusOr<domain::Calendar> calendar =
        booking_internal::LockCalendar(lease, calendar_pk);
    if (!calendar.ok()) return calendar.status();
    // 3. The link must still be usable...
    absl::Status bookable =
        domain::CheckBookable(link, calendar->TakesBookings(), now);
    if (!bookable.ok()) return bookable;
    // 4. ...and the slot free: the shared booking procedure decides and
    //    writes.
    booking = booking_internal::BookOnLockedCalendar(lease, *calendar, request,
                                                     link.pk, now);
    if (!booking.ok()) return booking.status();
    booking->one_time_link_id = link.link_id;
    // 5. The link's use, in the same transaction.
    domain::RecordUse(link, booking->booking_id, now);
    sql::PreparedStatement& use = lease.Prepare(
        "UPDATE one_time_links SET use_count = ?, use_time = ?, "
        "last_booking_id = ? WHERE pk = ?");
    use.setInt(1, link.use_count);
    use.setDateTime(2, ToSqlDateTime(now));
    use.setString(3, booking->booking_id);
    use.setInt64(4, link.pk);
    use.executeUpdate();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return booking;
}

}  // namespace scheduling::store
