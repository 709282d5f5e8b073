#include "server/store/booking_store.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "server/domain/errors.h"
#include "server/domain/secrets.h"
#include "server/store/link_store.h"
#include "server/store/rows.h"
#include "server/store/sql_values.h"
#include "server/store/transaction.h"

namespace scheduling::store {
namespace booking_internal {
namespace {

// The longest a booking's blocked interval can be (24 h slot plus 24 h
// buffers each side): bounds index range scans from below.
constexpr absl::Duration kMaxBlockedSpan = absl::Hours(72);

// "?, ?, ?" for `count` placeholders.
std::string Placeholders(size_t count) {
  std::vector<std::string> marks(count, "?");
  return absl::StrJoin(marks, ", ");
}

// Binds the calendar's location and then its members from column 1 on;
// returns the next column.
unsigned BindLocationAndMembers(sql::PreparedStatement& statement,
                                const domain::Calendar& calendar) {
  unsigned column = 1;
  statement.setString(column++, calendar.location_id);
  for (const std::string& member : calendar.members) {
    statement.setString(column++, member);
  }
  return column;
}

// The instants whose bookings decide slots of `duration` starting in
// `range`: the range widened by domain::ContextMargin.
domain::TimeInterval ContextWindow(const domain::Calendar& calendar,
                                   absl::Duration duration,
                                   domain::TimeInterval range) {
  const absl::Duration margin = domain::ContextMargin(calendar, duration);
  return {range.start - margin, range.end + margin};
}

// Seat of a booking in the one_booking_per_seat key (see migration 0002).
std::optional<std::string> SeatKey(const domain::Calendar& calendar,
                                   const std::vector<std::string>& members) {
  switch (calendar.type) {
    case domain::CalendarType::kClassBooking:
      return std::nullopt;
    case domain::CalendarType::kRoundRobin:
      return members.empty() ? "-" : members.front();
    default:
      return "-";
  }
}

void LockMembers(Lease& lease, const std::string& location_id,
                 std::vector<std::string> members) {
  if (members.empty()) return;
  // Sorted, so two transactions never wait for each other in a circle.
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  // Each lock also bumps the member's revision (1 for a new row), which
  // tells cached free slots that the member's time may have changed.
  std::vector<std::string> rows(members.size(), "(?, ?, 1)");
  sql::PreparedStatement& lock = lease.Prepare(absl::StrCat(
      "INSERT INTO member_locks (location_id, member_id, bookings) VALUES ",
      absl::StrJoin(rows, ", "),
      " ON DUPLICATE KEY UPDATE bookings = bookings + 1"));
  for (size_t i = 0; i < members.size(); ++i) {
    lock.setString(static_cast<unsigned>(2 * i + 1), location_id);
    lock.setString(static_cast<unsigned>(2 * i + 2), members[i]);
  }
  lock.executeUpdate();
}

void InsertMemberRows(Lease& lease, const domain::Calendar& calendar,
                      int64_t booking_pk, const domain::BookingDecision& d) {
  if (d.members.empty()) return;
  std::vector<std::string> rows(d.members.size(), "(?, ?, ?, ?, ?, ?, ?)");
  sql::PreparedStatement& insert = lease.Prepare(absl::StrCat(
      "INSERT INTO member_bookings (location_id, member_id, booking_pk, "
      "calendar_pk, slot_start, blocked_start, blocked_end) VALUES ",
      absl::StrJoin(rows, ", ")));
  unsigned column = 1;
  for (const std::string& member : d.members) {
    insert.setString(column++, calendar.location_id);
    insert.setString(column++, member);
    insert.setInt64(column++, booking_pk);
    insert.setInt64(column++, calendar.pk);
    insert.setDateTime(column++, ToSqlDateTime(d.slot.start));
    insert.setDateTime(column++, ToSqlDateTime(d.blocked.start));
    insert.setDateTime(column++, ToSqlDateTime(d.blocked.end));
  }
  insert.executeUpdate();
}

int64_t LastInsertId(Lease& lease) {
  sql::PreparedStatement& select = lease.Prepare("SELECT LAST_INSERT_ID()");
  std::unique_ptr<sql::ResultSet> row(select.executeQuery());
  row->next();
  return row->getInt64(1);
}

absl::Status SlotTaken() {
  return domain::FailedPreconditionWithReason(
      domain::kReasonSlotUnavailable,
      "This time slot was just booked. Please choose another one.");
}

}  // namespace

absl::StatusOr<domain::Calendar> LockCalendar(Lease& lease,
                                              int64_t calendar_pk) {
  // Lock the calendar row alone, reading it in the same round trip: a join
  // would also lock its group's row and serialise every calendar of the
  // group, so the group's state is read apart, and only when there is one.
  static const std::string* lock_sql = new std::string(absl::StrCat(
      "SELECT ",
      absl::StrReplaceAll(kCalendarColumns,
                          {{"g.group_id, g.enabled", "NULL, NULL"}}),
      ", c.group_pk FROM calendars c WHERE c.pk = ? FOR UPDATE"));
  sql::PreparedStatement& lock = lease.Prepare(*lock_sql);
  lock.setInt64(1, calendar_pk);
  absl::StatusOr<domain::Calendar> calendar;
  int64_t group_pk = 0;
  {
    std::unique_ptr<sql::ResultSet> row(lock.executeQuery());
    if (!row->next()) return absl::NotFoundError("calendar does not exist");
    calendar = ReadCalendar(*row, 1);
    if (!calendar.ok()) return calendar.status();
    if (!row->isNull(kCalendarColumnCount + 1)) {
      group_pk = row->getInt64(kCalendarColumnCount + 1);
    }
  }
  if (group_pk != 0) {
    sql::PreparedStatement& group = lease.Prepare(
        "SELECT group_id, enabled FROM calendar_groups WHERE pk = ?");
    group.setInt64(1, group_pk);
    std::unique_ptr<sql::ResultSet> row(group.executeQuery());
    if (row->next()) {
      calendar->group_id = row->getString(1);
      calendar->group_enabled = row->getInt(2) != 0;
    }
  }
  return calendar;
}

absl::StatusOr<domain::BookingContext> LoadContext(
    Lease& lease, const domain::Calendar& calendar, absl::Duration duration,
    domain::TimeInterval range, int64_t exclude_booking_pk) {
  return LoadContextOver(lease, calendar,
                         ContextWindow(calendar, duration, range),
                         exclude_booking_pk);
}

absl::StatusOr<domain::BookingContext> LoadContextOver(
    Lease& lease, const domain::Calendar& calendar, domain::TimeInterval window,
    int64_t exclude_booking_pk) {
  domain::BookingContext context;

  // Times as integers: a 31-day read can return thousands of rows.
  static const std::string* bookings_sql = new std::string(absl::StrCat(
      "SELECT ", SelectMicros("start_time"), ", ", SelectMicros("end_time"),
      ", ", SelectMicros("blocked_start"), ", ", SelectMicros("blocked_end"),
      ", members FROM bookings WHERE calendar_pk = ? AND holds_slot = 1 AND "
      "blocked_start >= ? AND blocked_start < ? AND blocked_end > ? AND "
      "pk <> ?"));
  sql::PreparedStatement& bookings = lease.Prepare(*bookings_sql);
  bookings.setInt64(1, calendar.pk);
  bookings.setDateTime(2, ToSqlDateTime(window.start - kMaxBlockedSpan));
  bookings.setDateTime(3, ToSqlDateTime(window.end));
  bookings.setDateTime(4, ToSqlDateTime(window.start));
  bookings.setInt64(5, exclude_booking_pk);
  {
    std::unique_ptr<sql::ResultSet> rows(bookings.executeQuery());
    context.calendar_bookings.reserve(rows->rowsCount());
    while (rows->next()) {
      context.calendar_bookings.push_back(
          {{ReadMicros(*rows, 1), ReadMicros(*rows, 2)},
           {ReadMicros(*rows, 3), ReadMicros(*rows, 4)},
           DecodeIdList(std::string(rows->getString(5)))});
    }
  }

  if (!calendar.members.empty()) {
    sql::PreparedStatement& busy = lease.Prepare(absl::StrCat(
        "SELECT member_id, ", SelectMicros("blocked_start"), ", ",
        SelectMicros("blocked_end"), ", calendar_pk, ",
        SelectMicros("slot_start"),
        " FROM member_bookings WHERE location_id = ? AND member_id IN (",
        Placeholders(calendar.members.size()),
        ") AND blocked_start >= ? AND blocked_start < ? AND blocked_end > ? "
        "AND booking_pk <> ?"));
    unsigned column = BindLocationAndMembers(busy, calendar);
    busy.setDateTime(column++, ToSqlDateTime(window.start - kMaxBlockedSpan));
    busy.setDateTime(column++, ToSqlDateTime(window.end));
    busy.setDateTime(column++, ToSqlDateTime(window.start));
    busy.setInt64(column++, exclude_booking_pk);
    std::unique_ptr<sql::ResultSet> rows(busy.executeQuery());
    context.member_busy.reserve(rows->rowsCount());
    while (rows->next()) {
      context.member_busy.push_back(
          {std::string(rows->getString(1)),
           {ReadMicros(*rows, 2), ReadMicros(*rows, 3)},
           rows->getInt64(4),
           ReadMicros(*rows, 5)});
    }
  }

  if (calendar.type == domain::CalendarType::kRoundRobin) {
    static const std::string* load_sql = new std::string(absl::StrCat(
        "SELECT members, COUNT(*), ", SelectMicros("MAX(create_time)"),
        " FROM bookings WHERE calendar_pk = ? AND holds_slot = 1 AND pk <> ? "
        "GROUP BY members"));
    sql::PreparedStatement& load = lease.Prepare(*load_sql);
    load.setInt64(1, calendar.pk);
    load.setInt64(2, exclude_booking_pk);
    std::unique_ptr<sql::ResultSet> rows(load.executeQuery());
    while (rows->next()) {
      context.member_load[std::string(rows->getString(1))] = {
          rows->getInt(2), ReadMicros(*rows, 3)};
    }
  }
  return context;
}

void BumpBookingRevision(Lease& lease, int64_t calendar_pk) {
  sql::PreparedStatement& bump = lease.Prepare(
      "UPDATE calendars SET booking_revision = booking_revision + 1 WHERE "
      "pk = ?");
  bump.setInt64(1, calendar_pk);
  bump.executeUpdate();
}

absl::StatusOr<domain::Booking> BookOnLockedCalendar(
    Lease& lease, const domain::Calendar& calendar,
    const BookingRequest& request, int64_t link_pk, absl::Time now) {
  now = TruncateToMicros(now);
  absl::StatusOr<absl::Duration> duration =
      domain::ChooseDuration(calendar, request.duration);
  if (!duration.ok()) return duration.status();
  LockMembers(lease, calendar.location_id, calendar.members);
  absl::StatusOr<domain::BookingContext> context =
      LoadContext(lease, calendar, *duration,
                  {request.start, request.start + absl::Nanoseconds(1)});
  if (!context.ok()) return context.status();
  absl::StatusOr<domain::BookingDecision> decision =
      domain::DecideBooking(calendar, *duration, request.start, now, *context);
  if (!decision.ok()) return decision.status();

  domain::Booking booking;
  booking.location_id = calendar.location_id;
  booking.calendar_id = calendar.calendar_id;
  booking.booking_id = domain::GenerateResourceId();
  booking.start_time = decision->slot.start;
  booking.end_time = decision->slot.end;
  booking.blocked_start = decision->blocked.start;
  booking.blocked_end = decision->blocked.end;
  booking.invitee = request.invitee;
  booking.create_time = now;
  booking.members = decision->members;
  booking.request_id = request.request_id;
  sql::PreparedStatement& insert = lease.Prepare(
      "INSERT INTO bookings (calendar_pk, booking_id, start_time, end_time, "
      "invitee_name, invitee_email, one_time_link_pk, create_time, members, "
      "seat_key, blocked_start, blocked_end, request_id, metadata, "
      "manage_token_hash) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert.setInt64(1, calendar.pk);
  insert.setString(2, booking.booking_id);
  insert.setDateTime(3, ToSqlDateTime(booking.start_time));
  insert.setDateTime(4, ToSqlDateTime(booking.end_time));
  insert.setString(5, booking.invitee.display_name);
  insert.setString(6, booking.invitee.email);
  if (link_pk != 0) {
    insert.setInt64(7, link_pk);
  } else {
    insert.setNull(7, 0);
  }
  insert.setDateTime(8, ToSqlDateTime(now));
  insert.setString(9, EncodeIdList(booking.members));
  std::optional<std::string> seat = SeatKey(calendar, booking.members);
  if (seat.has_value()) {
    insert.setString(10, *seat);
  } else {
    insert.setNull(10, 0);
  }
  insert.setDateTime(11, ToSqlDateTime(booking.blocked_start));
  insert.setDateTime(12, ToSqlDateTime(booking.blocked_end));
  if (request.request_id.empty()) {
    insert.setNull(13, 0);
  } else {
    insert.setString(13, request.request_id);
  }
  if (request.metadata.empty()) {
    insert.setNull(14, 0);
  } else {
    insert.setString(14, EncodeStringMap(request.metadata));
  }
  booking.metadata = request.metadata;
  if (request.manage_token_hash) {
    insert.setString(15, request.manage_token_hash(booking));
    booking.has_manage_token = true;
  } else {
    insert.setNull(15, 0);
  }
  try {
    insert.executeUpdate();
  } catch (const sql::SQLException& error) {
    if (error.getErrorCode() != kErrDuplicateKey) throw;
    return SlotTaken();
  }
  if (!decision->members.empty()) {
    // Only member rows need the new key; spare the round trip otherwise.
    booking.pk = LastInsertId(lease);
    InsertMemberRows(lease, calendar, booking.pk, *decision);
  }
  BumpBookingRevision(lease, calendar.pk);
  return booking;
}

absl::StatusOr<domain::Booking> SelectBooking(Lease& lease, int64_t calendar_pk,
                                              absl::string_view condition,
                                              const std::string& value,
                                              bool for_update) {
  sql::PreparedStatement& select =
      lease.Prepare(absl::StrCat("SELECT ", kBookingColumns, " FROM ",
                                 kBookingFrom, " WHERE b.calendar_pk = ? AND ",
                                 condition, for_update ? " FOR UPDATE" : ""));
  select.setInt64(1, calendar_pk);
  select.setString(2, value);
  std::unique_ptr<sql::ResultSet> row(select.executeQuery());
  if (!row->next()) return absl::NotFoundError("booking does not exist");
  return ReadBooking(*row, 1);
}

}  // namespace booking_internal

namespace {

using booking_internal::LoadContext;
using booking_internal::LockCalendar;
using booking_internal::SelectBooking;

absl::Status BookingNotFound(absl::string_view location_id,
                             absl::string_view calendar_id,
                             absl::string_view booking_id) {
  return absl::NotFoundError(
      absl::StrCat("booking locations/", location_id, "/calendars/",
                   calendar_id, "/bookings/", booking_id, " does not exist"));
}

// The pk of a live calendar, read without a lock.
absl::StatusOr<int64_t> LiveCalendarPk(Lease& lease,
                                       absl::string_view location_id,
                                       absl::string_view calendar_id) {
  sql::PreparedStatement& select = lease.Prepare(
      "SELECT pk FROM calendars WHERE location_id = ? AND calendar_id = ? "
      "AND live = 1");
  select.setString(1, std::string(location_id));
  select.setString(2, std::string(calendar_id));
  std::unique_ptr<sql::ResultSet> row(select.executeQuery());
  if (!row->next()) return CalendarNotFound(location_id, calendar_id);
  return row->getInt64(1);
}

// Where a booking is, read without a lock: what a transaction that
// changes it locks, in order.
struct BookingKeys {
  int64_t pk = 0;
  int64_t calendar_pk = 0;
  int64_t link_pk = 0;  // 0: not made through a one-time link
  std::string location_id;
};

// The booking `condition` ("b.booking_id = ?" ...) selects for `values`
// among bookings of live calendars, if any.
std::optional<BookingKeys> FindBooking(Lease& lease,
                                       absl::string_view condition,
                                       const std::vector<std::string>& values) {
  sql::PreparedStatement& select = lease.Prepare(absl::StrCat(
      "SELECT b.pk, b.calendar_pk, b.one_time_link_pk, c.location_id FROM "
      "bookings b JOIN calendars c ON c.pk = b.calendar_pk WHERE c.live = 1 "
      "AND ",
      condition));
  for (size_t i = 0; i < values.size(); ++i) {
    select.setString(static_cast<unsigned>(i + 1), values[i]);
  }
  std::unique_ptr<sql::ResultSet> row(select.executeQuery());
  if (!row->next()) return std::nullopt;
  BookingKeys keys;
  keys.pk = row->getInt64(1);
  keys.calendar_pk = row->getInt64(2);
  if (!row->isNull(3)) keys.link_pk = row->getInt64(3);
  keys.location_id = row->getString(4);
  return keys;
}

// The booking named so; NOT_FOUND for it, or for its calendar when that
// is gone.
absl::StatusOr<BookingKeys> FindBookingByName(Lease& lease,
                                              absl::string_view location_id,
                                              absl::string_view calendar_id,
                                              absl::string_view booking_id) {
  std::optional<BookingKeys> keys = FindBooking(
      lease, "c.location_id = ? AND c.calendar_id = ? AND b.booking_id = ?",
      {std::string(location_id), std::string(calendar_id),
       std::string(booking_id)});
  if (keys.has_value()) return *keys;
  absl::StatusOr<int64_t> calendar =
      LiveCalendarPk(lease, location_id, calendar_id);
  if (!calendar.ok()) return calendar.status();
  return BookingNotFound(location_id, calendar_id, booking_id);
}

// The booking whose manage token hashes to `token_hash`, if `allowed`
// lets the caller see its location; else the unknown token's NOT_FOUND.
absl::StatusOr<BookingKeys> FindBookingByManageToken(
    Lease& lease, absl::string_view token_hash, LocationAllowed allowed) {
  std::optional<BookingKeys> keys =
      FindBooking(lease, "b.manage_token_hash = ?", {std::string(token_hash)});
  if (!keys.has_value() || !allowed(keys->location_id)) {
    return domain::UnknownManageToken();
  }
  return *keys;
}

// Cancels the booking `keys` locate: locks its link (if any), its
// calendar, the booking and its members, in that order; frees its slot
// and its members' time; gives the link's use back if the link says so.
// Sets `*cancelled` to whether it cancelled (false: it was cancelled
// before).
absl::StatusOr<domain::Booking> CancelLocated(Lease& lease,
                                              const BookingKeys& keys,
                                              absl::string_view reason,
                                              const domain::Actor& actor,
                                              absl::Time now, bool* cancelled) {
  *cancelled = false;
  std::optional<domain::OneTimeLink> link;
  if (keys.link_pk != 0) {
    absl::StatusOr<domain::OneTimeLink> locked =
        link_internal::LockLink(lease, keys.link_pk);
    if (!locked.ok()) return locked.status();
    link = *std::move(locked);
  }
  // The calendar next, as every booking path locks it.
  booking_internal::BumpBookingRevision(lease, keys.calendar_pk);
  absl::StatusOr<domain::Booking> booking =
      SelectBooking(lease, keys.calendar_pk, "b.pk = ?",
                    std::to_string(keys.pk), /*for_update=*/true);
  if (!booking.ok()) return booking.status();
  if (booking->state == domain::BookingState::kCancelled) return booking;
  // Its members' time is freed on every calendar that shows it.
  booking_internal::LockMembers(lease, booking->location_id, booking->members);
  sql::PreparedStatement& update = lease.Prepare(
      "UPDATE bookings SET state = 2, holds_slot = NULL, cancel_time = ?, "
      "cancel_reason = ? WHERE pk = ?");
  update.setDateTime(1, ToSqlDateTime(now));
  update.setString(2, std::string(reason));
  update.setInt64(3, booking->pk);
  update.executeUpdate();
  sql::PreparedStatement& free_members =
      lease.Prepare("DELETE FROM member_bookings WHERE booking_pk = ?");
  free_members.setInt64(1, booking->pk);
  free_members.executeUpdate();
  booking->state = domain::BookingState::kCancelled;
  booking->cancel_time = now;
  booking->cancel_reason = std::string(reason);
  if (link.has_value()) {
    link_internal::ReturnUseOnCancel(lease, *link, booking->location_id,
                                     booking->calendar_id, booking->booking_id,
                                     actor, now);
  }
  *cancelled = true;
  return booking;
}

// Moves the booking `keys` locate to the slot starting at `start` (see
// BookingStore::Reschedule): locks its calendar, the booking and the
// members involved, in that order. A booking made through a one-time link
// moves without touching the link: no use is spent or returned.
absl::StatusOr<domain::Booking> RescheduleLocated(Lease& lease,
                                                  const BookingKeys& keys,
                                                  absl::Time start,
                                                  absl::string_view request_id,
                                                  absl::Time now) {
  absl::StatusOr<domain::Calendar> calendar =
      LockCalendar(lease, keys.calendar_pk);
  if (!calendar.ok()) return calendar.status();
  absl::StatusOr<domain::Booking> result =
      SelectBooking(lease, keys.calendar_pk, "b.pk = ?",
                    std::to_string(keys.pk), /*for_update=*/true);
  if (!result.ok()) return result.status();
  if (!request_id.empty()) {
    // Under the booking's row lock: a retry racing the first call
    // waits for it, then finds its key.
    sql::PreparedStatement& done = lease.Prepare(
        "SELECT 1 FROM booking_reschedules WHERE booking_pk = ? AND "
        "request_id = ?");
    done.setInt64(1, result->pk);
    done.setString(2, std::string(request_id));
    std::unique_ptr<sql::ResultSet> row(done.executeQuery());
    if (row->next()) return result;
  }
  if (result->state != domain::BookingState::kConfirmed) {
    return domain::FailedPreconditionWithReason(
        domain::kReasonBookingCancelled,
        "A cancelled booking cannot be rescheduled.");
  }
  const absl::Duration duration = result->end_time - result->start_time;
  booking_internal::BumpBookingRevision(lease, calendar->pk);
  // The calendar's members, and the booking's own if they have since
  // left it: their time here is freed.
  std::vector<std::string> members = calendar->members;
  members.insert(members.end(), result->members.begin(), result->members.end());
  booking_internal::LockMembers(lease, calendar->location_id,
                                std::move(members));
  absl::StatusOr<domain::BookingContext> context =
      LoadContext(lease, *calendar, duration,
                  {start, start + absl::Nanoseconds(1)}, result->pk);
  if (!context.ok()) return context.status();
  absl::StatusOr<domain::BookingDecision> decision =
      domain::DecideBooking(*calendar, duration, start, now, *context);
  if (!decision.ok()) return decision.status();
  // A round-robin booking keeps its member when the member is free at
  // the new time: the invitee keeps the host they were promised.
  if (calendar->type == domain::CalendarType::kRoundRobin &&
      !result->members.empty()) {
    for (const domain::FreeSlot& free : domain::ComputeFreeSlots(
             *calendar, duration, {start, start + absl::Nanoseconds(1)}, now,
             *context)) {
      const std::vector<std::string> free_members =
          free.free_members.Names(calendar->members);
      if (std::find(free_members.begin(), free_members.end(),
                    result->members.front()) != free_members.end()) {
        decision->members = {result->members.front()};
      }
    }
  }
  sql::PreparedStatement& update = lease.Prepare(
      "UPDATE bookings SET start_time = ?, end_time = ?, blocked_start = ?, "
      "blocked_end = ?, members = ?, seat_key = ?, reschedule_time = ? "
      "WHERE pk = ?");
  update.setDateTime(1, ToSqlDateTime(decision->slot.start));
  update.setDateTime(2, ToSqlDateTime(decision->slot.end));
  update.setDateTime(3, ToSqlDateTime(decision->blocked.start));
  update.setDateTime(4, ToSqlDateTime(decision->blocked.end));
  update.setString(5, EncodeIdList(decision->members));
  std::optional<std::string> seat =
      booking_internal::SeatKey(*calendar, decision->members);
  if (seat.has_value()) {
    update.setString(6, *seat);
  } else {
    update.setNull(6, 0);
  }
  update.setDateTime(7, ToSqlDateTime(now));
  update.setInt64(8, result->pk);
  try {
    update.executeUpdate();
  } catch (const sql::SQLException& error) {
    if (error.getErrorCode() != kErrDuplicateKey) throw;
    return booking_internal::SlotTaken();
  }
  sql::PreparedStatement& free_members =
      lease.Prepare("DELETE FROM member_bookings WHERE booking_pk = ?");
  free_members.setInt64(1, result->pk);
  free_members.executeUpdate();
  booking_internal::InsertMemberRows(lease, *calendar, result->pk, *decision);
  if (!request_id.empty()) {
    sql::PreparedStatement& record = lease.Prepare(
        "INSERT INTO booking_reschedules (booking_pk, request_id, "
        "start_time, reschedule_time) VALUES (?, ?, ?, ?)");
    record.setInt64(1, result->pk);
    record.setString(2, std::string(request_id));
    record.setDateTime(3, ToSqlDateTime(decision->slot.start));
    record.setDateTime(4, ToSqlDateTime(now));
    record.executeUpdate();
  }
  result->start_time = decision->slot.start;
  result->end_time = decision->slot.end;
  result->blocked_start = decision->blocked.start;
  result->blocked_end = decision->blocked.end;
  result->members = decision->members;
  result->reschedule_time = now;
  return result;
}

// Finds the booking a call names, inside the call's transaction.
using FindBookingFn = absl::FunctionRef<absl::StatusOr<BookingKeys>(Lease&)>;

// One transaction: the booking `find` finds, cancelled (CancelLocated).
// Sets `*cancelled_now` (if given) as the attempt that committed left it.
absl::StatusOr<domain::Booking> CancelFound(
    ConnectionPool& pool, absl::string_view what, FindBookingFn find,
    absl::string_view reason, const domain::Actor& actor, absl::Time now,
    bool* cancelled_now) {
  now = TruncateToMicros(now);
  absl::StatusOr<domain::Booking> result;
  bool cancelled = false;
  absl::Status status = RunTransaction(pool, what, [&](Lease& lease) {
    absl::StatusOr<BookingKeys> keys = find(lease);
    if (!keys.ok()) return keys.status();
    result = CancelLocated(lease, *keys, reason, actor, now, &cancelled);
    return result.status();
  });
  if (!status.ok()) return status;
  if (cancelled_now != nullptr) *cancelled_now = cancelled;
  return result;
}

// One transaction: the booking `find` finds, moved (RescheduleLocated).
absl::StatusOr<domain::Booking> RescheduleFound(
    ConnectionPool& pool, absl::string_view what, FindBookingFn find,
    absl::Time start, absl::string_view request_id, absl::Time now) {
  now = TruncateToMicros(now);
  absl::StatusOr<domain::Booking> result;
  absl::Status status = RunTransaction(pool, what, [&](Lease& lease) {
    absl::StatusOr<BookingKeys> keys = find(lease);
    if (!keys.ok()) return keys.status();
    result = RescheduleLocated(lease, *keys, start, request_id, now);
    return result.status();
  });
  if (!status.ok()) return status;
  return result;
}

}  // namespace

absl::StatusOr<domain::Booking> BookingStore::Create(
    absl::string_view location_id, absl::string_view calendar_id,
    const BookingRequest& request, absl::Time now) {
  absl::StatusOr<domain::Booking> result;
  absl::Status status =
      RunTransaction(pool_, "create booking", [&](Lease& lease) {
        absl::StatusOr<int64_t> pk =
            LiveCalendarPk(lease, location_id, calendar_id);
        if (!pk.ok()) return pk.status();
        absl::StatusOr<domain::Calendar> calendar = LockCalendar(lease, *pk);
        if (!calendar.ok()) return calendar.status();
        if (!request.request_id.empty()) {
          // Under the calendar lock, so a retry racing the first call waits
          // for it and then finds its booking.
          absl::StatusOr<domain::Booking> earlier = SelectBooking(
              lease, *pk, "b.request_id = ?", request.request_id, false);
          if (earlier.ok()) {
            result = *std::move(earlier);
            return absl::OkStatus();
          }
        }
        result =
            booking_internal::BookOnLockedCalendar(lease, *calendar, request,
                                                   /*link_pk=*/0, now);
        return result.status();
      });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<domain::Booking> BookingStore::Get(
    absl::string_view location_id, absl::string_view calendar_id,
    absl::string_view booking_id) {
  absl::StatusOr<domain::Booking> result;
  absl::Status status = RunStatements(pool_, "get booking", [&](Lease& lease) {
    static const std::string* sql = new std::string(
        absl::StrCat("SELECT ", kBookingColumns, " FROM ", kBookingFrom,
                     " WHERE bc.location_id = ? AND bc.calendar_id = ? AND "
                     "b.booking_id = ?"));
    sql::PreparedStatement& select = lease.Prepare(*sql);
    select.setString(1, std::string(location_id));
    select.setString(2, std::string(calendar_id));
    select.setString(3, std::string(booking_id));
    std::unique_ptr<sql::ResultSet> row(select.executeQuery());
    result = row->next()
                 ? ReadBooking(*row, 1)
                 : BookingNotFound(location_id, calendar_id, booking_id);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<BookingPage> BookingStore::List(
    const BookingListOptions& options) {
  BookingPage page;
  absl::Status status =
      RunStatements(pool_, "list bookings", [&](Lease& lease) {
        absl::StatusOr<int64_t> pk =
            LiveCalendarPk(lease, options.location_id, options.calendar_id);
        if (!pk.ok()) return pk.status();
        std::string sql =
            absl::StrCat("SELECT ", kBookingColumns, " FROM ", kBookingFrom,
                         " WHERE b.calendar_pk = ?");
        if (!options.show_cancelled) absl::StrAppend(&sql, " AND b.state = 1");
        if (options.ends_after) absl::StrAppend(&sql, " AND b.end_time > ?");
        if (options.starts_before)
          absl::StrAppend(&sql, " AND b.start_time < ?");
        if (options.after) {
          absl::StrAppend(&sql,
                          " AND (b.start_time > ? OR (b.start_time = ? AND "
                          "b.pk > ?))");
        }
        absl::StrAppend(&sql, " ORDER BY b.start_time, b.pk LIMIT ?");
        sql::PreparedStatement& select = lease.Prepare(sql);
        unsigned column = 1;
        select.setInt64(column++, *pk);
        if (options.ends_after) {
          select.setDateTime(column++, ToSqlDateTime(*options.ends_after));
        }
        if (options.starts_before) {
          select.setDateTime(column++, ToSqlDateTime(*options.starts_before));
        }
        if (options.after) {
          select.setDateTime(column++, ToSqlDateTime(options.after->first));
          select.setDateTime(column++, ToSqlDateTime(options.after->first));
          select.setInt64(column++, options.after->second);
        }
        select.setInt(column++, options.page_size + 1);
        std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
        return ReadPage<domain::Booking>(
            *rows, options.page_size,
            [](sql::ResultSet& row) { return ReadBooking(row, 1); },
            &page.bookings, &page.has_more);
      });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<domain::Booking> BookingStore::GetByManageTokenHash(
    absl::string_view token_hash, LocationAllowed allowed) {
  absl::StatusOr<domain::Booking> result;
  absl::Status status =
      RunStatements(pool_, "get booking by manage token", [&](Lease& lease) {
        static const std::string* sql = new std::string(
            absl::StrCat("SELECT ", kBookingColumns, " FROM ", kBookingFrom,
                         " WHERE b.manage_token_hash = ?"));
        sql::PreparedStatement& select = lease.Prepare(*sql);
        select.setString(1, std::string(token_hash));
        std::unique_ptr<sql::ResultSet> row(select.executeQuery());
        result =
            row->next()
                ? ReadBooking(*row, 1)
                : absl::StatusOr<domain::Booking>(domain::UnknownManageToken());
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  if (result.ok() && !allowed(result->location_id)) {
    return domain::UnknownManageToken();
  }
  return result;
}

absl::StatusOr<domain::Booking> BookingStore::Cancel(
    absl::string_view location_id, absl::string_view calendar_id,
    absl::string_view booking_id, absl::string_view reason,
    const domain::Actor& actor, absl::Time now, bool* cancelled_now) {
  return CancelFound(
      pool_, "cancel booking",
      [&](Lease& lease) {
        return FindBookingByName(lease, location_id, calendar_id, booking_id);
      },
      reason, actor, now, cancelled_now);
}

absl::StatusOr<domain::Booking> BookingStore::CancelByManageToken(
    absl::string_view token_hash, absl::string_view reason,
    LocationAllowed allowed, const domain::Actor& actor, absl::Time now,
    bool* cancelled_now) {
  return CancelFound(
      pool_, "cancel booking by manage token",
      [&](Lease& lease) {
        return FindBookingByManageToken(lease, token_hash, allowed);
      },
      reason, actor, now, cancelled_now);
}

absl::StatusOr<domain::Booking> BookingStore::Reschedule(
    absl::string_view location_id, absl::string_view calendar_id,
    absl::string_view booking_id, absl::Time start,
    absl::string_view request_id, absl::Time now) {
  return RescheduleFound(
      pool_, "reschedule booking",
      [&](Lease& lease) {
        return FindBookingByName(lease, location_id, calendar_id, booking_id);
      },
      start, request_id, now);
}

absl::StatusOr<domain::Booking> BookingStore::RescheduleByManageToken(
    absl::string_view token_hash, absl::Time start,
    absl::string_view request_id, LocationAllowed allowed, absl::Time now) {
  return RescheduleFound(
      pool_, "reschedule booking by manage token",
      [&](Lease& lease) {
        return FindBookingByManageToken(lease, token_hash, allowed);
      },
      start, request_id, now);
}

absl::StatusOr<BookingStore::CalendarWithContext> BookingStore::GetWithContext(
    absl::string_view location_id, absl::string_view calendar_id,
    std::optional<absl::Duration> requested, domain::TimeInterval range) {
  CalendarWithContext result;
  absl::Status status =
      RunStatements(pool_, "read calendar and bookings", [&](Lease& lease) {
        static const std::string* sql = new std::string(
            absl::StrCat("SELECT ", kCalendarColumns, " FROM ", kCalendarFrom,
                         " WHERE c.location_id = ? AND c.calendar_id = ? AND "
                         "c.live = 1"));
        sql::PreparedStatement& select = lease.Prepare(*sql);
        select.setString(1, std::string(location_id));
        select.setString(2, std::string(calendar_id));
        {
          std::unique_ptr<sql::ResultSet> row(select.executeQuery());
          if (!row->next()) return CalendarNotFound(location_id, calendar_id);
          absl::StatusOr<domain::Calendar> calendar = ReadCalendar(*row, 1);
          if (!calendar.ok()) return calendar.status();
          result.calendar = *std::move(calendar);
        }
        absl::StatusOr<absl::Duration> chosen =
            domain::ChooseDuration(result.calendar, requested);
        if (!chosen.ok()) return chosen.status();
        result.duration = *chosen;
        absl::StatusOr<std::shared_ptr<const domain::BookingContext>> context =
            CachedContext(lease, result.calendar, *chosen, range);
        if (!context.ok()) return context.status();
        result.context = *std::move(context);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<std::shared_ptr<const domain::BookingContext>>
BookingStore::GetContext(const domain::Calendar& calendar,
                         absl::Duration duration, domain::TimeInterval range) {
  absl::StatusOr<std::shared_ptr<const domain::BookingContext>> context;
  absl::Status status =
      RunStatements(pool_, "read bookings", [&](Lease& lease) {
        context = CachedContext(lease, calendar, duration, range);
        return context.status();
      });
  if (!status.ok()) return status;
  return context;
}

absl::StatusOr<std::shared_ptr<const domain::BookingContext>>
BookingStore::CachedContext(Lease& lease, const domain::Calendar& calendar,
                            absl::Duration duration,
                            domain::TimeInterval range) {
  // The stamp before the bookings (see BookingContextCache): the calendar's
  // part came with the calendar, the members' part is read now.
  BookingStamp stamp{calendar.version, calendar.booking_revision, 0};
  if (!calendar.members.empty()) {
    sql::PreparedStatement& revision = lease.Prepare(absl::StrCat(
        "SELECT COALESCE(SUM(bookings), 0) FROM member_locks WHERE "
        "location_id = ? AND member_id IN (",
        booking_internal::Placeholders(calendar.members.size()), ")"));
    booking_internal::BindLocationAndMembers(revision, calendar);
    std::unique_ptr<sql::ResultSet> row(revision.executeQuery());
    if (row->next()) stamp.member_revision = row->getInt64(1);
  }
  const domain::TimeInterval needed =
      booking_internal::ContextWindow(calendar, duration, range);
  if (std::shared_ptr<const domain::BookingContext> cached =
          cache_.Find(calendar.pk, stamp, needed)) {
    pool_.metrics().FreeSlotCacheLookup(/*hit=*/true);
    return cached;
  }
  pool_.metrics().FreeSlotCacheLookup(/*hit=*/false);
  const domain::TimeInterval window = BookingContextCache::WindowToRead(needed);
  absl::StatusOr<domain::BookingContext> context =
      booking_internal::LoadContextOver(lease, calendar, window,
                                        /*exclude_booking_pk=*/0);
  if (!context.ok()) return context.status();
  auto shared =
      std::make_shared<const domain::BookingContext>(*std::move(context));
  cache_.Store(calendar.pk, stamp, window, shared);
  return shared;
}

}  // namespace scheduling::store
