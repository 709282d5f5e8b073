// The slot engine: which slots a calendar offers, which of them are free,
// and whether a booking may take one. Pure: bookings come in as values.
//
// Offered slots come from the calendar's hours in its own time zone: the
// weekly hours of each local date, or that date's override. Each open
// interval [start, end) of wall-clock time is mapped to instants (see
// ToInstant), then slot starts are laid every slot interval from the
// interval's first instant, each slot `duration` long and ending by the
// interval's end. So a skipped wall-clock hour (spring forward) yields no
// slots and a repeated one (fall back) yields its slots twice, as the wall
// clock shows them twice.
//
// A slot is free at `now` when it starts at or after now + minimum notice,
// before now + horizon, the calendar's bookings in the slot's local day,
// week and month are below its limits, and its hosts are free for its
// blocked interval (the slot widened by the buffers) and below their own
// limits; see FreeSlot for each calendar type.
//
// Limits count active bookings by the local date of their slot's start in
// the calendar's zone: a day is a local date, a week runs Monday to Sunday,
// a month is a calendar month. A calendar's limits count its own bookings
// (a class's every seat); a member's count every booking the member
// attends on any calendar of the location. A member at a limit is treated
// as busy for the slots of that period.
//
// Instants and durations are taken to whole nanoseconds, as protobuf's
// are.
//
// Thread-safety: pure functions.
#ifndef SCHEDULING_SERVER_DOMAIN_SLOTS_H_
#define SCHEDULING_SERVER_DOMAIN_SLOTS_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
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

// All slots of length `duration` that the rules' hours offer with a start
// in `range`, in start order, regardless of bookings, notice, horizon and
// the daily maximum.
std::vector<TimeInterval> OfferedSlots(const AvailabilityRules& rules,
                                       absl::Duration duration,
                                       TimeInterval range);

// An active booking of the calendar whose slots are computed.
struct CalendarBooking {
  TimeInterval slot;
  // The slot widened by the buffers in force when it was booked.
  TimeInterval blocked;
  std::vector<std::string> members;  // the members who attend
};

// Time a member is busy: an active booking, on any calendar of the
// location (this one included), that the member attends.
struct MemberBusy {
  std::string member;
  TimeInterval blocked;
  int64_t calendar_pk = 0;  // the calendar of that booking
  absl::Time slot_start;    // its slot's start (a class session's key)
};

// Round-robin fairness (see RoundRobinDistribution): a member's active
// bookings on this calendar.
struct MemberLoad {
  int bookings = 0;
  absl::Time last_booked = absl::InfinitePast();
};

// Everything besides the calendar that decides what is free. The store
// fills it with every active booking whose blocked interval comes within
// ContextMargin() of the range in question.
struct BookingContext {
  std::vector<CalendarBooking> calendar_bookings;  // any order
  std::vector<MemberBusy> member_busy;             // any order
  std::map<std::string, MemberLoad> member_load;   // kRoundRobin only
};

// How far around a range of slot starts the context must reach: the
// longest slot, both buffers and the longest period a limit counts (two
// days, since a local date can last 25 hours; 8 days with weekly limits, 32
// with monthly ones).
absl::Duration ContextMargin(const Calendar& calendar, absl::Duration duration);

// Some of a calendar's members, by their indices in Calendar::members.
// ComputeFreeSlots returns one per slot, so indices below 64 take no
// allocation: a list of names per slot was the largest cost of listing a
// month of round-robin slots.
//
// Example:
//   MemberSet hosts;
//   hosts.Insert(2);
//   hosts.Names({"ann", "bob", "cat"});  // {"cat"}
class MemberSet {
 public:
  // Adds the member at `index`.
  void Insert(size_t index) {
    if (index < kInlineMembers) {
      inline_ |= uint64_t{1} << index;
    } else {
      InsertOverflow(index);
    }
  }

  // Whether the member at `index` is in the set.
  bool Contains(size_t index) const {
    if (index < kInlineMembers) return ((inline_ >> index) & 1) != 0;
    const size_t word = index / kInlineMembers - 1;
    return word < overflow_.size() &&
           ((overflow_[word] >> (index % kInlineMembers)) & 1) != 0;
  }

  // Whether no member is in the set.
  bool empty() const { return inline_ == 0 && overflow_.empty(); }

  // The ids of the members in the set, in the calendar's member order.
  // `members` is the calendar's Calendar::members.
  std::vector<std::string> Names(const std::vector<std::string>& members) const;

  friend bool operator==(const MemberSet& a, const MemberSet& b) {
    return a.inline_ == b.inline_ && a.overflow_ == b.overflow_;
  }
  friend bool operator!=(const MemberSet& a, const MemberSet& b) {
    return !(a == b);
  }

 private:
  static constexpr size_t kInlineMembers = 64;

  void InsertOverflow(size_t index);

  // Bit i: the member at index i < 64.
  uint64_t inline_ = 0;
  // Bit j of word w: the member at index 64 * (w + 1) + j. Empty, or its
  // last word has a bit set, so that equal sets compare equal.
  std::vector<uint64_t> overflow_;
};

// A free slot and who could take it.
struct FreeSlot {
  TimeInterval slot;
  // kClassBooking: seats still free. Others: 1.
  int remaining_seats = 1;
  // kRoundRobin: the free members; kCollective: every member; others: the
  // host, if the calendar has one. Names(calendar.members) gives their ids
  // in the calendar's member order.
  MemberSet free_members;
};

// The length a booking of `calendar` takes: `requested` if given and
// allowed (kService: one of allowed_durations; others: equal to the
// calendar's duration), else the calendar's duration. INVALID_ARGUMENT on
// field "duration" otherwise.
absl::StatusOr<absl::Duration> ChooseDuration(
    const Calendar& calendar, std::optional<absl::Duration> requested);

// The free slots of `calendar` for bookings of `duration` starting in
// `range`, at `now`. When the calendar takes no bookings (inactive, or in
// a disabled group), none.
//
// Per type, with B the candidate's blocked interval:
//   kEvent, kService: no booking of this calendar blocks B, and the host
//     (if any) is not busy over B.
//   kRoundRobin: at least one member is not busy over B and, with
//     kEqualDistribution, not too far ahead (see RoundRobinDistribution).
//   kCollective: no member is busy over B.
//   kClassBooking: fewer than seats_per_slot bookings share the slot;
//     no booking of another session of this calendar blocks B; the host
//     (if any) is not busy over B except with this session.
std::vector<FreeSlot> ComputeFreeSlots(const Calendar& calendar,
                                       absl::Duration duration,
                                       TimeInterval range, absl::Time now,
                                       const BookingContext& context);

// What a booking takes.
struct BookingDecision {
  TimeInterval slot;
  TimeInterval blocked;
  // Who attends: kRoundRobin, one of the free members offered, chosen as
  // RoundRobinDistribution says; kCollective, every member; others, the
  // host if any.
  std::vector<std::string> members;
};

// Decides a booking of `duration` at `start` exactly as ComputeFreeSlots
// would offer it at `now`: it succeeds iff ComputeFreeSlots lists a slot
// starting at `start`. Errors, in the order checked: FAILED_PRECONDITION
// CALENDAR_INACTIVE when the calendar takes no bookings; INVALID_ARGUMENT
// on field "duration" when it is not positive; INVALID_ARGUMENT on field
// "start_time" when the calendar never offers a slot starting there (off
// the grid, outside its hours, too soon for the notice, beyond the
// horizon); FAILED_PRECONDITION SLOT_UNAVAILABLE when the slot is offered
// but taken (hosts busy or at their limits, no seats left, a limit of the
// calendar reached).
absl::StatusOr<BookingDecision> DecideBooking(const Calendar& calendar,
                                              absl::Duration duration,
                                              absl::Time start, absl::Time now,
                                              const BookingContext& context);

// RFC 3339 wall-clock time with offset in `zone`, seconds precision, e.g.
// "2026-03-08T03:00:00-04:00".
std::string FormatLocalTime(absl::Time instant, absl::TimeZone zone);

}  // namespace scheduling::domain

#endif  // SCHEDULING_SERVER_DOMAIN_SLOTS_H_
