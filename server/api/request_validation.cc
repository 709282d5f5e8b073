#include "server/api/request_validation.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/api/proto_conversion.h"
#include "server/domain/errors.h"
#include "server/domain/secrets.h"

namespace scheduling::api {
namespace {

// Google's Timestamp range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;
constexpr int kMaxTimeZoneNameLength = 64;
constexpr char kPageTokenPrefix[] = "calendars:v1:";

class Violations {
 public:
  void Add(absl::string_view field, absl::string_view description) {
    list_.push_back({std::string(field), std::string(description)});
  }
  bool empty() const { return list_.empty(); }
  absl::Status ToStatus() const {
    return domain::InvalidArgumentWithViolations(list_);
  }

 private:
  std::vector<domain::FieldViolation> list_;
};

std::string Field(absl::string_view prefix, absl::string_view name) {
  return prefix.empty() ? std::string(name) : absl::StrCat(prefix, ".", name);
}

bool IsValidTimestamp(const google::protobuf::Timestamp& timestamp) {
  return timestamp.seconds() >= kMinTimestampSeconds &&
         timestamp.seconds() <= kMaxTimestampSeconds &&
         timestamp.nanos() >= 0 && timestamp.nanos() <= 999999999;
}

// Number of UTF-8 code points (protobuf has already checked the encoding).
size_t CodePoints(absl::string_view text) {
  return std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
}

bool HasControlCharacter(absl::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
}

void CheckDisplayName(absl::string_view field, absl::string_view name,
                      Violations& violations) {
  if (name.empty() || absl::StripAsciiWhitespace(name).empty()) {
    violations.Add(field, "is required");
  } else if (CodePoints(name) > kMaxDisplayNameLength) {
    violations.Add(field, absl::StrCat("must be at most ",
                                       kMaxDisplayNameLength, " characters"));
  } else if (HasControlCharacter(name)) {
    violations.Add(field, "must not contain control characters");
  }
}

void CheckEmail(absl::string_view field, absl::string_view email,
                Violations& violations) {
  if (email.empty()) {
    violations.Add(field, "is required");
    return;
  }
  if (email.size() > static_cast<size_t>(kMaxEmailLength)) {
    violations.Add(field, absl::StrCat("must be at most ", kMaxEmailLength,
                                       " characters"));
    return;
  }
  const size_t at = email.rfind('@');
  const bool shaped = at != absl::string_view::npos && at > 0 && at <= 64 &&
                      at + 1 < email.size() && !HasControlCharacter(email) &&
                      !absl::StrContains(email, ' ') &&
                      absl::StrContains(email.substr(at + 1), '.') &&
                      email.back() != '.' && email[at + 1] != '.';
  if (!shaped) violations.Add(field, "must be an e-mail address");
}

// Minutes since midnight of a TimeOfDay on whole minutes, 00:00 to 24:00.
std::optional<int> MinuteOfDay(const google::type::TimeOfDay& time) {
  if (time.seconds() != 0 || time.nanos() != 0) return std::nullopt;
  if (time.minutes() < 0 || time.minutes() > 59) return std::nullopt;
  if (time.hours() < 0 || time.hours() > 24) return std::nullopt;
  if (time.hours() == 24 && time.minutes() != 0) return std::nullopt;
  return time.hours() * 60 + time.minutes();
}

void CheckWeeklyHours(const v1::Calendar& calendar,
                      std::vector<domain::OpenInterval>* hours,
                      Violations& violations) {
  if (calendar.weekly_hours_size() > kMaxWeeklyIntervals) {
    violations.Add(
        "calendar.weekly_hours",
        absl::StrCat("must have at most ", kMaxWeeklyIntervals, " intervals"));
    return;
  }
  for (int i = 0; i < calendar.weekly_hours_size(); ++i) {
    const v1::OpenInterval& interval = calendar.weekly_hours(i);
    const std::string field = absl::StrCat("calendar.weekly_hours[", i, "]");
    bool ok = true;
    if (interval.day_of_week() < google::type::MONDAY ||
        interval.day_of_week() > google::type::SUNDAY) {
      violations.Add(Field(field, "day_of_week"), "must be MONDAY to SUNDAY");
      ok = false;
    }
    const std::optional<int> start = MinuteOfDay(interval.start_time());
    const std::optional<int> end = MinuteOfDay(interval.end_time());
    if (!start.has_value() || *start == domain::kMinutesPerDay) {
      violations.Add(Field(field, "start_time"),
                     "must be a time of day on whole minutes, 00:00 to 23:59");
      ok = false;
    }
    if (!end.has_value()) {
      violations.Add(Field(field, "end_time"),
                     "must be a time of day on whole minutes, 00:01 to 24:00");
      ok = false;
    }
    if (start.has_value() && end.has_value() && *end <= *start) {
      violations.Add(Field(field, "end_time"), "must be after start_time");
      ok = false;
    }
    if (!ok) continue;
    domain::OpenInterval parsed{WeekdayFromProto(interval.day_of_week()),
                                *start, *end};
    for (const domain::OpenInterval& other : *hours) {
      if (other.weekday == parsed.weekday &&
          other.start_minute < parsed.end_minute &&
          parsed.start_minute < other.end_minute) {
        violations.Add(field, "overlaps another interval of the same day");
        ok = false;
        break;
      }
    }
    if (ok) hours->push_back(parsed);
  }
  std::sort(hours->begin(), hours->end(),
            [](const domain::OpenInterval& a, const domain::OpenInterval& b) {
              const int day_a = WeekdayToProto(a.weekday);
              const int day_b = WeekdayToProto(b.weekday);
              return day_a != day_b ? day_a < day_b
                                    : a.start_minute < b.start_minute;
            });
}

}  // namespace

std::optional<absl::TimeZone> LoadZone(absl::string_view name) {
  if (name.empty() ||
      name.size() > static_cast<size_t>(kMaxTimeZoneNameLength) ||
      name.front() == '/' || absl::StrContains(name, "..")) {
    return std::nullopt;
  }
  for (char c : name) {
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                         (c >= '0' && c <= '9') || c == '/' || c == '_' ||
                         c == '-' || c == '+';
    if (!allowed) return std::nullopt;
  }
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(std::string(name), &zone)) return std::nullopt;
  return zone;
}

absl::Status CombineViolations(std::initializer_list<absl::Status> statuses) {
  std::vector<domain::FieldViolation> violations;
  for (const absl::Status& status : statuses) {
    for (domain::FieldViolation& violation : domain::FieldViolations(status)) {
      violations.push_back(std::move(violation));
    }
  }
  if (violations.empty()) return absl::OkStatus();
  return domain::InvalidArgumentWithViolations(violations);
}

absl::StatusOr<domain::Calendar> ValidateCreateCalendar(
    const v1::CreateCalendarRequest& request) {
  Violations violations;
  domain::Calendar calendar;
  if (std::optional<std::string> location =
          domain::ParseLocationName(request.parent())) {
    calendar.location_id = *location;
  } else {
    violations.Add("parent", "must be a location name: locations/{location}");
  }
  if (!request.calendar_id().empty()) {
    if (domain::IsValidId(request.calendar_id())) {
      calendar.calendar_id = request.calendar_id();
    } else {
      violations.Add("calendar_id",
                     "must be 1 to 63 characters of a-z, 0-9 and -, not "
                     "starting with -");
    }
  }
  if (!request.has_calendar()) {
    violations.Add("calendar", "is required");
    return violations.ToStatus();
  }
  const v1::Calendar& in = request.calendar();
  CheckDisplayName("calendar.display_name", in.display_name(), violations);
  calendar.display_name = in.display_name();
  if (!domain::IsValidId(in.slug())) {
    violations.Add("calendar.slug",
                   in.slug().empty()
                       ? "is required"
                       : "must be 1 to 63 characters of a-z, 0-9 and -, not "
                         "starting with -");
  }
  calendar.slug = in.slug();
  if (!in.has_duration()) {
    violations.Add("calendar.duration", "is required");
  } else {
    const absl::Duration duration = absl::Seconds(in.duration().seconds()) +
                                    absl::Nanoseconds(in.duration().nanos());
    if (duration < kMinDuration || duration > kMaxDuration ||
        duration % absl::Minutes(1) != absl::ZeroDuration()) {
      violations.Add("calendar.duration",
                     "must be whole minutes from 5 minutes to 24 hours");
    }
    calendar.rules.duration = duration;
  }
  if (in.time_zone().empty()) {
    violations.Add("calendar.time_zone", "is required");
  } else if (std::optional<absl::TimeZone> zone = LoadZone(in.time_zone())) {
    calendar.rules.zone = *zone;
    calendar.time_zone_name = in.time_zone();
  } else {
    violations.Add(
        "calendar.time_zone",
        absl::StrCat("unknown IANA time zone \"",
                     absl::CEscape(in.time_zone().substr(0, 64)), "\""));
  }
  CheckWeeklyHours(in, &calendar.rules.weekly_hours, violations);
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
  if (!violations.empty()) return violations.ToStatus();
  return calendar;
}

absl::StatusOr<domain::CalendarName> ValidateCalendarName(
    absl::string_view field, absl::string_view name) {
  if (std::optional<domain::CalendarName> parsed =
          domain::ParseCalendarName(name)) {
    return *parsed;
  }
  return domain::InvalidField(
      field,
      "must be a calendar name: locations/{location}/calendars/{calendar}");
}

absl::StatusOr<domain::OneTimeLinkName> ValidateOneTimeLinkName(
    absl::string_view field, absl::string_view name) {
  if (std::optional<domain::OneTimeLinkName> parsed =
          domain::ParseOneTimeLinkName(name)) {
    return *parsed;
  }
  return domain::InvalidField(
      field,
      "must be a one-time link name: "
      "locations/{location}/calendars/{calendar}/oneTimeLinks/{one_time_link}");
}

std::string EncodeCalendarPageToken(absl::string_view location_id,
                                    int64_t last_pk) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(kPageTokenPrefix, location_id, ":", last_pk));
}

absl::StatusOr<ListCalendarsQuery> ValidateListCalendars(
    const v1::ListCalendarsRequest& request) {
  Violations violations;
  ListCalendarsQuery query;
  if (std::optional<std::string> location =
          domain::ParseLocationName(request.parent())) {
    query.location_id = *location;
  } else {
    violations.Add("parent", "must be a location name: locations/{location}");
  }
  if (request.page_size() < 0) {
    violations.Add("page_size", "must not be negative");
  } else if (request.page_size() > 0) {
    query.page_size = std::min(request.page_size(), kMaxPageSize);
  }
  if (!request.page_token().empty()) {
    std::string decoded;
    bool ok = request.page_token().size() <= 512 &&
              absl::WebSafeBase64Unescape(request.page_token(), &decoded);
    if (ok) {
      std::vector<std::string> parts = absl::StrSplit(decoded, ':');
      ok = parts.size() == 4 && absl::StartsWith(decoded, kPageTokenPrefix) &&
           absl::SimpleAtoi(parts[3], &query.after_pk) && query.after_pk > 0;
      if (ok && parts[2] != query.location_id) {
        violations.Add("page_token", "belongs to another parent");
      }
    }
    if (!ok) violations.Add("page_token", "is not a token this service issued");
  }
  if (!violations.empty()) return violations.ToStatus();
  return query;
}

absl::StatusOr<FreeSlotsQuery> ValidateFreeSlotsRange(
    const google::protobuf::Timestamp* start_time,
    const google::protobuf::Timestamp* end_time, absl::string_view time_zone) {
  Violations violations;
  FreeSlotsQuery query;
  bool times_ok = true;
  if (start_time == nullptr) {
    violations.Add("start_time", "is required");
    times_ok = false;
  } else if (!IsValidTimestamp(*start_time)) {
    violations.Add("start_time", "is not a valid timestamp");
    times_ok = false;
  }
  if (end_time == nullptr) {
    violations.Add("end_time", "is required");
    times_ok = false;
  } else if (!IsValidTimestamp(*end_time)) {
    violations.Add("end_time", "is not a valid timestamp");
    times_ok = false;
  }
  if (times_ok) {
    query.range = {FromProto(*start_time), FromProto(*end_time)};
    if (query.range.end <= query.range.start) {
      violations.Add("end_time", "must be after start_time");
    } else if (query.range.end - query.range.start > domain::kMaxSlotRange) {
      violations.Add("end_time", "must be at most 31 days after start_time");
    }
  }
  if (!time_zone.empty()) {
    query.zone = LoadZone(time_zone);
    query.zone_name = std::string(time_zone);
    if (!query.zone.has_value()) {
      violations.Add("time_zone", "is not a known IANA time zone");
    }
  }
  if (!violations.empty()) return violations.ToStatus();
  return query;
}

absl::Status ValidateLinkToken(absl::string_view field,
                               absl::string_view token) {
  if (token.empty()) return domain::InvalidField(field, "is required");
  if (!domain::IsWellFormedLinkToken(token)) {
    return domain::InvalidField(
        field, absl::StrCat("must be a link token: ", domain::kLinkTokenLength,
                            " characters of A-Z, a-z, 0-9, - and _"));
  }
  return absl::OkStatus();
}

absl::StatusOr<CreateLinkInput> ValidateCreateOneTimeLink(
    const v1::CreateOneTimeLinkRequest& request, absl::Time now) {
  Violations violations;
  CreateLinkInput input;
  if (std::optional<domain::CalendarName> calendar =
          domain::ParseCalendarName(request.parent())) {
    input.calendar = *calendar;
  } else {
    violations.Add(
        "parent",
        "must be a calendar name: locations/{location}/calendars/{calendar}");
  }
  if (request.one_time_link().has_expire_time()) {
    const auto& expire_time = request.one_time_link().expire_time();
    if (!IsValidTimestamp(expire_time)) {
      violations.Add("one_time_link.expire_time", "is not a valid timestamp");
    } else if (FromProto(expire_time) <= now) {
      violations.Add("one_time_link.expire_time", "must be in the future");
    } else {
      input.expire_time = FromProto(expire_time);
    }
  }
  if (!violations.empty()) return violations.ToStatus();
  return input;
}

absl::StatusOr<BookLinkInput> ValidateBookOneTimeLink(
    const v1::BookOneTimeLinkRequest& request, absl::Time now) {
  Violations violations;
  BookLinkInput input;
  absl::Status token = ValidateLinkToken("token", request.token());
  for (const domain::FieldViolation& violation :
       domain::FieldViolations(token)) {
    violations.Add(violation.field, violation.description);
  }
  input.token = request.token();
  if (!request.has_start_time()) {
    violations.Add("start_time", "is required");
  } else if (!IsValidTimestamp(request.start_time())) {
    violations.Add("start_time", "is not a valid timestamp");
  } else if (FromProto(request.start_time()) < now) {
    violations.Add("start_time", "is in the past");
  } else {
    input.start_time = FromProto(request.start_time());
  }
  if (!request.has_invitee()) {
    violations.Add("invitee", "is required");
  } else {
    CheckDisplayName("invitee.display_name", request.invitee().display_name(),
                     violations);
    CheckEmail("invitee.email", request.invitee().email(), violations);
    input.invitee.display_name = request.invitee().display_name();
    input.invitee.email = request.invitee().email();
  }
  if (!violations.empty()) return violations.ToStatus();
  return input;
}

}  // namespace scheduling::api
