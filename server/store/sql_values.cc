#include "server/store/sql_values.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace scheduling::store {
namespace {

int WeekdayNumber(absl::Weekday weekday) {
  switch (weekday) {
    case absl::Weekday::monday:
      return 1;
    case absl::Weekday::tuesday:
      return 2;
    case absl::Weekday::wednesday:
      return 3;
    case absl::Weekday::thursday:
      return 4;
    case absl::Weekday::friday:
      return 5;
    case absl::Weekday::saturday:
      return 6;
    case absl::Weekday::sunday:
      return 7;
  }
  return 1;
}

constexpr absl::Weekday kWeekdays[] = {
    absl::Weekday::monday,   absl::Weekday::tuesday, absl::Weekday::wednesday,
    absl::Weekday::thursday, absl::Weekday::friday,  absl::Weekday::saturday,
    absl::Weekday::sunday};

}  // namespace

absl::Time TruncateToMicros(absl::Time time) {
  return absl::FromUnixMicros(absl::ToUnixMicros(time));
}

std::string ToSqlDateTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S", time, absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> FromSqlDateTime(absl::string_view text) {
  // Parsed by hand, not with absl::ParseTime: a month of bookings is
  // thousands of these per ListFreeSlots, and the general parser made
  // them the request's largest cost.
  // "YYYY-MM-DD HH:MM:SS" optionally followed by ".f" to ".ffffff".
  const auto digits = [&](size_t at, size_t count, int* value) {
    if (at + count > text.size()) return false;
    *value = 0;
    for (size_t i = at; i < at + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      *value = *value * 10 + (text[i] - '0');
    }
    return true;
  };
  int year, month, day, hour, minute, second;
  const bool shaped =
      text.size() >= 19 && digits(0, 4, &year) && text[4] == '-' &&
      digits(5, 2, &month) && text[7] == '-' && digits(8, 2, &day) &&
      text[10] == ' ' && digits(11, 2, &hour) && text[13] == ':' &&
      digits(14, 2, &minute) && text[16] == ':' && digits(17, 2, &second);
  int64_t micros = 0;
  bool fraction_ok = text.size() == 19;
  if (shaped && text.size() > 20 && text.size() <= 26 && text[19] == '.') {
    int fraction = 0;
    const size_t length = text.size() - 20;
    fraction_ok = digits(20, length, &fraction);
    micros = fraction;
    for (size_t i = length; i < 6; ++i) micros *= 10;
  }
  if (!shaped || !fraction_ok) {
    return absl::InternalError(
        absl::StrCat("bad DATETIME in the database: ", text));
  }
  return absl::FromCivil(
             absl::CivilSecond(year, month, day, hour, minute, second),
             absl::UTCTimeZone()) +
         absl::Microseconds(micros);
}

std::string EncodeWeeklyHours(const std::vector<domain::OpenInterval>& hours) {
  std::string text;
  for (const domain::OpenInterval& interval : hours) {
    if (!text.empty()) text.push_back(',');
    absl::StrAppend(&text, WeekdayNumber(interval.weekday), ":",
                    interval.start_minute, "-", interval.end_minute);
  }
  return text;
}

absl::StatusOr<std::vector<domain::OpenInterval>> DecodeWeeklyHours(
    absl::string_view text) {
  std::vector<domain::OpenInterval> hours;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::vector<absl::string_view> day_and_range = absl::StrSplit(item, ':');
    std::vector<absl::string_view> range;
    if (day_and_range.size() == 2)
      range = absl::StrSplit(day_and_range[1], '-');
    int day = 0;
    domain::OpenInterval interval;
    if (range.size() != 2 || !absl::SimpleAtoi(day_and_range[0], &day) ||
        day < 1 || day > 7 ||
        !absl::SimpleAtoi(range[0], &interval.start_minute) ||
        !absl::SimpleAtoi(range[1], &interval.end_minute)) {
      return absl::InternalError(
          absl::StrCat("bad weekly_hours in the database: ", text));
    }
    interval.weekday = kWeekdays[day - 1];
    hours.push_back(interval);
  }
  return hours;
}

std::string EncodeIdList(const std::vector<std::string>& ids) {
  return absl::StrJoin(ids, ",");
}

std::vector<std::string> DecodeIdList(absl::string_view text) {
  return absl::StrSplit(text, ',', absl::SkipEmpty());
}

std::string EncodeMinutesList(const std::vector<absl::Duration>& durations) {
  return absl::StrJoin(durations, ",", [](std::string* out, absl::Duration d) {
    absl::StrAppend(out, absl::ToInt64Minutes(d));
  });
}

absl::StatusOr<std::vector<absl::Duration>> DecodeMinutesList(
    absl::string_view text) {
  std::vector<absl::Duration> durations;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    int minutes = 0;
    if (!absl::SimpleAtoi(item, &minutes)) {
      return absl::InternalError(
          absl::StrCat("bad minutes list in the database: ", text));
    }
    durations.push_back(absl::Minutes(minutes));
  }
  return durations;
}

std::string EncodeMemberSettings(
    const std::vector<domain::MemberSettings>& settings) {
  return absl::StrJoin(
      settings, ",", [](std::string* out, const domain::MemberSettings& m) {
        absl::StrAppend(out, m.member, ":", m.limits.per_day, ":",
                        m.limits.per_week, ":", m.limits.per_month, ":",
                        static_cast<int>(m.priority) + 1, ":", m.weight);
      });
}

absl::StatusOr<std::vector<domain::MemberSettings>> DecodeMemberSettings(
    absl::string_view text) {
  std::vector<domain::MemberSettings> all;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    const std::vector<absl::string_view> parts = absl::StrSplit(item, ':');
    domain::MemberSettings settings;
    int priority = 0;
    if (parts.size() != 6 || parts[0].empty() ||
        !absl::SimpleAtoi(parts[1], &settings.limits.per_day) ||
        !absl::SimpleAtoi(parts[2], &settings.limits.per_week) ||
        !absl::SimpleAtoi(parts[3], &settings.limits.per_month) ||
        !absl::SimpleAtoi(parts[4], &priority) || priority < 1 ||
        priority > 3 || !absl::SimpleAtoi(parts[5], &settings.weight) ||
        settings.weight < 1) {
      return absl::InternalError(
          absl::StrCat("bad member settings in the database: ", text));
    }
    settings.member = std::string(parts[0]);
    settings.priority = static_cast<domain::MemberPriority>(priority - 1);
    all.push_back(std::move(settings));
  }
  return all;
}

std::string EncodeDateOverrides(
    const std::vector<domain::DateOverride>& overrides) {
  std::string text;
  for (const domain::DateOverride& day : overrides) {
    if (!text.empty()) text.push_back(';');
    absl::StrAppend(&text, absl::FormatCivilTime(day.date), "=");
    bool first = true;
    for (const domain::MinuteRange& range : day.intervals) {
      if (!first) text.push_back(',');
      first = false;
      absl::StrAppend(&text, range.start_minute, "-", range.end_minute);
    }
  }
  return text;
}

absl::StatusOr<std::vector<domain::DateOverride>> DecodeDateOverrides(
    absl::string_view text) {
  std::vector<domain::DateOverride> overrides;
  const auto bad = [&] {
    return absl::InternalError(
        absl::StrCat("bad date_overrides in the database: ", text));
  };
  for (absl::string_view item : absl::StrSplit(text, ';', absl::SkipEmpty())) {
    std::vector<absl::string_view> date_and_ranges = absl::StrSplit(item, '=');
    domain::DateOverride day;
    if (date_and_ranges.size() != 2 ||
        !absl::ParseCivilTime(date_and_ranges[0], &day.date)) {
      return bad();
    }
    for (absl::string_view range_text :
         absl::StrSplit(date_and_ranges[1], ',', absl::SkipEmpty())) {
      std::vector<absl::string_view> bounds = absl::StrSplit(range_text, '-');
      domain::MinuteRange range;
      if (bounds.size() != 2 ||
          !absl::SimpleAtoi(bounds[0], &range.start_minute) ||
          !absl::SimpleAtoi(bounds[1], &range.end_minute)) {
        return bad();
      }
      day.intervals.push_back(range);
    }
    overrides.push_back(std::move(day));
  }
  return overrides;
}

namespace {

void AppendUrlEncoded(std::string* out, absl::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.') {
      out->push_back(static_cast<char>(c));
    } else {
      out->push_back('%');
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    }
  }
}

bool UrlDecode(absl::string_view text, std::string* out) {
  out->clear();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out->push_back(text[i]);
      continue;
    }
    int value = 0;
    if (i + 2 >= text.size()) return false;
    if (!absl::SimpleHexAtoi(text.substr(i + 1, 2), &value)) return false;
    out->push_back(static_cast<char>(value));
    i += 2;
  }
  return true;
}

}  // namespace

std::string EncodeStringMap(const std::map<std::string, std::string>& map) {
  std::string text;
  for (const auto& [key, value] : map) {
    if (!text.empty()) text.push_back('&');
    AppendUrlEncoded(&text, key);
    text.push_back('=');
    AppendUrlEncoded(&text, value);
  }
  return text;
}

absl::StatusOr<std::map<std::string, std::string>> DecodeStringMap(
    absl::string_view text) {
  std::map<std::string, std::string> map;
  for (absl::string_view item : absl::StrSplit(text, '&', absl::SkipEmpty())) {
    std::vector<absl::string_view> pair = absl::StrSplit(item, '=');
    std::string key, value;
    if (pair.size() != 2 || !UrlDecode(pair[0], &key) ||
        !UrlDecode(pair[1], &value)) {
      return absl::InternalError("bad metadata in the database");
    }
    map[key] = value;
  }
  return map;
}

}  // namespace scheduling::store
