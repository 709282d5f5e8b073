#include "bench/raw_sql_workloads.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "server/domain/secrets.h"
#include "server/store/rows.h"
#include "server/store/sql_values.h"

namespace scheduling::bench {
namespace {

using store::Lease;
using store::ToSqlDateTime;

// Copied from server/store/booking_store.cc: how far below a range the
// context query starts its index scan.
constexpr absl::Duration kMaxBlockedSpan = absl::Hours(72);

// The statements, spelled as the store spells them; the column lists come
// from server/store/rows.h, as the store's own do.
const std::string& SelectCalendarByIdSql() {
  static const std::string* sql = new std::string(absl::StrCat(
      "SELECT ", store::kCalendarColumns, " FROM ", store::kCalendarFrom,
      " WHERE c.location_id = ? AND c.calendar_id = ? AND "
      "c.live = 1"));
  return *sql;
}

constexpr char kInsertLinkSql[] =
    "INSERT INTO one_time_links (calendar_pk, link_id, token_hash, "
    "max_uses, expire_time, create_time, request_id, contact_id, "
    "invitee_name, invitee_email, invitee_phone, enforce_invitee, "
    "metadata, earliest_date, latest_date, duration_minutes) VALUES "
    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

// The outbox (LinkStore's AppendEvents): bump the location's head row,
// insert the event numbered from it.
constexpr char kBumpEventHeadSql[] =
    "INSERT INTO one_time_link_event_heads (location_id, last_seq) VALUES "
    "(?, ?) ON DUPLICATE KEY UPDATE last_seq = last_seq + VALUES(last_seq)";
constexpr char kInsertEventSql[] =
    "INSERT INTO one_time_link_events (location_id, seq, event_type, "
    "calendar_id, link_id, booking_id, link_state, contact_id, metadata, "
    "event_time) VALUES (?, (SELECT last_seq FROM one_time_link_event_heads "
    "WHERE location_id = ?) - ?, ?, ?, ?, ?, ?, ?, ?, ?)";

const std::string& SelectLinkByTokenSql() {
  static const std::string* sql = new std::string(absl::StrCat(
      "SELECT ", store::kLinkColumns, ", ", store::kCalendarViewColumns,
      " FROM one_time_links l JOIN (", store::kCalendarFrom,
      ") ON c.pk = l.calendar_pk WHERE l.token_hash = ?"));
  return *sql;
}

const std::string& LockLinkSql() {
  static const std::string* sql =
      new std::string(absl::StrCat("SELECT ", store::kLinkColumns,
                                   ", l.calendar_pk FROM one_time_links l "
                                   "WHERE l.token_hash = ? FOR UPDATE"));
  return *sql;
}

const std::string& LockCalendarSql() {
  static const std::string* sql = new std::string(absl::StrCat(
      "SELECT ",
      absl::StrReplaceAll(store::kCalendarColumns,
                          {{"g.group_id, g.enabled", "NULL, NULL"}}),
      ", c.group_pk FROM calendars c WHERE c.pk = ? FOR UPDATE"));
  return *sql;
}

const std::string& ContextBookingsSql() {
  static const std::string* sql = new std::string(absl::StrCat(
      "SELECT ", store::SelectMicros("start_time"), ", ",
      store::SelectMicros("end_time"), ", ",
      store::SelectMicros("blocked_start"), ", ",
      store::SelectMicros("blocked_end"),
      ", members FROM bookings WHERE calendar_pk = ? AND holds_slot = 1 AND "
      "blocked_start >= ? AND blocked_start < ? AND blocked_end > ? AND "
      "pk <> ?"));
  return *sql;
}

constexpr char kBumpBookingRevisionSql[] =
    "UPDATE calendars SET booking_revision = booking_revision + 1 WHERE "
    "pk = ?";

constexpr char kInsertBookingSql[] =
    "INSERT INTO bookings (calendar_pk, booking_id, start_time, end_time, "
    "invitee_name, invitee_email, one_time_link_pk, create_time, members, "
    "seat_key, blocked_start, blocked_end, request_id, metadata) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

constexpr char kRecordUseSql[] =
    "UPDATE one_time_links SET use_count = ?, use_time = ?, "
    "last_booking_id = ? WHERE pk = ?";

constexpr char kInsertUseSql[] =
    "INSERT INTO one_time_link_uses (link_pk, booking_id, use_time, "
    "invitee_name, invitee_email, caller) VALUES (?, ?, ?, ?, ?, ?)";

// Column positions (1-based) in kLinkColumns and kCalendarColumns.
constexpr int kLinkPk = 1;
constexpr int kLinkId = 2;
constexpr int kLinkMaxUses = 4;
constexpr int kLinkUseCount = 5;
constexpr int kLinkRevoked = 6;
constexpr int kCalendarLocationId = 2;
constexpr int kCalendarId = 3;

// The proto's OneTimeLinkEvent.Type and OneTimeLink.State values.
// What the service records as the caller of a booking without an
// x-scheduling-caller header: the peer address, about this long.
constexpr char kCaller[] = "ipv4:127.0.0.1:50000";

constexpr int kEventCreated = 1;
constexpr int kEventUsed = 2;
constexpr int kStateActive = 1;
constexpr int kStateUsed = 2;

void Execute(Lease& lease, const char* text) {
  std::unique_ptr<sql::Statement> statement(
      lease.connection().createStatement());
  statement->execute(text);
}

// Reads every row, as the store does; the rows' bytes have arrived with
// the result either way.
int64_t Drain(sql::ResultSet& rows) {
  int64_t count = 0;
  while (rows.next()) ++count;
  return count;
}

// One event, as LinkStore's AppendEvents writes it for a plain link (no
// contact, no metadata). `booking_id` empty means none.
void AppendEvent(Lease& lease, const std::string& location_id,
                 const std::string& calendar_id, const std::string& link_id,
                 const std::string& booking_id, int type, int state,
                 absl::Time now) {
  sql::PreparedStatement& bump = lease.Prepare(kBumpEventHeadSql);
  bump.setString(1, location_id);
  bump.setInt64(2, 1);
  bump.executeUpdate();
  sql::PreparedStatement& insert = lease.Prepare(kInsertEventSql);
  insert.setString(1, location_id);
  insert.setString(2, location_id);
  insert.setInt64(3, 0);
  insert.setInt(4, type);
  insert.setString(5, calendar_id);
  insert.setString(6, link_id);
  if (booking_id.empty()) {
    insert.setNull(7, 0);
  } else {
    insert.setString(7, booking_id);
  }
  insert.setInt(8, state);
  insert.setNull(9, 0);
  insert.setNull(10, 0);
  insert.setDateTime(11, ToSqlDateTime(now));
  insert.executeUpdate();
}

// Runs `work` on a pooled connection, turning driver errors into labels.
// In a transaction, a failure rolls back as RunTransaction does.
template <typename Work>
std::string OnConnection(store::ConnectionPool& pool, bool transaction,
                         Work work) {
  absl::StatusOr<Lease> lease = pool.Acquire();
  if (!lease.ok()) return "UNAVAILABLE/pool";
  try {
    if (transaction) Execute(*lease, "START TRANSACTION");
    std::string label = work(*lease);
    if (transaction) Execute(*lease, label == kOk ? "COMMIT" : "ROLLBACK");
    return label;
  } catch (const sql::SQLException& error) {
    if (transaction) {
      try {
        Execute(*lease, "ROLLBACK");
      } catch (const sql::SQLException&) {
        lease->MarkBroken();
      }
    }
    return absl::StrCat("SQL_", error.getErrorCode());
  }
}

// LinkStore::Create's statements for one plain link, in a transaction:
// read the calendar, insert the link, append its CREATED event. The new
// link goes to `created`.
std::string CreateLink(Lease& lease, const BookingCalendar& calendar,
                       LinkToken* created) {
  const absl::Time now = absl::Now();
  sql::PreparedStatement& select = lease.Prepare(SelectCalendarByIdSql());
  select.setString(1, calendar.location_id());
  select.setString(2, calendar.calendar_id());
  int64_t calendar_pk = 0;
  {
    std::unique_ptr<sql::ResultSet> row(select.executeQuery());
    if (!row->next()) return "NOT_FOUND";
    calendar_pk = row->getInt64(1);
  }
  created->token = domain::GenerateLinkToken();
  created->token_hash = domain::HashLinkToken(created->token);
  const std::string link_id = domain::GenerateResourceId();
  sql::PreparedStatement& insert = lease.Prepare(kInsertLinkSql);
  insert.setInt64(1, calendar_pk);
  insert.setString(2, link_id);
  insert.setString(3, created->token_hash);
  insert.setInt(4, 1);
  insert.setNull(5, 0);
  insert.setDateTime(6, ToSqlDateTime(now));
  insert.setNull(7, 0);
  insert.setNull(8, 0);
  insert.setString(9, "");
  insert.setString(10, "");
  insert.setString(11, "");
  insert.setInt(12, 0);
  insert.setNull(13, 0);
  insert.setNull(14, 0);
  insert.setNull(15, 0);
  insert.setInt(16, 0);
  insert.executeUpdate();
  AppendEvent(lease, calendar.location_id(), calendar.calendar_id(), link_id,
              "", kEventCreated, kStateActive, now);
  return kOk;
}

std::string ResolveLink(Lease& lease, const std::string& token_hash) {
  sql::PreparedStatement& select = lease.Prepare(SelectLinkByTokenSql());
  select.setString(1, token_hash);
  std::unique_ptr<sql::ResultSet> row(select.executeQuery());
  return Drain(*row) == 1 ? kOk : "NOT_FOUND";
}

// LinkStore::BookThroughLink's statements, inside a transaction. The
// booking is an event calendar's without members: no member locks, no
// member rows, no LAST_INSERT_ID (the store skips them too). The link is
// plain: no invitee rule, date window, duration or metadata.
std::string BookThroughLink(Lease& lease, const std::string& token_hash,
                            absl::Time start) {
  const absl::Time now = absl::Now();
  sql::PreparedStatement& lock = lease.Prepare(LockLinkSql());
  lock.setString(1, token_hash);
  int64_t link_pk = 0;
  std::string link_id;
  int use_count = 0;
  bool usable = false;
  int64_t calendar_pk = 0;
  {
    std::unique_ptr<sql::ResultSet> row(lock.executeQuery());
    if (!row->next()) return "NOT_FOUND";
    link_pk = row->getInt64(kLinkPk);
    link_id = row->getString(kLinkId);
    use_count = row->getInt(kLinkUseCount);
    usable =
        use_count < row->getInt(kLinkMaxUses) && row->getInt(kLinkRevoked) == 0;
    calendar_pk = row->getInt64(store::kLinkColumnCount + 1);
  }
  std::string location_id;
  std::string calendar_id;
  {
    sql::PreparedStatement& calendar = lease.Prepare(LockCalendarSql());
    calendar.setInt64(1, calendar_pk);
    std::unique_ptr<sql::ResultSet> row(calendar.executeQuery());
    if (!row->next()) return "NOT_FOUND";
    location_id = row->getString(kCalendarLocationId);
    calendar_id = row->getString(kCalendarId);
  }
  // Like the service, decide only once the calendar is locked too.
  if (!usable) return "FAILED_PRECONDITION/LINK_USED";
  // domain::ContextMargin for this calendar: its duration plus 48 hours.
  const absl::Duration margin = kBookingCalendarDuration + absl::Hours(48);
  const absl::Time window_start = start - margin;
  const absl::Time window_end = start + absl::Nanoseconds(1) + margin;
  {
    sql::PreparedStatement& context = lease.Prepare(ContextBookingsSql());
    context.setInt64(1, calendar_pk);
    context.setDateTime(2, ToSqlDateTime(window_start - kMaxBlockedSpan));
    context.setDateTime(3, ToSqlDateTime(window_end));
    context.setDateTime(4, ToSqlDateTime(window_start));
    context.setInt64(5, 0);
    std::unique_ptr<sql::ResultSet> rows(context.executeQuery());
    Drain(*rows);
  }
  const std::string booking_id = domain::GenerateResourceId();
  const absl::Time end = start + kBookingCalendarDuration;
  sql::PreparedStatement& insert = lease.Prepare(kInsertBookingSql);
  insert.setInt64(1, calendar_pk);
  insert.setString(2, booking_id);
  insert.setDateTime(3, ToSqlDateTime(start));
  insert.setDateTime(4, ToSqlDateTime(end));
  insert.setString(5, kInviteeName);
  insert.setString(6, kInviteeEmail);
  insert.setInt64(7, link_pk);
  insert.setDateTime(8, ToSqlDateTime(now));
  insert.setString(9, "");
  insert.setString(10, "-");
  insert.setDateTime(11, ToSqlDateTime(start));
  insert.setDateTime(12, ToSqlDateTime(end));
  insert.setNull(13, 0);
  insert.setNull(14, 0);
  insert.executeUpdate();
  sql::PreparedStatement& bump = lease.Prepare(kBumpBookingRevisionSql);
  bump.setInt64(1, calendar_pk);
  bump.executeUpdate();

  sql::PreparedStatement& use = lease.Prepare(kRecordUseSql);
  use.setInt(1, use_count + 1);
  use.setDateTime(2, ToSqlDateTime(now));
  use.setString(3, booking_id);
  use.setInt64(4, link_pk);
  use.executeUpdate();
  sql::PreparedStatement& audit = lease.Prepare(kInsertUseSql);
  audit.setInt64(1, link_pk);
  audit.setString(2, booking_id);
  audit.setDateTime(3, ToSqlDateTime(now));
  audit.setString(4, kInviteeName);
  audit.setString(5, kInviteeEmail);
  audit.setString(6, kCaller);
  audit.executeUpdate();
  AppendEvent(lease, location_id, calendar_id, link_id, booking_id, kEventUsed,
              kStateUsed, now);
  return kOk;
}

}  // namespace

Operation RawCreateLink(store::ConnectionPool& pool, Fixtures& fixtures,
                        int concurrency) {
  auto turns = std::make_shared<WorkerTurns>(concurrency);
  return [&pool, &fixtures, concurrency, turns](int worker) {
    BookingCalendar& calendar =
        fixtures.CalendarFor(worker, concurrency, turns->Next(worker));
    LinkToken created;
    std::string label = OnConnection(
        pool, /*transaction=*/true,
        [&](Lease& lease) { return CreateLink(lease, calendar, &created); });
    // As in the service workload, the link feeds the booking workloads.
    if (label == kOk) calendar.AddFreshLink(std::move(created));
    return label;
  };
}

Operation RawResolveLink(store::ConnectionPool& pool, const Fixtures& fixtures,
                         int concurrency) {
  auto turns = std::make_shared<WorkerTurns>(concurrency);
  return [&pool, &fixtures, turns](int worker) {
    const LinkToken& link =
        fixtures.ResolvableLink(worker, turns->Next(worker));
    return OnConnection(pool, /*transaction=*/false, [&](Lease& lease) {
      return ResolveLink(lease, link.token_hash);
    });
  };
}

Operation RawBookFreshLink(store::ConnectionPool& pool, Fixtures& fixtures,
                           int concurrency) {
  auto turns = std::make_shared<WorkerTurns>(concurrency);
  return [&pool, &fixtures, concurrency, turns](int worker) -> std::string {
    BookingCalendar& calendar =
        fixtures.CalendarFor(worker, concurrency, turns->Next(worker));
    std::optional<LinkToken> link = calendar.TakeFreshLink();
    if (!link.has_value()) return kOutOfInput;
    const absl::Time slot = calendar.TakeSlot();
    return OnConnection(pool, /*transaction=*/true, [&](Lease& lease) {
      return BookThroughLink(lease, link->token_hash, slot);
    });
  };
}

Operation RawBookContended(store::ConnectionPool& pool, ContendedLinks& links) {
  return [&pool, &links](int) -> std::string {
    auto attempt = links.NextAttempt();
    if (!attempt.has_value()) return kOutOfInput;
    const auto& [target, index] = *attempt;
    std::string label =
        OnConnection(pool, /*transaction=*/true, [&](Lease& lease) {
          return BookThroughLink(lease, target->link.token_hash, target->slot);
        });
    if (label == kOk) links.RecordWin(index);
    return label;
  };
}

// What BookingStore::GetWithContext runs once the calendar's bookings are
// cached (every call after the first, as nothing books on this calendar
// during the run): the calendar's row, whose version and booking revision
// say the cached bookings are current. This calendar has no members, so
// no member revisions are read.
Operation RawListFreeSlots(store::ConnectionPool& pool,
                           const Fixtures& fixtures) {
  return [&pool, &fixtures](int) {
    return OnConnection(pool, /*transaction=*/false, [&](Lease& lease) {
      sql::PreparedStatement& select = lease.Prepare(SelectCalendarByIdSql());
      select.setString(1, fixtures.location_id());
      select.setString(2, fixtures.slots_calendar_id());
      std::unique_ptr<sql::ResultSet> row(select.executeQuery());
      return Drain(*row) == 1 ? std::string(kOk) : std::string("NOT_FOUND");
    });
  };
}

Operation RawWorkflow(store::ConnectionPool& pool, Fixtures& fixtures,
                      int concurrency) {
  auto turns = std::make_shared<WorkerTurns>(concurrency);
  return [&pool, &fixtures, concurrency, turns](int worker) -> std::string {
    BookingCalendar& calendar =
        fixtures.CalendarFor(worker, concurrency, turns->Next(worker));
    LinkToken link;
    std::string label = OnConnection(pool, true, [&](Lease& lease) {
      return CreateLink(lease, calendar, &link);
    });
    if (label != kOk) return "create:" + label;
    label = OnConnection(pool, false, [&](Lease& lease) {
      return ResolveLink(lease, link.token_hash);
    });
    if (label != kOk) return "resolve:" + label;
    const absl::Time slot = calendar.TakeSlot();
    label = OnConnection(pool, true, [&](Lease& lease) {
      return BookThroughLink(lease, link.token_hash, slot);
    });
    if (label != kOk) return "book:" + label;
    return kOk;
  };
}

}  // namespace scheduling::bench
