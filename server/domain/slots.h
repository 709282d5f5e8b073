// The slot engine: which slots a calendar offers in a time range.
//
// Slots are computed from the calendar's weekly open hours in its own time
// zone. Each open interval [start, end) of wall-clock time on a date is
// mapped to instants (see ToInstant), then cut into consecutive slots of
// `duration` from its first instant; a slot must end by the interval's end.
// So a skipped wall-clock hour (spring forward) yields no slots and a
// repeated one (fall back) yields its slots twice, as the wall clock shows
// them twice.
//
// Thread-safety: pure functions.
#ifndef SCHEDULING_SERVER_DOMAIN_SLOTS_H_
#define SCHEDULING_SERVER_DOMAIN_SLOTS_H_

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "server/domain/calendar.h"

namespace scheduling::domain {

// A half-open interval of instants [start, end).
struct TimeInterval {
  absl::Time start;
  absl::Time end;

  friend bool operator==(const TimeInterval& a, const TimeInterval& b) {
    return a.start == b.start && a.end == b.end;
  }
};

// The longest range ListFreeSlots accepts.
inline constexpr absl::Duration kMaxSlotRange = absl::Hours(24 * 31);

// The instant at which a wall-clock time in `zone` begins to hold. A time
// in a skipped hour maps to the transition (the first instant after the
// gap); a time in a repeated hour maps to its first occurrence.
absl::Time ToInstant(absl::CivilMinute wall_clock, absl::TimeZone zone);

// All slots the rules offer whose start lies in `range`, in start order,
// regardless of bookings or the current time.
std::vector<TimeInterval> OfferedSlots(const AvailabilityRules& rules,
                                       TimeInterval range);

// The free slots: offered slots in `range` that start at or after `now`
// and overlap none of `busy` (any order; may overlap each other).
std::vector<TimeInterval> FreeSlots(const AvailabilityRules& rules,
                                    TimeInterval range, absl::Time now,
                                    absl::Span<const TimeInterval> busy);

// The offered slot starting exactly at `start`, if there is one.
bool FindOfferedSlot(const AvailabilityRules& rules, absl::Time start,
                     TimeInterval* slot);

// RFC 3339 wall-clock time with offset in `zone`, seconds precision, e.g.
// "2026-03-08T03:00:00-04:00".
std::string FormatLocalTime(absl::Time instant, absl::TimeZone zone);

}  // namespace scheduling::domain

#endif  // SCHEDULING_SERVER_DOMAIN_SLOTS_H_
