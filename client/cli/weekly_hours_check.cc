// A self-check of the weekly-hours syntax, run by hand:
//   cmake --build BUILD --target weekly_hours_check &&
//   BUILD/.../weekly_hours_check
// Prints each failed case and exits 1 if there was one.

#include <iostream>
#include <string>
#include <vector>

#include "client/cli/weekly_hours.h"

namespace scheduling::cli {
namespace {

int failures = 0;

void Fail(const std::string& text, const std::string& why) {
  std::cout << "FAIL \"" << text << "\": " << why << "\n";
  ++failures;
}

// Parses `text` and formats it again, expecting `formatted`.
void ExpectRoundTrip(const std::string& text, const std::string& formatted,
                     size_t interval_count) {
  absl::StatusOr<std::vector<scheduling::v1::OpenInterval>> intervals =
      ParseWeeklyHours(text);
  if (!intervals.ok()) {
    Fail(text, std::string(intervals.status().message()));
    return;
  }
  google::protobuf::RepeatedPtrField<scheduling::v1::OpenInterval> field(
      intervals->begin(), intervals->end());
  const std::string actual = FormatWeeklyHours(field);
  if (actual != formatted) Fail(text, "formatted as \"" + actual + "\"");
  if (intervals->size() != interval_count) {
    Fail(text, std::to_string(intervals->size()) + " intervals");
  }
}

void ExpectRejected(const std::string& text) {
  absl::StatusOr<std::vector<scheduling::v1::OpenInterval>> intervals =
      ParseWeeklyHours(text);
  if (intervals.ok()) {
    Fail(text, "accepted");
  } else {
    std::cout << "ok   \"" << text
              << "\" rejected: " << intervals.status().message() << "\n";
  }
}

void ExpectFirstInterval(const std::string& text, google::type::DayOfWeek day,
                         int start_hours, int end_hours, int end_minutes) {
  absl::StatusOr<std::vector<scheduling::v1::OpenInterval>> intervals =
      ParseWeeklyHours(text);
  if (!intervals.ok() || intervals->empty()) {
    Fail(text, "no intervals");
    return;
  }
  const scheduling::v1::OpenInterval& first = intervals->front();
  if (first.day_of_week() != day || first.start_time().hours() != start_hours ||
      first.start_time().minutes() != 0 ||
      first.end_time().hours() != end_hours ||
      first.end_time().minutes() != end_minutes) {
    Fail(text, "first interval is " + first.ShortDebugString());
  }
}

}  // namespace
}  // namespace scheduling::cli

int main() {
  using scheduling::cli::ExpectFirstInterval;
  using scheduling::cli::ExpectRejected;
  using scheduling::cli::ExpectRoundTrip;

  ExpectRoundTrip("mon-fri 09:00-17:00; sat 10:00-12:00,13:00-15:00",
                  "mon-fri 09:00-17:00; sat 10:00-12:00,13:00-15:00", 7);
  ExpectRoundTrip("", "closed", 0);
  ExpectRoundTrip("  ;  ", "closed", 0);
  ExpectRoundTrip("sun 00:00-24:00", "sun 00:00-24:00", 1);
  ExpectRoundTrip(
      "Monday,WED-fri 9:00-12:30 , 13:00 - 17:00;",
      "mon 09:00-12:30,13:00-17:00; wed-fri 09:00-12:30,13:00-17:00", 8);
  ExpectRoundTrip("sat 13:00-15:00; sat 10:00-12:00; mon 08:00-09:00",
                  "mon 08:00-09:00; sat 10:00-12:00,13:00-15:00", 3);
  ExpectRoundTrip("mon-tue 09:00-10:00; wed 09:00-10:00", "mon-wed 09:00-10:00",
                  3);
  ExpectRoundTrip("mon-sun 09:00-10:00", "mon-sun 09:00-10:00", 7);
  ExpectRoundTrip("mon 09:00-10:00,10:00-11:00", "mon 09:00-10:00,10:00-11:00",
                  2);
  ExpectFirstInterval("fri 22:00-24:00", google::type::FRIDAY, 22, 24, 0);
  ExpectFirstInterval("sat,mon 07:00-08:15", google::type::MONDAY, 7, 8, 15);

  ExpectRejected("mon");
  ExpectRejected("09:00-17:00");
  ExpectRejected("fri-mon 09:00-17:00");
  ExpectRejected("mon-tue-wed 09:00-17:00");
  ExpectRejected("mo 09:00-17:00");
  ExpectRejected("mon 17:00-09:00");
  ExpectRejected("mon 09:00-09:00");
  ExpectRejected("mon 24:00-24:00");
  ExpectRejected("mon 09:00-24:01");
  ExpectRejected("mon 09:60-10:00");
  ExpectRejected("mon 9-17");
  ExpectRejected("mon 09:00-");
  ExpectRejected("mon +9:00-10:00");
  ExpectRejected("mon 009:00-10:00");
  ExpectRejected("mon 09:00-12:00,11:00-13:00");
  ExpectRejected("mon-fri 09:00-17:00; wed 16:00-18:00");
  ExpectRejected("mon 09:00-10:00,");

  if (scheduling::cli::failures > 0) {
    std::cout << scheduling::cli::failures << " failed\n";
    return 1;
  }
  std::cout << "all passed\n";
  return 0;
}
