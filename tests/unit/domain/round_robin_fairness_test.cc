// Round-robin fairness: member priorities, weights and the two
// distribution modes (see RoundRobinDistribution), rule by rule and over
// simulated runs of 3,000 bookings in which members are busy at random.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/calendar.h"
#include "server/domain/errors.h"
#include "server/domain/slots.h"

namespace scheduling::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr absl::Time kLongBefore = absl::FromUnixSeconds(1735689600);

// Monday 2026-01-05 09:00 in UTC, the slot every test books.
constexpr absl::Time kNine = absl::FromUnixSeconds(1767603600);
const TimeInterval kSlot{kNine, kNine + absl::Minutes(30)};

MemberSettings Settings(const std::string& member, MemberPriority priority,
                        int weight = 1) {
  MemberSettings settings;
  settings.member = member;
  settings.priority = priority;
  settings.weight = weight;
  return settings;
}

// A round-robin team open 09:00-12:00 on Mondays, UTC.
Calendar Team(std::vector<std::string> members,
              std::vector<MemberSettings> settings = {},
              RoundRobinDistribution distribution =
                  RoundRobinDistribution::kOptimizeForAvailability) {
  Calendar calendar;
  calendar.pk = 1;
  calendar.type = CalendarType::kRoundRobin;
  calendar.members = std::move(members);
  calendar.member_settings = std::move(settings);
  calendar.distribution = distribution;
  calendar.rules.zone = absl::UTCTimeZone();
  calendar.rules.weekly_hours = {{absl::Weekday::monday, 9 * 60, 12 * 60}};
  return calendar;
}

MemberBusy BusyAtNine(const std::string& member) {
  return MemberBusy{member, kSlot, 2, kNine};
}

// The free members listed at 09:00, or nothing when the slot is not listed.
std::vector<std::string> OfferedAtNine(const Calendar& calendar,
                                       const BookingContext& context) {
  const std::vector<FreeSlot> free = ComputeFreeSlots(
      calendar, absl::Minutes(30), {kNine, kNine + absl::Nanoseconds(1)},
      kLongBefore, context);
  if (free.empty()) return {};
  return free[0].free_members.Names(calendar.members);
}

// Who a booking at 09:00 goes to, or the error.
std::string AssignedAtNine(const Calendar& calendar,
                           const BookingContext& context) {
  const absl::StatusOr<BookingDecision> decision =
      DecideBooking(calendar, absl::Minutes(30), kNine, kLongBefore, context);
  if (!decision.ok())
    return std::string(
        ErrorReason(decision.status()).value_or(decision.status().ToString()));
  return decision->members.at(0);
}

TEST(RoundRobinPriorityTest, TheFreeMemberOfHighestPriorityComesFirst) {
  const Calendar calendar =
      Team({"ann", "bob", "cat"}, {Settings("cat", MemberPriority::kHigh),
                                   Settings("ann", MemberPriority::kLow)});
  BookingContext context;
  // Cat has many more bookings, but priority comes first.
  context.member_load = {{"cat", {9, kLongBefore}}};
  EXPECT_EQ(AssignedAtNine(calendar, context), "cat");
  context.member_busy = {BusyAtNine("cat")};
  EXPECT_EQ(AssignedAtNine(calendar, context), "bob");
  context.member_busy.push_back(BusyAtNine("bob"));
  EXPECT_EQ(AssignedAtNine(calendar, context), "ann");
}

TEST(RoundRobinPriorityTest, EqualPrioritiesKeepTheFewestBookingsRule) {
  const Calendar calendar =
      Team({"ann", "bob", "cat"}, {Settings("ann", MemberPriority::kHigh),
                                   Settings("bob", MemberPriority::kHigh)});
  BookingContext context;
  context.member_load = {{"ann", {2, kLongBefore}},
                         {"bob", {1, kLongBefore + absl::Hours(1)}}};
  EXPECT_EQ(AssignedAtNine(calendar, context), "bob");
  context.member_load["bob"].bookings = 2;
  // Equal loads: the least recently booked.
  EXPECT_EQ(AssignedAtNine(calendar, context), "ann");
}

TEST(RoundRobinPriorityTest, WeightsDivideTheBookingsCounted) {
  const Calendar calendar =
      Team({"ann", "bob"}, {Settings("ann", MemberPriority::kMedium, 3)});
  BookingContext context;
  // 5 / 3 < 2 / 1: Ann's load is lower.
  context.member_load = {{"ann", {5, kNine}}, {"bob", {2, kLongBefore}}};
  EXPECT_EQ(AssignedAtNine(calendar, context), "ann");
  context.member_load["ann"].bookings = 6;  // 6 / 3 == 2 / 1
  EXPECT_EQ(AssignedAtNine(calendar, context), "bob");
}

// Calendly's example: Jim 3 meetings, Karen 0: Jim is hidden until Karen
// gets one; at 4 to 1 he is hidden again.
TEST(EqualDistributionTest, AMemberThreeAheadIsHiddenUntilTheOthersCatchUp) {
  const Calendar calendar =
      Team({"jim", "karen"}, {}, RoundRobinDistribution::kEqualDistribution);
  BookingContext context;
  context.member_load = {{"jim", {3, kLongBefore}}};
  EXPECT_THAT(OfferedAtNine(calendar, context), ElementsAre("karen"));
  // While Karen is busy, nobody is offered: the slot is not listed and
  // cannot be booked.
  context.member_busy = {BusyAtNine("karen")};
  EXPECT_THAT(OfferedAtNine(calendar, context), IsEmpty());
  EXPECT_EQ(AssignedAtNine(calendar, context), kReasonSlotUnavailable);
  // The same under availability: Jim takes it.
  Calendar available = calendar;
  available.distribution = RoundRobinDistribution::kOptimizeForAvailability;
  EXPECT_EQ(AssignedAtNine(available, context), "jim");

  context.member_load["karen"] = {1, kLongBefore};
  EXPECT_THAT(OfferedAtNine(calendar, context), ElementsAre("jim"));
  context.member_load["jim"].bookings = 4;
  EXPECT_THAT(OfferedAtNine(calendar, context), IsEmpty());
}

TEST(EqualDistributionTest, LeadAndWeightsSetHowFarAheadAMemberMayGo) {
  Calendar calendar =
      Team({"ann", "bob"}, {Settings("ann", MemberPriority::kMedium, 2)},
           RoundRobinDistribution::kEqualDistribution);
  calendar.max_lead = 1;
  BookingContext context;
  context.member_busy = {BusyAtNine("bob")};
  // Weight 2, lead 1: Ann is hidden at twice Bob's bookings plus one.
  context.member_load = {{"ann", {5, kLongBefore}}, {"bob", {2, kLongBefore}}};
  EXPECT_THAT(OfferedAtNine(calendar, context), IsEmpty());
  context.member_load["ann"].bookings = 4;
  EXPECT_THAT(OfferedAtNine(calendar, context), ElementsAre("ann"));
  calendar.max_lead = 2;
  context.member_load["ann"].bookings = 5;
  EXPECT_THAT(OfferedAtNine(calendar, context), ElementsAre("ann"));
}

// What a run of bookings left: bookings per member, and the invitees who
// found no slot at 09:00.
struct RunResult {
  std::map<std::string, int> bookings;
  int refused = 0;
};

// Books 09:00 until `bookings` bookings are made, each time with every
// member busy with probability `busy`, independently: an invitee who finds
// the slot not offered goes away (refused). Checks on every attempt that
// DecideBooking succeeds exactly when ComputeFreeSlots lists the slot, with
// one of the members it lists, and `check(member, context)` afterwards.
template <typename Check>
RunResult RunBookings(const Calendar& calendar, int bookings, double busy,
                      uint32_t seed, Check check) {
  std::mt19937 random(seed);
  std::bernoulli_distribution is_busy(busy);
  BookingContext context;
  RunResult result;
  absl::Time now = kLongBefore;
  while (bookings > 0) {
    context.member_busy.clear();
    for (const std::string& member : calendar.members) {
      if (is_busy(random)) context.member_busy.push_back(BusyAtNine(member));
    }
    const std::vector<std::string> offered = OfferedAtNine(calendar, context);
    const absl::StatusOr<BookingDecision> decision =
        DecideBooking(calendar, absl::Minutes(30), kNine, kLongBefore, context);
    EXPECT_EQ(decision.ok(), !offered.empty());
    if (!decision.ok()) {
      ++result.refused;
      continue;
    }
    const std::string& member = decision->members.at(0);
    EXPECT_NE(std::find(offered.begin(), offered.end(), member), offered.end());
    MemberLoad& load = context.member_load[member];
    ++load.bookings;
    load.last_booked = now;
    now += absl::Minutes(1);
    ++result.bookings[member];
    --bookings;
    check(member, context);
  }
  return result;
}

constexpr int kBookings = 3000;

// Equal distribution with weights 3, 2 and 1 and members busy 30% of the
// time: at every step each member's bookings stay below its weight times
// the lowest load plus the lead plus one, so after 3,000 bookings each
// member is within (lead + 1) x members = 12 bookings of its weighted share
// (1,500, 1,000, 500); the run records how far it actually was.
TEST(FairnessSimulationTest,
     EqualDistributionKeepsWeightedSharesWithinTheLead) {
  const Calendar calendar = Team({"ann", "bob", "cat"},
                                 {Settings("ann", MemberPriority::kMedium, 3),
                                  Settings("bob", MemberPriority::kHigh, 2),
                                  Settings("cat", MemberPriority::kLow, 1)},
                                 RoundRobinDistribution::kEqualDistribution);
  const std::map<std::string, int> weight = {
      {"ann", 3}, {"bob", 2}, {"cat", 1}};
  double widest_lead = 0;
  const RunResult result = RunBookings(
      calendar, kBookings, 0.3, 14,
      [&](const std::string&, const BookingContext& context) {
        double lowest = 1e9;
        for (const auto& [member, w] : weight) {
          const auto it = context.member_load.find(member);
          const int booked =
              it == context.member_load.end() ? 0 : it->second.bookings;
          lowest = std::min(lowest, static_cast<double>(booked) / w);
        }
        for (const auto& [member, load] : context.member_load) {
          const double lead = load.bookings - weight.at(member) * lowest;
          widest_lead = std::max(widest_lead, lead);
          ASSERT_LT(lead, calendar.max_lead + 1) << member;
        }
      });
  int widest_miss = 0;
  for (const auto& [member, w] : weight) {
    const int target = kBookings * w / 6;
    const int miss = std::abs(result.bookings.at(member) - target);
    widest_miss = std::max(widest_miss, miss);
    EXPECT_LE(miss, (calendar.max_lead + 1) * 3) << member;
  }
  std::printf(
      "equal distribution, weights 3:2:1, 30%% busy: ann %d bob %d cat %d "
      "(targets 1500 1000 500, widest miss %d, widest lead %.2f), %d "
      "invitees found no slot\n",
      result.bookings.at("ann"), result.bookings.at("bob"),
      result.bookings.at("cat"), widest_miss, widest_lead, result.refused);
}

// Optimize for availability with priorities: a HIGH member free 70% of the
// time takes every booking it is free for, the two MEDIUM members share
// the rest evenly, the LOW member only gets what nobody else is free for.
TEST(FairnessSimulationTest, AvailabilityFollowsPriorityThenLoad) {
  const Calendar calendar =
      Team({"lo", "m1", "m2", "hi"}, {Settings("hi", MemberPriority::kHigh),
                                      Settings("lo", MemberPriority::kLow)});
  const RunResult result =
      RunBookings(calendar, kBookings, 0.3, 7,
                  [](const std::string&, const BookingContext&) {});
  const int hi = result.bookings.at("hi");
  const int m1 = result.bookings.at("m1");
  const int m2 = result.bookings.at("m2");
  const int lo = result.bookings.at("lo");
  // Of the attempts (bookings + refused), hi is free for 70%; m1 or m2 for
  // 91% of the rest; lo for 70% of what remains.
  const double attempts = kBookings + result.refused;
  EXPECT_NEAR(hi / attempts, 0.7, 0.03);
  EXPECT_NEAR((m1 + m2) / attempts, 0.3 * 0.91, 0.03);
  EXPECT_LE(std::abs(m1 - m2), 0.05 * (m1 + m2));
  EXPECT_NEAR(lo / attempts, 0.3 * 0.09 * 0.7, 0.01);
  EXPECT_NEAR(result.refused / attempts, 0.3 * 0.3 * 0.3 * 0.3, 0.005);
  std::printf(
      "availability, priorities high/medium/medium/low, 30%% busy: hi %d m1 "
      "%d m2 %d lo %d, %d invitees found no slot\n",
      hi, m1, m2, lo, result.refused);
}

// With everyone always free, availability splits by weight exactly (one
// booking apart at most) and equal distribution refuses nobody.
TEST(FairnessSimulationTest, WeightsSplitBookingsWhenEveryoneIsFree) {
  for (RoundRobinDistribution mode :
       {RoundRobinDistribution::kOptimizeForAvailability,
        RoundRobinDistribution::kEqualDistribution}) {
    const Calendar calendar = Team(
        {"ann", "bob"}, {Settings("ann", MemberPriority::kMedium, 2)}, mode);
    const RunResult result =
        RunBookings(calendar, kBookings, 0.0, 1,
                    [](const std::string&, const BookingContext&) {});
    EXPECT_NEAR(result.bookings.at("ann"), 2000, 1);
    EXPECT_NEAR(result.bookings.at("bob"), 1000, 1);
    EXPECT_EQ(result.refused, 0);
  }
}

// The trade-off: with members often busy, equal distribution turns away
// invitees that availability would have booked.
TEST(FairnessSimulationTest, EqualDistributionOffersFewerSlots) {
  const std::vector<std::string> members = {"ann", "bob", "cat"};
  const RunResult available =
      RunBookings(Team(members), kBookings, 0.5, 3,
                  [](const std::string&, const BookingContext&) {});
  Calendar equal =
      Team(members, {}, RoundRobinDistribution::kEqualDistribution);
  equal.max_lead = 1;
  const RunResult even =
      RunBookings(equal, kBookings, 0.5, 3,
                  [](const std::string&, const BookingContext&) {});
  EXPECT_GT(even.refused, available.refused);
  int spread_available = 0;
  int spread_even = 0;
  for (const std::string& a : members) {
    for (const std::string& b : members) {
      spread_available =
          std::max(spread_available,
                   available.bookings.at(a) - available.bookings.at(b));
      spread_even =
          std::max(spread_even, even.bookings.at(a) - even.bookings.at(b));
    }
  }
  EXPECT_LE(spread_even, 1);
  std::printf(
      "50%% busy, 3 members: availability refused %d (spread %d), equal "
      "distribution with lead 1 refused %d (spread %d)\n",
      available.refused, spread_available, even.refused, spread_even);
}

}  // namespace
}  // namespace scheduling::domain
