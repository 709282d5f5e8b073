// Fair teams end to end over gRPC and MariaDB: booking limits per day,
// week and month of the calendar and of each member (counted over every
// calendar of the location, in the calendar's zone), their validation,
// and races of 32 bookers against a limit.
#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/calendar_fixtures.h"

namespace scheduling::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kOk[] = "OK ";
constexpr char kTaken[] = "FAILED_PRECONDITION SLOT_UNAVAILABLE";

v1::TeamMemberSettings MemberLimits(const std::string& member, int per_day,
                                    int per_week, int per_month) {
  v1::TeamMemberSettings settings;
  settings.set_member(member);
  settings.set_max_bookings_per_day(per_day);
  settings.set_max_bookings_per_week(per_week);
  settings.set_max_bookings_per_month(per_month);
  return settings;
}

class FairTeamsTest : public CalendarFixture {
 protected:
  void SetUp() override {
    day_ = DaysAhead(8);
    // The Monday of day_'s week: at least two days ahead.
    monday_ = day_ - static_cast<int>(absl::GetWeekday(day_));
  }

  // Starts of the free slots of `calendar` in the UTC week from monday_.
  std::vector<absl::Time> WeekStarts(const std::string& calendar,
                                     int weeks_later = 0) {
    const absl::CivilDay monday = monday_ + 7 * weeks_later;
    return Starts(Slots(calendar, At(monday, 0), At(monday + 7, 0)));
  }

  // Active bookings of `member` in this location starting in [from, to).
  int64_t MemberBookingsBetween(const std::string& member, absl::Time from,
                                absl::Time to) {
    return QueryInt(
        "SELECT COUNT(*) FROM member_bookings WHERE location_id = '" +
        location_ + "' AND member_id = '" + member + "' AND slot_start >= '" +
        absl::FormatTime("%Y-%m-%d %H:%M:%S", from, absl::UTCTimeZone()) +
        "' AND slot_start < '" +
        absl::FormatTime("%Y-%m-%d %H:%M:%S", to, absl::UTCTimeZone()) + "'");
  }

  absl::CivilDay day_;
  absl::CivilDay monday_;
};

TEST_F(FairTeamsTest, WeeklyLimitOfTheCalendarCountsMondayToSunday) {
  v1::Calendar spec = CalendarSpec("Two a week", "UTC", 60, 9, 12);
  spec.set_max_bookings_per_week(2);
  const v1::Calendar calendar = Create(spec);
  EXPECT_EQ(Get(calendar.name()).max_bookings_per_week(), 2);
  ASSERT_EQ(WeekStarts(calendar.name()).size(), 21u);
  Book(calendar.name(), At(monday_ + 1, 9));
  EXPECT_EQ(WeekStarts(calendar.name()).size(), 20u);
  Book(calendar.name(), At(monday_ + 6, 11));  // Sunday: the same week
  EXPECT_THAT(WeekStarts(calendar.name()), IsEmpty());
  v1::Booking booking;
  EXPECT_PRECONDITION(TryBook(calendar.name(), At(monday_ + 3, 10), &booking),
                      "SLOT_UNAVAILABLE");
  // The next Monday starts a new week.
  EXPECT_EQ(WeekStarts(calendar.name(), 1).size(), 21u);
  EXPECT_TRUE(TryBook(calendar.name(), At(monday_ + 7, 9), &booking).ok());
  EXPECT_EQ(ConfirmedRowsOf(calendar.name()), 3);
}

TEST_F(FairTeamsTest, MonthlyLimitOfTheCalendarCountsItsLocalMonth) {
  // Kiritimati is UTC+14: its local month begins 14 hours before the UTC
  // one, and bookings at noon local time fall on the previous UTC date.
  const absl::TimeZone zone = [] {
    absl::TimeZone loaded;
    EXPECT_TRUE(absl::LoadTimeZone("Pacific/Kiritimati", &loaded));
    return loaded;
  }();
  const absl::CivilDay first =
      absl::CivilDay(absl::CivilMonth(DaysAhead(40, zone)));
  v1::Calendar spec =
      CalendarSpec("Three a month", "Pacific/Kiritimati", 60, 0, 24);
  spec.set_max_bookings_per_month(3);
  const v1::Calendar calendar = Create(spec);
  for (int i = 0; i < 3; ++i) {
    Book(calendar.name(), At(first + i, 12, 0, zone), i);
  }
  EXPECT_THAT(
      Slots(calendar.name(), At(first, 0, 0, zone), At(first + 10, 0, 0, zone)),
      IsEmpty());
  v1::Booking booking;
  EXPECT_PRECONDITION(
      TryBook(calendar.name(), At(first + 20, 12, 0, zone), &booking),
      "SLOT_UNAVAILABLE");
  // The last local day of the previous month is open (24 one-hour slots),
  // and so is the first of the next.
  EXPECT_EQ(
      Slots(calendar.name(), At(first - 1, 0, 0, zone), At(first, 0, 0, zone))
          .size(),
      24u);
  const absl::CivilDay next = absl::CivilDay(absl::CivilMonth(first) + 1);
  EXPECT_EQ(
      Slots(calendar.name(), At(next, 0, 0, zone), At(next + 1, 0, 0, zone))
          .size(),
      24u);
  EXPECT_EQ(ConfirmedRowsOf(calendar.name()), 3);
}

TEST_F(FairTeamsTest, MemberLimitCountsTheMembersBookingsOnEveryCalendar) {
  v1::Calendar team_spec = CalendarSpec("Team", "UTC", 30, 9, 12);
  team_spec.set_calendar_type(v1::Calendar::ROUND_ROBIN);
  team_spec.add_team_members("kim");
  team_spec.add_team_members("lee");
  *team_spec.add_team_member_settings() = MemberLimits("kim", 1, 0, 0);
  const v1::Calendar team = Create(team_spec);
  ASSERT_EQ(Get(team.name()).team_member_settings_size(), 1);
  EXPECT_EQ(Get(team.name()).team_member_settings(0).max_bookings_per_day(), 1);
  v1::Calendar solo_spec = CalendarSpec("Kim alone", "UTC", 30, 14, 16);
  solo_spec.add_team_members("kim");
  const v1::Calendar solo = Create(solo_spec);

  // Read first, so that a stale cached read would show Kim free below.
  std::vector<v1::Slot> slots = SlotsOn(team.name(), day_);
  ASSERT_EQ(slots.size(), 6u);
  EXPECT_THAT(Members(slots[0]), ElementsAre("kim", "lee"));
  Book(solo.name(), At(day_, 14));

  slots = SlotsOn(team.name(), day_);
  ASSERT_EQ(slots.size(), 6u);
  for (const v1::Slot& slot : slots) {
    EXPECT_THAT(Members(slot), ElementsAre("lee"));
  }
  EXPECT_THAT(Members(SlotsOn(team.name(), day_ + 1)[0]),
              ElementsAre("kim", "lee"));
  const v1::Booking booking = Book(team.name(), At(day_, 9), 1);
  EXPECT_THAT(Members(booking), ElementsAre("lee"));
  // Lee is now busy at 09:00 and Kim at her limit: 09:00 is gone.
  EXPECT_FALSE(Offers(SlotsOn(team.name(), day_), At(day_, 9)));
  v1::Booking refused;
  EXPECT_PRECONDITION(TryBook(team.name(), At(day_, 9), &refused, 2),
                      "SLOT_UNAVAILABLE");
  EXPECT_EQ(MemberBookingRows("kim"), 1);
  EXPECT_EQ(MemberBookingRows("lee"), 1);
}

TEST_F(FairTeamsTest, LimitsAreValidatedAndNothingIsWritten) {
  const int64_t calendars_before = CalendarRows();
  struct Case {
    const char* what;
    void (*change)(v1::Calendar&);
    std::string field;
  };
  const Case cases[] = {
      {"negative weekly limit",
       [](v1::Calendar& c) { c.set_max_bookings_per_week(-1); },
       "calendar.max_bookings_per_week"},
      {"monthly limit too large",
       [](v1::Calendar& c) { c.set_max_bookings_per_month(100001); },
       "calendar.max_bookings_per_month"},
      {"settings of a non-member",
       [](v1::Calendar& c) {
         *c.add_team_member_settings() = MemberLimits("zed", 1, 0, 0);
       },
       "calendar.team_member_settings[0].member"},
      {"settings of a member twice",
       [](v1::Calendar& c) {
         *c.add_team_member_settings() = MemberLimits("kim", 1, 0, 0);
         *c.add_team_member_settings() = MemberLimits("kim", 0, 2, 0);
       },
       "calendar.team_member_settings[1].member"},
      {"negative member limit",
       [](v1::Calendar& c) {
         *c.add_team_member_settings() = MemberLimits("kim", 0, -3, 0);
       },
       "calendar.team_member_settings[0].max_bookings_per_week"},
  };
  for (const Case& c : cases) {
    v1::Calendar spec = CalendarSpec(c.what);
    spec.add_team_members("kim");
    c.change(spec);
    v1::Calendar created;
    EXPECT_INVALID_FIELD(TryCreate(spec, &created), c.field) << c.what;
  }
  v1::Calendar class_spec = CalendarSpec("Class with a limited host");
  class_spec.set_calendar_type(v1::Calendar::CLASS_BOOKING);
  class_spec.set_seats_per_slot(5);
  class_spec.add_team_members("kim");
  *class_spec.add_team_member_settings() = MemberLimits("kim", 2, 0, 0);
  v1::Calendar created;
  EXPECT_INVALID_FIELD(TryCreate(class_spec, &created),
                       "calendar.team_member_settings[0]");
  EXPECT_EQ(CalendarRows(), calendars_before);

  // An update that drops a member keeps its settings only if valid.
  v1::Calendar spec = CalendarSpec("Valid");
  spec.set_calendar_type(v1::Calendar::ROUND_ROBIN);
  spec.add_team_members("kim");
  spec.add_team_members("lee");
  *spec.add_team_member_settings() = MemberLimits("lee", 0, 4, 9);
  const v1::Calendar valid = Create(spec);
  v1::Calendar change = valid;
  change.clear_team_members();
  change.add_team_members("kim");
  v1::Calendar updated;
  EXPECT_INVALID_FIELD(TryUpdate(change, {"team_members"}, &updated),
                       "calendar.team_member_settings[0].member");
  EXPECT_EQ(Get(valid.name()).team_members_size(), 2);
  change.clear_team_member_settings();
  ASSERT_TRUE(
      TryUpdate(change, {"team_members", "team_member_settings"}, &updated)
          .ok());
  EXPECT_EQ(updated.team_member_settings_size(), 0);
}

TEST_F(FairTeamsTest,
       EqualDistributionHidesTheMemberAheadUntilTheOtherCatchesUp) {
  v1::Calendar spec = CalendarSpec("Even team", "UTC", 30, 9, 12);
  spec.set_calendar_type(v1::Calendar::ROUND_ROBIN);
  spec.set_distribution(v1::Calendar::EQUAL_DISTRIBUTION);
  spec.set_max_distribution_lead(1);
  spec.add_team_members("ann");
  spec.add_team_members("bob");
  v1::TeamMemberSettings bob;
  bob.set_member("bob");
  bob.set_priority(v1::TeamMemberSettings::HIGH);
  bob.set_weight(2);
  *spec.add_team_member_settings() = bob;
  const v1::Calendar team = Create(spec);
  const v1::Calendar read = Get(team.name());
  EXPECT_EQ(read.distribution(), v1::Calendar::EQUAL_DISTRIBUTION);
  EXPECT_EQ(read.max_distribution_lead(), 1);
  ASSERT_EQ(read.team_member_settings_size(), 1);
  EXPECT_EQ(read.team_member_settings(0).priority(),
            v1::TeamMemberSettings::HIGH);
  EXPECT_EQ(read.team_member_settings(0).weight(), 2);

  // Bob first (priority); then, with lead 1, he is hidden until his
  // bookings are below 2 x Ann's + 1.
  EXPECT_THAT(Members(Book(team.name(), At(day_, 9), 1)), ElementsAre("bob"));
  EXPECT_THAT(Members(SlotsOn(team.name(), day_)[0]), ElementsAre("ann"));
  // Ann busy at 10:00 elsewhere: nobody offered there.
  v1::Calendar ann_spec = CalendarSpec("Ann alone", "UTC", 30, 10, 11);
  ann_spec.add_team_members("ann");
  Book(Create(ann_spec).name(), At(day_, 10), 2);
  EXPECT_FALSE(Offers(SlotsOn(team.name(), day_), At(day_, 10)));
  v1::Booking refused;
  EXPECT_PRECONDITION(TryBook(team.name(), At(day_, 10), &refused, 3),
                      "SLOT_UNAVAILABLE");
  // Ann catches up; Bob is offered again and preferred.
  EXPECT_THAT(Members(Book(team.name(), At(day_, 11), 4)), ElementsAre("ann"));
  EXPECT_THAT(Members(Book(team.name(), At(day_, 10, 30), 5)),
              ElementsAre("bob"));
  EXPECT_EQ(MemberBookingRows("bob"), 2);
  EXPECT_EQ(MemberBookingRows("ann"), 2);
  EXPECT_EQ(ConfirmedRowsOf(team.name()), 3);

  // Round-robin settings on another type are refused, nothing written.
  const int64_t calendars_before = CalendarRows();
  v1::Calendar event = CalendarSpec("Event");
  event.add_team_members("ann");
  event.set_distribution(v1::Calendar::EQUAL_DISTRIBUTION);
  v1::Calendar created;
  EXPECT_INVALID_FIELD(TryCreate(event, &created), "calendar.distribution");
  event.clear_distribution();
  v1::TeamMemberSettings ann;
  ann.set_member("ann");
  ann.set_priority(v1::TeamMemberSettings::LOW);
  *event.add_team_member_settings() = ann;
  EXPECT_INVALID_FIELD(TryCreate(event, &created),
                       "calendar.team_member_settings[0].priority");
  spec.set_slug(NewId("cal-"));
  spec.mutable_team_member_settings(0)->set_weight(101);
  EXPECT_INVALID_FIELD(TryCreate(spec, &created),
                       "calendar.team_member_settings[0].weight");
  EXPECT_EQ(CalendarRows(), calendars_before);
}

// A weekly limit of N per member over two calendars: of 32 concurrent
// bookers, each on its own slot of one week, exactly N succeed.
TEST_F(FairTeamsTest, RaceMemberWeeklyLimitHoldsAcrossCalendars) {
  constexpr int kLimit = 5;
  std::vector<v1::Calendar> calendars;
  for (const char* name : {"Max one", "Max two"}) {
    v1::Calendar spec = CalendarSpec(name, "UTC", 30, 9, 17);
    spec.add_team_members("max");
    *spec.add_team_member_settings() = MemberLimits("max", 0, kLimit, 0);
    calendars.push_back(Create(spec));
  }
  const std::vector<absl::Time> starts = WeekStarts(calendars[0].name());
  ASSERT_GE(starts.size(), 32u);
  auto stubs = ConnectedCalendarStubs(32);
  const auto outcomes = RunConcurrently(32, [&](int i) {
    v1::Booking booking;
    // Every booker its own time, so that only the limit can refuse.
    return stubs[i]->CreateBooking(
        Context().get(),
        BookingRequest(calendars[i % 2].name(),
                       starts[static_cast<size_t>(i) * 3 % starts.size()], i),
        &booking);
  });
  EXPECT_EQ(outcomes,
            (std::map<std::string, int>{{kOk, kLimit}, {kTaken, 32 - kLimit}}));
  EXPECT_EQ(MemberBookingRows("max"), kLimit);
  EXPECT_EQ(MemberBookingsBetween("max", At(monday_, 0), At(monday_ + 7, 0)),
            kLimit);
  EXPECT_EQ(ConfirmedRowsOf(calendars[0].name()) +
                ConfirmedRowsOf(calendars[1].name()),
            kLimit);
  EXPECT_EQ(MemberOverlaps(), 0);
  EXPECT_THAT(WeekStarts(calendars[0].name()), IsEmpty());
  EXPECT_THAT(WeekStarts(calendars[1].name()), IsEmpty());
}

// The same for a calendar's own weekly limit, and for a round-robin team
// whose members each have one.
TEST_F(FairTeamsTest, RaceCalendarAndTeamWeeklyLimitsHold) {
  v1::Calendar spec = CalendarSpec("Four a week", "UTC", 30, 9, 17);
  spec.set_max_bookings_per_week(4);
  const v1::Calendar limited = Create(spec);
  v1::Calendar team_spec = CalendarSpec("Team of two", "UTC", 30, 9, 17);
  team_spec.set_calendar_type(v1::Calendar::ROUND_ROBIN);
  for (const char* member : {"ida", "jon"}) {
    team_spec.add_team_members(member);
    *team_spec.add_team_member_settings() = MemberLimits(member, 0, 3, 0);
  }
  const v1::Calendar team = Create(team_spec);
  auto stubs = ConnectedCalendarStubs(32);
  for (const auto& [calendar, expected] :
       {std::pair<v1::Calendar, int>{limited, 4},
        std::pair<v1::Calendar, int>{team, 6}}) {
    const std::vector<absl::Time> starts = WeekStarts(calendar.name());
    ASSERT_GE(starts.size(), 32u);
    const auto outcomes = RunConcurrently(32, [&](int i) {
      v1::Booking booking;
      return stubs[i]->CreateBooking(
          Context().get(),
          BookingRequest(calendar.name(), starts[static_cast<size_t>(i)], i),
          &booking);
    });
    EXPECT_EQ(outcomes, (std::map<std::string, int>{{kOk, expected},
                                                    {kTaken, 32 - expected}}))
        << calendar.display_name();
    EXPECT_EQ(ConfirmedRowsOf(calendar.name()), expected);
    EXPECT_THAT(WeekStarts(calendar.name()), IsEmpty());
  }
  EXPECT_EQ(MemberBookingRows("ida"), 3);
  EXPECT_EQ(MemberBookingRows("jon"), 3);
}

}  // namespace
}  // namespace scheduling::testing
