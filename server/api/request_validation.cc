#include "server/api/request_validation.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/api/field_checks.h"
#include "server/api/proto_conversion.h"
#include "server/domain/errors.h"
#include "server/domain/secrets.h"

namespace scheduling::api {
namespace {

constexpr int kMaxTimeZoneNameLength = 64;
constexpr char kPageTokenPrefix[] = "calendars:v1:";

// A positive duration on whole minutes, at most 24 hours; whether the
// calendar allows it is the domain's call (domain::ChooseDuration).
std::optional<absl::Duration> CheckDuration(
    absl::string_view field, const google::protobuf::Duration& duration,
    Violations& violations) {
  const absl::Duration value =
      absl::Seconds(duration.seconds()) + absl::Nanoseconds(duration.nanos());
  if (value <= absl::ZeroDuration() || value > absl::Hours(24) ||
      value % absl::Minutes(1) != absl::ZeroDuration()) {
    violations.Add(field, "must be whole minutes, at most 24 hours");
    return std::nullopt;
  }
  return value;
}

// A start instant that must not lie in the past.
std::optional<absl::Time> CheckFutureStart(
    absl::string_view field, const google::protobuf::Timestamp* start,
    absl::Time now, Violations& violations) {
  if (start == nullptr) {
    violations.Add(field, "is required");
  } else if (!IsValidTimestamp(*start)) {
    violations.Add(field, "is not a valid timestamp");
  } else if (FromProto(*start) < now) {
    violations.Add(field, "is in the past");
  } else {
    return FromProto(*start);
  }
  return std::nullopt;
}

void CheckInvitee(bool present, const v1::Invitee& in, domain::Invitee* out,
                  Violations& violations) {
  if (!present) {
    violations.Add("invitee", "is required");
    return;
  }
  CheckDisplayName("invitee.display_name", in.display_name(), violations);
  CheckEmail("invitee.email", in.email(), violations);
  out->display_name = in.display_name();
  out->email = in.email();
}

// The calendar `name` names; a violation on `field` if it names none.
domain::CalendarName CheckCalendarName(absl::string_view field,
                                       absl::string_view name,
                                       Violations& violations) {
  if (std::optional<domain::CalendarName> parsed =
          domain::ParseCalendarName(name)) {
    return *parsed;
  }
  violations.Add(
      field,
      "must be a calendar name: locations/{location}/calendars/{calendar}");
  return {};
}

bool IsE164(absl::string_view phone) {
  if (phone.size() < 8 || phone.size() > 16 || phone[0] != '+' ||
      phone[1] == '0') {
    return false;
  }
  return std::all_of(phone.begin() + 1, phone.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

bool IsMetadataKey(absl::string_view key) {
  if (key.empty() || key.size() > 63) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

std::optional<absl::CivilDay> CheckDate(absl::string_view field,
                                        const google::type::Date& date,
                                        Violations& violations) {
  const absl::CivilDay day(date.year(), date.month(), date.day());
  if (date.year() < 1 || date.year() > 9999 || day.year() != date.year() ||
      day.month() != date.month() || day.day() != date.day()) {
    violations.Add(field, "must be a valid date");
    return std::nullopt;
  }
  return day;
}

bool IsRequestIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// A caller's idempotency key, or "" (none, or a violation recorded).
std::string CheckRequestId(const std::string& field, const std::string& id,
                           Violations& violations) {
  if (id.empty()) return "";
  if (id.size() > 63 || !std::all_of(id.begin(), id.end(), IsRequestIdChar)) {
    violations.Add(field,
                   "must be 1 to 63 characters of A-Z, a-z, 0-9, - and _");
    return "";
  }
  return id;
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

absl::StatusOr<domain::CalendarName> ValidateCalendarName(
    absl::string_view field, absl::string_view name) {
  Violations violations;
  domain::CalendarName parsed = CheckCalendarName(field, name, violations);
  if (!violations.empty()) return violations.ToStatus();
  return parsed;
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

absl::StatusOr<FreeSlotsQuery> ValidateFreeSlotsRange(
    const google::protobuf::Timestamp* start_time,
    const google::protobuf::Timestamp* end_time, absl::string_view time_zone,
    const google::protobuf::Duration* duration) {
  Violations violations;
  FreeSlotsQuery query;
  if (duration != nullptr) {
    query.duration = CheckDuration("duration", *duration, violations);
  }
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
                            " characters of A-Z, a-z, 0-9, - and _ starting "
                            "with 2 (or ",
                            domain::kLegacyLinkTokenLength,
                            " for a link made before version 2 tokens)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<CreateLinkInput> ValidateCreateOneTimeLink(
    const v1::CreateOneTimeLinkRequest& request, absl::Time now,
    absl::string_view prefix) {
  Violations violations;
  CreateLinkInput input;
  const auto field = [&](absl::string_view name) {
    return absl::StrCat(prefix, name);
  };
  if (std::optional<domain::CalendarName> calendar =
          domain::ParseCalendarName(request.parent())) {
    input.calendar = *calendar;
  } else if (!(request.parent().empty() && !prefix.empty())) {
    violations.Add(
        field("parent"),
        "must be a calendar name: locations/{location}/calendars/{calendar}");
  }
  const v1::OneTimeLink& in = request.one_time_link();
  domain::OneTimeLink& link = input.link;
  if (in.has_expire_time() && in.has_ttl()) {
    violations.Add(field("one_time_link.ttl"),
                   "give either expire_time or ttl, not both");
  } else if (in.has_expire_time()) {
    if (!IsValidTimestamp(in.expire_time())) {
      violations.Add(field("one_time_link.expire_time"),
                     "is not a valid timestamp");
    } else if (FromProto(in.expire_time()) <= now) {
      violations.Add(field("one_time_link.expire_time"),
                     "must be in the future");
    } else {
      link.expire_time = FromProto(in.expire_time());
    }
  } else if (in.has_ttl()) {
    const absl::Duration ttl =
        absl::Seconds(in.ttl().seconds()) + absl::Nanoseconds(in.ttl().nanos());
    if (ttl < absl::Minutes(1) || ttl > absl::Hours(24 * 365)) {
      violations.Add(field("one_time_link.ttl"),
                     "must be from 1 minute to 365 days");
    } else {
      link.expire_time = now + ttl;
    }
  }
  if (in.max_uses() < 0 || in.max_uses() > kMaxLinkUses) {
    violations.Add(field("one_time_link.max_uses"),
                   absl::StrCat("must be 1 to ", kMaxLinkUses, " (0 means 1)"));
  } else {
    link.max_uses = in.max_uses() == 0 ? 1 : in.max_uses();
  }
  const v1::LinkInvitee& invitee = in.invitee();
  if (invitee.contact_id().size() > 128 ||
      HasControlCharacter(invitee.contact_id())) {
    violations.Add(field("one_time_link.invitee.contact_id"),
                   "must be at most 128 bytes without control characters");
  }
  if (!invitee.display_name().empty()) {
    CheckDisplayName(field("one_time_link.invitee.display_name"),
                     invitee.display_name(), violations);
  }
  if (!invitee.email().empty()) {
    CheckEmail(field("one_time_link.invitee.email"), invitee.email(),
               violations);
  }
  if (!invitee.phone().empty() && !IsE164(invitee.phone())) {
    violations.Add(field("one_time_link.invitee.phone"),
                   "must be an E.164 number such as +14155550100");
  }
  link.invitee = {invitee.contact_id(), invitee.display_name(), invitee.email(),
                  invitee.phone()};
  link.enforce_invitee = in.enforce_invitee();
  link.return_use_on_cancel = in.return_use_on_cancel();
  if (in.enforce_invitee() && invitee.email().empty()) {
    violations.Add(field("one_time_link.enforce_invitee"),
                   "needs invitee.email to enforce");
  }
  size_t metadata_bytes = 0;
  if (in.metadata_size() > kMaxMetadataEntries) {
    violations.Add(
        field("one_time_link.metadata"),
        absl::StrCat("must have at most ", kMaxMetadataEntries, " entries"));
  }
  for (const auto& [key, value] : in.metadata()) {
    metadata_bytes += key.size() + value.size();
    if (!IsMetadataKey(key)) {
      violations.Add(
          field(absl::StrCat("one_time_link.metadata[\"",
                             absl::CEscape(key.substr(0, 64)), "\"]")),
          "keys must be 1 to 63 characters of a-z, 0-9, _, - and .");
    }
    if (value.size() > static_cast<size_t>(kMaxMetadataValueBytes)) {
      violations.Add(
          field(absl::StrCat("one_time_link.metadata[\"",
                             absl::CEscape(key.substr(0, 64)), "\"]")),
          absl::StrCat("values must be at most ", kMaxMetadataValueBytes,
                       " bytes"));
    }
    link.metadata[key] = value;
  }
  if (metadata_bytes > static_cast<size_t>(kMaxMetadataBytes)) {
    violations.Add(
        field("one_time_link.metadata"),
        absl::StrCat("must be at most ", kMaxMetadataBytes, " bytes in all"));
  }
  if (in.has_earliest_date()) {
    link.earliest_date = CheckDate(field("one_time_link.earliest_date"),
                                   in.earliest_date(), violations);
  }
  if (in.has_latest_date()) {
    link.latest_date = CheckDate(field("one_time_link.latest_date"),
                                 in.latest_date(), violations);
  }
  if (link.earliest_date && link.latest_date &&
      *link.latest_date < *link.earliest_date) {
    violations.Add(field("one_time_link.latest_date"),
                   "must not be before earliest_date");
  }
  if (in.has_duration()) {
    link.duration = CheckDuration(field("one_time_link.duration"),
                                  in.duration(), violations);
  }
  link.request_id =
      CheckRequestId(field("request_id"), request.request_id(), violations);
  if (!violations.empty()) return violations.ToStatus();
  return input;
}

absl::StatusOr<BatchCreateLinksInput> ValidateBatchCreateOneTimeLinks(
    const v1::BatchCreateOneTimeLinksRequest& request, absl::Time now) {
  BatchCreateLinksInput input;
  std::vector<domain::FieldViolation> violations;
  if (std::optional<domain::CalendarName> calendar =
          domain::ParseCalendarName(request.parent())) {
    input.calendar = *calendar;
  } else {
    violations.push_back(
        {"parent",
         "must be a calendar name: locations/{location}/calendars/{calendar}"});
  }
  if (request.requests_size() == 0 ||
      request.requests_size() > kMaxBatchLinks) {
    violations.push_back(
        {"requests",
         absl::StrCat("must hold 1 to ", kMaxBatchLinks, " requests")});
  } else {
    for (int i = 0; i < request.requests_size(); ++i) {
      const std::string prefix = absl::StrCat("requests[", i, "].");
      const v1::CreateOneTimeLinkRequest& item = request.requests(i);
      if (!item.parent().empty() && item.parent() != request.parent()) {
        violations.push_back({prefix + "parent",
                              "must be empty or equal to the batch's parent"});
      }
      absl::StatusOr<CreateLinkInput> link =
          ValidateCreateOneTimeLink(item, now, prefix);
      if (!link.ok()) {
        for (auto& violation : domain::FieldViolations(link.status())) {
          violations.push_back(std::move(violation));
        }
      } else {
        input.links.push_back(std::move(link->link));
      }
    }
  }
  if (!violations.empty()) {
    return domain::InvalidArgumentWithViolations(violations);
  }
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
  input.start_time =
      CheckFutureStart(
          "start_time",
          request.has_start_time() ? &request.start_time() : nullptr, now,
          violations)
          .value_or(absl::InfinitePast());
  CheckInvitee(request.has_invitee(), request.invitee(), &input.invitee,
               violations);
  input.request_id =
      CheckRequestId("request_id", request.request_id(), violations);
  if (!violations.empty()) return violations.ToStatus();
  return input;
}

absl::StatusOr<domain::BookingName> ValidateBookingName(
    absl::string_view field, absl::string_view name) {
  if (std::optional<domain::BookingName> parsed =
          domain::ParseBookingName(name)) {
    return *parsed;
  }
  return domain::InvalidField(
      field,
      "must be a booking name: "
      "locations/{location}/calendars/{calendar}/bookings/{booking}");
}

absl::StatusOr<CreateBookingInput> ValidateCreateBooking(
    const v1::CreateBookingRequest& request, absl::Time now) {
  Violations violations;
  CreateBookingInput input;
  input.calendar = CheckCalendarName("parent", request.parent(), violations);
  input.start_time =
      CheckFutureStart(
          "start_time",
          request.has_start_time() ? &request.start_time() : nullptr, now,
          violations)
          .value_or(absl::InfinitePast());
  CheckInvitee(request.has_invitee(), request.invitee(), &input.invitee,
               violations);
  if (request.has_duration()) {
    input.duration = CheckDuration("duration", request.duration(), violations);
  }
  input.request_id =
      CheckRequestId("request_id", request.request_id(), violations);
  if (!violations.empty()) return violations.ToStatus();
  return input;
}

namespace {

// A reschedule's start_time (in the future) and request_id, into `input`.
template <typename Request, typename Input>
void CheckMove(const Request& request, absl::Time now, Violations& violations,
               Input* input) {
  input->start_time =
      CheckFutureStart(
          "start_time",
          request.has_start_time() ? &request.start_time() : nullptr, now,
          violations)
          .value_or(absl::InfinitePast());
  input->request_id =
      CheckRequestId("request_id", request.request_id(), violations);
}

}  // namespace

absl::StatusOr<RescheduleInput> ValidateRescheduleBooking(
    const v1::RescheduleBookingRequest& request, absl::Time now) {
  Violations violations;
  RescheduleInput input;
  if (std::optional<domain::BookingName> name =
          domain::ParseBookingName(request.name())) {
    input.booking = *name;
  } else {
    violations.Add(
        "name",
        "must be a booking name: "
        "locations/{location}/calendars/{calendar}/bookings/{booking}");
  }
  CheckMove(request, now, violations, &input);
  if (!violations.empty()) return violations.ToStatus();
  return input;
}

namespace {

absl::Status ValidateCancelReason(absl::string_view reason) {
  if (CodePoints(reason) > kMaxCancelReasonLength) {
    return domain::InvalidField(
        "reason", absl::StrCat("must be at most ", kMaxCancelReasonLength,
                               " characters"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<domain::BookingName> ValidateCancelBooking(
    const v1::CancelBookingRequest& request) {
  absl::StatusOr<domain::BookingName> name =
      ValidateBookingName("name", request.name());
  absl::Status combined = CombineViolations(
      {name.status(), ValidateCancelReason(request.reason())});
  if (!combined.ok()) return combined;
  return name;
}

absl::Status ValidateManageToken(absl::string_view field,
                                 absl::string_view token) {
  if (token.empty()) return domain::InvalidField(field, "is required");
  if (!domain::IsWellFormedManageToken(token)) {
    return domain::InvalidField(
        field,
        absl::StrCat("must be a manage token: ", domain::kManageTokenLength,
                     " characters of A-Z, a-z, 0-9, - and _ starting "
                     "with m"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ManageRescheduleInput> ValidateRescheduleByManageToken(
    const v1::RescheduleBookingByManageTokenRequest& request, absl::Time now) {
  Violations violations;
  ManageRescheduleInput input;
  for (const domain::FieldViolation& violation : domain::FieldViolations(
           ValidateManageToken("manage_token", request.manage_token()))) {
    violations.Add(violation.field, violation.description);
  }
  input.manage_token = request.manage_token();
  CheckMove(request, now, violations, &input);
  if (!violations.empty()) return violations.ToStatus();
  return input;
}

absl::Status ValidateCancelByManageToken(
    const v1::CancelBookingByManageTokenRequest& request) {
  return CombineViolations(
      {ValidateManageToken("manage_token", request.manage_token()),
       ValidateCancelReason(request.reason())});
}

}  // namespace scheduling::api

namespace scheduling::api {

std::optional<int64_t> ParseEtag(absl::string_view etag) {
  int64_t version = 0;
  if (etag.size() < 4 || etag.front() != '"' || etag[1] != 'v' ||
      etag.back() != '"' ||
      !absl::SimpleAtoi(etag.substr(2, etag.size() - 3), &version) ||
      version < 1) {
    return std::nullopt;
  }
  return version;
}

std::string TruncateDisplayName(const std::string& name) {
  size_t characters = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    if ((static_cast<unsigned char>(name[i]) & 0xC0) == 0x80) continue;
    if (++characters > static_cast<size_t>(kMaxDisplayNameLength)) {
      return name.substr(0, i);
    }
  }
  return name;
}

absl::StatusOr<DuplicateInput> ValidateDuplicateCalendar(
    const v1::DuplicateCalendarRequest& request) {
  Violations violations;
  DuplicateInput input;
  input.source = CheckCalendarName("name", request.name(), violations);
  constexpr char kIdRule[] =
      "must be 1 to 63 characters of a-z, 0-9 and -, not starting with -";
  if (!request.calendar_id().empty() &&
      !domain::IsValidId(request.calendar_id())) {
    violations.Add("calendar_id", kIdRule);
  }
  if (!request.slug().empty() && !domain::IsValidId(request.slug())) {
    violations.Add("slug", kIdRule);
  }
  if (!request.display_name().empty()) {
    CheckDisplayName("display_name", request.display_name(), violations);
  }
  if (!violations.empty()) return violations.ToStatus();
  input.calendar_id = request.calendar_id();
  input.slug = request.slug();
  input.display_name = request.display_name();
  return input;
}

absl::StatusOr<MoveInput> ValidateMoveCalendarToGroup(
    const v1::MoveCalendarToGroupRequest& request) {
  Violations violations;
  MoveInput input;
  input.calendar = CheckCalendarName("name", request.name(), violations);
  if (!request.group().empty()) {
    std::optional<GroupName> group = ParseGroupName(request.group());
    if (!group.has_value()) {
      violations.Add(
          "group", "must be a group name: locations/{location}/groups/{group}");
    } else if (group->location_id != input.calendar.location_id) {
      violations.Add("group", "must belong to the calendar's location");
    } else {
      input.group_id = group->group_id;
    }
  }
  if (!violations.empty()) return violations.ToStatus();
  return input;
}

absl::StatusOr<GroupName> ValidateGroupName(absl::string_view field,
                                            absl::string_view name) {
  if (std::optional<GroupName> parsed = ParseGroupName(name)) return *parsed;
  return domain::InvalidField(
      field, "must be a group name: locations/{location}/groups/{group}");
}

namespace {

constexpr char kLinkTokenPrefix[] = "links:v1:";
constexpr char kEventCursorPrefix[] = "events:v1:";

// What a ListOneTimeLinks page token is bound to, besides the position.
std::string LinkListFingerprint(const v1::ListOneTimeLinksRequest& request) {
  return absl::StrCat(request.parent(), "|", static_cast<int>(request.state()),
                      "|", absl::CEscape(request.contact_id()));
}

std::optional<domain::LinkState> LinkStateFromProto(v1::OneTimeLink::State s) {
  switch (s) {
    case v1::OneTimeLink::ACTIVE:
      return domain::LinkState::kActive;
    case v1::OneTimeLink::USED:
      return domain::LinkState::kUsed;
    case v1::OneTimeLink::EXPIRED:
      return domain::LinkState::kExpired;
    case v1::OneTimeLink::REVOKED:
      return domain::LinkState::kRevoked;
    default:
      return std::nullopt;
  }
}

// Parses an events cursor of `location_id`; false if it is not one.
bool DecodeEventCursor(absl::string_view cursor, absl::string_view location_id,
                       int64_t* seq) {
  std::string decoded;
  if (cursor.size() > 512 || !absl::WebSafeBase64Unescape(cursor, &decoded) ||
      !absl::StartsWith(decoded, kEventCursorPrefix)) {
    return false;
  }
  absl::string_view rest =
      absl::string_view(decoded).substr(sizeof(kEventCursorPrefix) - 1);
  const size_t colon = rest.rfind(':');
  return colon != absl::string_view::npos &&
         rest.substr(0, colon) == location_id &&
         absl::SimpleAtoi(rest.substr(colon + 1), seq) && *seq >= 0;
}

absl::StatusOr<EventsInput> ValidateEventsRequest(absl::string_view parent,
                                                  absl::string_view cursor,
                                                  int page_size) {
  Violations violations;
  EventsInput input;
  if (std::optional<std::string> location = domain::ParseLocationName(parent)) {
    input.location_id = *location;
  } else {
    violations.Add("parent", "must be a location name: locations/{location}");
  }
  if (!cursor.empty() &&
      !DecodeEventCursor(cursor, input.location_id, &input.after_seq)) {
    violations.Add("cursor", "is not a cursor this service issued for parent");
  }
  if (page_size < 0) {
    violations.Add("page_size", "must not be negative");
  } else if (page_size > 0) {
    input.page_size = std::min(page_size, kMaxPageSize);
  }
  if (!violations.empty()) return violations.ToStatus();
  return input;
}

}  // namespace

absl::StatusOr<ListLinksInput> ValidateListOneTimeLinks(
    const v1::ListOneTimeLinksRequest& request) {
  Violations violations;
  ListLinksInput input;
  input.calendar = CheckCalendarName("parent", request.parent(), violations);
  if (request.state() != v1::OneTimeLink::STATE_UNSPECIFIED) {
    input.state = LinkStateFromProto(request.state());
    if (!input.state) violations.Add("state", "is not a link state");
  }
  if (request.contact_id().size() > 128 ||
      HasControlCharacter(request.contact_id())) {
    violations.Add("contact_id",
                   "must be at most 128 characters, without control "
                   "characters");
  } else if (!request.contact_id().empty()) {
    input.contact_id = request.contact_id();
  }
  if (request.page_size() < 0) {
    violations.Add("page_size", "must not be negative");
  } else if (request.page_size() > 0) {
    input.page_size = std::min(request.page_size(), kMaxPageSize);
  }
  if (!request.page_token().empty()) {
    std::string decoded;
    int64_t pk = 0;
    const std::string expected =
        absl::StrCat(kLinkTokenPrefix, LinkListFingerprint(request), "|");
    if (request.page_token().size() > 1024 ||
        !absl::WebSafeBase64Unescape(request.page_token(), &decoded) ||
        !absl::StartsWith(decoded, expected) ||
        !absl::SimpleAtoi(absl::string_view(decoded).substr(expected.size()),
                          &pk) ||
        pk <= 0) {
      violations.Add("page_token",
                     "is not a token this service issued for this request");
    } else {
      input.before_pk = pk;
    }
  }
  if (!violations.empty()) return violations.ToStatus();
  return input;
}

std::string EncodeLinkPageToken(const v1::ListOneTimeLinksRequest& request,
                                int64_t last_pk) {
  return absl::WebSafeBase64Escape(absl::StrCat(
      kLinkTokenPrefix, LinkListFingerprint(request), "|", last_pk));
}

absl::StatusOr<EventsInput> ValidateListOneTimeLinkEvents(
    const v1::ListOneTimeLinkEventsRequest& request) {
  return ValidateEventsRequest(request.parent(), request.cursor(),
                               request.page_size());
}

absl::StatusOr<EventsInput> ValidateWatchOneTimeLinkEvents(
    const v1::WatchOneTimeLinkEventsRequest& request) {
  return ValidateEventsRequest(request.parent(), request.cursor(), 0);
}

std::string EncodeEventCursor(absl::string_view location_id, int64_t seq) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(kEventCursorPrefix, location_id, ":", seq));
}

}  // namespace scheduling::api
