#include "server/api/calendar_validation.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "server/api/proto_conversion.h"
#include "server/api/request_validation.h"
#include "server/domain/errors.h"
#include "server/domain/names.h"

namespace scheduling::api {
namespace {

// The column that holds them fits this many (see sql_values.h); no real
// service offers more choices.
constexpr int kMaxAllowedDurations = 100;
constexpr int kMaxQuotedPathLength = 64;

constexpr char kIdRule[] =
    "must be 1 to 63 characters of a-z, 0-9 and -, not starting with -";
constexpr char kDurationRule[] =
    "must be whole minutes from 5 minutes to 24 hours";

std::string Indexed(absl::string_view field, int index) {
  return absl::StrCat(field, "[", index, "]");
}

// A duration on whole minutes within [min, max], or nullopt.
std::optional<absl::Duration> WholeMinutesWithin(
    const google::protobuf::Duration& proto, absl::Duration min,
    absl::Duration max) {
  const absl::Duration duration = DurationFromProto(proto);
  if (duration < min || duration > max ||
      duration % absl::Minutes(1) != absl::ZeroDuration()) {
    return std::nullopt;
  }
  return duration;
}

// Minutes since midnight of a TimeOfDay on whole minutes, 00:00 to 24:00.
std::optional<int> MinuteOfDay(const google::type::TimeOfDay& time) {
  if (time.seconds() != 0 || time.nanos() != 0) return std::nullopt;
  if (time.minutes() < 0 || time.minutes() > 59) return std::nullopt;
  if (time.hours() < 0 || time.hours() > 24) return std::nullopt;
  if (time.hours() == 24 && time.minutes() != 0) return std::nullopt;
  return time.hours() * 60 + time.minutes();
}

// The wall-clock range [start, end) of one day that `field` holds.
std::optional<domain::MinuteRange> CheckTimeRange(
    absl::string_view field, const google::type::TimeOfDay& start_time,
    const google::type::TimeOfDay& end_time, Violations& violations) {
  const std::optional<int> start = MinuteOfDay(start_time);
  const std::optional<int> end = MinuteOfDay(end_time);
  bool ok = true;
  if (!start.has_value() || *start == domain::kMinutesPerDay) {
    violations.Add(absl::StrCat(field, ".start_time"),
                   "must be a time of day on whole minutes, 00:00 to 23:59");
    ok = false;
  }
  if (!end.has_value()) {
    violations.Add(absl::StrCat(field, ".end_time"),
                   "must be a time of day on whole minutes, 00:01 to 24:00");
    ok = false;
  }
  if (ok && *end <= *start) {
    violations.Add(absl::StrCat(field, ".end_time"),
                   "must be after start_time");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return domain::MinuteRange{*start, *end};
}

bool Overlap(const domain::MinuteRange& a, const domain::MinuteRange& b) {
  return a.start_minute < b.end_minute && b.start_minute < a.end_minute;
}

// A full calendar date: year 1 to 9999 and a day its month has.
std::optional<absl::CivilDay> DayFromProto(const google::type::Date& date) {
  if (date.year() < 1 || date.year() > 9999 || date.month() < 1 ||
      date.month() > 12 || date.day() < 1) {
    return std::nullopt;
  }
  const absl::CivilDay day(date.year(), date.month(), date.day());
  // CivilDay normalizes (Feb 30 becomes Mar 2); a real date survives as is.
  if (day.month() != date.month() || day.day() != date.day()) {
    return std::nullopt;
  }
  return day;
}

std::string TypeName(domain::CalendarType type) {
  return v1::Calendar::Type_Name(CalendarTypeToProto(type));
}

// Each writable field of a calendar: its update-mask path, and how its new
// value is checked and written into the domain calendar. Create applies
// them all; update applies the masked ones.

void ApplyDisplayName(const v1::Calendar& in, domain::Calendar& out,
                      Violations& violations) {
  CheckDisplayName("calendar.display_name", in.display_name(), violations);
  out.display_name = in.display_name();
}

void ApplySlug(const v1::Calendar& in, domain::Calendar& out,
               Violations& violations) {
  if (!domain::IsValidId(in.slug())) {
    violations.Add("calendar.slug",
                   in.slug().empty() ? "is required" : kIdRule);
  }
  out.slug = in.slug();
}

void ApplyDuration(const v1::Calendar& in, domain::Calendar& out,
                   Violations& violations) {
  if (!in.has_duration()) {
    violations.Add("calendar.duration", "is required");
    return;
  }
  if (std::optional<absl::Duration> duration =
          WholeMinutesWithin(in.duration(), kMinDuration, kMaxDuration)) {
    out.rules.duration = *duration;
  } else {
    violations.Add("calendar.duration", kDurationRule);
  }
}

void ApplyTimeZone(const v1::Calendar& in, domain::Calendar& out,
                   Violations& violations) {
  if (in.time_zone().empty()) {
    violations.Add("calendar.time_zone", "is required");
  } else if (std::optional<absl::TimeZone> zone = LoadZone(in.time_zone())) {
    out.rules.zone = *zone;
    out.time_zone_name = in.time_zone();
  } else {
    violations.Add(
        "calendar.time_zone",
        absl::StrCat("unknown IANA time zone \"",
                     absl::CEscape(in.time_zone().substr(0, 64)), "\""));
  }
}

void ApplyWeeklyHours(const v1::Calendar& in, domain::Calendar& out,
                      Violations& violations) {
  if (in.weekly_hours_size() > kMaxWeeklyIntervals) {
    violations.Add(
        "calendar.weekly_hours",
        absl::StrCat("must have at most ", kMaxWeeklyIntervals, " intervals"));
    return;
  }
  std::vector<domain::OpenInterval> hours;
  for (int i = 0; i < in.weekly_hours_size(); ++i) {
    const v1::OpenInterval& interval = in.weekly_hours(i);
    const std::string field = Indexed("calendar.weekly_hours", i);
    bool ok = true;
    if (interval.day_of_week() < google::type::MONDAY ||
        interval.day_of_week() > google::type::SUNDAY) {
      violations.Add(absl::StrCat(field, ".day_of_week"),
                     "must be MONDAY to SUNDAY");
      ok = false;
    }
    const std::optional<domain::MinuteRange> range = CheckTimeRange(
        field, interval.start_time(), interval.end_time(), violations);
    if (!ok || !range.has_value()) continue;
    const domain::OpenInterval parsed{WeekdayFromProto(interval.day_of_week()),
                                      range->start_minute, range->end_minute};
    const bool overlaps = std::any_of(
        hours.begin(), hours.end(), [&](const domain::OpenInterval& other) {
          return other.weekday == parsed.weekday &&
                 Overlap({other.start_minute, other.end_minute}, *range);
        });
    if (overlaps) {
      violations.Add(field, "overlaps another interval of the same day");
    } else {
      hours.push_back(parsed);
    }
  }
  std::sort(hours.begin(), hours.end(),
            [](const domain::OpenInterval& a, const domain::OpenInterval& b) {
              const int day_a = WeekdayToProto(a.weekday);
              const int day_b = WeekdayToProto(b.weekday);
              return day_a != day_b ? day_a < day_b
                                    : a.start_minute < b.start_minute;
            });
  out.rules.weekly_hours = std::move(hours);
}

void ApplyTeamMembers(const v1::Calendar& in, domain::Calendar& out,
                      Violations& violations) {
  if (in.team_members_size() > kMaxTeamMembers) {
    violations.Add(
        "calendar.team_members",
        absl::StrCat("must have at most ", kMaxTeamMembers, " members"));
    // Keeps the count for the type rules, which must not also report "none".
    out.members.assign(in.team_members().begin(), in.team_members().end());
    return;
  }
  std::vector<std::string> members;
  std::map<absl::string_view, int> first_index;
  for (int i = 0; i < in.team_members_size(); ++i) {
    const std::string& member = in.team_members(i);
    const std::string field = Indexed("calendar.team_members", i);
    if (!domain::IsValidId(member)) {
      violations.Add(field, absl::StrCat("must be a member id: ", kIdRule));
      continue;
    }
    auto [it, inserted] = first_index.emplace(member, i);
    if (!inserted) {
      violations.Add(field,
                     absl::StrCat("repeats team_members[", it->second, "]"));
      continue;
    }
    members.push_back(member);
  }
  out.members = std::move(members);
}

void ApplyAllowedDurations(const v1::Calendar& in, domain::Calendar& out,
                           Violations& violations) {
  if (in.allowed_durations_size() > kMaxAllowedDurations) {
    violations.Add(
        "calendar.allowed_durations",
        absl::StrCat("must have at most ", kMaxAllowedDurations, " durations"));
    return;
  }
  std::vector<absl::Duration> durations;
  std::map<absl::Duration, int> first_index;
  for (int i = 0; i < in.allowed_durations_size(); ++i) {
    const std::string field = Indexed("calendar.allowed_durations", i);
    std::optional<absl::Duration> duration =
        WholeMinutesWithin(in.allowed_durations(i), kMinDuration, kMaxDuration);
    if (!duration.has_value()) {
      violations.Add(field, kDurationRule);
      continue;
    }
    auto [it, inserted] = first_index.emplace(*duration, i);
    if (!inserted) {
      violations.Add(
          field, absl::StrCat("repeats allowed_durations[", it->second, "]"));
      continue;
    }
    durations.push_back(*duration);
  }
  out.allowed_durations = std::move(durations);
}

void ApplySlotInterval(const v1::Calendar& in, domain::Calendar& out,
                       Violations& violations) {
  // Unset and zero both mean "every `duration`".
  if (!in.has_slot_interval() ||
      DurationFromProto(in.slot_interval()) == absl::ZeroDuration()) {
    out.rules.slot_interval = absl::ZeroDuration();
    return;
  }
  if (std::optional<absl::Duration> interval =
          WholeMinutesWithin(in.slot_interval(), kMinDuration, kMaxDuration)) {
    out.rules.slot_interval = *interval;
  } else {
    violations.Add("calendar.slot_interval",
                   "must be unset or whole minutes from 5 minutes to 24 hours");
  }
}

void ApplyDateOverrides(const v1::Calendar& in, domain::Calendar& out,
                        Violations& violations) {
  if (in.date_overrides_size() > kMaxDateOverrides) {
    violations.Add(
        "calendar.date_overrides",
        absl::StrCat("must have at most ", kMaxDateOverrides, " dates"));
    return;
  }
  std::vector<domain::DateOverride> overrides;
  std::map<absl::CivilDay, int> first_index;
  for (int i = 0; i < in.date_overrides_size(); ++i) {
    const v1::DateOverride& date_override = in.date_overrides(i);
    const std::string field = Indexed("calendar.date_overrides", i);
    domain::DateOverride parsed;
    bool ok = true;
    if (!date_override.has_date()) {
      violations.Add(absl::StrCat(field, ".date"), "is required");
      ok = false;
    } else if (std::optional<absl::CivilDay> day =
                   DayFromProto(date_override.date())) {
      parsed.date = *day;
      auto [it, inserted] = first_index.emplace(*day, i);
      if (!inserted) {
        violations.Add(absl::StrCat(field, ".date"),
                       absl::StrCat("repeats the date of date_overrides[",
                                    it->second, "]"));
        ok = false;
      }
    } else {
      violations.Add(
          absl::StrCat(field, ".date"),
          "must be a full date: year 1 to 9999, month 1 to 12 and a day "
          "that month has");
      ok = false;
    }
    if (date_override.open_intervals_size() > kMaxIntervalsPerDateOverride) {
      violations.Add(absl::StrCat(field, ".open_intervals"),
                     absl::StrCat("must have at most ",
                                  kMaxIntervalsPerDateOverride, " intervals"));
      continue;
    }
    for (int j = 0; j < date_override.open_intervals_size(); ++j) {
      const v1::TimeRange& interval = date_override.open_intervals(j);
      const std::string interval_field =
          Indexed(absl::StrCat(field, ".open_intervals"), j);
      std::optional<domain::MinuteRange> range =
          CheckTimeRange(interval_field, interval.start_time(),
                         interval.end_time(), violations);
      if (!range.has_value()) {
        ok = false;
      } else if (std::any_of(parsed.intervals.begin(), parsed.intervals.end(),
                             [&](const domain::MinuteRange& other) {
                               return Overlap(other, *range);
                             })) {
        violations.Add(interval_field,
                       "overlaps another interval of the same date");
        ok = false;
      } else {
        parsed.intervals.push_back(*range);
      }
    }
    if (!ok) continue;
    std::sort(parsed.intervals.begin(), parsed.intervals.end(),
              [](const domain::MinuteRange& a, const domain::MinuteRange& b) {
                return a.start_minute < b.start_minute;
              });
    overrides.push_back(std::move(parsed));
  }
  std::sort(overrides.begin(), overrides.end(),
            [](const domain::DateOverride& a, const domain::DateOverride& b) {
              return a.date < b.date;
            });
  out.rules.date_overrides = std::move(overrides);
}

// Unset means zero.
std::optional<absl::Duration> OptionalWholeMinutes(
    bool has, const google::protobuf::Duration& proto, absl::Duration max) {
  if (!has) return absl::ZeroDuration();
  return WholeMinutesWithin(proto, absl::ZeroDuration(), max);
}

void ApplyBufferBefore(const v1::Calendar& in, domain::Calendar& out,
                       Violations& violations) {
  if (std::optional<absl::Duration> buffer = OptionalWholeMinutes(
          in.has_buffer_before(), in.buffer_before(), kMaxBuffer)) {
    out.rules.buffer_before = *buffer;
  } else {
    violations.Add("calendar.buffer_before",
                   "must be whole minutes from 0 to 24 hours");
  }
}

void ApplyBufferAfter(const v1::Calendar& in, domain::Calendar& out,
                      Violations& violations) {
  if (std::optional<absl::Duration> buffer = OptionalWholeMinutes(
          in.has_buffer_after(), in.buffer_after(), kMaxBuffer)) {
    out.rules.buffer_after = *buffer;
  } else {
    violations.Add("calendar.buffer_after",
                   "must be whole minutes from 0 to 24 hours");
  }
}

void ApplyMinimumNotice(const v1::Calendar& in, domain::Calendar& out,
                        Violations& violations) {
  // Whole minutes, as the store keeps it.
  if (std::optional<absl::Duration> notice = OptionalWholeMinutes(
          in.has_minimum_notice(), in.minimum_notice(), kMaxMinimumNotice)) {
    out.rules.minimum_notice = *notice;
  } else {
    violations.Add("calendar.minimum_notice",
                   "must be whole minutes from 0 to 365 days");
  }
}

void ApplyBookingHorizonDays(const v1::Calendar& in, domain::Calendar& out,
                             Violations& violations) {
  if (in.booking_horizon_days() < 0 ||
      in.booking_horizon_days() > kMaxBookingHorizonDays) {
    violations.Add(
        "calendar.booking_horizon_days",
        absl::StrCat("must be 0 (no limit) to ", kMaxBookingHorizonDays));
    return;
  }
  out.rules.booking_horizon_days = in.booking_horizon_days();
}

void ApplyMaxBookingsPerDay(const v1::Calendar& in, domain::Calendar& out,
                            Violations& violations) {
  if (in.max_bookings_per_day() < 0 ||
      in.max_bookings_per_day() > kMaxBookingsPerDay) {
    violations.Add(
        "calendar.max_bookings_per_day",
        absl::StrCat("must be 0 (no limit) to ", kMaxBookingsPerDay));
    return;
  }
  out.rules.max_bookings_per_day = in.max_bookings_per_day();
}

// A limit of 0 (none) to kMaxBookingsPerDay at `field`, or nullopt.
std::optional<int> CheckLimit(int value, const std::string& field,
                              Violations& violations) {
  if (value < 0 || value > kMaxBookingsPerDay) {
    violations.Add(
        field, absl::StrCat("must be 0 (no limit) to ", kMaxBookingsPerDay));
    return std::nullopt;
  }
  return value;
}

void ApplyMaxBookingsPerWeek(const v1::Calendar& in, domain::Calendar& out,
                             Violations& violations) {
  if (std::optional<int> limit =
          CheckLimit(in.max_bookings_per_week(),
                     "calendar.max_bookings_per_week", violations)) {
    out.rules.max_bookings_per_week = *limit;
  }
}

void ApplyMaxBookingsPerMonth(const v1::Calendar& in, domain::Calendar& out,
                              Violations& violations) {
  if (std::optional<int> limit =
          CheckLimit(in.max_bookings_per_month(),
                     "calendar.max_bookings_per_month", violations)) {
    out.rules.max_bookings_per_month = *limit;
  }
}

// Each entry on its own; that it names one of the members, and what the
// type allows, are checked on the whole result (CheckTypeRules).
void ApplyTeamMemberSettings(const v1::Calendar& in, domain::Calendar& out,
                             Violations& violations) {
  if (in.team_member_settings_size() > kMaxTeamMembers) {
    violations.Add("calendar.team_member_settings",
                   absl::StrCat("must have at most ", kMaxTeamMembers,
                                " entries, one per member"));
    return;
  }
  std::vector<domain::MemberSettings> all;
  std::map<absl::string_view, int> first_index;
  for (int i = 0; i < in.team_member_settings_size(); ++i) {
    const v1::TeamMemberSettings& entry = in.team_member_settings(i);
    const std::string field = Indexed("calendar.team_member_settings", i);
    domain::MemberSettings settings;
    bool ok = true;
    if (!domain::IsValidId(entry.member())) {
      violations.Add(absl::StrCat(field, ".member"),
                     absl::StrCat("must be a member id: ", kIdRule));
      ok = false;
    } else if (auto [it, inserted] = first_index.emplace(entry.member(), i);
               !inserted) {
      violations.Add(absl::StrCat(field, ".member"),
                     absl::StrCat("repeats team_member_settings[", it->second,
                                  "].member"));
      ok = false;
    }
    settings.member = entry.member();
    const std::optional<int> per_day =
        CheckLimit(entry.max_bookings_per_day(),
                   absl::StrCat(field, ".max_bookings_per_day"), violations);
    const std::optional<int> per_week =
        CheckLimit(entry.max_bookings_per_week(),
                   absl::StrCat(field, ".max_bookings_per_week"), violations);
    const std::optional<int> per_month =
        CheckLimit(entry.max_bookings_per_month(),
                   absl::StrCat(field, ".max_bookings_per_month"), violations);
    switch (entry.priority()) {
      case v1::TeamMemberSettings::HIGH:
        settings.priority = domain::MemberPriority::kHigh;
        break;
      case v1::TeamMemberSettings::LOW:
        settings.priority = domain::MemberPriority::kLow;
        break;
      case v1::TeamMemberSettings::PRIORITY_UNSPECIFIED:
      case v1::TeamMemberSettings::MEDIUM:
        break;
      default:
        violations.Add(absl::StrCat(field, ".priority"),
                       "must be HIGH, MEDIUM or LOW");
        ok = false;
    }
    if (entry.weight() < 0 || entry.weight() > kMaxMemberWeight) {
      violations.Add(
          absl::StrCat(field, ".weight"),
          absl::StrCat("must be 1 to ", kMaxMemberWeight, " (0 means 1)"));
      ok = false;
    }
    settings.weight = std::max(entry.weight(), 1);
    if (!ok || !per_day || !per_week || !per_month) continue;
    settings.limits = {*per_day, *per_week, *per_month};
    all.push_back(std::move(settings));
  }
  out.member_settings = std::move(all);
}

void ApplyDistribution(const v1::Calendar& in, domain::Calendar& out,
                       Violations& violations) {
  switch (in.distribution()) {
    case v1::Calendar::DISTRIBUTION_UNSPECIFIED:
    case v1::Calendar::OPTIMIZE_FOR_AVAILABILITY:
      out.distribution =
          domain::RoundRobinDistribution::kOptimizeForAvailability;
      return;
    case v1::Calendar::EQUAL_DISTRIBUTION:
      out.distribution = domain::RoundRobinDistribution::kEqualDistribution;
      return;
    default:
      violations.Add("calendar.distribution",
                     "must be OPTIMIZE_FOR_AVAILABILITY or EQUAL_DISTRIBUTION");
  }
}

void ApplyMaxDistributionLead(const v1::Calendar& in, domain::Calendar& out,
                              Violations& violations) {
  if (in.max_distribution_lead() < 0 ||
      in.max_distribution_lead() > kMaxDistributionLead) {
    violations.Add("calendar.max_distribution_lead",
                   absl::StrCat("must be 1 to ", kMaxDistributionLead,
                                " (0 means ", domain::kDefaultMaxLead, ")"));
    return;
  }
  out.max_lead = in.max_distribution_lead() == 0 ? domain::kDefaultMaxLead
                                                 : in.max_distribution_lead();
}

void ApplySeatsPerSlot(const v1::Calendar& in, domain::Calendar& out,
                       Violations& violations) {
  if (in.seats_per_slot() < 0 || in.seats_per_slot() > kMaxSeatsPerSlot) {
    violations.Add(
        "calendar.seats_per_slot",
        absl::StrCat("must be 1 to ", kMaxSeatsPerSlot, " (0 means 1)"));
    return;
  }
  out.rules.seats_per_slot = std::max(in.seats_per_slot(), 1);
}

struct CalendarField {
  absl::string_view path;
  void (*apply)(const v1::Calendar& in, domain::Calendar& out,
                Violations& violations);
};

constexpr CalendarField kWritableCalendarFields[] = {
    {"display_name", ApplyDisplayName},
    {"slug", ApplySlug},
    {"duration", ApplyDuration},
    {"time_zone", ApplyTimeZone},
    {"weekly_hours", ApplyWeeklyHours},
    {"team_members", ApplyTeamMembers},
    {"allowed_durations", ApplyAllowedDurations},
    {"slot_interval", ApplySlotInterval},
    {"date_overrides", ApplyDateOverrides},
    {"buffer_before", ApplyBufferBefore},
    {"buffer_after", ApplyBufferAfter},
    {"minimum_notice", ApplyMinimumNotice},
    {"booking_horizon_days", ApplyBookingHorizonDays},
    {"max_bookings_per_day", ApplyMaxBookingsPerDay},
    {"seats_per_slot", ApplySeatsPerSlot},
    {"max_bookings_per_week", ApplyMaxBookingsPerWeek},
    {"max_bookings_per_month", ApplyMaxBookingsPerMonth},
    {"team_member_settings", ApplyTeamMemberSettings},
    {"distribution", ApplyDistribution},
    {"max_distribution_lead", ApplyMaxDistributionLead},
};

// Fields a mask may not name, and where their changes come from instead.
struct ReadOnlyField {
  absl::string_view path;
  absl::string_view reason;
};

constexpr ReadOnlyField kReadOnlyCalendarFields[] = {
    {"name", "it identifies the calendar"},
    {"create_time", "it is output only"},
    {"update_time", "it is output only"},
    {"etag", "it is output only; set calendar.etag to guard the update"},
    {"group", "use MoveCalendarToGroup"},
    {"calendar_type", "it is fixed when the calendar is created"},
    {"status", "use ActivateCalendar or DeactivateCalendar"},
};

// The rules that tie fields to the calendar's type, checked on the whole
// result; also completes what a type implies (a service's own duration is
// always allowed, one seat unless a class).
void CheckTypeRules(domain::Calendar& calendar, Violations& violations) {
  const domain::CalendarType type = calendar.type;
  const bool team = type == domain::CalendarType::kRoundRobin ||
                    type == domain::CalendarType::kCollective;
  if (team && calendar.members.empty()) {
    violations.Add(
        "calendar.team_members",
        absl::StrCat(TypeName(type), " calendars need at least one member"));
  } else if (!team && calendar.members.size() > 1) {
    violations.Add(
        "calendar.team_members",
        absl::StrCat(TypeName(type),
                     " calendars take at most one member (the host)"));
  }
  if (type == domain::CalendarType::kService) {
    std::vector<absl::Duration>& allowed = calendar.allowed_durations;
    if (std::find(allowed.begin(), allowed.end(), calendar.rules.duration) ==
        allowed.end()) {
      allowed.push_back(calendar.rules.duration);
    }
    std::sort(allowed.begin(), allowed.end());
  } else if (!calendar.allowed_durations.empty()) {
    violations.Add("calendar.allowed_durations",
                   "must be empty unless calendar_type is SERVICE");
  }
  for (size_t i = 0; i < calendar.member_settings.size(); ++i) {
    const domain::MemberSettings& settings = calendar.member_settings[i];
    const std::string field =
        Indexed("calendar.team_member_settings", static_cast<int>(i));
    if (std::find(calendar.members.begin(), calendar.members.end(),
                  settings.member) == calendar.members.end()) {
      violations.Add(absl::StrCat(field, ".member"),
                     "must be one of team_members");
    }
    if (type != domain::CalendarType::kRoundRobin &&
        settings.priority != domain::MemberPriority::kMedium) {
      violations.Add(absl::StrCat(field, ".priority"),
                     "must be unset unless calendar_type is ROUND_ROBIN");
    }
    if (type != domain::CalendarType::kRoundRobin && settings.weight != 1) {
      violations.Add(absl::StrCat(field, ".weight"),
                     "must be unset unless calendar_type is ROUND_ROBIN");
    }
    if (type == domain::CalendarType::kClassBooking && settings.limits.Any()) {
      violations.Add(field,
                     "member limits are not for CLASS_BOOKING calendars (each "
                     "seat would count); limit the calendar instead");
    }
  }
  if (type != domain::CalendarType::kRoundRobin &&
      calendar.distribution !=
          domain::RoundRobinDistribution::kOptimizeForAvailability) {
    violations.Add("calendar.distribution",
                   "must be unset unless calendar_type is ROUND_ROBIN");
  }
  if (calendar.distribution !=
          domain::RoundRobinDistribution::kEqualDistribution &&
      calendar.max_lead != domain::kDefaultMaxLead) {
    violations.Add("calendar.max_distribution_lead",
                   "must be unset unless distribution is EQUAL_DISTRIBUTION");
  }
  if (type != domain::CalendarType::kClassBooking &&
      calendar.rules.seats_per_slot > 1) {
    violations.Add("calendar.seats_per_slot",
                   "must be 1 unless calendar_type is CLASS_BOOKING");
  }
}

std::string QuotedPath(absl::string_view path) {
  return absl::StrCat("\"", absl::CEscape(path.substr(0, kMaxQuotedPathLength)),
                      "\"");
}

// Indices into `writable` of the fields `mask` names, in table order;
// adds a violation on "update_mask" for every path it cannot update.
template <typename WritableField, size_t N>
std::vector<size_t> SelectFields(const google::protobuf::FieldMask& mask,
                                 const WritableField (&writable)[N],
                                 absl::Span<const ReadOnlyField> read_only,
                                 Violations& violations) {
  if (mask.paths().empty()) {
    violations.Add(
        "update_mask",
        "must name the fields to update, or \"*\" for every writable field");
    return {};
  }
  if (mask.paths_size() > kMaxUpdateMaskPaths) {
    violations.Add("update_mask", absl::StrCat("must have at most ",
                                               kMaxUpdateMaskPaths, " paths"));
    return {};
  }
  std::vector<bool> selected(N, false);
  for (const std::string& path : mask.paths()) {
    if (path == "*") {
      selected.assign(N, true);
      continue;
    }
    const auto field = std::find_if(
        std::begin(writable), std::end(writable),
        [&](const WritableField& candidate) { return candidate.path == path; });
    if (field != std::end(writable)) {
      selected[field - std::begin(writable)] = true;
      continue;
    }
    const auto fixed = std::find_if(
        read_only.begin(), read_only.end(),
        [&](const ReadOnlyField& candidate) { return candidate.path == path; });
    if (fixed != read_only.end()) {
      violations.Add("update_mask",
                     absl::StrCat(QuotedPath(path),
                                  " cannot be updated: ", fixed->reason));
      continue;
    }
    violations.Add(
        "update_mask",
        absl::StrCat(
            "unknown field ", QuotedPath(path), "; writable fields are ",
            absl::StrJoin(std::begin(writable), std::end(writable), ", ",
                          [](std::string* out, const WritableField& field) {
                            absl::StrAppend(out, field.path);
                          })));
  }
  std::vector<size_t> indices;
  for (size_t i = 0; i < N; ++i) {
    if (selected[i]) indices.push_back(i);
  }
  return indices;
}

void ApplyGroupDisplayName(const v1::Group& in, domain::Group& out,
                           Violations& violations) {
  CheckDisplayName("group.display_name", in.display_name(), violations);
  out.display_name = in.display_name();
}

void ApplyGroupDescription(const v1::Group& in, domain::Group& out,
                           Violations& violations) {
  const std::string& description = in.description();
  if (CodePoints(description) > kMaxGroupDescriptionLength) {
    violations.Add("group.description",
                   absl::StrCat("must be at most ", kMaxGroupDescriptionLength,
                                " characters"));
  } else if (std::any_of(description.begin(), description.end(), [](char c) {
               return (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) &&
                      c != '\n' && c != '\r' && c != '\t';
             })) {
    violations.Add(
        "group.description",
        "must not contain control characters other than tab and line breaks");
  }
  out.description = description;
}

struct GroupField {
  absl::string_view path;
  void (*apply)(const v1::Group& in, domain::Group& out,
                Violations& violations);
};

constexpr GroupField kWritableGroupFields[] = {
    {"display_name", ApplyGroupDisplayName},
    {"description", ApplyGroupDescription},
};

constexpr ReadOnlyField kReadOnlyGroupFields[] = {
    {"name", "it identifies the group"},
    {"state", "use EnableGroup or DisableGroup"},
    {"create_time", "it is output only"},
    {"update_time", "it is output only"},
    {"etag", "it is output only; set group.etag to guard the update"},
    {"calendar_count", "it is output only"},
};

// The location of `parent`, or a violation on "parent".
std::string ParentLocation(absl::string_view parent, Violations& violations) {
  std::optional<std::string> location = domain::ParseLocationName(parent);
  if (!location.has_value()) {
    violations.Add("parent", "must be a location name: locations/{location}");
    return "";
  }
  return *location;
}

// `id` if it is a valid id or empty (the server then chooses one).
std::string OptionalId(absl::string_view field, absl::string_view id,
                       Violations& violations) {
  if (!id.empty() && !domain::IsValidId(id)) violations.Add(field, kIdRule);
  return std::string(id);
}

template <typename T>
absl::StatusOr<T> Result(const Violations& violations, T value) {
  if (!violations.empty()) return violations.ToStatus();
  return value;
}

}  // namespace

absl::StatusOr<domain::Calendar> ValidateNewCalendar(
    const v1::CreateCalendarRequest& request) {
  Violations violations;
  domain::Calendar calendar;
  calendar.location_id = ParentLocation(request.parent(), violations);
  calendar.calendar_id =
      OptionalId("calendar_id", request.calendar_id(), violations);
  if (!request.has_calendar()) {
    violations.Add("calendar", "is required");
    return violations.ToStatus();
  }
  const v1::Calendar& in = request.calendar();
  if (in.calendar_type() == v1::Calendar::TYPE_UNSPECIFIED) {
    calendar.type = domain::CalendarType::kEvent;
  } else if (std::optional<domain::CalendarType> type =
                 CalendarTypeFromProto(in.calendar_type())) {
    calendar.type = *type;
  } else {
    violations.Add(
        "calendar.calendar_type",
        "must be EVENT, ROUND_ROBIN, COLLECTIVE, CLASS_BOOKING or SERVICE");
  }
  switch (in.status()) {
    case v1::Calendar::STATUS_UNSPECIFIED:
    case v1::Calendar::ACTIVE:
      calendar.status = domain::CalendarStatus::kActive;
      break;
    case v1::Calendar::INACTIVE:
      calendar.status = domain::CalendarStatus::kInactive;
      break;
    default:
      violations.Add("calendar.status", "must be ACTIVE or INACTIVE");
  }
  if (!in.group().empty()) {
    std::optional<GroupName> group = ParseGroupName(in.group());
    if (!group.has_value()) {
      violations.Add(
          "calendar.group",
          "must be empty or a group name: locations/{location}/groups/{group}");
    } else if (!calendar.location_id.empty() &&
               group->location_id != calendar.location_id) {
      violations.Add("calendar.group",
                     absl::StrCat("must be a group of ",
                                  domain::LocationName(calendar.location_id)));
    } else {
      calendar.group_id = group->group_id;
    }
  }
  for (const CalendarField& field : kWritableCalendarFields) {
    field.apply(in, calendar, violations);
  }
  CheckTypeRules(calendar, violations);
  return Result(violations, std::move(calendar));
}

absl::StatusOr<domain::Calendar> ApplyCalendarUpdate(
    const domain::Calendar& current, const v1::UpdateCalendarRequest& request) {
  Violations violations;
  const v1::Calendar& in = request.calendar();
  if (!request.has_calendar()) {
    violations.Add("calendar", "is required");
  } else {
    std::optional<domain::CalendarName> name =
        domain::ParseCalendarName(in.name());
    if (!name.has_value()) {
      violations.Add(
          "calendar.name",
          "must be a calendar name: locations/{location}/calendars/{calendar}");
    } else if (name->location_id != current.location_id ||
               name->calendar_id != current.calendar_id) {
      violations.Add("calendar.name", "must name the calendar to update");
    }
  }
  const std::vector<size_t> fields =
      SelectFields(request.update_mask(), kWritableCalendarFields,
                   kReadOnlyCalendarFields, violations);
  domain::Calendar calendar = current;
  if (request.has_calendar()) {
    for (size_t field : fields) {
      kWritableCalendarFields[field].apply(in, calendar, violations);
    }
    CheckTypeRules(calendar, violations);
  }
  return Result(violations, std::move(calendar));
}

absl::StatusOr<domain::Group> ValidateNewGroup(
    const v1::CreateGroupRequest& request) {
  Violations violations;
  domain::Group group;
  group.location_id = ParentLocation(request.parent(), violations);
  group.group_id = OptionalId("group_id", request.group_id(), violations);
  if (!request.has_group()) {
    violations.Add("group", "is required");
    return violations.ToStatus();
  }
  for (const GroupField& field : kWritableGroupFields) {
    field.apply(request.group(), group, violations);
  }
  return Result(violations, std::move(group));
}

absl::StatusOr<domain::Group> ApplyGroupUpdate(
    const domain::Group& current, const v1::UpdateGroupRequest& request) {
  Violations violations;
  if (!request.has_group()) {
    violations.Add("group", "is required");
  } else {
    std::optional<GroupName> name = ParseGroupName(request.group().name());
    if (!name.has_value()) {
      violations.Add(
          "group.name",
          "must be a group name: locations/{location}/groups/{group}");
    } else if (name->location_id != current.location_id ||
               name->group_id != current.group_id) {
      violations.Add("group.name", "must name the group to update");
    }
  }
  const std::vector<size_t> fields =
      SelectFields(request.update_mask(), kWritableGroupFields,
                   kReadOnlyGroupFields, violations);
  domain::Group group = current;
  if (request.has_group()) {
    for (size_t field : fields) {
      kWritableGroupFields[field].apply(request.group(), group, violations);
    }
  }
  return Result(violations, std::move(group));
}

}  // namespace scheduling::api
