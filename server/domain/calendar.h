// Calendars as the domain sees them: plain values, no I/O.
//
// Thread-safety: value types; safe to share when not mutated.
#ifndef SCHEDULING_SERVER_DOMAIN_CALENDAR_H_
#define SCHEDULING_SERVER_DOMAIN_CALENDAR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace scheduling::domain {

inline constexpr int kMinutesPerDay = 24 * 60;

// A weekly recurring interval of wall-clock minutes on one weekday, in the
// calendar's time zone: [start_minute, end_minute), 0 <= start < end <= 1440.
struct OpenInterval {
  absl::Weekday weekday = absl::Weekday::monday;
  int start_minute = 0;
  int end_minute = 0;

  friend bool operator==(const OpenInterval& a, const OpenInterval& b) {
    return a.weekday == b.weekday && a.start_minute == b.start_minute &&
           a.end_minute == b.end_minute;
  }
};

// What decides which slots a calendar offers.
struct AvailabilityRules {
  absl::TimeZone zone;
  // Length of a booking; slots also start every `duration` within an
  // open interval.
  absl::Duration duration = absl::Minutes(30);
  std::vector<OpenInterval> weekly_hours;
};

enum class CalendarStatus { kActive, kInactive };

// A calendar as stored. `pk` is the database key, never shown to callers;
// `calendar_id` is the last segment of its resource name.
struct Calendar {
  int64_t pk = 0;
  std::string location_id;
  std::string calendar_id;
  std::string slug;
  std::string display_name;
  std::string time_zone_name;
  AvailabilityRules rules;
  CalendarStatus status = CalendarStatus::kActive;
  absl::Time create_time;
  absl::Time update_time;
  int64_t version = 1;  // bumped by every change; the etag derives from it
};

}  // namespace scheduling::domain

#endif  // SCHEDULING_SERVER_DOMAIN_CALENDAR_H_
