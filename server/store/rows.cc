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
  absl::StatusOr<absl::Time> time = ReadTime(row, column);
  if (!time.ok()) return time.status();
  return std::optional<absl::Time>(*time);
}

domain::CalendarType TypeFromColumn(int value) {
  switch (value) {
    case 2:
      return domain::CalendarType::kRoundRobin;
    case 3:
      return domain::CalendarType::kCollective;
    case 4:
      return domain::CalendarType::kClassBooking;
    case 5:
      return domain::CalendarType::kService;
    default:
      return domain::CalendarType::kEvent;
  }
}

}  // namespace

absl::Status CalendarNotFound(absl::string_view location_id,
                              absl::string_view calendar_id) {
  return absl::NotFoundError(absl::StrCat("calendar locations/", location_id,
                                          "/calendars/", calendar_id,
                                          " does not exist"));
}

absl::StatusOr<absl::Time> ReadTime(sql::ResultSet& row, int column) {
  return FromSqlDateTime(std::string(row.getString(column)));
}

std::string SelectMicros(absl::string_view column) {
  return absl::StrCat("TIMESTAMPDIFF(MICROSECOND, '1970-01-01', ", column, ")");
}

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
  absl::StatusOr<absl::Time> create_time = ReadTime(row, c + 10);
  absl::StatusOr<absl::Time> update_time = ReadTime(row, c + 11);
  if (!create_time.ok()) return create_time.status();
  if (!update_time.ok()) return update_time.status();
  calendar.create_time = *create_time;
  calendar.update_time = *update_time;
  calendar.type = TypeFromColumn(row.getInt(c + 12));
  calendar.members = DecodeIdList(std::string(row.getString(c + 13)));
  absl::StatusOr<std::vector<absl::Duration>> allowed =
      DecodeMinutesList(std::string(row.getString(c + 14)));
  if (!allowed.ok()) return allowed.status();
  calendar.allowed_durations = *std::move(allowed);
  calendar.rules.slot_interval = absl::Minutes(row.getInt(c + 15));
  if (!row.isNull(c + 16)) {
    absl::StatusOr<std::vector<domain::DateOverride>> overrides =
        DecodeDateOverrides(std::string(row.getString(c + 16)));
    if (!overrides.ok()) return overrides.status();
    calendar.rules.date_overrides = *std::move(overrides);
  }
  calendar.rules.buffer_before = absl::Minutes(row.getInt(c + 17));
  calendar.rules.buffer_after = absl::Minutes(row.getInt(c + 18));
  calendar.rules.minimum_notice = absl::Minutes(row.getInt(c + 19));
  calendar.rules.booking_horizon_days = row.getInt(c + 20);
  calendar.rules.max_bookings_per_day = row.getInt(c + 21);
  calendar.rules.seats_per_slot = row.getInt(c + 22);
  calendar.deleted = row.isNull(c + 23);
  if (!row.isNull(c + 24)) {
    calendar.group_id = row.getString(c + 24);
    calendar.group_enabled = row.getInt(c + 25) != 0;
  }
  calendar.booking_revision = row.getInt64(c + 26);
  calendar.rules.max_bookings_per_week = row.getInt(c + 27);
  calendar.rules.max_bookings_per_month = row.getInt(c + 28);
  if (!row.isNull(c + 29)) {
    absl::StatusOr<std::vector<domain::MemberSettings>> settings =
        DecodeMemberSettings(std::string(row.getString(c + 29)));
    if (!settings.ok()) return settings.status();
    calendar.member_settings = *std::move(settings);
  }
  calendar.distribution =
      row.getInt(c + 30) == 2
          ? domain::RoundRobinDistribution::kEqualDistribution
          : domain::RoundRobinDistribution::kOptimizeForAvailability;
  calendar.max_lead = row.getInt(c + 31);
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
  if (!row.isNull(c + 11)) link.request_id = row.getString(c + 11);
  if (!row.isNull(c + 12)) link.invitee.contact_id = row.getString(c + 12);
  link.invitee.display_name = row.getString(c + 13);
  link.invitee.email = row.getString(c + 14);
  link.invitee.phone = row.getString(c + 15);
  link.enforce_invitee = row.getInt(c + 16) != 0;
  if (!row.isNull(c + 17)) {
    auto metadata = DecodeStringMap(std::string(row.getString(c + 17)));
    if (!metadata.ok()) return metadata.status();
    link.metadata = *std::move(metadata);
  }
  for (int i : {18, 19}) {
    if (row.isNull(c + i)) continue;
    absl::CivilDay day;
    if (!absl::ParseCivilTime(std::string(row.getString(c + i)), &day)) {
      return absl::InternalError("bad link date in the database");
    }
    (i == 18 ? link.earliest_date : link.latest_date) = day;
  }
  if (row.getInt(c + 20) > 0) link.duration = absl::Minutes(row.getInt(c + 20));
  link.return_use_on_cancel = row.getInt(c + 21) != 0;
  return link;
}

absl::StatusOr<domain::Booking> ReadBooking(sql::ResultSet& row,
                                            int first_column) {
  const int c = first_column;
  domain::Booking booking;
  booking.pk = row.getInt64(c);
  booking.location_id = row.getString(c + 1);
  booking.calendar_id = row.getString(c + 2);
  booking.booking_id = row.getString(c + 3);
  auto start = ReadTime(row, c + 4);
  auto end = ReadTime(row, c + 5);
  auto create = ReadTime(row, c + 9);
  auto cancel = ReadOptionalTime(row, c + 12);
  auto reschedule = ReadOptionalTime(row, c + 14);
  auto blocked_start = ReadTime(row, c + 16);
  auto blocked_end = ReadTime(row, c + 17);
  for (const auto* time :
       {&start, &end, &create, &blocked_start, &blocked_end}) {
    if (!time->ok()) return time->status();
  }
  if (!cancel.ok()) return cancel.status();
  if (!reschedule.ok()) return reschedule.status();
  booking.start_time = *start;
  booking.end_time = *end;
  booking.invitee.display_name = row.getString(c + 6);
  booking.invitee.email = row.getString(c + 7);
  if (!row.isNull(c + 8)) booking.one_time_link_id = row.getString(c + 8);
  booking.create_time = *create;
  booking.state = row.getInt(c + 10) == 2 ? domain::BookingState::kCancelled
                                          : domain::BookingState::kConfirmed;
  booking.members = DecodeIdList(std::string(row.getString(c + 11)));
  booking.cancel_time = *cancel;
  booking.cancel_reason = row.getString(c + 13);
  booking.reschedule_time = *reschedule;
  if (!row.isNull(c + 15)) booking.request_id = row.getString(c + 15);
  booking.blocked_start = *blocked_start;
  booking.blocked_end = *blocked_end;
  if (!row.isNull(c + 18)) {
    auto metadata = DecodeStringMap(std::string(row.getString(c + 18)));
    if (!metadata.ok()) return metadata.status();
    booking.metadata = *std::move(metadata);
  }
  booking.has_manage_token = row.getInt(c + 19) != 0;
  return booking;
}

absl::StatusOr<domain::Group> ReadGroup(sql::ResultSet& row, int first_column) {
  const int c = first_column;
  domain::Group group;
  group.pk = row.getInt64(c);
  group.location_id = row.getString(c + 1);
  group.group_id = row.getString(c + 2);
  group.display_name = row.getString(c + 3);
  group.description = row.getString(c + 4);
  group.enabled = row.getInt(c + 5) != 0;
  group.version = row.getInt64(c + 6);
  auto create = ReadTime(row, c + 7);
  auto update = ReadTime(row, c + 8);
  if (!create.ok()) return create.status();
  if (!update.ok()) return update.status();
  group.create_time = *create;
  group.update_time = *update;
  group.calendar_count = row.getInt(c + 9);
  return group;
}

}  // namespace scheduling::store
