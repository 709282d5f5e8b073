#include "server/domain/slots.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string_view>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/domain/errors.h"
#include "server/domain/one_time_link.h"

namespace scheduling::domain {
namespace {

constexpr char kSlotUnavailableMessage[] =
    "This time slot is no longer available. Please choose another one.";
constexpr char kNotTakingBookingsMessage[] =
    "The calendar is not taking bookings.";

// Inside the engine an instant is nanoseconds since the epoch. Slot bounds
// are whole seconds (zone offsets) plus whole-nanosecond durations (as
// protobuf's are), so they are exact, and the hot loops compare plain
// integers instead of absl::Time's two-part representation. Bounds from
// outside are rounded so that each comparison with a whole nanosecond stays
// exact: n > t iff n > floor(t), and n < t iff n < ceil(t). Infinite times
// saturate to the int64 limits.
int64_t FloorNanos(absl::Time t) { return absl::ToUnixNanos(t); }

int64_t CeilNanos(absl::Time t) {
  const int64_t floor = absl::ToUnixNanos(t);
  return floor < std::numeric_limits<int64_t>::max() &&
                 absl::FromUnixNanos(floor) < t
             ? floor + 1
             : floor;
}

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t sum;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return b > 0 ? std::numeric_limits<int64_t>::max()
               : std::numeric_limits<int64_t>::min();
}

// Slots of one length, by their starts in strictly ascending order.
struct SlotGrid {
  std::vector<int64_t> starts;
  int64_t length = 0;

  size_t size() const { return starts.size(); }
  TimeInterval Slot(size_t i) const {
    return TimeInterval{absl::FromUnixNanos(starts[i]),
                        absl::FromUnixNanos(starts[i] + length)};
  }
};

// Appends the slot starts of the open wall-clock interval [start_minute,
// end_minute) of `day` that lie in [range_start, range_end). Slots are cut
// from the interval's first instant, so the grid is anchored to the
// interval, not to the range.
void AppendIntervalStarts(const AvailabilityRules& rules, int64_t step,
                          int64_t length, absl::CivilDay day, int start_minute,
                          int end_minute, int64_t range_start,
                          int64_t range_end, std::vector<int64_t>& starts) {
  const absl::CivilMinute midnight(day);
  // Saturating, so that absurd lengths and steps from unvalidated rules
  // yield no slots rather than overflow.
  const int64_t last_start = SaturatingAdd(
      FloorNanos(ToInstant(midnight + end_minute, rules.zone)), -length);
  int64_t start = FloorNanos(ToInstant(midnight + start_minute, rules.zone));
  if (start < range_start) {
    // Jump to the first slot at or after the range's start instead of
    // walking the grid from the interval's start.
    const int64_t past_grid = (range_start - start) % step;
    start = past_grid == 0 ? range_start
                           : SaturatingAdd(range_start, step - past_grid);
  }
  for (; start < range_end && start <= last_start;
       start = SaturatingAdd(start, step)) {
    starts.push_back(start);
  }
}

// The overrides of dates in [first, last], so that each date of a walk
// looks among a few rather than among every override the calendar has.
std::vector<const DateOverride*> OverridesBetween(
    const AvailabilityRules& rules, absl::CivilDay first, absl::CivilDay last) {
  std::vector<const DateOverride*> overrides;
  for (const DateOverride& date_override : rules.date_overrides) {
    if (date_override.date >= first && date_override.date <= last) {
      overrides.push_back(&date_override);
    }
  }
  return overrides;
}

// The slots of length `duration` that the rules' hours offer with a start
// in `range` (see OfferedSlots).
SlotGrid MakeSlotGrid(const AvailabilityRules& rules, absl::Duration duration,
                      TimeInterval range) {
  SlotGrid grid;
  grid.length = absl::ToInt64Nanoseconds(duration);
  const int64_t step = absl::ToInt64Nanoseconds(rules.EffectiveSlotInterval());
  // An unbounded range has no last day to walk to and a non-positive
  // duration or interval no grid; none comes from a validated request.
  if (range.start >= range.end || range.start == absl::InfinitePast() ||
      range.end == absl::InfiniteFuture() || grid.length <= 0 || step <= 0) {
    return grid;
  }
  // A day of margin on each side: an interval of the previous date can run
  // into the range (it may end at 24:00), and around a transition near
  // midnight an instant's civil date can differ from the date whose
  // interval produces a slot at that instant.
  const absl::CivilDay first_day =
      absl::ToCivilDay(range.start, rules.zone) - 1;
  const absl::CivilDay last_day = absl::ToCivilDay(range.end, rules.zone) + 1;
  const std::vector<const DateOverride*> overrides =
      OverridesBetween(rules, first_day, last_day);
  const int64_t range_start = CeilNanos(range.start);
  const int64_t range_end = CeilNanos(range.end);
  for (absl::CivilDay day = first_day; day <= last_day; ++day) {
    const auto date_override =
        std::find_if(overrides.begin(), overrides.end(),
                     [day](const DateOverride* o) { return o->date == day; });
    if (date_override != overrides.end()) {
      for (const MinuteRange& open : (*date_override)->intervals) {
        AppendIntervalStarts(rules, step, grid.length, day, open.start_minute,
                             open.end_minute, range_start, range_end,
                             grid.starts);
      }
      continue;
    }
    const absl::Weekday weekday = absl::GetWeekday(day);
    for (const OpenInterval& open : rules.weekly_hours) {
      if (open.weekday == weekday) {
        AppendIntervalStarts(rules, step, grid.length, day, open.start_minute,
                             open.end_minute, range_start, range_end,
                             grid.starts);
      }
    }
  }
  // Days are walked in order, but a day's intervals need not be, and
  // overlapping intervals can cut the same slot twice.
  if (!std::is_sorted(grid.starts.begin(), grid.starts.end())) {
    std::sort(grid.starts.begin(), grid.starts.end());
  }
  grid.starts.erase(std::unique(grid.starts.begin(), grid.starts.end()),
                    grid.starts.end());
  return grid;
}

// Where instants fall among the ascending starts of a grid. A bucket table
// over their span makes a lookup O(1) for starts spread as slots are,
// rather than a binary search each.
class StartIndex {
 public:
  explicit StartIndex(const std::vector<int64_t>& starts)
      : size_(starts.size()) {
    // A copy ending in a sentinel that no instant exceeds, so that a scan
    // needs no bounds check.
    starts_.reserve(size_ + 1);
    starts_.assign(starts.begin(), starts.end());
    starts_.push_back(std::numeric_limits<int64_t>::max());
    if (size_ == 0) return;
    base_ = starts.front();
    // About four buckets per start, of a power-of-two width so that finding
    // a bucket is a shift. That is narrower than the gaps between slots in
    // open hours, so a bucket mostly holds one start or none.
    const uint64_t span = Offset(starts.back());
    while ((span >> shift_) > 4 * size_) ++shift_;
    first_at_least_.resize(static_cast<size_t>(span >> shift_) + 1);
    size_t bucket = 0;
    for (size_t i = 0; i < size_; ++i) {
      // The buckets after the previous start's, up to this start's own,
      // begin after every earlier start: start i is their first at least.
      const size_t last = static_cast<size_t>(Offset(starts[i]) >> shift_);
      for (; bucket <= last; ++bucket) first_at_least_[bucket] = i;
    }
  }

  // The index of the first start >= t (size if none).
  size_t FirstAtLeast(int64_t t) const {
    if (t <= base_) return 0;
    const uint64_t bucket = Offset(t) >> shift_;
    // Past the last start's bucket, every start is before t.
    if (bucket >= first_at_least_.size()) return size_;
    size_t i = first_at_least_[static_cast<size_t>(bucket)];
    // The bucket's one start before t, if any, is stepped over without a
    // branch: whether there is one follows no pattern, so a loop alone
    // mispredicted on most lookups.
    i += starts_[i] < t ? 1 : 0;
    while (starts_[i] < t) ++i;
    return i;
  }

  // The index of the first start > t (size if none).
  size_t FirstAfter(int64_t t) const {
    return t == std::numeric_limits<int64_t>::max() ? size_
                                                    : FirstAtLeast(t + 1);
  }

 private:
  // How far t, which must not precede the first start, lies past it.
  uint64_t Offset(int64_t t) const {
    return static_cast<uint64_t>(t) - static_cast<uint64_t>(base_);
  }

  size_t size_;
  std::vector<int64_t> starts_;  // then the sentinel
  int64_t base_ = 0;             // the first start
  int shift_ = 0;
  // Per bucket, up to the last start's: the first start at or after the
  // bucket's beginning.
  std::vector<size_t> first_at_least_;
};

// Who hosts a calendar's bookings, as indices into its members: every
// member for kRoundRobin and kCollective, else the first member (the host)
// if there is one.
size_t HostCount(const Calendar& calendar) {
  switch (calendar.type) {
    case CalendarType::kRoundRobin:
    case CalendarType::kCollective:
      return calendar.members.size();
    case CalendarType::kEvent:
    case CalendarType::kService:
    case CalendarType::kClassBooking:
      break;
  }
  return std::min<size_t>(calendar.members.size(), 1);
}

// The `Word` at `p`, which need not be aligned.
template <typename Word>
Word LoadWord(const char* p) {
  Word word;
  std::memcpy(&word, p, sizeof(word));
  return word;
}

// Whether two member ids are equal. Ids are short and a context names
// thousands, so they are compared as a few words, the last two
// overlapping: a byte loop mispredicted at its end as lengths varied, and
// calls to memcmp cost more than the comparison (they were a tenth of the
// engine's time).
bool SameId(std::string_view a, std::string_view b) {
  const size_t size = a.size();
  if (size != b.size()) return false;
  const char* x = a.data();
  const char* y = b.data();
  if (size >= 8) {
    for (size_t i = 0; i + 8 < size; i += 8) {
      if (LoadWord<uint64_t>(x + i) != LoadWord<uint64_t>(y + i)) return false;
    }
    return LoadWord<uint64_t>(x + size - 8) == LoadWord<uint64_t>(y + size - 8);
  }
  if (size >= 4) {
    return ((LoadWord<uint32_t>(x) ^ LoadWord<uint32_t>(y)) |
            (LoadWord<uint32_t>(x + size - 4) ^
             LoadWord<uint32_t>(y + size - 4))) == 0;
  }
  // Up to three bytes: the first, middle and last are all of them.
  return size == 0 || ((x[0] ^ y[0]) | (x[size / 2] ^ y[size / 2]) |
                       (x[size - 1] ^ y[size - 1])) == 0;
}

// A calendar's hosts by id. A context names members thousands of times
// per call, so a lookup hashes an id's length and end bytes into a table
// (no string hashing, no allocation) and compares whole ids only with the
// few hosts there. A sorted list's comparisons mispredicted on most
// lookups.
class HostIndex {
 public:
  HostIndex(const std::vector<std::string>& members, size_t host_count)
      : members_(members) {
    size_t buckets = 8;
    while (buckets < 2 * host_count) buckets *= 2;
    mask_ = buckets - 1;
    first_.assign(buckets, kNone);
    next_.assign(host_count, kNone);
    for (size_t h = 0; h < host_count; ++h) {
      const size_t bucket = Bucket(members[h]);
      next_[h] = first_[bucket];
      first_[bucket] = h;
    }
  }

  // Calls `f(host)` for each host (an index into the calendar's members)
  // whose id is `id`: a calendar may list an id more than once.
  template <typename F>
  void ForEachHost(std::string_view id, F f) const {
    for (size_t h = first_[Bucket(id)]; h != kNone; h = next_[h]) {
      if (SameId(members_[h], id)) f(h);
    }
  }

 private:
  static constexpr size_t kNone = std::numeric_limits<size_t>::max();

  size_t Bucket(std::string_view id) const {
    if (id.empty()) return 0;
    const size_t hash = id.size() * 0x9e3779b1u +
                        static_cast<unsigned char>(id.front()) * 0x85ebca6bu +
                        static_cast<unsigned char>(id.back());
    return (hash ^ (hash >> 16)) & mask_;
  }

  const std::vector<std::string>& members_;
  size_t mask_ = 0;
  std::vector<size_t> first_;  // per bucket: its first host, or kNone
  std::vector<size_t> next_;   // per host: the next in its bucket, or kNone
};

// The local dates around a run of slots, grouped into the periods that
// booking limits count in: dates, weeks (Monday to Sunday) and calendar
// months of the calendar's zone. It spans every date of the periods that
// hold a slot, so that counting bookings inside the span counts all of
// them; an instant finds its date with integer arithmetic rather than a
// zone conversion.
class LocalPeriods {
 public:
  enum Kind { kDay = 0, kWeek = 1, kMonth = 2 };
  static constexpr int kKinds = 3;

  // Spans the dates of the slots starting from `first_start` to
  // `last_start`, widened to whole weeks and months when `weeks` and
  // `months` (whether limits count in them).
  LocalPeriods(absl::TimeZone zone, int64_t first_start, int64_t last_start,
               bool weeks, bool months) {
    const absl::CivilDay first_slot_day =
        absl::ToCivilDay(absl::FromUnixNanos(first_start), zone);
    const absl::CivilDay last_slot_day =
        absl::ToCivilDay(absl::FromUnixNanos(last_start), zone);
    absl::CivilDay first = first_slot_day;
    absl::CivilDay last = last_slot_day;
    if (weeks) {
      first = std::min(first, WeekStart(first_slot_day));
      last = std::max(last, WeekStart(last_slot_day) + 6);
    }
    if (months) {
      first = std::min(first, absl::CivilDay(absl::CivilMonth(first_slot_day)));
      last = std::max(last,
                      absl::CivilDay(absl::CivilMonth(last_slot_day) + 1) - 1);
    }
    const absl::CivilDay first_week = WeekStart(first);
    const absl::CivilMonth first_month(first);
    const size_t days = static_cast<size_t>(last - first) + 1;
    day_starts_.reserve(days + 1);
    for (auto& ids : period_) ids.reserve(days);
    for (absl::CivilDay day = first; day <= last + 1; ++day) {
      day_starts_.push_back(
          FloorNanos(ToInstant(absl::CivilMinute(day), zone)));
      if (day > last) break;
      period_[kDay].push_back(static_cast<size_t>(day - first));
      period_[kWeek].push_back(
          static_cast<size_t>((WeekStart(day) - first_week) / 7));
      period_[kMonth].push_back(
          static_cast<size_t>(absl::CivilMonth(day) - first_month));
    }
  }

  // How many dates it spans.
  size_t Days() const { return day_starts_.size() - 1; }

  // The index of the date that instant `t` falls on, or Days() if outside.
  size_t DateOf(int64_t t) const {
    // A local date lasts 24 hours give or take a transition, so dividing
    // lands on the date or next to it.
    constexpr int64_t kNanosPerDay = int64_t{24} * 60 * 60 * 1000 * 1000 * 1000;
    if (t < day_starts_.front() || t >= day_starts_.back()) return Days();
    size_t day =
        std::min(static_cast<size_t>((t - day_starts_.front()) / kNanosPerDay),
                 Days() - 1);
    while (day_starts_[day] > t) --day;
    while (day_starts_[day + 1] <= t) ++day;
    return day;
  }

  // The period of `kind` that date `date` (< Days()) lies in, from 0.
  size_t PeriodOf(Kind kind, size_t date) const { return period_[kind][date]; }

  // How many periods of `kind` it spans.
  size_t Periods(Kind kind) const { return period_[kind].back() + 1; }

 private:
  static absl::CivilDay WeekStart(absl::CivilDay day) {
    // absl::Weekday counts from Monday = 0.
    return day - static_cast<int>(absl::GetWeekday(day));
  }

  std::vector<int64_t> day_starts_;     // then the instant after the last date
  std::vector<size_t> period_[kKinds];  // per kind, per date
};

// Bookings per period of a LocalPeriods.
class PeriodCounts {
 public:
  explicit PeriodCounts(const LocalPeriods& periods) : periods_(&periods) {
    for (int kind = 0; kind < LocalPeriods::kKinds; ++kind) {
      counts_[kind].assign(
          periods.Periods(static_cast<LocalPeriods::Kind>(kind)), 0);
    }
  }

  // Counts a booking on date `date`; one outside the span (Days()) counts
  // nowhere.
  void Add(size_t date) {
    if (date >= periods_->Days()) return;
    for (int kind = 0; kind < LocalPeriods::kKinds; ++kind) {
      ++counts_[kind][periods_->PeriodOf(static_cast<LocalPeriods::Kind>(kind),
                                         date)];
    }
  }

  // Whether a period around date `date` has reached its limit in `limits`.
  bool Reached(size_t date, const MemberLimits& limits) const {
    if (date >= periods_->Days()) return false;
    const int limit[LocalPeriods::kKinds] = {limits.per_day, limits.per_week,
                                             limits.per_month};
    for (int kind = 0; kind < LocalPeriods::kKinds; ++kind) {
      if (limit[kind] > 0 &&
          counts_[kind][periods_->PeriodOf(
              static_cast<LocalPeriods::Kind>(kind), date)] >= limit[kind]) {
        return true;
      }
    }
    return false;
  }

 private:
  const LocalPeriods* periods_;
  std::vector<int> counts_[LocalPeriods::kKinds];
};

// A round-robin member's standing: what assignment and equal
// distribution compare.
struct MemberShare {
  int64_t bookings = 0;  // active bookings on the calendar
  int64_t weight = 1;
  absl::Time last_booked = absl::InfinitePast();
  int priority_rank = 1;  // 0 high, 1 medium, 2 low
};

// The standing of each of the calendar's members, in member order.
std::vector<MemberShare> MemberShares(
    const Calendar& calendar, const std::map<std::string, MemberLoad>& loads) {
  std::vector<MemberShare> shares(calendar.members.size());
  for (size_t m = 0; m < calendar.members.size(); ++m) {
    const MemberSettings settings = calendar.SettingsOf(calendar.members[m]);
    shares[m].weight = std::max(settings.weight, 1);
    shares[m].priority_rank = static_cast<int>(settings.priority);
    if (const auto it = loads.find(calendar.members[m]); it != loads.end()) {
      shares[m].bookings = it->second.bookings;
      shares[m].last_booked = it->second.last_booked;
    }
  }
  return shares;
}

// Whether a's load (bookings / weight) is below b's, compared exactly.
bool LoadBelow(const MemberShare& a, const MemberShare& b) {
  return a.bookings * b.weight < b.bookings * a.weight;
}

// Whether `member` has reached weight x (lowest's load) + max_lead
// bookings: bookings - weight * lowest.bookings / lowest.weight >= lead.
bool TooFarAhead(const MemberShare& member, const MemberShare& lowest,
                 int max_lead) {
  return member.bookings * lowest.weight - member.weight * lowest.bookings >=
         int64_t{max_lead} * lowest.weight;
}

// What the bookings and busy members of a context leave of the slots of a
// grid, for one calendar.
//
// All slots have the same length, so their blocked intervals ascend in both
// start and end, and the slots that one booking (or busy entry) overlaps
// form a run: StartIndex finds its ends, and the run is added into a
// difference array rather than marked slot by slot. Nothing needs sorting
// and a long interval costs as little as a short one:
// O(bookings + busy + slots * hosts). Entries that end before the first
// slot's blocked interval or start after the last one's are passed over
// on two comparisons, which is most of them when DecideBooking looks at a
// single slot.
class SlotAvailability {
 public:
  SlotAvailability(const Calendar& calendar, const SlotGrid& grid,
                   const BookingContext& context);

  // Whether slot `i` may take a booking.
  bool IsFree(size_t i) const { return free_[i] != 0; }

  // How many slots may take a booking.
  size_t FreeCount() const {
    return static_cast<size_t>(std::count(free_.begin(), free_.end(), 1));
  }

  // Fills `free`, default-constructed, with slot `i` as ListFreeSlots shows
  // it; filled in place, so that a month of slots is written once rather
  // than built and then moved. Requires IsFree(i).
  void Describe(size_t i, FreeSlot& free) const;

 private:
  // Per slot, busy entries of host `host` overlapping the slot's blocked
  // interval.
  const int* HostCover(size_t host) const {
    return &host_cover_[host * (grid_.size() + 1)];
  }

  // Whether `interval` may overlap some slot's blocked interval; false
  // only when it cannot.
  bool InReach(const TimeInterval& interval) const {
    return interval.start < reach_.end && interval.end > reach_.start;
  }

  // Adds one to the coverage of each slot whose blocked interval overlaps
  // `interval`, except slot `skip` (pass grid_.size() for none).
  void Cover(const TimeInterval& interval, size_t skip, int* opened) const;

  // The slot starting at `start`, or grid_.size() if none.
  size_t IndexOfStart(absl::Time start) const;

  // Turns a difference array of `size` entries into the coverage of each
  // slot.
  static void Accumulate(int* counts, size_t size);

  void CoverCalendarBookings(const BookingContext& context);
  void CoverHostBusy(const BookingContext& context);
  // Clears free_ where a limit of the calendar is reached, and makes hosts
  // at one of their limits busy.
  void ApplyLimits(const BookingContext& context);
  // kEqualDistribution: makes the members too far ahead busy everywhere.
  void ApplyEqualDistribution(const BookingContext& context);
  // Clears free_ where the calendar type's rule fails.
  void ApplyTypeRule();

  const Calendar& calendar_;
  const SlotGrid& grid_;
  const StartIndex index_;
  const int64_t buffer_before_;
  const int64_t buffer_after_;
  const size_t host_count_;
  // Every instant that some slot's blocked interval holds lies in reach_.
  // An empty grid reaches nothing.
  TimeInterval reach_{absl::InfiniteFuture(), absl::InfinitePast()};
  // Per slot: bookings of this calendar (of other sessions, for a class)
  // whose blocked interval overlaps the slot's.
  std::vector<int> booking_cover_;
  // kClassBooking, per slot: bookings of its session.
  std::vector<int> session_size_;
  // Per host, per slot (grid_.size() + 1 entries a host): busy entries
  // overlapping the slot's blocked interval.
  std::vector<int> host_cover_;
  // Per slot: 1 if it may take a booking, else 0. Decided once for all
  // slots, in loops over one rule each rather than every rule per slot.
  std::vector<uint8_t> free_;
};

SlotAvailability::SlotAvailability(const Calendar& calendar,
                                   const SlotGrid& grid,
                                   const BookingContext& context)
    : calendar_(calendar),
      grid_(grid),
      index_(grid.starts),
      buffer_before_(absl::ToInt64Nanoseconds(calendar.rules.buffer_before)),
      buffer_after_(absl::ToInt64Nanoseconds(calendar.rules.buffer_after)),
      host_count_(HostCount(calendar)),
      free_(grid.size(), 1) {
  if (grid_.size() > 0) {
    // Slot s blocks [s - before, s + length + after). Where a bound does
    // not fit in nanoseconds, nothing is passed over on that side.
    int64_t reach_start;
    int64_t blocked_length;
    int64_t reach_end;
    reach_.start = __builtin_sub_overflow(grid_.starts.front(), buffer_before_,
                                          &reach_start)
                       ? absl::InfinitePast()
                       : absl::FromUnixNanos(reach_start);
    reach_.end =
        __builtin_add_overflow(grid_.length, buffer_after_, &blocked_length) ||
                __builtin_add_overflow(grid_.starts.back(), blocked_length,
                                       &reach_end)
            ? absl::InfiniteFuture()
            : absl::FromUnixNanos(reach_end);
  }
  CoverCalendarBookings(context);
  CoverHostBusy(context);
  ApplyLimits(context);
  ApplyEqualDistribution(context);
  ApplyTypeRule();
}

void SlotAvailability::Cover(const TimeInterval& interval, size_t skip,
                             int* opened) const {
  // An empty interval holds no instant, so it blocks nothing.
  if (interval.start >= interval.end) return;
  // Slot s is blocked over [s - before, s + length + after): it overlaps
  // the interval iff s > start - length - after and s < end + before.
  const size_t begin = index_.FirstAfter(SaturatingAdd(
      FloorNanos(interval.start), -(grid_.length + buffer_after_)));
  const size_t end = index_.FirstAtLeast(
      SaturatingAdd(CeilNanos(interval.end), buffer_before_));
  if (begin >= end) return;
  ++opened[begin];
  --opened[end];
  if (skip >= begin && skip < end) {
    --opened[skip];
    ++opened[skip + 1];
  }
}

size_t SlotAvailability::IndexOfStart(absl::Time start) const {
  const int64_t nanos = FloorNanos(start);
  const size_t i = index_.FirstAtLeast(nanos);
  // Converted back only on a match: `start` may have a fraction of a
  // nanosecond.
  return i < grid_.size() && grid_.starts[i] == nanos &&
                 absl::FromUnixNanos(nanos) == start
             ? i
             : grid_.size();
}

void SlotAvailability::Accumulate(int* counts, size_t size) {
  int running = 0;
  for (size_t i = 0; i < size; ++i) {
    running += counts[i];
    counts[i] = running;
  }
}

void SlotAvailability::CoverCalendarBookings(const BookingContext& context) {
  // Round robin and collective calendars book members, not the calendar:
  // their bookings block through the members' busy time alone.
  if (calendar_.type == CalendarType::kRoundRobin ||
      calendar_.type == CalendarType::kCollective) {
    return;
  }
  const bool is_class = calendar_.type == CalendarType::kClassBooking;
  booking_cover_.assign(grid_.size() + 1, 0);
  if (is_class) session_size_.assign(grid_.size(), 0);
  for (const CalendarBooking& booking : context.calendar_bookings) {
    size_t session = grid_.size();
    if (is_class) {
      session = IndexOfStart(booking.slot.start);
      if (session < grid_.size() &&
          booking.slot.end ==
              absl::FromUnixNanos(grid_.starts[session] + grid_.length)) {
        ++session_size_[session];
      } else {
        session = grid_.size();
      }
    }
    // A class session's own bookings fill its seats but do not block it.
    if (InReach(booking.blocked)) {
      Cover(booking.blocked, session, booking_cover_.data());
    }
  }
  Accumulate(booking_cover_.data(), booking_cover_.size());
}

void SlotAvailability::CoverHostBusy(const BookingContext& context) {
  const size_t stride = grid_.size() + 1;
  host_cover_.assign(host_count_ * stride, 0);
  if (host_count_ == 0) return;
  const HostIndex hosts(calendar_.members, host_count_);
  const bool is_class = calendar_.type == CalendarType::kClassBooking;
  for (const MemberBusy& busy : context.member_busy) {
    if (!InReach(busy.blocked)) continue;
    hosts.ForEachHost(busy.member, [&](size_t host) {
      // The host of a class attends each of its sessions: a seat taken in
      // a session leaves the host free for that session.
      const size_t session = is_class && busy.calendar_pk == calendar_.pk
                                 ? IndexOfStart(busy.slot_start)
                                 : grid_.size();
      Cover(busy.blocked, session, &host_cover_[host * stride]);
    });
  }
  for (size_t h = 0; h < host_count_; ++h) {
    Accumulate(&host_cover_[h * stride], stride);
  }
}

void SlotAvailability::ApplyLimits(const BookingContext& context) {
  const AvailabilityRules& rules = calendar_.rules;
  const MemberLimits calendar_limits{rules.max_bookings_per_day,
                                     rules.max_bookings_per_week,
                                     rules.max_bookings_per_month};
  std::vector<MemberLimits> host_limits(host_count_);
  bool hosts_limited = false;
  bool weeks = calendar_limits.per_week > 0;
  bool months = calendar_limits.per_month > 0;
  for (size_t h = 0; h < host_count_; ++h) {
    host_limits[h] = calendar_.SettingsOf(calendar_.members[h]).limits;
    hosts_limited |= host_limits[h].Any();
    weeks |= host_limits[h].per_week > 0;
    months |= host_limits[h].per_month > 0;
  }
  if ((!calendar_limits.Any() && !hosts_limited) || grid_.size() == 0) return;
  const LocalPeriods periods(rules.zone, grid_.starts.front(),
                             grid_.starts.back(), weeks, months);
  std::vector<size_t> slot_dates(grid_.size());
  for (size_t i = 0; i < grid_.size(); ++i) {
    slot_dates[i] = periods.DateOf(grid_.starts[i]);
  }
  if (calendar_limits.Any()) {
    PeriodCounts counts(periods);
    for (const CalendarBooking& booking : context.calendar_bookings) {
      counts.Add(periods.DateOf(FloorNanos(booking.slot.start)));
    }
    for (size_t i = 0; i < grid_.size(); ++i) {
      if (counts.Reached(slot_dates[i], calendar_limits)) free_[i] = 0;
    }
  }
  if (!hosts_limited) return;
  std::vector<PeriodCounts> host_counts(host_count_, PeriodCounts(periods));
  const HostIndex hosts(calendar_.members, host_count_);
  for (const MemberBusy& busy : context.member_busy) {
    const size_t date = periods.DateOf(FloorNanos(busy.slot_start));
    if (date == periods.Days()) continue;
    hosts.ForEachHost(busy.member,
                      [&](size_t host) { host_counts[host].Add(date); });
  }
  const size_t stride = grid_.size() + 1;
  for (size_t h = 0; h < host_count_; ++h) {
    if (!host_limits[h].Any()) continue;
    // A host at a limit is busy for the period's slots.
    int* cover = &host_cover_[h * stride];
    for (size_t i = 0; i < grid_.size(); ++i) {
      if (host_counts[h].Reached(slot_dates[i], host_limits[h])) ++cover[i];
    }
  }
}

void SlotAvailability::ApplyEqualDistribution(const BookingContext& context) {
  if (calendar_.type != CalendarType::kRoundRobin ||
      calendar_.distribution != RoundRobinDistribution::kEqualDistribution ||
      host_count_ == 0) {
    return;
  }
  const std::vector<MemberShare> shares =
      MemberShares(calendar_, context.member_load);
  const MemberShare& lowest =
      *std::min_element(shares.begin(), shares.end(), LoadBelow);
  const size_t stride = grid_.size() + 1;
  for (size_t h = 0; h < host_count_; ++h) {
    if (!TooFarAhead(shares[h], lowest, calendar_.max_lead)) continue;
    int* cover = &host_cover_[h * stride];
    for (size_t i = 0; i < grid_.size(); ++i) ++cover[i];
  }
}

void SlotAvailability::ApplyTypeRule() {
  const size_t slots = grid_.size();
  switch (calendar_.type) {
    case CalendarType::kRoundRobin: {
      // Free while any member is.
      std::vector<uint8_t> any_host_free(slots, 0);
      for (size_t h = 0; h < host_count_; ++h) {
        const int* cover = HostCover(h);
        for (size_t i = 0; i < slots; ++i) {
          any_host_free[i] |= (cover[i] == 0);
        }
      }
      for (size_t i = 0; i < slots; ++i) free_[i] &= any_host_free[i];
      return;
    }
    case CalendarType::kCollective:
      if (host_count_ == 0) std::fill(free_.begin(), free_.end(), 0);
      break;
    case CalendarType::kClassBooking:
      for (size_t i = 0; i < slots; ++i) {
        free_[i] &= (calendar_.rules.seats_per_slot - session_size_[i] > 0);
      }
      [[fallthrough]];
    case CalendarType::kEvent:
    case CalendarType::kService:
      for (size_t i = 0; i < slots; ++i) free_[i] &= (booking_cover_[i] == 0);
      break;
  }
  // Every host must be free.
  for (size_t h = 0; h < host_count_; ++h) {
    const int* cover = HostCover(h);
    for (size_t i = 0; i < slots; ++i) free_[i] &= (cover[i] == 0);
  }
}

void SlotAvailability::Describe(size_t i, FreeSlot& free) const {
  free.slot = grid_.Slot(i);
  if (calendar_.type == CalendarType::kClassBooking) {
    free.remaining_seats = calendar_.rules.seats_per_slot - session_size_[i];
  }
  for (size_t h = 0; h < host_count_; ++h) {
    if (HostCover(h)[i] == 0) free.free_members.Insert(h);
  }
}

// The free member a round-robin booking goes to (see
// RoundRobinDistribution): highest priority, then lowest load, then least
// recently booked, then first in member order. The member order settles
// ties among members never booked, so that a new team fills in the order
// it was given.
std::string AssignRoundRobin(const Calendar& calendar,
                             const MemberSet& free_members,
                             const std::map<std::string, MemberLoad>& loads) {
  const std::vector<MemberShare> shares = MemberShares(calendar, loads);
  size_t chosen = calendar.members.size();
  for (size_t m = 0; m < calendar.members.size(); ++m) {
    if (!free_members.Contains(m)) continue;
    if (chosen == calendar.members.size()) {
      chosen = m;
      continue;
    }
    const MemberShare& a = shares[m];
    const MemberShare& b = shares[chosen];
    if (a.priority_rank != b.priority_rank) {
      if (a.priority_rank < b.priority_rank) chosen = m;
    } else if (LoadBelow(a, b) || LoadBelow(b, a)) {
      if (LoadBelow(a, b)) chosen = m;
    } else if (a.last_booked < b.last_booked) {
      chosen = m;
    }
  }
  return chosen == calendar.members.size() ? std::string()
                                           : calendar.members[chosen];
}

// The durations a calendar accepts, for a message: "30m, 1h".
std::string DurationList(const Calendar& calendar) {
  std::vector<absl::Duration> durations = calendar.allowed_durations;
  durations.push_back(calendar.rules.duration);
  std::sort(durations.begin(), durations.end());
  durations.erase(std::unique(durations.begin(), durations.end()),
                  durations.end());
  std::string list;
  for (absl::Duration duration : durations) {
    absl::StrAppend(&list, list.empty() ? "" : ", ",
                    absl::FormatDuration(duration));
  }
  return list;
}

}  // namespace

void MemberSet::InsertOverflow(size_t index) {
  const size_t word = index / kInlineMembers - 1;
  if (overflow_.size() <= word) overflow_.resize(word + 1, 0);
  overflow_[word] |= uint64_t{1} << (index % kInlineMembers);
}

std::vector<std::string> MemberSet::Names(
    const std::vector<std::string>& members) const {
  std::vector<std::string> names;
  for (size_t m = 0; m < members.size(); ++m) {
    if (Contains(m)) names.push_back(members[m]);
  }
  return names;
}

absl::Time ToInstant(absl::CivilMinute wall_clock, absl::TimeZone zone) {
  const absl::TimeZone::TimeInfo info = zone.At(absl::CivilSecond(wall_clock));
  // For a unique time `pre` is the instant; for a repeated one it is the
  // first occurrence. A skipped time has no instant of its own.
  return info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre;
}

std::vector<TimeInterval> OfferedSlots(const AvailabilityRules& rules,
                                       absl::Duration duration,
                                       TimeInterval range) {
  const SlotGrid grid = MakeSlotGrid(rules, duration, range);
  std::vector<TimeInterval> slots;
  slots.reserve(grid.size());
  for (size_t i = 0; i < grid.size(); ++i) slots.push_back(grid.Slot(i));
  return slots;
}

absl::Duration ContextMargin(const Calendar& calendar,
                             absl::Duration duration) {
  const AvailabilityRules& rules = calendar.rules;
  // A period a limit counts in, plus a day: a local date lasts up to 25
  // hours where the clocks fall back, a week or a month an hour more or
  // less than its days.
  int days = 2;
  if (rules.max_bookings_per_week > 0) days = 8;
  if (rules.max_bookings_per_month > 0) days = 32;
  for (const MemberSettings& settings : calendar.member_settings) {
    if (settings.limits.per_week > 0) days = std::max(days, 8);
    if (settings.limits.per_month > 0) days = 32;
  }
  return std::max(duration, rules.duration) + rules.buffer_before +
         rules.buffer_after + absl::Hours(24) * days;
}

absl::StatusOr<absl::Duration> ChooseDuration(
    const Calendar& calendar, std::optional<absl::Duration> requested) {
  if (!requested.has_value()) return calendar.rules.duration;
  if (*requested <= absl::ZeroDuration()) {
    return InvalidField("duration", "must be positive");
  }
  if (*requested == calendar.rules.duration) return *requested;
  if (calendar.type == CalendarType::kService) {
    if (std::find(calendar.allowed_durations.begin(),
                  calendar.allowed_durations.end(),
                  *requested) != calendar.allowed_durations.end()) {
      return *requested;
    }
    return InvalidField(
        "duration", absl::StrCat("must be one of ", DurationList(calendar)));
  }
  return InvalidField(
      "duration", absl::StrCat("must be the calendar's duration of ",
                               absl::FormatDuration(calendar.rules.duration)));
}

std::vector<FreeSlot> ComputeFreeSlots(const Calendar& calendar,
                                       absl::Duration duration,
                                       TimeInterval range, absl::Time now,
                                       const BookingContext& context) {
  std::vector<FreeSlot> free;
  if (!calendar.TakesBookings()) return free;
  const AvailabilityRules& rules = calendar.rules;
  // Notice and horizon only narrow the range of starts.
  range.start = std::max(range.start, now + rules.minimum_notice);
  if (rules.booking_horizon_days > 0) {
    range.end =
        std::min(range.end, now + absl::Hours(24) * rules.booking_horizon_days);
  }
  const SlotGrid grid = MakeSlotGrid(rules, duration, range);
  const SlotAvailability availability(calendar, grid, context);
  // Counted first so that the result, which can be large, is allocated
  // once.
  free.reserve(availability.FreeCount());
  for (size_t i = 0; i < grid.size(); ++i) {
    if (availability.IsFree(i)) availability.Describe(i, free.emplace_back());
  }
  return free;
}

absl::StatusOr<BookingDecision> DecideBooking(const Calendar& calendar,
                                              absl::Duration duration,
                                              absl::Time start, absl::Time now,
                                              const BookingContext& context) {
  if (!calendar.TakesBookings()) {
    return FailedPreconditionWithReason(kReasonCalendarInactive,
                                        kNotTakingBookingsMessage);
  }
  if (duration <= absl::ZeroDuration()) {
    return InvalidField("duration", "must be positive");
  }
  const AvailabilityRules& rules = calendar.rules;
  // The grid walks the neighbouring dates too, so an interval that
  // began on the previous date is considered.
  const SlotGrid grid = MakeSlotGrid(
      rules, duration, TimeInterval{start, start + absl::Nanoseconds(1)});
  if (grid.size() == 0 || grid.Slot(0).start != start) {
    return InvalidField("start_time",
                        "is not the start of a slot of this calendar");
  }
  if (start < now + rules.minimum_notice) {
    return InvalidField(
        "start_time",
        rules.minimum_notice > absl::ZeroDuration()
            ? absl::StrCat("is too soon: bookings need ",
                           absl::FormatDuration(rules.minimum_notice),
                           " notice")
            : std::string("is in the past"));
  }
  if (rules.booking_horizon_days > 0 &&
      start >= now + absl::Hours(24) * rules.booking_horizon_days) {
    return InvalidField(
        "start_time",
        absl::StrCat("is beyond the booking horizon of ",
                     rules.booking_horizon_days,
                     rules.booking_horizon_days == 1 ? " day" : " days"));
  }
  const SlotAvailability availability(calendar, grid, context);
  if (!availability.IsFree(0)) {
    return FailedPreconditionWithReason(kReasonSlotUnavailable,
                                        kSlotUnavailableMessage);
  }
  FreeSlot free;
  availability.Describe(0, free);
  BookingDecision decision;
  decision.slot = free.slot;
  decision.blocked = TimeInterval{free.slot.start - rules.buffer_before,
                                  free.slot.end + rules.buffer_after};
  if (calendar.type == CalendarType::kRoundRobin) {
    decision.members.push_back(
        AssignRoundRobin(calendar, free.free_members, context.member_load));
  } else {
    decision.members = free.free_members.Names(calendar.members);
  }
  return decision;
}

std::string FormatLocalTime(absl::Time instant, absl::TimeZone zone) {
  // Formatted by hand: absl::FormatTime's strftime machinery, and then
  // snprintf, cost more than the slot engine itself when a response
  // carries a month of slots (two local times each).
  const absl::TimeZone::CivilInfo local = zone.At(instant);
  const absl::CivilSecond& t = local.cs;
  const int offset_minutes = local.offset / 60;
  const int abs_offset = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  const int64_t year = t.year();
  if (year < 0 || year > 9999) {
    char text[48];
    std::snprintf(text, sizeof(text),
                  "%lld-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
                  static_cast<long long>(year), t.month(), t.day(), t.hour(),
                  t.minute(), t.second(), offset_minutes < 0 ? '-' : '+',
                  abs_offset / 60, abs_offset % 60);
    return text;
  }
  // "YYYY-MM-DDTHH:MM:SS+HH:MM"; zone offsets stay below 100 hours.
  std::string text = "0000-00-00T00:00:00+00:00";
  const auto put = [&text](size_t at, int two_digits) {
    text[at] = static_cast<char>('0' + two_digits / 10);
    text[at + 1] = static_cast<char>('0' + two_digits % 10);
  };
  put(0, static_cast<int>(year / 100));
  put(2, static_cast<int>(year % 100));
  put(5, t.month());
  put(8, t.day());
  put(11, t.hour());
  put(14, t.minute());
  put(17, t.second());
  text[19] = offset_minutes < 0 ? '-' : '+';
  put(20, abs_offset / 60);
  put(23, abs_offset % 60);
  return text;
}

}  // namespace scheduling::domain
