// Calendar arithmetic of the slot list: which days a page shows, slots
// grouped by the visitor's local day, and times written for people.
//
// Everything is in a named zone (absl::TimeZone): the visitor's for what
// they see, the calendar's for the link's date window, so a slot at 23:30
// in one zone lands on the right day in the other, also across
// daylight-saving changes.
//
// Thread-safe: pure functions.
#ifndef SCHEDULING_CLIENT_BOOKING_PAGE_SLOT_DAYS_H_
#define SCHEDULING_CLIENT_BOOKING_PAGE_SLOT_DAYS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace scheduling::booking_page {

// The slots that start on one local day.
struct SlotDay {
  absl::CivilDay day;
  std::vector<absl::Time> starts;  // in order
};

// Groups slot starts (in order) by their local day in `zone`; days without
// slots are left out.
std::vector<SlotDay> GroupSlotsByDay(const std::vector<absl::Time>& starts,
                                     absl::TimeZone zone);

// What bounds the days a page may show.
struct WindowLimits {
  absl::Time now;
  // The visitor's zone: days are theirs.
  absl::TimeZone zone;
  // First bookable instant, if the link narrows it (its earliest_date).
  std::optional<absl::Time> earliest;
  // End (exclusive) of the bookable range: the link's latest_date, the
  // calendar's booking horizon, or how far ahead the page lets anyone look.
  absl::Time latest;
  // Days shown at once.
  int days = 7;
};

// The days one page shows, the range to ask the server for, and where the
// earlier and later links lead.
struct DayWindow {
  absl::CivilDay first;  // first day shown
  absl::CivilDay end;    // the day after the last one shown
  // The last day shown that can hold a bookable time: before `end` when the
  // bookable range ends within the window.
  absl::CivilDay last;
  // The slot range to request: [start_time, end_time), empty when nothing
  // in the window can be booked.
  absl::Time start_time;
  absl::Time end_time;
  std::optional<absl::CivilDay> earlier;  // first day of the window before
  std::optional<absl::CivilDay> later;    // first day of the window after

  bool empty() const { return end_time <= start_time; }
};

// The window starting at `requested` (the page's ?from=), or at the first
// bookable day, clamped to the bookable range.
DayWindow ChooseDayWindow(std::optional<absl::CivilDay> requested,
                          const WindowLimits& limits);

// "2026-11-03" as a day; nullopt if it is not one.
std::optional<absl::CivilDay> ParseDay(absl::string_view text);

// "2026-11-03".
std::string FormatIsoDay(absl::CivilDay day);

// "Tuesday 3 November".
std::string FormatDayHeading(absl::CivilDay day);

// "09:05" (24-hour clock) in `zone`.
std::string FormatClock(absl::Time time, absl::TimeZone zone);

// "Tuesday 3 November 2026, 09:00" in `zone`.
std::string FormatMoment(absl::Time time, absl::TimeZone zone);

// "Tuesday 3 November 2026, 09:00–09:30", or with the end's date too when
// it falls on another day.
std::string FormatInterval(absl::Time start, absl::Time end,
                           absl::TimeZone zone);

// "30 min", "1 h", "1 h 30 min".
std::string FormatBookingLength(absl::Duration duration);

// "America/New_York (UTC−05:00)": the zone's name and its offset at `at`.
std::string ZoneLabel(absl::string_view name, absl::TimeZone zone,
                      absl::Time at);

// RFC 3339 in UTC with seconds, "2026-11-03T14:00:00Z": how the page
// names a slot in its form.
std::string FormatSlotValue(absl::Time time);

// The instant FormatSlotValue wrote (any RFC 3339 is accepted); nullopt if
// `text` is not one.
std::optional<absl::Time> ParseSlotValue(absl::string_view text);

}  // namespace scheduling::booking_page

#endif  // SCHEDULING_CLIENT_BOOKING_PAGE_SLOT_DAYS_H_
