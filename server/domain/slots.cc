#include "server/domain/slots.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
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

bool StartsBefore(const TimeInterval& a, const TimeInterval& b) {
  return a.start < b.start;
}

// Appends the slots of the open wall-clock interval [start_minute,
// end_minute) of `day` whose start lies in `range`. Slots are cut from the
// interval's first instant, so the grid is anchored to the interval, not to
// the range.
void AppendIntervalSlots(const AvailabilityRules& rules,
                         absl::Duration duration, absl::CivilDay day,
                         int start_minute, int end_minute, TimeInterval range,
                         std::vector<TimeInterval>& slots) {
  const absl::CivilMinute midnight(day);
  const absl::Duration step = rules.EffectiveSlotInterval();
  const absl::Time open_end = ToInstant(midnight + end_minute, rules.zone);
  absl::Time start = ToInstant(midnight + start_minute, rules.zone);
  if (start + duration > open_end || start >= range.end) return;
  if (start < range.start) {
    // Jump to the first slot at or after range.start instead of walking
    // the grid from the interval's start.
    absl::Duration remainder;
    const int64_t skipped =
        absl::IDivDuration(range.start - start, step, &remainder);
    start += step * (remainder == absl::ZeroDuration() ? skipped : skipped + 1);
  }
  for (; start < range.end && start + duration <= open_end; start += step) {
    slots.push_back(TimeInterval{start, start + duration});
  }
}

// The overrides of dates in [first, last], so that each date of a walk
// looks among a few rather than among every override the calendar has.
std::vector<const DateOverride*> OverridesBetween(const AvailabilityRules& rules,
                                                  absl::CivilDay first,
                                                  absl::CivilDay last) {
  std::vector<const DateOverride*> overrides;
  for (const DateOverride& date_override : rules.date_overrides) {
    if (date_override.date >= first && date_override.date <= last) {
      overrides.push_back(&date_override);
    }
  }
  return overrides;
}

// The first element of the ascending [first, last) that is not less than
// `limit`. Costs O(log k) where k is the distance to it: the intervals
// looked up are mostly a booking or two long, so the run they overlap is
// short.
std::vector<absl::Time>::const_iterator GallopToFirstNotBefore(
    std::vector<absl::Time>::const_iterator first,
    std::vector<absl::Time>::const_iterator last, absl::Time limit) {
  std::ptrdiff_t step = 1;
  while (last - first > step && first[step] < limit) {
    first += step;
    step *= 2;
  }
  return std::partition_point(first, first + std::min(step, last - first),
                              [limit](absl::Time t) { return t < limit; });
}

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

// What the bookings and busy members of a context leave of some offered
// slots of one calendar and one duration.
//
// All candidates have the same length, so their blocked intervals ascend in
// both start and end, and the candidates that one booking (or busy entry)
// overlaps form a run: binary search finds it, and it is added into a
// difference array rather than marked slot by slot. Nothing needs sorting
// and a long interval costs as little as a short one:
// O((bookings + busy) * log(candidates) + candidates * hosts).
class SlotAvailability {
 public:
  // `slots` are offered slots of one length in strictly ascending order.
  SlotAvailability(const Calendar& calendar, std::vector<TimeInterval> slots,
                   const BookingContext& context);

  size_t size() const { return slots_.size(); }
  const TimeInterval& slot(size_t i) const { return slots_[i]; }

  // Whether candidate `i` may take a booking.
  bool IsFree(size_t i) const;

  // Candidate `i` as ListFreeSlots shows it. Requires IsFree(i).
  FreeSlot Describe(size_t i) const;

 private:
  bool HostFree(size_t host, size_t i) const {
    return host_cover_[host][i] == 0;
  }

  // Adds one to the coverage of each candidate whose blocked interval
  // overlaps `interval`, except candidate `skip` (pass size() for none).
  void Cover(const TimeInterval& interval, size_t skip,
             std::vector<int>& opened) const;

  // The candidate with the given start, or size() if none.
  size_t IndexOfStart(absl::Time start) const;

  // Turns a difference array into the coverage of each candidate.
  static void Accumulate(std::vector<int>& counts);

  void CoverCalendarBookings(const BookingContext& context);
  void CoverHostBusy(const BookingContext& context);
  void CountBookingsPerDay(const BookingContext& context);

  const Calendar& calendar_;
  std::vector<TimeInterval> slots_;
  std::vector<absl::Time> blocked_starts_;  // per candidate, ascending
  std::vector<absl::Time> blocked_ends_;    // per candidate, ascending
  size_t host_count_ = 0;
  // Per candidate: bookings of this calendar (of other sessions, for a
  // class) whose blocked interval overlaps the candidate's.
  std::vector<int> booking_cover_;
  // kClassBooking, per candidate: bookings of its session.
  std::vector<int> session_size_;
  // Per host, per candidate: busy entries overlapping the candidate's
  // blocked interval.
  std::vector<std::vector<int>> host_cover_;
  // The daily maximum, per candidate: whether its local date is full.
  std::vector<bool> day_full_;
};

SlotAvailability::SlotAvailability(const Calendar& calendar,
                                   std::vector<TimeInterval> slots,
                                   const BookingContext& context)
    : calendar_(calendar),
      slots_(std::move(slots)),
      host_count_(HostCount(calendar)) {
  blocked_starts_.reserve(slots_.size());
  blocked_ends_.reserve(slots_.size());
  for (const TimeInterval& slot : slots_) {
    blocked_starts_.push_back(slot.start - calendar_.rules.buffer_before);
    blocked_ends_.push_back(slot.end + calendar_.rules.buffer_after);
  }
  CoverCalendarBookings(context);
  CoverHostBusy(context);
  CountBookingsPerDay(context);
}

void SlotAvailability::Cover(const TimeInterval& interval, size_t skip,
                             std::vector<int>& opened) const {
  // An empty interval holds no instant, so it blocks nothing.
  if (interval.start >= interval.end) return;
  const auto first =
      std::partition_point(blocked_ends_.begin(), blocked_ends_.end(),
                           [&](absl::Time end) { return end <= interval.start; });
  const size_t begin = static_cast<size_t>(first - blocked_ends_.begin());
  const size_t end = static_cast<size_t>(
      GallopToFirstNotBefore(blocked_starts_.begin() + begin,
                             blocked_starts_.end(), interval.end) -
      blocked_starts_.begin());
  if (begin >= end) return;
  ++opened[begin];
  --opened[end];
  if (skip >= begin && skip < end) {
    --opened[skip];
    ++opened[skip + 1];
  }
}

size_t SlotAvailability::IndexOfStart(absl::Time start) const {
  const auto it = std::partition_point(
      slots_.begin(), slots_.end(),
      [start](const TimeInterval& slot) { return slot.start < start; });
  return it != slots_.end() && it->start == start
             ? static_cast<size_t>(it - slots_.begin())
             : slots_.size();
}

void SlotAvailability::Accumulate(std::vector<int>& counts) {
  int running = 0;
  for (int& count : counts) {
    running += count;
    count = running;
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
  booking_cover_.assign(slots_.size() + 1, 0);
  if (is_class) session_size_.assign(slots_.size(), 0);
  for (const CalendarBooking& booking : context.calendar_bookings) {
    size_t session = slots_.size();
    if (is_class) {
      session = IndexOfStart(booking.slot.start);
      if (session < slots_.size() && slots_[session] == booking.slot) {
        ++session_size_[session];
      } else {
        session = slots_.size();
      }
    }
    // A class session's own bookings fill its seats but do not block it.
    Cover(booking.blocked, session, booking_cover_);
  }
  Accumulate(booking_cover_);
}

void SlotAvailability::CoverHostBusy(const BookingContext& context) {
  host_cover_.assign(host_count_, std::vector<int>(slots_.size() + 1, 0));
  if (host_count_ == 0) return;
  // Sorted once so that each busy entry finds its hosts in O(log hosts).
  std::vector<std::pair<std::string_view, size_t>> hosts;
  hosts.reserve(host_count_);
  for (size_t h = 0; h < host_count_; ++h) {
    hosts.emplace_back(calendar_.members[h], h);
  }
  std::sort(hosts.begin(), hosts.end());
  const bool is_class = calendar_.type == CalendarType::kClassBooking;
  for (const MemberBusy& busy : context.member_busy) {
    auto it = std::lower_bound(
        hosts.begin(), hosts.end(), busy.member,
        [](const std::pair<std::string_view, size_t>& host,
           const std::string& member) { return host.first < member; });
    if (it == hosts.end() || it->first != busy.member) continue;
    // The host of a class attends each of its sessions: a seat taken in
    // a session leaves the host free for that session.
    const size_t session = is_class && busy.calendar_pk == calendar_.pk
                               ? IndexOfStart(busy.slot_start)
                               : slots_.size();
    for (; it != hosts.end() && it->first == busy.member; ++it) {
      Cover(busy.blocked, session, host_cover_[it->second]);
    }
  }
  for (std::vector<int>& cover : host_cover_) Accumulate(cover);
}

void SlotAvailability::CountBookingsPerDay(const BookingContext& context) {
  const int max_per_day = calendar_.rules.max_bookings_per_day;
  if (max_per_day <= 0 || slots_.empty()) return;
  const absl::TimeZone zone = calendar_.rules.zone;
  // Local dates as the instants where they begin, so that each booking
  // and candidate finds its date by binary search instead of a time zone
  // conversion.
  const absl::CivilDay first_day = absl::ToCivilDay(slots_.front().start, zone);
  const absl::CivilDay last_day = absl::ToCivilDay(slots_.back().start, zone);
  std::vector<absl::Time> day_starts;
  day_starts.reserve(static_cast<size_t>(last_day - first_day) + 2);
  for (absl::CivilDay day = first_day; day <= last_day + 1; ++day) {
    day_starts.push_back(ToInstant(absl::CivilMinute(day), zone));
  }
  // The date of `t` as an index into day_starts, or -1 outside them.
  auto day_of = [&day_starts](absl::Time t) -> std::ptrdiff_t {
    const std::ptrdiff_t after =
        std::upper_bound(day_starts.begin(), day_starts.end(), t) -
        day_starts.begin();
    if (after == 0 || after == static_cast<std::ptrdiff_t>(day_starts.size())) {
      return -1;
    }
    return after - 1;
  };
  std::vector<int> bookings_per_day(day_starts.size(), 0);
  for (const CalendarBooking& booking : context.calendar_bookings) {
    const std::ptrdiff_t day = day_of(booking.slot.start);
    if (day >= 0) ++bookings_per_day[static_cast<size_t>(day)];
  }
  day_full_.resize(slots_.size());
  for (size_t i = 0; i < slots_.size(); ++i) {
    const std::ptrdiff_t day = day_of(slots_[i].start);
    day_full_[i] =
        day >= 0 && bookings_per_day[static_cast<size_t>(day)] >= max_per_day;
  }
}

bool SlotAvailability::IsFree(size_t i) const {
  if (!day_full_.empty() && day_full_[i]) return false;
  switch (calendar_.type) {
    case CalendarType::kRoundRobin:
      for (size_t h = 0; h < host_count_; ++h) {
        if (HostFree(h, i)) return true;
      }
      return false;
    case CalendarType::kCollective:
      if (host_count_ == 0) return false;
      break;
    case CalendarType::kClassBooking:
      if (calendar_.rules.seats_per_slot - session_size_[i] <= 0) return false;
      [[fallthrough]];
    case CalendarType::kEvent:
    case CalendarType::kService:
      if (booking_cover_[i] > 0) return false;
      break;
  }
  for (size_t h = 0; h < host_count_; ++h) {
    if (!HostFree(h, i)) return false;
  }
  return true;
}

FreeSlot SlotAvailability::Describe(size_t i) const {
  FreeSlot free{slots_[i], 1, {}};
  if (calendar_.type == CalendarType::kClassBooking) {
    free.remaining_seats = calendar_.rules.seats_per_slot - session_size_[i];
  }
  free.free_members.reserve(host_count_);
  for (size_t h = 0; h < host_count_; ++h) {
    if (HostFree(h, i)) free.free_members.push_back(calendar_.members[h]);
  }
  return free;
}

// The free member a round-robin booking goes to: fewest bookings on the
// calendar, then least recently booked, then first in member order. The
// member order settles ties among members never booked, so that a new team
// fills in the order it was given.
std::string AssignRoundRobin(const std::vector<std::string>& free_members,
                             const std::map<std::string, MemberLoad>& loads) {
  const std::string* chosen = nullptr;
  MemberLoad chosen_load;
  for (const std::string& member : free_members) {
    const auto it = loads.find(member);
    const MemberLoad load = it == loads.end() ? MemberLoad{} : it->second;
    if (chosen == nullptr ||
        std::tie(load.bookings, load.last_booked) <
            std::tie(chosen_load.bookings, chosen_load.last_booked)) {
      chosen = &member;
      chosen_load = load;
    }
  }
  return chosen == nullptr ? std::string() : *chosen;
}

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

absl::Time ToInstant(absl::CivilMinute wall_clock, absl::TimeZone zone) {
  const absl::TimeZone::TimeInfo info = zone.At(absl::CivilSecond(wall_clock));
  // For a unique time `pre` is the instant; for a repeated one it is the
  // first occurrence. A skipped time has no instant of its own.
  return info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre;
}

std::vector<TimeInterval> OfferedSlots(const AvailabilityRules& rules,
                                       absl::Duration duration,
                                       TimeInterval range) {
  std::vector<TimeInterval> slots;
  // An unbounded range has no last day to walk to and a non-positive
  // duration or interval no grid; none comes from a validated request.
  if (range.start >= range.end || range.start == absl::InfinitePast() ||
      range.end == absl::InfiniteFuture() ||
      duration <= absl::ZeroDuration() ||
      rules.EffectiveSlotInterval() <= absl::ZeroDuration()) {
    return slots;
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
  for (absl::CivilDay day = first_day; day <= last_day; ++day) {
    const auto date_override =
        std::find_if(overrides.begin(), overrides.end(),
                     [day](const DateOverride* o) { return o->date == day; });
    if (date_override != overrides.end()) {
      for (const MinuteRange& open : (*date_override)->intervals) {
        AppendIntervalSlots(rules, duration, day, open.start_minute,
                            open.end_minute, range, slots);
      }
      continue;
    }
    const absl::Weekday weekday = absl::GetWeekday(day);
    for (const OpenInterval& open : rules.weekly_hours) {
      if (open.weekday == weekday) {
        AppendIntervalSlots(rules, duration, day, open.start_minute,
                            open.end_minute, range, slots);
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

absl::Duration ContextMargin(const AvailabilityRules& rules,
                             absl::Duration duration) {
  // Two days rather than one: a local date lasts up to 25 hours where the
  // clocks fall back.
  return std::max(duration, rules.duration) + rules.buffer_before +
         rules.buffer_after + absl::Hours(48);
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
    return InvalidField("duration", absl::StrCat("must be one of ",
                                                 DurationList(calendar)));
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
  const SlotAvailability availability(
      calendar, OfferedSlots(rules, duration, range), context);
  free.reserve(availability.size());
  for (size_t i = 0; i < availability.size(); ++i) {
    if (availability.IsFree(i)) free.push_back(availability.Describe(i));
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
  // OfferedSlots walks the neighbouring dates too, so an interval that
  // began on the previous date is considered.
  std::vector<TimeInterval> slots = OfferedSlots(
      rules, duration, TimeInterval{start, start + absl::Nanoseconds(1)});
  if (slots.empty() || slots.front().start != start) {
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
  const SlotAvailability availability(calendar, std::move(slots), context);
  if (!availability.IsFree(0)) {
    return FailedPreconditionWithReason(kReasonSlotUnavailable,
                                        kSlotUnavailableMessage);
  }
  FreeSlot free = availability.Describe(0);
  BookingDecision decision;
  decision.slot = free.slot;
  decision.blocked = TimeInterval{free.slot.start - rules.buffer_before,
                                  free.slot.end + rules.buffer_after};
  if (calendar.type == CalendarType::kRoundRobin) {
    decision.members.push_back(
        AssignRoundRobin(free.free_members, context.member_load));
  } else {
    decision.members = std::move(free.free_members);
  }
  return decision;
}

std::string FormatLocalTime(absl::Time instant, absl::TimeZone zone) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", instant, zone);
}

}  // namespace scheduling::domain
