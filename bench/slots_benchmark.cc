// Micro-benchmarks of the slot engine (server/domain/slots.h) alone: no
// database, no gRPC. One benchmark per calendar type, named
// BM_<function>/<TYPE> after the proto's Calendar.Type, on the case the
// issue sets: 31 days of a calendar open 08:00-20:00 every day in
// America/New_York with 15-minute slots (1,488 offered) of which 1,000 are
// booked. BM_*/ROUND_ROBIN_FAIR is the round robin with the fair-team
// rules on: equal distribution, priorities and weights, and limits per
// day, week and month on the calendar and on every member (some of them
// reached).
//
//   build-bench/bench/slots_benchmark [--benchmark_filter=EVENT]
#include <benchmark/benchmark.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/domain/calendar.h"
#include "server/domain/slots.h"

namespace scheduling::domain {
namespace {

constexpr int kBookings = 1000;
constexpr int kOpenMinute = 8 * 60;
constexpr int kCloseMinute = 20 * 60;

struct Scenario {
  Calendar calendar;
  TimeInterval range;
  absl::Time now;
  BookingContext context;
};

Calendar MakeCalendar(CalendarType type) {
  Calendar calendar;
  calendar.pk = 1;
  calendar.location_id = "bench";
  calendar.calendar_id = "slots";
  calendar.type = type;
  calendar.time_zone_name = "America/New_York";
  absl::LoadTimeZone(calendar.time_zone_name, &calendar.rules.zone);
  calendar.rules.duration = absl::Minutes(15);
  for (absl::Weekday day :
       {absl::Weekday::monday, absl::Weekday::tuesday, absl::Weekday::wednesday,
        absl::Weekday::thursday, absl::Weekday::friday, absl::Weekday::saturday,
        absl::Weekday::sunday}) {
    calendar.rules.weekly_hours.push_back({day, kOpenMinute, kCloseMinute});
  }
  switch (type) {
    case CalendarType::kRoundRobin:
    case CalendarType::kCollective:
      calendar.members = {"alice", "bob", "carol"};
      break;
    case CalendarType::kClassBooking:
      calendar.members = {"host"};
      calendar.rules.seats_per_slot = 5;
      break;
    case CalendarType::kService:
      calendar.members = {"host"};
      calendar.allowed_durations = {absl::Minutes(15), absl::Minutes(30),
                                    absl::Minutes(60)};
      break;
    case CalendarType::kEvent:
      calendar.members = {"host"};
      break;
  }
  return calendar;
}

// The calendar with 1,000 of its offered slots booked, spread evenly, and
// each booking's members busy for it, as the store would load them.
Scenario MakeScenario(CalendarType type, bool fair = false) {
  Scenario s;
  s.calendar = MakeCalendar(type);
  if (fair) {
    s.calendar.distribution = RoundRobinDistribution::kEqualDistribution;
    s.calendar.rules.max_bookings_per_day = 40;
    s.calendar.rules.max_bookings_per_week = 250;
    s.calendar.rules.max_bookings_per_month = 1200;
    s.calendar.member_settings = {
        {"alice", {12, 70, 400}, MemberPriority::kHigh, 2},
        {"bob", {11, 80, 400}, MemberPriority::kMedium, 1},
        {"carol", {20, 100, 330}, MemberPriority::kLow, 1}};
  }
  const absl::Time start =
      absl::FromCivil(absl::CivilDay(2026, 3, 1), s.calendar.rules.zone);
  s.range = {start, start + kMaxSlotRange};
  s.now = start - absl::Hours(1);
  const std::vector<TimeInterval> offered =
      OfferedSlots(s.calendar.rules, s.calendar.rules.duration, s.range);
  const std::vector<std::string>& members = s.calendar.members;
  for (int i = 0; i < kBookings; ++i) {
    const TimeInterval slot =
        offered[static_cast<size_t>(i) * offered.size() / kBookings];
    std::vector<std::string> attending;
    if (type == CalendarType::kRoundRobin) {
      attending = {members[i % members.size()]};
    } else {
      attending = members;
    }
    for (const std::string& member : attending) {
      s.context.member_busy.push_back(
          {member, slot, s.calendar.pk, slot.start});
    }
    s.context.calendar_bookings.push_back({slot, slot, std::move(attending)});
  }
  if (type == CalendarType::kRoundRobin) {
    for (const std::string& member : members) {
      s.context.member_load[member] = {kBookings / 3, s.now - absl::Hours(1)};
    }
  }
  return s;
}

void ComputeFreeSlotsBenchmark(benchmark::State& state, CalendarType type,
                               bool fair) {
  const Scenario s = MakeScenario(type, fair);
  size_t free = 0;
  for (auto _ : state) {
    std::vector<FreeSlot> slots = ComputeFreeSlots(
        s.calendar, s.calendar.rules.duration, s.range, s.now, s.context);
    free = slots.size();
    benchmark::DoNotOptimize(slots);
  }
  state.counters["free_slots"] = static_cast<double>(free);
}

// What a booking decides under its locks, on the same full context (the
// store loads less: only the bookings within two days of the slot).
void DecideBookingBenchmark(benchmark::State& state, CalendarType type,
                            bool fair) {
  const Scenario s = MakeScenario(type, fair);
  const std::vector<FreeSlot> free = ComputeFreeSlots(
      s.calendar, s.calendar.rules.duration, s.range, s.now, s.context);
  const absl::Time start = free[free.size() / 2].slot.start;
  for (auto _ : state) {
    auto decision = DecideBooking(s.calendar, s.calendar.rules.duration, start,
                                  s.now, s.context);
    benchmark::DoNotOptimize(decision);
  }
}

struct Case {
  const char* name;
  CalendarType type;
  bool fair;
};

const Case kCases[] = {
    {"EVENT", CalendarType::kEvent, false},
    {"ROUND_ROBIN", CalendarType::kRoundRobin, false},
    {"ROUND_ROBIN_FAIR", CalendarType::kRoundRobin, true},
    {"COLLECTIVE", CalendarType::kCollective, false},
    {"CLASS_BOOKING", CalendarType::kClassBooking, false},
    {"SERVICE", CalendarType::kService, false},
};

void RegisterAll() {
  for (const Case& c : kCases) {
    benchmark::RegisterBenchmark(
        (std::string("BM_ComputeFreeSlots/") + c.name).c_str(),
        ComputeFreeSlotsBenchmark, c.type, c.fair)
        ->Unit(benchmark::kMicrosecond);
  }
  for (const Case& c : kCases) {
    benchmark::RegisterBenchmark(
        (std::string("BM_DecideBooking/") + c.name).c_str(),
        DecideBookingBenchmark, c.type, c.fair)
        ->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace
}  // namespace scheduling::domain

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  scheduling::domain::RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
