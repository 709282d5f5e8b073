// A self-check of the date-override syntax, run by hand:
//   cmake --build BUILD --target date_overrides_check &&
//   BUILD/.../date_overrides_check
// Prints each failed case and exits 1 if there was one.

#include <iostream>
#include <string>
#include <vector>

#include "client/cli/date_overrides.h"

namespace scheduling::cli {
namespace {

using scheduling::v1::DateOverride;

int failures = 0;

void Fail(const std::string& text, const std::string& why) {
  std::cout << "FAIL \"" << text << "\": " << why << "\n";
  ++failures;
}

// Parses `text` and formats it again, expecting `formatted`.
void ExpectRoundTrip(const std::string& text, const std::string& formatted,
                     size_t override_count) {
  absl::StatusOr<std::vector<DateOverride>> overrides =
      ParseDateOverrides(text);
  if (!overrides.ok()) {
    Fail(text, std::string(overrides.status().message()));
    return;
  }
  google::protobuf::RepeatedPtrField<DateOverride> field(overrides->begin(),
                                                         overrides->end());
  const std::string actual = FormatDateOverrides(field);
  if (actual != formatted) Fail(text, "formatted as \"" + actual + "\"");
  if (overrides->size() != override_count) {
    Fail(text, std::to_string(overrides->size()) + " overrides");
  }
  // The formatted text must parse to the same overrides.
  absl::StatusOr<std::vector<DateOverride>> again =
      ParseDateOverrides(actual == "none" ? "" : actual);
  if (!again.ok() || again->size() != overrides->size()) {
    Fail(text, "formatted text does not parse back");
    return;
  }
  for (size_t i = 0; i < again->size(); ++i) {
    if ((*again)[i].SerializeAsString() !=
        (*overrides)[i].SerializeAsString()) {
      Fail(text, "formatted text parses to " + (*again)[i].ShortDebugString());
    }
  }
}

void ExpectRejected(const std::string& text) {
  absl::StatusOr<std::vector<DateOverride>> overrides =
      ParseDateOverrides(text);
  if (overrides.ok()) {
    Fail(text, "accepted");
  } else {
    std::cout << "ok   \"" << text
              << "\" rejected: " << overrides.status().message() << "\n";
  }
}

// Expects the first override of `text` to be on `year`-`month`-`day` with
// `interval_count` intervals, the first from `start_hours` to `end_hours`.
void ExpectFirst(const std::string& text, int year, int month, int day,
                 int interval_count, int start_hours, int end_hours) {
  absl::StatusOr<std::vector<DateOverride>> overrides =
      ParseDateOverrides(text);
  if (!overrides.ok() || overrides->empty()) {
    Fail(text, "no overrides");
    return;
  }
  const DateOverride& first = overrides->front();
  bool matches = first.date().year() == year && first.date().month() == month &&
                 first.date().day() == day &&
                 first.open_intervals_size() == interval_count;
  if (matches && interval_count > 0) {
    const scheduling::v1::TimeRange& range = first.open_intervals(0);
    matches = range.start_time().hours() == start_hours &&
              range.start_time().minutes() == 0 &&
              range.end_time().hours() == end_hours &&
              range.end_time().minutes() == 0;
  }
  if (!matches) Fail(text, "first override is " + first.ShortDebugString());
}

}  // namespace
}  // namespace scheduling::cli

int main() {
  using scheduling::cli::ExpectFirst;
  using scheduling::cli::ExpectRejected;
  using scheduling::cli::ExpectRoundTrip;

  ExpectRoundTrip("2026-12-24=09:00-12:00; 2026-12-25=closed",
                  "2026-12-24=09:00-12:00; 2026-12-25=closed", 2);
  ExpectRoundTrip("", "none", 0);
  ExpectRoundTrip("  ;  ", "none", 0);
  ExpectRoundTrip(
      " 2026-12-31 = 13:00 - 15:00 , 9:00-12:00 ;2026-01-01=CLOSED;",
      "2026-01-01=closed; 2026-12-31=09:00-12:00,13:00-15:00", 2);
  ExpectRoundTrip("2028-02-29=00:00-24:00", "2028-02-29=00:00-24:00", 1);
  ExpectRoundTrip("2026-03-29=09:00-10:00,10:00-11:00",
                  "2026-03-29=09:00-10:00,10:00-11:00", 1);
  ExpectRoundTrip("2027-01-02=closed; 2026-12-30=10:00-11:00",
                  "2026-12-30=10:00-11:00; 2027-01-02=closed", 2);
  ExpectFirst("2026-12-25=closed", 2026, 12, 25, 0, 0, 0);
  ExpectFirst("2026-12-24=14:00-16:00,08:00-10:00", 2026, 12, 24, 2, 8, 10);
  ExpectFirst("2026-12-31=10:00-11:00; 2026-06-01=22:00-24:00", 2026, 6, 1, 1,
              22, 24);

  ExpectRejected("2026-12-24");
  ExpectRejected("2026-12-24=");
  ExpectRejected("=09:00-12:00");
  ExpectRejected("2026-02-30=closed");
  ExpectRejected("2026-13-01=closed");
  ExpectRejected("2027-02-29=closed");
  ExpectRejected("2026-2-3=closed");
  ExpectRejected("26-12-24=closed");
  ExpectRejected("0000-01-01=closed");
  ExpectRejected("12/24/2026=closed");
  ExpectRejected("2026-12-24=shut");
  ExpectRejected("2026-12-24=closed,09:00-10:00");
  ExpectRejected("2026-12-24=12:00-09:00");
  ExpectRejected("2026-12-24=09:00-24:01");
  ExpectRejected("2026-12-24=09:00-12:00,11:00-13:00");
  ExpectRejected("2026-12-24=09:00-12:00,");
  ExpectRejected("2026-12-24=closed; 2026-12-24=09:00-10:00");
  ExpectRejected("2026-12-24 09:00-12:00");

  if (scheduling::cli::failures > 0) {
    std::cout << scheduling::cli::failures << " failed\n";
    return 1;
  }
  std::cout << "all passed\n";
  return 0;
}
