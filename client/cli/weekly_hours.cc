#include "client/cli/weekly_hours.h"

#include <algorithm>
#include <array>
#include <tuple>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace scheduling::cli {
namespace {

using scheduling::v1::OpenInterval;

constexpr int kMinutesPerDay = 24 * 60;

// Indexed by google.type.DayOfWeek - 1 (Monday first).
constexpr std::array<absl::string_view, 7> kShortDayNames = {
    "mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr std::array<absl::string_view, 7> kLongDayNames = {
    "monday", "tuesday",  "wednesday", "thursday",
    "friday", "saturday", "sunday"};

// Returns 1 (Monday) to 7 (Sunday), or 0 if `name` is no day.
int ParseDay(absl::string_view name) {
  const std::string lower =
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(name));
  for (int i = 0; i < 7; ++i) {
    if (lower == kShortDayNames[i] || lower == kLongDayNames[i]) return i + 1;
  }
  return 0;
}

// Appends the days of a list like "mon,wed-fri" to `days`.
absl::Status ParseDays(absl::string_view spec, std::vector<int>* days) {
  for (absl::string_view part : absl::StrSplit(spec, ',')) {
    const std::vector<absl::string_view> ends = absl::StrSplit(part, '-');
    const int first = ParseDay(ends.front());
    const int last = ParseDay(ends.back());
    if (ends.size() > 2 || first == 0 || last == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", part, "\" is not a day or day range like mon-fri"));
    }
    if (last < first) {
      return absl::InvalidArgumentError(absl::StrCat(
          "day range \"", part, "\" must run forward from mon to sun"));
    }
    for (int day = first; day <= last; ++day) days->push_back(day);
  }
  return absl::OkStatus();
}

// Parses H:MM or HH:MM (up to 24:00) into minutes since midnight.
bool ParseClock(absl::string_view text, int* minutes) {
  text = absl::StripAsciiWhitespace(text);
  const std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(text, absl::MaxSplits(':', 1));
  // SimpleAtoi alone would accept signs and spaces.
  if (parts.first.empty() || parts.first.size() > 2 ||
      parts.second.size() != 2 ||
      !std::all_of(text.begin(), text.end(), [](char c) {
        return absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == ':';
      })) {
    return false;
  }
  int hours = 0;
  int mins = 0;
  if (!absl::SimpleAtoi(parts.first, &hours) ||
      !absl::SimpleAtoi(parts.second, &mins) || mins > 59 ||
      hours * 60 + mins > kMinutesPerDay) {
    return false;
  }
  *minutes = hours * 60 + mins;
  return true;
}

std::string FormatInterval(const OpenInterval& interval) {
  return FormatClockInterval(interval.start_time(), interval.end_time());
}

}  // namespace

absl::StatusOr<std::vector<OpenInterval>> ParseWeeklyHours(
    absl::string_view text) {
  std::vector<OpenInterval> intervals;
  for (absl::string_view group : absl::StrSplit(text, ';')) {
    group = absl::StripAsciiWhitespace(group);
    if (group.empty()) continue;
    const size_t space = group.find_first_of(" \t");
    if (space == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", group,
          "\" needs days and hours, like \"mon-fri 09:00-17:00\""));
    }
    std::vector<int> days;
    if (absl::Status status = ParseDays(group.substr(0, space), &days);
        !status.ok()) {
      return status;
    }
    for (absl::string_view range :
         absl::StrSplit(group.substr(space + 1), ',')) {
      absl::StatusOr<ClockInterval> clock = ParseClockInterval(range);
      if (!clock.ok()) return clock.status();
      for (int day : days) {
        OpenInterval& interval = intervals.emplace_back();
        interval.set_day_of_week(static_cast<google::type::DayOfWeek>(day));
        *interval.mutable_start_time() =
            TimeOfDayFromMinutes(clock->start_minutes);
        *interval.mutable_end_time() = TimeOfDayFromMinutes(clock->end_minutes);
      }
    }
  }

  auto key = [](const OpenInterval& interval) {
    return std::make_tuple(static_cast<int>(interval.day_of_week()),
                           MinutesFromTimeOfDay(interval.start_time()),
                           MinutesFromTimeOfDay(interval.end_time()));
  };
  std::sort(intervals.begin(), intervals.end(),
            [&](const OpenInterval& a, const OpenInterval& b) {
              return key(a) < key(b);
            });
  for (size_t i = 1; i < intervals.size(); ++i) {
    const OpenInterval& before = intervals[i - 1];
    const OpenInterval& after = intervals[i];
    if (before.day_of_week() == after.day_of_week() &&
        MinutesFromTimeOfDay(after.start_time()) <
            MinutesFromTimeOfDay(before.end_time())) {
      return absl::InvalidArgumentError(absl::StrCat(
          kShortDayNames[before.day_of_week() - 1], " ", FormatInterval(before),
          " overlaps ", FormatInterval(after)));
    }
  }
  return intervals;
}

absl::StatusOr<ClockInterval> ParseClockInterval(absl::string_view text) {
  const std::pair<absl::string_view, absl::string_view> ends =
      absl::StrSplit(text, absl::MaxSplits('-', 1));
  ClockInterval interval;
  if (!ParseClock(ends.first, &interval.start_minutes) ||
      !ParseClock(ends.second, &interval.end_minutes)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", absl::StripAsciiWhitespace(text),
                     "\" is not an interval like 09:00-17:00"));
  }
  if (interval.end_minutes <= interval.start_minutes) {
    return absl::InvalidArgumentError(
        absl::StrCat("interval \"", absl::StripAsciiWhitespace(text),
                     "\" must end after it starts"));
  }
  return interval;
}

std::string FormatClockInterval(const google::type::TimeOfDay& start,
                                const google::type::TimeOfDay& end) {
  return absl::StrFormat("%02d:%02d-%02d:%02d", start.hours(), start.minutes(),
                         end.hours(), end.minutes());
}

google::type::TimeOfDay TimeOfDayFromMinutes(int minutes) {
  google::type::TimeOfDay time;
  time.set_hours(minutes / 60);
  time.set_minutes(minutes % 60);
  return time;
}

int MinutesFromTimeOfDay(const google::type::TimeOfDay& time) {
  return time.hours() * 60 + time.minutes();
}

std::string FormatWeeklyHours(
    const google::protobuf::RepeatedPtrField<OpenInterval>& intervals) {
  std::vector<const OpenInterval*> sorted;
  for (const OpenInterval& interval : intervals) {
    if (interval.day_of_week() >= google::type::MONDAY &&
        interval.day_of_week() <= google::type::SUNDAY) {
      sorted.push_back(&interval);
    }
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const OpenInterval* a, const OpenInterval* b) {
              return std::make_pair(a->day_of_week(),
                                    MinutesFromTimeOfDay(a->start_time())) <
                     std::make_pair(b->day_of_week(),
                                    MinutesFromTimeOfDay(b->start_time()));
            });
  // Indexed by day - 1: that day's intervals, e.g. "09:00-12:00,13:00-17:00".
  std::array<std::string, 7> hours;
  for (const OpenInterval* interval : sorted) {
    std::string& day_hours = hours[interval->day_of_week() - 1];
    absl::StrAppend(&day_hours, day_hours.empty() ? "" : ",",
                    FormatInterval(*interval));
  }

  std::vector<std::string> groups;
  for (int first = 0; first < 7; ++first) {
    if (hours[first].empty()) continue;
    int last = first;
    while (last + 1 < 7 && hours[last + 1] == hours[first]) ++last;
    groups.push_back(absl::StrCat(
        kShortDayNames[first], last > first ? "-" : "",
        last > first ? kShortDayNames[last] : "", " ", hours[first]));
    first = last;
  }
  return groups.empty() ? "closed" : absl::StrJoin(groups, "; ");
}

}  // namespace scheduling::cli
