#include "server/api/proto_conversion.h"

#include "absl/strings/str_cat.h"
#include "google/type/timeofday.pb.h"
#include "server/domain/names.h"

namespace scheduling::api {

absl::Time FromProto(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) +
         absl::Nanoseconds(timestamp.nanos());
}

google::protobuf::Timestamp ToProto(absl::Time time) {
  google::protobuf::Timestamp timestamp;
  const int64_t seconds = absl::ToUnixSeconds(time);
  timestamp.set_seconds(seconds);
  timestamp.set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(seconds))));
  return timestamp;
}

google::protobuf::Duration DurationToProto(absl::Duration duration) {
  google::protobuf::Duration out;
  out.set_seconds(absl::ToInt64Seconds(duration));
  return out;
}

absl::Weekday WeekdayFromProto(google::type::DayOfWeek day) {
  switch (day) {
    case google::type::TUESDAY:
      return absl::Weekday::tuesday;
    case google::type::WEDNESDAY:
      return absl::Weekday::wednesday;
    case google::type::THURSDAY:
      return absl::Weekday::thursday;
    case google::type::FRIDAY:
      return absl::Weekday::friday;
    case google::type::SATURDAY:
      return absl::Weekday::saturday;
    case google::type::SUNDAY:
      return absl::Weekday::sunday;
    default:
      return absl::Weekday::monday;
  }
}

google::type::DayOfWeek WeekdayToProto(absl::Weekday weekday) {
  switch (weekday) {
    case absl::Weekday::monday:
      return google::type::MONDAY;
    case absl::Weekday::tuesday:
      return google::type::TUESDAY;
    case absl::Weekday::wednesday:
      return google::type::WEDNESDAY;
    case absl::Weekday::thursday:
      return google::type::THURSDAY;
    case absl::Weekday::friday:
      return google::type::FRIDAY;
    case absl::Weekday::saturday:
      return google::type::SATURDAY;
    case absl::Weekday::sunday:
      return google::type::SUNDAY;
  }
  return google::type::DAY_OF_WEEK_UNSPECIFIED;
}

std::string CalendarEtag(const domain::Calendar& calendar) {
  return absl::StrCat("\"v", calendar.version, "\"");
}

void CalendarToProto(const domain::Calendar& calendar, v1::Calendar* out) {
  out->set_name(
      domain::CalendarResourceName(calendar.location_id, calendar.calendar_id));
  out->set_display_name(calendar.display_name);
  out->set_slug(calendar.slug);
  *out->mutable_duration() = DurationToProto(calendar.rules.duration);
  out->set_time_zone(calendar.time_zone_name);
  for (const domain::OpenInterval& interval : calendar.rules.weekly_hours) {
    v1::OpenInterval* hours = out->add_weekly_hours();
    hours->set_day_of_week(WeekdayToProto(interval.weekday));
    hours->mutable_start_time()->set_hours(interval.start_minute / 60);
    hours->mutable_start_time()->set_minutes(interval.start_minute % 60);
    hours->mutable_end_time()->set_hours(interval.end_minute / 60);
    hours->mutable_end_time()->set_minutes(interval.end_minute % 60);
  }
  out->set_status(calendar.status == domain::CalendarStatus::kActive
                      ? v1::Calendar::ACTIVE
                      : v1::Calendar::INACTIVE);
  *out->mutable_create_time() = ToProto(calendar.create_time);
  *out->mutable_update_time() = ToProto(calendar.update_time);
  out->set_etag(CalendarEtag(calendar));
}

void OneTimeLinkToProto(const domain::OneTimeLink& link, absl::Time now,
                        v1::OneTimeLink* out) {
  out->set_name(domain::OneTimeLinkResourceName(
      link.location_id, link.calendar_id, link.link_id));
  switch (domain::StateAt(link, now)) {
    case domain::LinkState::kActive:
      out->set_state(v1::OneTimeLink::ACTIVE);
      break;
    case domain::LinkState::kUsed:
      out->set_state(v1::OneTimeLink::USED);
      break;
    case domain::LinkState::kExpired:
      out->set_state(v1::OneTimeLink::EXPIRED);
      break;
    case domain::LinkState::kRevoked:
      out->set_state(v1::OneTimeLink::REVOKED);
      break;
  }
  if (link.expire_time.has_value()) {
    *out->mutable_expire_time() = ToProto(*link.expire_time);
  }
  if (!link.booking_id.empty()) {
    out->set_booking(domain::BookingResourceName(
        link.location_id, link.calendar_id, link.booking_id));
  }
  *out->mutable_create_time() = ToProto(link.create_time);
  if (link.use_time.has_value()) {
    *out->mutable_use_time() = ToProto(*link.use_time);
  }
  if (link.revoke_time.has_value()) {
    *out->mutable_revoke_time() = ToProto(*link.revoke_time);
  }
}

void BookingToProto(const domain::Booking& booking, v1::Booking* out) {
  out->set_name(domain::BookingResourceName(
      booking.location_id, booking.calendar_id, booking.booking_id));
  *out->mutable_start_time() = ToProto(booking.start_time);
  *out->mutable_end_time() = ToProto(booking.end_time);
  out->mutable_invitee()->set_display_name(booking.invitee.display_name);
  out->mutable_invitee()->set_email(booking.invitee.email);
  if (!booking.one_time_link_id.empty()) {
    out->set_one_time_link(domain::OneTimeLinkResourceName(
        booking.location_id, booking.calendar_id, booking.one_time_link_id));
  }
  *out->mutable_create_time() = ToProto(booking.create_time);
}

void SlotToProto(const domain::TimeInterval& slot, absl::TimeZone zone,
                 v1::Slot* out) {
  *out->mutable_start_time() = ToProto(slot.start);
  *out->mutable_end_time() = ToProto(slot.end);
  out->set_local_start_time(domain::FormatLocalTime(slot.start, zone));
  out->set_local_end_time(domain::FormatLocalTime(slot.end, zone));
}

}  // namespace scheduling::api
