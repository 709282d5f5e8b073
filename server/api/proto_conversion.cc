#include "server/api/proto_conversion.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/domain/names.h"
#include "server/domain/secrets.h"

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

absl::Duration DurationFromProto(const google::protobuf::Duration& duration) {
  return absl::Seconds(duration.seconds()) +
         absl::Nanoseconds(duration.nanos());
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

google::type::Date DateToProto(absl::CivilDay day) {
  google::type::Date out;
  out.set_year(static_cast<int32_t>(day.year()));
  out.set_month(day.month());
  out.set_day(day.day());
  return out;
}

google::type::TimeOfDay MinuteOfDayToProto(int minute) {
  google::type::TimeOfDay out;
  out.set_hours(minute / 60);
  out.set_minutes(minute % 60);
  return out;
}

v1::Calendar::Type CalendarTypeToProto(domain::CalendarType type) {
  switch (type) {
    case domain::CalendarType::kEvent:
      return v1::Calendar::EVENT;
    case domain::CalendarType::kRoundRobin:
      return v1::Calendar::ROUND_ROBIN;
    case domain::CalendarType::kCollective:
      return v1::Calendar::COLLECTIVE;
    case domain::CalendarType::kClassBooking:
      return v1::Calendar::CLASS_BOOKING;
    case domain::CalendarType::kService:
      return v1::Calendar::SERVICE;
  }
  return v1::Calendar::TYPE_UNSPECIFIED;
}

std::optional<domain::CalendarType> CalendarTypeFromProto(
    v1::Calendar::Type type) {
  switch (type) {
    case v1::Calendar::EVENT:
      return domain::CalendarType::kEvent;
    case v1::Calendar::ROUND_ROBIN:
      return domain::CalendarType::kRoundRobin;
    case v1::Calendar::COLLECTIVE:
      return domain::CalendarType::kCollective;
    case v1::Calendar::CLASS_BOOKING:
      return domain::CalendarType::kClassBooking;
    case v1::Calendar::SERVICE:
      return domain::CalendarType::kService;
    default:
      return std::nullopt;
  }
}

std::string GroupResourceName(absl::string_view location_id,
                              absl::string_view group_id) {
  return absl::StrCat(domain::LocationName(location_id), "/groups/", group_id);
}

std::optional<GroupName> ParseGroupName(absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "locations" || parts[2] != "groups" ||
      !domain::IsValidId(parts[1]) || !domain::IsValidId(parts[3])) {
    return std::nullopt;
  }
  return GroupName{std::string(parts[1]), std::string(parts[3])};
}

std::string CalendarEtag(const domain::Calendar& calendar) {
  return absl::StrCat("\"v", calendar.version, "\"");
}

std::string GroupEtag(const domain::Group& group) {
  return absl::StrCat("\"v", group.version, "\"");
}

v1::TeamMemberSettings::Priority PriorityToProto(
    domain::MemberPriority priority) {
  switch (priority) {
    case domain::MemberPriority::kHigh:
      return v1::TeamMemberSettings::HIGH;
    case domain::MemberPriority::kMedium:
      break;
    case domain::MemberPriority::kLow:
      return v1::TeamMemberSettings::LOW;
  }
  return v1::TeamMemberSettings::MEDIUM;
}

void CalendarToProto(const domain::Calendar& calendar, v1::Calendar* out) {
  const domain::AvailabilityRules& rules = calendar.rules;
  out->set_name(
      domain::CalendarResourceName(calendar.location_id, calendar.calendar_id));
  out->set_display_name(calendar.display_name);
  out->set_slug(calendar.slug);
  *out->mutable_duration() = DurationToProto(rules.duration);
  out->set_time_zone(calendar.time_zone_name);
  for (const domain::OpenInterval& interval : rules.weekly_hours) {
    v1::OpenInterval* hours = out->add_weekly_hours();
    hours->set_day_of_week(WeekdayToProto(interval.weekday));
    *hours->mutable_start_time() = MinuteOfDayToProto(interval.start_minute);
    *hours->mutable_end_time() = MinuteOfDayToProto(interval.end_minute);
  }
  out->set_status(calendar.status == domain::CalendarStatus::kActive
                      ? v1::Calendar::ACTIVE
                      : v1::Calendar::INACTIVE);
  *out->mutable_create_time() = ToProto(calendar.create_time);
  *out->mutable_update_time() = ToProto(calendar.update_time);
  out->set_etag(CalendarEtag(calendar));
  if (!calendar.group_id.empty()) {
    out->set_group(GroupResourceName(calendar.location_id, calendar.group_id));
  }
  out->set_calendar_type(CalendarTypeToProto(calendar.type));
  for (const std::string& member : calendar.members) {
    out->add_team_members(member);
  }
  for (absl::Duration duration : calendar.allowed_durations) {
    *out->add_allowed_durations() = DurationToProto(duration);
  }
  // Zero means "every `duration`"; an unset field says so to callers.
  if (rules.slot_interval > absl::ZeroDuration()) {
    *out->mutable_slot_interval() = DurationToProto(rules.slot_interval);
  }
  for (const domain::DateOverride& date_override : rules.date_overrides) {
    v1::DateOverride* override_out = out->add_date_overrides();
    *override_out->mutable_date() = DateToProto(date_override.date);
    for (const domain::MinuteRange& range : date_override.intervals) {
      v1::TimeRange* interval = override_out->add_open_intervals();
      *interval->mutable_start_time() = MinuteOfDayToProto(range.start_minute);
      *interval->mutable_end_time() = MinuteOfDayToProto(range.end_minute);
    }
  }
  *out->mutable_buffer_before() = DurationToProto(rules.buffer_before);
  *out->mutable_buffer_after() = DurationToProto(rules.buffer_after);
  *out->mutable_minimum_notice() = DurationToProto(rules.minimum_notice);
  out->set_booking_horizon_days(rules.booking_horizon_days);
  out->set_max_bookings_per_day(rules.max_bookings_per_day);
  out->set_seats_per_slot(rules.seats_per_slot);
  out->set_max_bookings_per_week(rules.max_bookings_per_week);
  out->set_max_bookings_per_month(rules.max_bookings_per_month);
  for (const domain::MemberSettings& settings : calendar.member_settings) {
    v1::TeamMemberSettings* entry = out->add_team_member_settings();
    entry->set_member(settings.member);
    entry->set_max_bookings_per_day(settings.limits.per_day);
    entry->set_max_bookings_per_week(settings.limits.per_week);
    entry->set_max_bookings_per_month(settings.limits.per_month);
    if (calendar.type == domain::CalendarType::kRoundRobin) {
      entry->set_priority(PriorityToProto(settings.priority));
      entry->set_weight(settings.weight);
    }
  }
  if (calendar.type == domain::CalendarType::kRoundRobin) {
    out->set_distribution(
        calendar.distribution ==
                domain::RoundRobinDistribution::kEqualDistribution
            ? v1::Calendar::EQUAL_DISTRIBUTION
            : v1::Calendar::OPTIMIZE_FOR_AVAILABILITY);
    if (calendar.distribution ==
        domain::RoundRobinDistribution::kEqualDistribution) {
      out->set_max_distribution_lead(calendar.max_lead);
    }
  }
}

void GroupToProto(const domain::Group& group, v1::Group* out) {
  out->set_name(GroupResourceName(group.location_id, group.group_id));
  out->set_display_name(group.display_name);
  out->set_description(group.description);
  out->set_state(group.enabled ? v1::Group::ENABLED : v1::Group::DISABLED);
  *out->mutable_create_time() = ToProto(group.create_time);
  *out->mutable_update_time() = ToProto(group.update_time);
  out->set_etag(GroupEtag(group));
  out->set_calendar_count(group.calendar_count);
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
  out->set_state(booking.state == domain::BookingState::kConfirmed
                     ? v1::Booking::CONFIRMED
                     : v1::Booking::CANCELLED);
  for (const std::string& member : booking.members) out->add_members(member);
  if (booking.cancel_time.has_value()) {
    *out->mutable_cancel_time() = ToProto(*booking.cancel_time);
  }
  out->set_cancel_reason(booking.cancel_reason);
  if (booking.reschedule_time.has_value()) {
    *out->mutable_reschedule_time() = ToProto(*booking.reschedule_time);
  }
  for (const auto& [key, value] : booking.metadata) {
    (*out->mutable_metadata())[key] = value;
  }
}

void SlotToProto(const domain::FreeSlot& slot,
                 const std::vector<std::string>& members, absl::TimeZone zone,
                 v1::Slot* out) {
  *out->mutable_start_time() = ToProto(slot.slot.start);
  *out->mutable_end_time() = ToProto(slot.slot.end);
  out->set_local_start_time(domain::FormatLocalTime(slot.slot.start, zone));
  out->set_local_end_time(domain::FormatLocalTime(slot.slot.end, zone));
  out->set_remaining_seats(slot.remaining_seats);
  for (size_t m = 0; m < members.size(); ++m) {
    if (slot.free_members.Contains(m)) out->add_free_members(members[m]);
  }
}

namespace {

std::string ManageToken(absl::string_view secret,
                        const domain::Booking& booking) {
  return domain::DeriveManageToken(
      secret, booking.location_id,
      domain::BookingResourceName(booking.location_id, booking.calendar_id,
                                  booking.booking_id));
}

}  // namespace

std::function<std::string(const domain::Booking&)> ManageTokenHasher(
    std::string secret) {
  return [secret = std::move(secret)](const domain::Booking& booking) {
    return domain::HashLinkToken(ManageToken(secret, booking));
  };
}

void NewBookingToProto(absl::string_view secret, const domain::Booking& booking,
                       v1::Booking* out) {
  BookingToProto(booking, out);
  if (booking.has_manage_token) {
    out->set_manage_token(ManageToken(secret, booking));
  }
}

}  // namespace scheduling::api
