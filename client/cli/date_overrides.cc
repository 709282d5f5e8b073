#include "client/cli/date_overrides.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "client/cli/weekly_hours.h"

namespace scheduling::cli {
namespace {

using scheduling::v1::DateOverride;
using scheduling::v1::TimeRange;

constexpr absl::string_view kExample =
    "\"2026-12-24=09:00-12:00\" or \"2026-12-25=closed\"";

// Parses YYYY-MM-DD, rejecting dates that do not exist (2026-02-30) and
// other spellings (2026-2-3).
bool ParseDate(absl::string_view text, google::type::Date* date) {
  absl::CivilDay day;
  // ParseCivilTime normalizes out-of-range days; formatting back catches it.
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day) ||
      absl::FormatCivilTime(day) != text || day.year() < 1) {
    return false;
  }
  date->set_year(static_cast<int>(day.year()));
  date->set_month(day.month());
  date->set_day(day.day());
  return true;
}

std::string FormatDate(const google::type::Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(),
                         date.day());
}

std::tuple<int, int, int> DateKey(const google::type::Date& date) {
  return std::make_tuple(date.year(), date.month(), date.day());
}

// Parses what follows '=': "closed" or intervals, sorted by start.
absl::Status ParseHours(absl::string_view date_text, absl::string_view text,
                        DateOverride* date_override) {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(date_text, " needs hours or \"closed\", like ", kExample));
  }
  if (absl::EqualsIgnoreCase(text, "closed")) return absl::OkStatus();
  std::vector<ClockInterval> intervals;
  for (absl::string_view range : absl::StrSplit(text, ',')) {
    absl::StatusOr<ClockInterval> interval = ParseClockInterval(range);
    if (!interval.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(date_text, ": ", interval.status().message()));
    }
    intervals.push_back(*interval);
  }
  std::sort(intervals.begin(), intervals.end(),
            [](const ClockInterval& a, const ClockInterval& b) {
              return std::make_pair(a.start_minutes, a.end_minutes) <
                     std::make_pair(b.start_minutes, b.end_minutes);
            });
  for (const ClockInterval& interval : intervals) {
    TimeRange& range = *date_override->add_open_intervals();
    *range.mutable_start_time() = TimeOfDayFromMinutes(interval.start_minutes);
    *range.mutable_end_time() = TimeOfDayFromMinutes(interval.end_minutes);
  }
  for (int i = 1; i < date_override->open_intervals_size(); ++i) {
    const TimeRange& before = date_override->open_intervals(i - 1);
    const TimeRange& after = date_override->open_intervals(i);
    if (MinutesFromTimeOfDay(after.start_time()) <
        MinutesFromTimeOfDay(before.end_time())) {
      return absl::InvalidArgumentError(absl::StrCat(
          date_text, " ",
          FormatClockInterval(before.start_time(), before.end_time()),
          " overlaps ",
          FormatClockInterval(after.start_time(), after.end_time())));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<DateOverride>> ParseDateOverrides(
    absl::string_view text) {
  std::vector<DateOverride> overrides;
  for (absl::string_view part : absl::StrSplit(text, ';')) {
    part = absl::StripAsciiWhitespace(part);
    if (part.empty()) continue;
    const size_t equals = part.find('=');
    if (equals == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", part, "\" needs a date, '=' and hours, like ", kExample));
    }
    const absl::string_view date_text =
        absl::StripAsciiWhitespace(part.substr(0, equals));
    DateOverride& date_override = overrides.emplace_back();
    if (!ParseDate(date_text, date_override.mutable_date())) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", date_text, "\" is not a date like 2026-12-24"));
    }
    if (absl::Status status =
            ParseHours(date_text, part.substr(equals + 1), &date_override);
        !status.ok()) {
      return status;
    }
  }

  std::sort(overrides.begin(), overrides.end(),
            [](const DateOverride& a, const DateOverride& b) {
              return DateKey(a.date()) < DateKey(b.date());
            });
  for (size_t i = 1; i < overrides.size(); ++i) {
    if (DateKey(overrides[i - 1].date()) == DateKey(overrides[i].date())) {
      return absl::InvalidArgumentError(absl::StrCat(
          FormatDate(overrides[i].date()), " is overridden twice"));
    }
  }
  return overrides;
}

std::string FormatDateOverrides(
    const google::protobuf::RepeatedPtrField<DateOverride>& overrides) {
  std::vector<const DateOverride*> sorted;
  for (const DateOverride& date_override : overrides) {
    sorted.push_back(&date_override);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const DateOverride* a, const DateOverride* b) {
              return DateKey(a->date()) < DateKey(b->date());
            });
  std::vector<std::string> parts;
  for (const DateOverride* date_override : sorted) {
    std::vector<const TimeRange*> ranges;
    for (const TimeRange& range : date_override->open_intervals()) {
      ranges.push_back(&range);
    }
    std::sort(ranges.begin(), ranges.end(),
              [](const TimeRange* a, const TimeRange* b) {
                return MinutesFromTimeOfDay(a->start_time()) <
                       MinutesFromTimeOfDay(b->start_time());
              });
    std::vector<std::string> hours;
    for (const TimeRange* range : ranges) {
      hours.push_back(
          FormatClockInterval(range->start_time(), range->end_time()));
    }
    parts.push_back(absl::StrCat(
        FormatDate(date_override->date()), "=",
        hours.empty() ? std::string("closed") : absl::StrJoin(hours, ",")));
  }
  return parts.empty() ? "none" : absl::StrJoin(parts, "; ");
}

}  // namespace scheduling::cli
