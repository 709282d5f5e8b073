#include "client/booking_page/slot_days.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace scheduling::booking_page {
namespace {

constexpr const char* kWeekdays[] = {"Monday",   "Tuesday", "Wednesday",
                                     "Thursday", "Friday",  "Saturday",
                                     "Sunday"};
constexpr const char* kMonths[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

const char* WeekdayName(absl::CivilDay day) {
  // absl::Weekday counts from Monday = 0.
  return kWeekdays[static_cast<int>(absl::GetWeekday(day))];
}

}  // namespace

std::vector<SlotDay> GroupSlotsByDay(const std::vector<absl::Time>& starts,
                                     absl::TimeZone zone) {
  std::vector<SlotDay> days;
  for (const absl::Time start : starts) {
    const absl::CivilDay day = absl::ToCivilDay(start, zone);
    if (days.empty() || days.back().day != day) days.push_back({day, {}});
    days.back().starts.push_back(start);
  }
  return days;
}

DayWindow ChooseDayWindow(std::optional<absl::CivilDay> requested,
                          const WindowLimits& limits) {
  const absl::Time lower = limits.earliest.has_value()
                               ? std::max(limits.now, *limits.earliest)
                               : limits.now;
  const absl::CivilDay lower_day = absl::ToCivilDay(lower, limits.zone);
  // The last day holding a bookable instant (latest is exclusive).
  const absl::CivilDay upper_day = std::max(
      lower_day,
      absl::ToCivilDay(limits.latest - absl::Nanoseconds(1), limits.zone));

  DayWindow window;
  window.first =
      std::clamp(requested.value_or(lower_day), lower_day, upper_day);
  window.end = window.first + limits.days;
  window.last = std::min(window.end - 1, upper_day);
  window.start_time =
      std::max(lower, absl::FromCivil(window.first, limits.zone));
  window.end_time =
      std::min(limits.latest, absl::FromCivil(window.end, limits.zone));
  if (window.first > lower_day) {
    window.earlier = std::max(lower_day, window.first - limits.days);
  }
  if (window.end <= upper_day) window.later = window.end;
  return window;
}

std::optional<absl::CivilDay> ParseDay(absl::string_view text) {
  absl::CivilDay day;
  // ParseCivilTime also takes "2026-11-03T10", which no page writes.
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day)) {
    return std::nullopt;
  }
  return day;
}

std::string FormatIsoDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

std::string FormatDayHeading(absl::CivilDay day) {
  return absl::StrCat(WeekdayName(day), " ", day.day(), " ",
                      kMonths[day.month() - 1]);
}

std::string FormatClock(absl::Time time, absl::TimeZone zone) {
  const absl::CivilMinute minute = absl::ToCivilMinute(time, zone);
  return absl::StrFormat("%02d:%02d", minute.hour(), minute.minute());
}

std::string FormatMoment(absl::Time time, absl::TimeZone zone) {
  const absl::CivilDay day = absl::ToCivilDay(time, zone);
  return absl::StrCat(FormatDayHeading(day), " ", day.year(), ", ",
                      FormatClock(time, zone));
}

std::string FormatInterval(absl::Time start, absl::Time end,
                           absl::TimeZone zone) {
  const absl::CivilDay start_day = absl::ToCivilDay(start, zone);
  // A slot that ends exactly at midnight ends on its own day.
  const absl::CivilDay end_day =
      absl::ToCivilDay(end - absl::Nanoseconds(1), zone);
  std::string text = absl::StrCat(FormatMoment(start, zone), "\u2013");
  if (end_day != start_day) {
    absl::StrAppend(&text, FormatDayHeading(end_day), " ", end_day.year(),
                    ", ");
  }
  absl::StrAppend(&text, FormatClock(end, zone));
  return text;
}

std::string FormatBookingLength(absl::Duration duration) {
  const int64_t minutes = absl::ToInt64Minutes(duration);
  const int64_t hours = minutes / 60;
  if (hours == 0) return absl::StrCat(minutes, " min");
  if (minutes % 60 == 0) return absl::StrCat(hours, " h");
  return absl::StrCat(hours, " h ", minutes % 60, " min");
}

std::string ZoneLabel(absl::string_view name, absl::TimeZone zone,
                      absl::Time at) {
  const int offset_minutes = zone.At(at).offset / 60;
  return absl::StrFormat(
      "%s (UTC%c%02d:%02d)", name, offset_minutes < 0 ? '-' : '+',
      std::abs(offset_minutes) / 60, std::abs(offset_minutes) % 60);
}

std::string FormatSlotValue(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

std::optional<absl::Time> ParseSlotValue(absl::string_view text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, std::string(text), &time, &error)) {
    return std::nullopt;
  }
  return time;
}

}  // namespace scheduling::booking_page
