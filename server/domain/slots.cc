#include "server/domain/slots.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace scheduling::domain {
namespace {

bool StartsBefore(const TimeInterval& a, const TimeInterval& b) {
  return a.start < b.start;
}

// Appends the slots of one open interval on `day` whose start lies in
// `range`. Slots are cut from the interval's first instant, so the grid is
// anchored to the interval, not to the range.
void AppendIntervalSlots(const AvailabilityRules& rules, absl::CivilDay day,
                         const OpenInterval& open, TimeInterval range,
                         std::vector<TimeInterval>& slots) {
  const absl::CivilMinute midnight(day);
  const absl::Time open_start =
      ToInstant(midnight + open.start_minute, rules.zone);
  const absl::Time open_end = ToInstant(midnight + open.end_minute, rules.zone);
  absl::Time start = open_start;
  if (start < range.start) {
    // Jump to the first slot at or after range.start instead of walking
    // the grid from the interval's start.
    absl::Duration remainder;
    const int64_t skipped =
        absl::IDivDuration(range.start - start, rules.duration, &remainder);
    start += rules.duration *
             (remainder == absl::ZeroDuration() ? skipped : skipped + 1);
  }
  while (start < range.end) {
    const absl::Time end = start + rules.duration;
    if (end > open_end) break;
    slots.push_back(TimeInterval{start, end});
    start = end;
  }
}

// The first slot in [first, last) that starts at or after `limit`, given
// slots in start order. Costs O(log k) where k is the distance to it.
std::vector<TimeInterval>::iterator GallopPastStartsBefore(
    std::vector<TimeInterval>::iterator first,
    std::vector<TimeInterval>::iterator last, absl::Time limit) {
  auto starts_before = [limit](const TimeInterval& slot) {
    return slot.start < limit;
  };
  std::ptrdiff_t step = 1;
  while (last - first > step && starts_before(first[step])) {
    first += step;
    step *= 2;
  }
  return std::partition_point(first, first + std::min(step, last - first),
                              starts_before);
}

}  // namespace

absl::Time ToInstant(absl::CivilMinute wall_clock, absl::TimeZone zone) {
  const absl::TimeZone::TimeInfo info = zone.At(absl::CivilSecond(wall_clock));
  // For a unique time `pre` is the instant; for a repeated one it is the
  // first occurrence. A skipped time has no instant of its own.
  return info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre;
}

std::vector<TimeInterval> OfferedSlots(const AvailabilityRules& rules,
                                       TimeInterval range) {
  std::vector<TimeInterval> slots;
  // An unbounded range has no last day to walk to and a non-positive
  // duration no grid; neither comes from a validated request.
  if (range.start >= range.end || range.start == absl::InfinitePast() ||
      range.end == absl::InfiniteFuture() ||
      rules.duration <= absl::ZeroDuration()) {
    return slots;
  }
  // A day of margin on each side: an interval of the previous date can run
  // into the range (it may end at 24:00), and around a transition near
  // midnight an instant's civil date can differ from the date whose
  // interval produces a slot at that instant.
  const absl::CivilDay first_day =
      absl::ToCivilDay(range.start, rules.zone) - 1;
  const absl::CivilDay last_day = absl::ToCivilDay(range.end, rules.zone) + 1;
  for (absl::CivilDay day = first_day; day <= last_day; ++day) {
    const absl::Weekday weekday = absl::GetWeekday(day);
    for (const OpenInterval& open : rules.weekly_hours) {
      if (open.weekday == weekday) {
        AppendIntervalSlots(rules, day, open, range, slots);
      }
    }
  }
  // Days are walked in order, but a day's intervals need not be, and
  // overlapping intervals can cut the same slot twice.
  if (!std::is_sorted(slots.begin(), slots.end(), StartsBefore)) {
    std::sort(slots.begin(), slots.end(), StartsBefore);
  }
  slots.erase(std::unique(slots.begin(), slots.end()), slots.end());
  return slots;
}

std::vector<TimeInterval> FreeSlots(const AvailabilityRules& rules,
                                    TimeInterval range, absl::Time now,
                                    absl::Span<const TimeInterval> busy) {
  range.start = std::max(range.start, now);
  std::vector<TimeInterval> slots = OfferedSlots(rules, range);
  // All slots have the same length, so their ends ascend with their
  // starts and the slots a busy interval overlaps form a run: a binary
  // search finds where it begins and a gallop where it ends (a booking
  // usually covers a slot or two). Runs are added into a difference array
  // rather than marked slot by slot, so a long busy interval stays cheap,
  // and `busy` needs no sorting: O(busy * log(slots) + slots).
  std::vector<int> runs_opened(slots.size() + 1, 0);
  for (const TimeInterval& interval : busy) {
    // An empty interval holds no instant, so it blocks nothing.
    if (interval.start >= interval.end) continue;
    const auto first = std::partition_point(
        slots.begin(), slots.end(),
        [&](const TimeInterval& slot) { return slot.end <= interval.start; });
    const auto last = GallopPastStartsBefore(first, slots.end(), interval.end);
    if (first < last) {
      ++runs_opened[first - slots.begin()];
      --runs_opened[last - slots.begin()];
    }
  }
  int covering = 0;
  size_t kept = 0;
  for (size_t i = 0; i < slots.size(); ++i) {
    covering += runs_opened[i];
    if (covering == 0) slots[kept++] = slots[i];
  }
  slots.resize(kept);
  return slots;
}

bool FindOfferedSlot(const AvailabilityRules& rules, absl::Time start,
                     TimeInterval* slot) {
  // OfferedSlots walks the neighbouring dates too, so an interval that
  // began on the previous date is considered.
  const std::vector<TimeInterval> slots =
      OfferedSlots(rules, TimeInterval{start, start + absl::Nanoseconds(1)});
  if (slots.empty() || slots.front().start != start) return false;
  *slot = slots.front();
  return true;
}

std::string FormatLocalTime(absl::Time instant, absl::TimeZone zone) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", instant, zone);
}

}  // namespace scheduling::domain
