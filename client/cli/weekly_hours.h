// The compact weekly-hours syntax schedctl accepts and prints, e.g.
//
//   "mon-fri 09:00-17:00; sat 10:00-12:00,13:00-15:00"
//
// Groups are separated by ';'. Each group is a day list, whitespace, and a
// comma-separated list of HH:MM-HH:MM intervals. A day list is days or
// forward day ranges separated by ',' ("mon,wed-fri"); days are English
// names or their three-letter abbreviations, in any case. An interval ends
// after it starts; 24:00 is allowed as an end. Intervals of one day must not
// overlap.
//
// Thread-safe: free functions over values.
#ifndef SCHEDULING_CLIENT_CLI_WEEKLY_HOURS_H_
#define SCHEDULING_CLIENT_CLI_WEEKLY_HOURS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "scheduling/v1/calendar.pb.h"

namespace scheduling::cli {

// Parses `text`, returning the intervals ordered by day and start. An empty
// or blank `text` means never open.
absl::StatusOr<std::vector<scheduling::v1::OpenInterval>> ParseWeeklyHours(
    absl::string_view text);

// Formats intervals in the same syntax, merging consecutive days with equal
// hours into ranges; "closed" if there are none.
std::string FormatWeeklyHours(
    const google::protobuf::RepeatedPtrField<scheduling::v1::OpenInterval>&
        intervals);

// The building blocks the date-override syntax shares with this one.

// A wall-clock interval within one day, in minutes since midnight.
struct ClockInterval {
  int start_minutes = 0;
  int end_minutes = 0;
};

// Parses one "HH:MM-HH:MM" interval (H:MM allowed, 24:00 only as the end,
// spaces around the parts ignored) that ends after it starts.
absl::StatusOr<ClockInterval> ParseClockInterval(absl::string_view text);

// "09:00-17:00".
std::string FormatClockInterval(const google::type::TimeOfDay& start,
                                const google::type::TimeOfDay& end);

google::type::TimeOfDay TimeOfDayFromMinutes(int minutes);
int MinutesFromTimeOfDay(const google::type::TimeOfDay& time);

}  // namespace scheduling::cli

#endif  // SCHEDULING_CLIENT_CLI_WEEKLY_HOURS_H_
