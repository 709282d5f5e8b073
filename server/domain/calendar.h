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

// Wall-clock minutes [start_minute, end_minute) within one day.
struct MinuteRange {
  int start_minute = 0;
  int end_minute = 0;

  friend bool operator==(const MinuteRange& a, const MinuteRange& b) {
    return a.start_minute == b.start_minute && a.end_minute == b.end_minute;
  }
};

// Hours of one local date that replace that weekday's weekly hours; no
// intervals means closed all day.
struct DateOverride {
  absl::CivilDay date;
  std::vector<MinuteRange> intervals;

  friend bool operator==(const DateOverride& a, const DateOverride& b) {
    return a.date == b.date && a.intervals == b.intervals;
  }
};

// How a calendar's hosts take bookings (see CalendarType in the proto).
enum class CalendarType {
  kEvent,         // one host (member or the calendar itself)
  kRoundRobin,    // any free member; one is assigned
  kCollective,    // every member must be free; all attend
  kClassBooking,  // seats per slot
  kService,       // like kEvent, duration chosen among allowed ones
};

// What decides which slots a calendar offers.
struct AvailabilityRules {
  absl::TimeZone zone;
  // Default length of a booking (the only one except for kService).
  absl::Duration duration = absl::Minutes(30);
  // Distance between slot starts within an open interval; zero means
  // `duration`.
  absl::Duration slot_interval = absl::ZeroDuration();
  std::vector<OpenInterval> weekly_hours;
  std::vector<DateOverride> date_overrides;  // at most one per date
  absl::Duration buffer_before = absl::ZeroDuration();
  absl::Duration buffer_after = absl::ZeroDuration();
  // A slot must start at least this long after now.
  absl::Duration minimum_notice = absl::ZeroDuration();
  // A slot must start before now + this many days; 0 means no limit.
  int booking_horizon_days = 0;
  // Most active bookings of the calendar per local date; 0 means no limit.
  int max_bookings_per_day = 0;
  // Most per local week, Monday to Sunday; 0 means no limit.
  int max_bookings_per_week = 0;
  // Most per local calendar month; 0 means no limit.
  int max_bookings_per_month = 0;
  // kClassBooking: seats per slot. Others: 1.
  int seats_per_slot = 1;

  // `slot_interval`, or `duration` when unset.
  absl::Duration EffectiveSlotInterval() const {
    return slot_interval > absl::ZeroDuration() ? slot_interval : duration;
  }
};

enum class CalendarStatus { kActive, kInactive };

// Most bookings a member attends per period of the calendar's local time
// (day; week, Monday to Sunday; calendar month), counted over every
// calendar of the location. 0 means no limit.
struct MemberLimits {
  int per_day = 0;
  int per_week = 0;
  int per_month = 0;

  bool Any() const { return per_day > 0 || per_week > 0 || per_month > 0; }

  friend bool operator==(const MemberLimits& a, const MemberLimits& b) {
    return a.per_day == b.per_day && a.per_week == b.per_week &&
           a.per_month == b.per_month;
  }
};

// Who a round-robin booking goes to first among the members offered.
enum class MemberPriority { kHigh, kMedium, kLow };

// What a calendar says about one of its members beyond being one.
struct MemberSettings {
  std::string member;  // one of Calendar::members
  MemberLimits limits;
  // kRoundRobin only.
  MemberPriority priority = MemberPriority::kMedium;
  // kRoundRobin only, 1 to 100: the member's share of bookings relative to
  // the others' (see RoundRobinDistribution).
  int weight = 1;

  friend bool operator==(const MemberSettings& a, const MemberSettings& b) {
    return a.member == b.member && a.limits == b.limits &&
           a.priority == b.priority && a.weight == b.weight;
  }
};

// How a round-robin calendar spreads bookings over its members. A
// member's load is its active bookings on the calendar divided by its
// weight.
//
// Both: a booking goes to the offered free member of the highest
// priority, then the lowest load, then the least recently booked, then
// the first in member order.
enum class RoundRobinDistribution {
  // Every member is offered whenever free.
  kOptimizeForAvailability,
  // A member whose bookings reach weight x (the lowest load of any
  // member) + max_lead is not offered until the others catch up; slots
  // only such members are free for are not offered.
  kEqualDistribution,
};

// The lead, in bookings, that kEqualDistribution allows when none is set
// (Calendly's).
inline constexpr int kDefaultMaxLead = 3;

// A calendar as stored. `pk` is the database key, never shown to callers;
// `calendar_id` is the last segment of its resource name.
struct Calendar {
  int64_t pk = 0;
  std::string location_id;
  std::string calendar_id;
  std::string slug;
  std::string display_name;
  std::string time_zone_name;
  CalendarType type = CalendarType::kEvent;
  // Member ids in the order given; see CalendarType for how many.
  std::vector<std::string> members;
  // Settings of some members, at most one each; a member without any has
  // the defaults (no limits).
  std::vector<MemberSettings> member_settings;
  // kRoundRobin only.
  RoundRobinDistribution distribution =
      RoundRobinDistribution::kOptimizeForAvailability;
  // kEqualDistribution: the lead in bookings that hides a member.
  int max_lead = kDefaultMaxLead;
  // kService: durations an invitee may choose, including rules.duration.
  std::vector<absl::Duration> allowed_durations;
  AvailabilityRules rules;
  CalendarStatus status = CalendarStatus::kActive;
  std::string group_id;       // empty when ungrouped
  bool group_enabled = true;  // false when its group is disabled
  bool deleted = false;       // deleted calendars stay readable by links
  absl::Time create_time;
  absl::Time update_time;
  int64_t version = 1;  // bumped by every change; the etag derives from it
  // Bumped by every change to its bookings (see the store's booking cache).
  int64_t booking_revision = 0;

  // The settings of `member`: its entry in member_settings, or defaults.
  MemberSettings SettingsOf(const std::string& member) const {
    for (const MemberSettings& settings : member_settings) {
      if (settings.member == member) return settings;
    }
    return MemberSettings{member, {}};
  }

  // Whether it takes bookings now: active, not deleted and not in a
  // disabled group.
  bool TakesBookings() const {
    return status == CalendarStatus::kActive && group_enabled && !deleted;
  }
};

// A group of calendars.
struct Group {
  int64_t pk = 0;
  std::string location_id;
  std::string group_id;
  std::string display_name;
  std::string description;
  bool enabled = true;
  int calendar_count = 0;
  absl::Time create_time;
  absl::Time update_time;
  int64_t version = 1;
};

}  // namespace scheduling::domain

#endif  // SCHEDULING_SERVER_DOMAIN_CALENDAR_H_
