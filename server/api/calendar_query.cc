#include "server/api/calendar_query.h"

#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/api/field_checks.h"
#include "server/api/proto_conversion.h"
#include "server/domain/errors.h"

namespace scheduling::api {
namespace {

// Longer than any token this service issues (a 200-character display name
// of 4-byte characters, in base64).
constexpr size_t kMaxPageTokenLength = 2048;

// Token kinds; the digit is the format's version.
constexpr char kCalendarToken[] = "cal1";
constexpr char kGroupToken[] = "grp1";
constexpr char kBookingToken[] = "bkg1";

constexpr char kForeignToken[] = "is not a page token of this list";
constexpr char kOtherRequestToken[] =
    "continues a list with another parent, filter, order or range";

template <typename T>
absl::StatusOr<T> Result(const Violations& violations, T value) {
  if (!violations.empty()) return violations.ToStatus();
  return value;
}

// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates). Tokens
// come from callers, and MySQL refuses malformed text with an error.
bool IsValidUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    int length = 0;
    unsigned char min_second = 0x80;
    unsigned char max_second = 0xBF;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) min_second = 0xA0;
      if (lead == 0xED) max_second = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) min_second = 0x90;
      if (lead == 0xF4) max_second = 0x8F;
    } else {
      return false;
    }
    if (text.size() - i < static_cast<size_t>(length)) return false;
    for (int k = 1; k < length; ++k) {
      const unsigned char next = static_cast<unsigned char>(text[i + k]);
      const unsigned char min = k == 1 ? min_second : 0x80;
      const unsigned char max = k == 1 ? max_second : 0xBF;
      if (next < min || next > max) return false;
    }
    i += length;
  }
  return true;
}

// 0 means the default, above the maximum means the maximum.
int PageSize(int32_t requested, Violations& violations) {
  if (requested < 0) {
    violations.Add("page_size", "must not be negative");
    return kDefaultPageSize;
  }
  return requested == 0 ? kDefaultPageSize : std::min(requested, kMaxPageSize);
}

std::string ParentLocation(absl::string_view parent, Violations& violations) {
  std::optional<std::string> location = domain::ParseLocationName(parent);
  if (!location.has_value()) {
    violations.Add("parent", "must be a location name: locations/{location}");
    return "";
  }
  return *location;
}

// Stable across processes and versions (unlike absl::Hash), so a token
// outlives a restart or a rolling deploy.
uint64_t Fnv1a64(absl::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

// "<kind>:<fingerprint of the request>:<fields>", in web-safe base64. Only
// the last field may contain ':'.
std::string EncodeToken(absl::string_view kind, absl::string_view request,
                        const std::vector<std::string>& fields) {
  std::string payload =
      absl::StrCat(kind, ":", absl::Hex(Fnv1a64(request), absl::kZeroPad16));
  for (const std::string& field : fields) absl::StrAppend(&payload, ":", field);
  return absl::WebSafeBase64Escape(payload);
}

// The `field_count` fields of a token of `kind` issued for `request`.
absl::StatusOr<std::vector<std::string>> DecodeToken(absl::string_view token,
                                                     absl::string_view kind,
                                                     absl::string_view request,
                                                     int field_count) {
  std::string payload;
  if (token.size() > kMaxPageTokenLength ||
      !absl::WebSafeBase64Unescape(token, &payload)) {
    return domain::InvalidField("page_token", kForeignToken);
  }
  std::vector<std::string> parts =
      absl::StrSplit(payload, absl::MaxSplits(':', field_count + 1));
  if (parts.size() != static_cast<size_t>(field_count) + 2 ||
      parts[0] != kind) {
    return domain::InvalidField("page_token", kForeignToken);
  }
  if (parts[1] != absl::StrCat(absl::Hex(Fnv1a64(request), absl::kZeroPad16))) {
    return domain::InvalidField("page_token", kOtherRequestToken);
  }
  parts.erase(parts.begin(), parts.begin() + 2);
  return parts;
}

bool ParsePk(absl::string_view text, int64_t* pk) {
  return absl::SimpleAtoi(text, pk) && *pk > 0;
}

bool ParseMicros(absl::string_view text, absl::Time* time) {
  int64_t micros = 0;
  if (!absl::SimpleAtoi(text, &micros)) return false;
  *time = absl::FromUnixMicros(micros);
  return true;
}

bool IsValidDisplayNameKey(absl::string_view text) {
  return IsValidUtf8(text) && CodePoints(text) <= kMaxDisplayNameLength;
}

// Length-prefixed, so that no two different values print alike.
std::string Framed(absl::string_view text) {
  return absl::StrCat(text.size(), ":", text);
}

template <typename T>
std::string OptionalKey(const std::optional<T>& value) {
  if (!value.has_value()) return "-";
  if constexpr (std::is_same_v<T, std::string>) {
    return Framed(*value);
  } else {
    return absl::StrCat(static_cast<int>(*value));
  }
}

// What a calendar token is bound to: everything but the page size.
std::string CalendarRequestKey(const CalendarListQuery& query) {
  const CalendarFilter& filter = query.filter;
  return absl::StrCat("calendars|", Framed(query.location_id), "|",
                      OptionalKey(filter.display_name_contains), "|",
                      OptionalKey(filter.group_id), "|",
                      OptionalKey(filter.type), "|", OptionalKey(filter.status),
                      "|", static_cast<int>(query.order),
                      query.descending ? "d" : "a");
}

std::string GroupRequestKey(const GroupListQuery& query) {
  return absl::StrCat("groups|", Framed(query.location_id));
}

std::string BookingRequestKey(const BookingListQuery& query) {
  auto micros = [](const std::optional<absl::Time>& time) {
    return time.has_value() ? absl::StrCat(absl::ToUnixMicros(*time))
                            : std::string("-");
  };
  return absl::StrCat("bookings|", Framed(query.calendar.location_id), "|",
                      Framed(query.calendar.calendar_id), "|",
                      micros(query.start_time), "|", micros(query.end_time),
                      "|", query.show_cancelled ? "all" : "confirmed");
}

// Parses the ListCalendars filter (grammar in the header) by recursive
// descent over the raw text; the first problem ends parsing.
class CalendarFilterParser {
 public:
  CalendarFilterParser(absl::string_view text, absl::string_view location_id)
      : text_(text), location_id_(location_id) {}

  // The filter, or nullopt with `error()` saying what was expected where.
  std::optional<CalendarFilter> Parse() {
    CalendarFilter filter;
    SkipSpace();
    if (AtEnd()) return filter;
    while (true) {
      if (!ParseCondition(filter)) return std::nullopt;
      SkipSpace();
      if (AtEnd()) return filter;
      const size_t and_offset = pos_;
      if (ReadWord() != "AND") {
        Fail(and_offset, "expected AND or the end of the filter");
        return std::nullopt;
      }
      SkipSpace();
      if (AtEnd()) {
        Fail(pos_, "expected a condition after AND");
        return std::nullopt;
      }
    }
  }

  const std::string& error() const { return error_; }

 private:
  static constexpr char kConditions[] =
      "display_name:\"text\", group = \"locations/{location}/groups/{group}\" "
      "(or \"\"), calendar_type = EVENT|ROUND_ROBIN|COLLECTIVE|CLASS_BOOKING|"
      "SERVICE, or status = ACTIVE|INACTIVE";

  bool ParseCondition(CalendarFilter& filter) {
    const size_t field_offset = pos_;
    const absl::string_view field = ReadWord();
    if (field == "display_name") {
      if (!ExpectOperator(':', "display_name")) return false;
      std::optional<std::string> text = ReadString();
      if (!text.has_value()) return false;
      if (CodePoints(*text) > kMaxFilterDisplayNameLength) {
        return Fail(field_offset,
                    absl::StrCat("display_name text must be at most ",
                                 kMaxFilterDisplayNameLength, " characters"));
      }
      return Set(filter.display_name_contains, *std::move(text), field,
                 field_offset);
    }
    if (field == "group") {
      if (!ExpectOperator('=', "group")) return false;
      const size_t value_offset = pos_;
      std::optional<std::string> name = ReadString();
      if (!name.has_value()) return false;
      if (name->empty()) return Set(filter.group_id, "", field, field_offset);
      std::optional<GroupName> group = ParseGroupName(*name);
      // Without a valid parent (reported apart) any location goes.
      if (!group.has_value() ||
          (!location_id_.empty() && group->location_id != location_id_)) {
        return Fail(value_offset,
                    absl::StrCat("group must be \"\" or a group name of this "
                                 "location: \"",
                                 domain::LocationName(location_id_),
                                 "/groups/{group}\""));
      }
      return Set(filter.group_id, group->group_id, field, field_offset);
    }
    if (field == "calendar_type") {
      if (!ExpectOperator('=', "calendar_type")) return false;
      const size_t value_offset = pos_;
      v1::Calendar::Type proto_type = v1::Calendar::TYPE_UNSPECIFIED;
      std::optional<domain::CalendarType> type;
      if (v1::Calendar::Type_Parse(std::string(ReadWord()), &proto_type)) {
        type = CalendarTypeFromProto(proto_type);
      }
      if (!type.has_value()) {
        return Fail(value_offset,
                    "calendar_type must be EVENT, ROUND_ROBIN, COLLECTIVE, "
                    "CLASS_BOOKING or SERVICE");
      }
      return Set(filter.type, *type, field, field_offset);
    }
    if (field == "status") {
      if (!ExpectOperator('=', "status")) return false;
      const size_t value_offset = pos_;
      const absl::string_view value = ReadWord();
      if (value == "ACTIVE") {
        return Set(filter.status, domain::CalendarStatus::kActive, field,
                   field_offset);
      }
      if (value == "INACTIVE") {
        return Set(filter.status, domain::CalendarStatus::kInactive, field,
                   field_offset);
      }
      return Fail(value_offset, "status must be ACTIVE or INACTIVE");
    }
    return Fail(field_offset,
                absl::StrCat("expected a condition: ", kConditions));
  }

  template <typename T, typename V>
  bool Set(std::optional<T>& slot, V&& value, absl::string_view field,
           size_t offset) {
    if (slot.has_value()) {
      return Fail(offset, absl::StrCat(field, " may appear only once"));
    }
    slot = std::forward<V>(value);
    return true;
  }

  bool ExpectOperator(char op, absl::string_view field) {
    SkipSpace();
    if (AtEnd() || text_[pos_] != op) {
      return Fail(pos_, op == ':'
                            ? absl::StrCat("expected ':' after ", field,
                                           ", as in display_name:\"intro\"")
                            : absl::StrCat("expected '=' after ", field));
    }
    ++pos_;
    SkipSpace();
    return true;
  }

  // A double-quoted string whose only escapes are \" and \\.
  std::optional<std::string> ReadString() {
    if (AtEnd() || text_[pos_] != '"') {
      Fail(pos_, "expected a double-quoted string");
      return std::nullopt;
    }
    const size_t open = pos_++;
    std::string value;
    while (!AtEnd()) {
      char c = text_[pos_++];
      if (c == '"') return value;
      if (c == '\\') {
        if (AtEnd() || (text_[pos_] != '"' && text_[pos_] != '\\')) {
          Fail(pos_ - 1, "the only escapes in a string are \\\" and \\\\");
          return std::nullopt;
        }
        c = text_[pos_++];
      }
      value.push_back(c);
    }
    Fail(open, "string is not closed by \"");
    return std::nullopt;
  }

  // Letters, digits and underscores; empty if none.
  absl::string_view ReadWord() {
    const size_t start = pos_;
    while (!AtEnd() &&
           (absl::ascii_isalnum(text_[pos_]) || text_[pos_] == '_')) {
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

  void SkipSpace() {
    while (!AtEnd() && absl::ascii_isspace(text_[pos_])) ++pos_;
  }

  bool AtEnd() const { return pos_ >= text_.size(); }

  bool Fail(size_t offset, absl::string_view message) {
    error_ = absl::StrCat(message, " (at offset ", offset, ")");
    return false;
  }

  absl::string_view text_;
  absl::string_view location_id_;
  size_t pos_ = 0;
  std::string error_;
};

// `order_by`: a field, optionally followed by "desc".
bool ParseOrderBy(absl::string_view order_by, CalendarListQuery& query) {
  std::vector<absl::string_view> words =
      absl::StrSplit(order_by, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty());
  if (words.empty()) return true;
  if (words.size() > 2 || (words.size() == 2 && words[1] != "desc")) {
    return false;
  }
  if (words[0] == "create_time") {
    query.order = CalendarOrder::kCreateTime;
  } else if (words[0] == "display_name") {
    query.order = CalendarOrder::kDisplayName;
  } else if (words[0] == "update_time") {
    query.order = CalendarOrder::kUpdateTime;
  } else {
    return false;
  }
  query.descending = words.size() == 2;
  return true;
}

void AddStatusViolations(const absl::Status& status, Violations& violations) {
  for (domain::FieldViolation& violation : domain::FieldViolations(status)) {
    violations.Add(violation.field, violation.description);
  }
}

}  // namespace

absl::StatusOr<CalendarListQuery> ValidateListCalendarsRequest(
    const v1::ListCalendarsRequest& request) {
  Violations violations;
  CalendarListQuery query;
  query.location_id = ParentLocation(request.parent(), violations);
  query.page_size = PageSize(request.page_size(), violations);
  if (CodePoints(request.filter()) > kMaxFilterLength) {
    violations.Add("filter", absl::StrCat("must be at most ", kMaxFilterLength,
                                          " characters"));
  } else {
    CalendarFilterParser parser(request.filter(), query.location_id);
    if (std::optional<CalendarFilter> filter = parser.Parse()) {
      query.filter = *std::move(filter);
    } else {
      violations.Add("filter", parser.error());
    }
  }
  if (!ParseOrderBy(request.order_by(), query)) {
    violations.Add(
        "order_by",
        "must be create_time, display_name or update_time, optionally "
        "followed by \" desc\"");
  }
  // A token is checked against the request it continues, so only once the
  // rest of the request is known to be valid.
  if (!request.page_token().empty() && violations.empty()) {
    absl::StatusOr<CalendarListQuery::Position> after =
        DecodeCalendarPageToken(request.page_token(), query);
    if (after.ok()) {
      query.after = *std::move(after);
    } else {
      AddStatusViolations(after.status(), violations);
    }
  }
  return Result(violations, std::move(query));
}

std::string EncodeCalendarPageToken(const CalendarListQuery& query,
                                    const domain::Calendar& last) {
  // Only the keys the order compares; the others stay neutral.
  const bool by_name = query.order == CalendarOrder::kDisplayName;
  const bool by_update = query.order == CalendarOrder::kUpdateTime;
  return EncodeToken(
      kCalendarToken, CalendarRequestKey(query),
      {absl::StrCat(last.pk),
       absl::StrCat(by_update ? absl::ToUnixMicros(last.update_time) : 0),
       by_name ? last.display_name : ""});
}

absl::StatusOr<CalendarListQuery::Position> DecodeCalendarPageToken(
    absl::string_view token, const CalendarListQuery& query) {
  absl::StatusOr<std::vector<std::string>> fields =
      DecodeToken(token, kCalendarToken, CalendarRequestKey(query), 3);
  if (!fields.ok()) return fields.status();
  CalendarListQuery::Position position;
  if (!ParsePk((*fields)[0], &position.pk) ||
      !ParseMicros((*fields)[1], &position.update_time) ||
      !IsValidDisplayNameKey((*fields)[2])) {
    return domain::InvalidField("page_token", kForeignToken);
  }
  position.display_name = std::move((*fields)[2]);
  return position;
}

absl::StatusOr<GroupListQuery> ValidateListGroups(
    const v1::ListGroupsRequest& request) {
  Violations violations;
  GroupListQuery query;
  query.location_id = ParentLocation(request.parent(), violations);
  query.page_size = PageSize(request.page_size(), violations);
  if (!request.page_token().empty() && violations.empty()) {
    absl::StatusOr<GroupListQuery::Position> after =
        DecodeGroupPageToken(request.page_token(), query);
    if (after.ok()) {
      query.after = *std::move(after);
    } else {
      AddStatusViolations(after.status(), violations);
    }
  }
  return Result(violations, std::move(query));
}

std::string EncodeGroupPageToken(const GroupListQuery& query,
                                 const domain::Group& last) {
  return EncodeToken(kGroupToken, GroupRequestKey(query),
                     {absl::StrCat(last.pk), last.display_name});
}

absl::StatusOr<GroupListQuery::Position> DecodeGroupPageToken(
    absl::string_view token, const GroupListQuery& query) {
  absl::StatusOr<std::vector<std::string>> fields =
      DecodeToken(token, kGroupToken, GroupRequestKey(query), 2);
  if (!fields.ok()) return fields.status();
  GroupListQuery::Position position;
  if (!ParsePk((*fields)[0], &position.pk) ||
      !IsValidDisplayNameKey((*fields)[1])) {
    return domain::InvalidField("page_token", kForeignToken);
  }
  position.display_name = std::move((*fields)[1]);
  return position;
}

absl::StatusOr<BookingListQuery> ValidateListBookings(
    const v1::ListBookingsRequest& request) {
  Violations violations;
  BookingListQuery query;
  if (std::optional<domain::CalendarName> calendar =
          domain::ParseCalendarName(request.parent())) {
    query.calendar = *std::move(calendar);
  } else {
    violations.Add(
        "parent",
        "must be a calendar name: locations/{location}/calendars/{calendar}");
  }
  if (request.has_start_time()) {
    if (IsValidTimestamp(request.start_time())) {
      query.start_time = FromProto(request.start_time());
    } else {
      violations.Add("start_time", "is not a valid timestamp");
    }
  }
  if (request.has_end_time()) {
    if (IsValidTimestamp(request.end_time())) {
      query.end_time = FromProto(request.end_time());
    } else {
      violations.Add("end_time", "is not a valid timestamp");
    }
  }
  if (query.start_time.has_value() && query.end_time.has_value() &&
      *query.end_time <= *query.start_time) {
    violations.Add("end_time", "must be after start_time");
  }
  query.show_cancelled = request.show_cancelled();
  query.page_size = PageSize(request.page_size(), violations);
  if (!request.page_token().empty() && violations.empty()) {
    absl::StatusOr<BookingListQuery::Position> after =
        DecodeBookingPageToken(request.page_token(), query);
    if (after.ok()) {
      query.after = *std::move(after);
    } else {
      AddStatusViolations(after.status(), violations);
    }
  }
  return Result(violations, std::move(query));
}

std::string EncodeBookingPageToken(const BookingListQuery& query,
                                   const domain::Booking& last) {
  return EncodeToken(kBookingToken, BookingRequestKey(query),
                     {absl::StrCat(last.pk),
                      absl::StrCat(absl::ToUnixMicros(last.start_time))});
}

absl::StatusOr<BookingListQuery::Position> DecodeBookingPageToken(
    absl::string_view token, const BookingListQuery& query) {
  absl::StatusOr<std::vector<std::string>> fields =
      DecodeToken(token, kBookingToken, BookingRequestKey(query), 2);
  if (!fields.ok()) return fields.status();
  BookingListQuery::Position position;
  if (!ParsePk((*fields)[0], &position.pk) ||
      !ParseMicros((*fields)[1], &position.start_time)) {
    return domain::InvalidField("page_token", kForeignToken);
  }
  return position;
}

}  // namespace scheduling::api
