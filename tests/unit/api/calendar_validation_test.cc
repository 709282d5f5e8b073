#include "server/api/calendar_validation.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/errors.h"

namespace scheduling::api {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

MATCHER_P(ViolationOf, field, "") { return arg.field == field; }

MATCHER_P2(ViolationSaying, field, text, "") {
  return arg.field == field && arg.description.find(text) != std::string::npos;
}

std::vector<domain::FieldViolation> Violations(const absl::Status& status) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  return domain::FieldViolations(status);
}

google::protobuf::Duration Seconds(int64_t seconds, int32_t nanos = 0) {
  google::protobuf::Duration duration;
  duration.set_seconds(seconds);
  duration.set_nanos(nanos);
  return duration;
}

google::type::TimeOfDay At(int hours, int minutes = 0) {
  google::type::TimeOfDay time;
  time.set_hours(hours);
  time.set_minutes(minutes);
  return time;
}

google::type::Date Date(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

void AddHours(v1::Calendar& calendar, google::type::DayOfWeek day, int start,
              int end) {
  v1::OpenInterval* hours = calendar.add_weekly_hours();
  hours->set_day_of_week(day);
  *hours->mutable_start_time() = At(start);
  *hours->mutable_end_time() = At(end);
}

v1::DateOverride* AddOverride(v1::Calendar& calendar, int year, int month,
                              int day) {
  v1::DateOverride* date_override = calendar.add_date_overrides();
  *date_override->mutable_date() = Date(year, month, day);
  return date_override;
}

void AddRange(v1::DateOverride& date_override, google::type::TimeOfDay start,
              google::type::TimeOfDay end) {
  v1::TimeRange* range = date_override.add_open_intervals();
  *range->mutable_start_time() = start;
  *range->mutable_end_time() = end;
}

v1::CreateCalendarRequest ValidCreate() {
  v1::CreateCalendarRequest request;
  request.set_parent("locations/acme");
  v1::Calendar* calendar = request.mutable_calendar();
  calendar->set_display_name("Intro call");
  calendar->set_slug("intro-call");
  *calendar->mutable_duration() = Seconds(1800);
  calendar->set_time_zone("Europe/London");
  AddHours(*calendar, google::type::FRIDAY, 13, 17);
  AddHours(*calendar, google::type::MONDAY, 9, 24);
  return request;
}

// Violations of creating ValidCreate() changed by `change`.
template <typename Change>
std::vector<domain::FieldViolation> CreateViolations(Change change) {
  v1::CreateCalendarRequest request = ValidCreate();
  change(*request.mutable_calendar());
  return Violations(ValidateNewCalendar(request).status());
}

// The calendar created from ValidCreate() changed by `change`.
template <typename Change>
domain::Calendar Created(Change change) {
  v1::CreateCalendarRequest request = ValidCreate();
  change(*request.mutable_calendar());
  absl::StatusOr<domain::Calendar> calendar = ValidateNewCalendar(request);
  EXPECT_TRUE(calendar.ok()) << calendar.status();
  return calendar.ok() ? *calendar : domain::Calendar();
}

TEST(ValidateNewCalendarTest, AcceptsAMinimalCalendarWithDefaults) {
  absl::StatusOr<domain::Calendar> calendar =
      ValidateNewCalendar(ValidCreate());
  ASSERT_TRUE(calendar.ok()) << calendar.status();
  EXPECT_EQ(calendar->location_id, "acme");
  EXPECT_TRUE(calendar->calendar_id.empty());
  EXPECT_EQ(calendar->display_name, "Intro call");
  EXPECT_EQ(calendar->slug, "intro-call");
  EXPECT_EQ(calendar->time_zone_name, "Europe/London");
  EXPECT_EQ(calendar->type, domain::CalendarType::kEvent);
  EXPECT_EQ(calendar->status, domain::CalendarStatus::kActive);
  EXPECT_THAT(calendar->members, IsEmpty());
  EXPECT_THAT(calendar->allowed_durations, IsEmpty());
  EXPECT_TRUE(calendar->group_id.empty());
  const domain::AvailabilityRules& rules = calendar->rules;
  EXPECT_EQ(rules.zone.name(), "Europe/London");
  EXPECT_EQ(rules.duration, absl::Minutes(30));
  EXPECT_EQ(rules.slot_interval, absl::ZeroDuration());
  EXPECT_THAT(
      rules.weekly_hours,
      ElementsAre(domain::OpenInterval{absl::Weekday::monday, 540, 1440},
                  domain::OpenInterval{absl::Weekday::friday, 780, 1020}));
  EXPECT_THAT(rules.date_overrides, IsEmpty());
  EXPECT_EQ(rules.buffer_before, absl::ZeroDuration());
  EXPECT_EQ(rules.buffer_after, absl::ZeroDuration());
  EXPECT_EQ(rules.minimum_notice, absl::ZeroDuration());
  EXPECT_EQ(rules.booking_horizon_days, 0);
  EXPECT_EQ(rules.max_bookings_per_day, 0);
  EXPECT_EQ(rules.seats_per_slot, 1);
}

TEST(ValidateNewCalendarTest, ReadsEveryRuleOfAFullyPopulatedCalendar) {
  v1::CreateCalendarRequest request = ValidCreate();
  request.set_calendar_id("class-1");
  v1::Calendar& in = *request.mutable_calendar();
  in.set_calendar_type(v1::Calendar::CLASS_BOOKING);
  in.set_status(v1::Calendar::INACTIVE);
  in.set_group("locations/acme/groups/yoga");
  in.add_team_members("coach");
  *in.mutable_slot_interval() = Seconds(15 * 60);
  *in.mutable_buffer_before() = Seconds(5 * 60);
  *in.mutable_buffer_after() = Seconds(10 * 60);
  *in.mutable_minimum_notice() = Seconds(2 * 3600);
  in.set_booking_horizon_days(60);
  in.set_max_bookings_per_day(8);
  in.set_seats_per_slot(12);
  AddOverride(in, 2026, 12, 25);
  AddRange(*AddOverride(in, 2026, 12, 24), At(9), At(12));

  absl::StatusOr<domain::Calendar> calendar = ValidateNewCalendar(request);
  ASSERT_TRUE(calendar.ok()) << calendar.status();
  EXPECT_EQ(calendar->calendar_id, "class-1");
  EXPECT_EQ(calendar->type, domain::CalendarType::kClassBooking);
  EXPECT_EQ(calendar->status, domain::CalendarStatus::kInactive);
  EXPECT_EQ(calendar->group_id, "yoga");
  EXPECT_THAT(calendar->members, ElementsAre("coach"));
  const domain::AvailabilityRules& rules = calendar->rules;
  EXPECT_EQ(rules.slot_interval, absl::Minutes(15));
  EXPECT_EQ(rules.buffer_before, absl::Minutes(5));
  EXPECT_EQ(rules.buffer_after, absl::Minutes(10));
  EXPECT_EQ(rules.minimum_notice, absl::Hours(2));
  EXPECT_EQ(rules.booking_horizon_days, 60);
  EXPECT_EQ(rules.max_bookings_per_day, 8);
  EXPECT_EQ(rules.seats_per_slot, 12);
  EXPECT_THAT(
      rules.date_overrides,
      ElementsAre(
          domain::DateOverride{absl::CivilDay(2026, 12, 24), {{540, 720}}},
          domain::DateOverride{absl::CivilDay(2026, 12, 25), {}}));
}

TEST(ValidateNewCalendarTest, RequiresTheCalendar) {
  v1::CreateCalendarRequest request;
  request.set_parent("locations/acme");
  EXPECT_THAT(Violations(ValidateNewCalendar(request).status()),
              ElementsAre(ViolationOf("calendar")));
}

TEST(ValidateNewCalendarTest, ReportsEveryViolationAtOnce) {
  v1::CreateCalendarRequest request = ValidCreate();
  request.set_parent("acme");
  request.set_calendar_id("-bad");
  v1::Calendar& in = *request.mutable_calendar();
  in.set_display_name(" ");
  in.set_slug("Intro Call");
  *in.mutable_duration() = Seconds(90);
  in.set_time_zone("Europe/Atlantis");
  in.set_seats_per_slot(-1);
  in.add_date_overrides();
  EXPECT_THAT(
      Violations(ValidateNewCalendar(request).status()),
      UnorderedElementsAre(
          ViolationOf("parent"), ViolationOf("calendar_id"),
          ViolationOf("calendar.display_name"), ViolationOf("calendar.slug"),
          ViolationOf("calendar.duration"), ViolationOf("calendar.time_zone"),
          ViolationOf("calendar.seats_per_slot"),
          ViolationOf("calendar.date_overrides[0].date")));
}

TEST(ValidateNewCalendarTest, IgnoresOutputOnlyFields) {
  domain::Calendar calendar = Created([](v1::Calendar& in) {
    in.set_name("locations/other/calendars/other");
    in.set_etag("\"v9\"");
    in.mutable_create_time()->set_seconds(-1);
    in.mutable_update_time()->set_seconds(-1);
  });
  EXPECT_EQ(calendar.location_id, "acme");
  EXPECT_TRUE(calendar.calendar_id.empty());
}

TEST(ValidateNewCalendarTest, DisplayNameIsOneTo200CharactersWithoutControls) {
  EXPECT_THAT(
      CreateViolations([](v1::Calendar& in) { in.clear_display_name(); }),
      ElementsAre(ViolationSaying("calendar.display_name", "is required")));
  EXPECT_THAT(
      CreateViolations([](v1::Calendar& in) { in.set_display_name(" \t"); }),
      ElementsAre(ViolationSaying("calendar.display_name", "is required")));
  EXPECT_THAT(CreateViolations([](v1::Calendar& in) {
                in.set_display_name(std::string(201, 'a'));
              }),
              ElementsAre(ViolationSaying("calendar.display_name", "200")));
  EXPECT_THAT(
      CreateViolations([](v1::Calendar& in) { in.set_display_name("a\nb"); }),
      ElementsAre(ViolationSaying("calendar.display_name", "control")));
  std::string two_hundred_accents;
  for (int i = 0; i < 200; ++i) two_hundred_accents += "é";
  EXPECT_EQ(Created([&](v1::Calendar& in) {
              in.set_display_name(two_hundred_accents);
            }).display_name,
            two_hundred_accents);
}

TEST(ValidateNewCalendarTest, SlugIsAResourceId) {
  EXPECT_THAT(CreateViolations([](v1::Calendar& in) { in.clear_slug(); }),
              ElementsAre(ViolationSaying("calendar.slug", "is required")));
  for (const std::string& slug :
       {std::string("Intro"), std::string("-intro"), std::string("in tro"),
        std::string(64, 'a')}) {
    EXPECT_THAT(CreateViolations([&](v1::Calendar& in) { in.set_slug(slug); }),
                ElementsAre(ViolationSaying("calendar.slug", "a-z")))
        << slug;
  }
  EXPECT_EQ(
      Created([](v1::Calendar& in) { in.set_slug(std::string(63, 'a')); }).slug,
      std::string(63, 'a'));
}

TEST(ValidateNewCalendarTest, DurationIsWholeMinutesFrom5MinutesTo24Hours) {
  EXPECT_THAT(CreateViolations([](v1::Calendar& in) { in.clear_duration(); }),
              ElementsAre(ViolationSaying("calendar.duration", "is required")));
  for (const google::protobuf::Duration& bad :
       {Seconds(4 * 60), Seconds(24 * 3600 + 60), Seconds(90), Seconds(1800, 1),
        Seconds(-1800), Seconds(0)}) {
    EXPECT_THAT(CreateViolations(
                    [&](v1::Calendar& in) { *in.mutable_duration() = bad; }),
                ElementsAre(ViolationOf("calendar.duration")))
        << bad.DebugString();
  }
  EXPECT_EQ(Created([](v1::Calendar& in) {
              *in.mutable_duration() = Seconds(300);
            }).rules.duration,
            absl::Minutes(5));
  EXPECT_EQ(Created([](v1::Calendar& in) {
              *in.mutable_duration() = Seconds(86400);
            }).rules.duration,
            absl::Hours(24));
}

TEST(ValidateNewCalendarTest, TimeZoneIsAKnownIanaZone) {
  EXPECT_THAT(
      CreateViolations([](v1::Calendar& in) { in.clear_time_zone(); }),
      ElementsAre(ViolationSaying("calendar.time_zone", "is required")));
  for (const char* zone :
       {"Mars/Olympus", "../../etc/passwd", "Europe/London "}) {
    EXPECT_THAT(
        CreateViolations([&](v1::Calendar& in) { in.set_time_zone(zone); }),
        ElementsAre(ViolationSaying("calendar.time_zone", "unknown")))
        << zone;
  }
  domain::Calendar calendar =
      Created([](v1::Calendar& in) { in.set_time_zone("Asia/Kathmandu"); });
  EXPECT_EQ(calendar.time_zone_name, "Asia/Kathmandu");
  EXPECT_EQ(calendar.rules.zone.name(), "Asia/Kathmandu");
}

TEST(ValidateNewCalendarTest, RejectsBadAndOverlappingWeeklyHours) {
  EXPECT_THAT(
      CreateViolations([](v1::Calendar& in) {
        AddHours(in, google::type::MONDAY, 23, 24);  // [2] overlaps
        AddHours(in, google::type::TUESDAY, 10, 9);  // [3] inverted
        AddHours(in, google::type::DAY_OF_WEEK_UNSPECIFIED, 10, 11);  // [4]
        v1::OpenInterval* seconds = in.add_weekly_hours();            // [5]
        seconds->set_day_of_week(google::type::SUNDAY);
        *seconds->mutable_start_time() = At(10);
        seconds->mutable_start_time()->set_seconds(30);
        *seconds->mutable_end_time() = At(25);
        AddHours(in, google::type::SATURDAY, 24, 24);  // [6] starts at 24:00
      }),
      UnorderedElementsAre(
          ViolationSaying("calendar.weekly_hours[2]", "overlaps"),
          ViolationSaying("calendar.weekly_hours[3].end_time", "after"),
          ViolationOf("calendar.weekly_hours[4].day_of_week"),
          ViolationOf("calendar.weekly_hours[5].start_time"),
          ViolationOf("calendar.weekly_hours[5].end_time"),
          ViolationOf("calendar.weekly_hours[6].start_time")));
}

TEST(ValidateNewCalendarTest, AcceptsAtMost100WeeklyIntervals) {
  EXPECT_THAT(CreateViolations([](v1::Calendar& in) {
                in.clear_weekly_hours();
                for (int i = 0; i < 101; ++i) {
                  v1::OpenInterval* hours = in.add_weekly_hours();
                  hours->set_day_of_week(google::type::MONDAY);
                  *hours->mutable_start_time() = At(i / 12, i % 12 * 5);
                  *hours->mutable_end_time() = At(i / 12, i % 12 * 5 + 5);
                }
              }),
              ElementsAre(ViolationSaying("calendar.weekly_hours", "100")));
}

TEST(ValidateNewCalendarTest, SortsDateOverridesAndTheirIntervals) {
  domain::Calendar calendar = Created([](v1::Calendar& in) {
    v1::DateOverride* later = AddOverride(in, 2027, 1, 2);
    AddRange(*later, At(14), At(24));
    AddRange(*later, At(8), At(9, 30));
    AddOverride(in, 2026, 12, 31);
    AddRange(*AddOverride(in, 2028, 2, 29), At(0), At(0, 5));
  });
  EXPECT_THAT(
      calendar.rules.date_overrides,
      ElementsAre(domain::DateOverride{absl::CivilDay(2026, 12, 31), {}},
                  domain::DateOverride{absl::CivilDay(2027, 1, 2),
                                       {{480, 570}, {840, 1440}}},
                  domain::DateOverride{absl::CivilDay(2028, 2, 29), {{0, 5}}}));
}

TEST(ValidateNewCalendarTest, DateOverridesNeedRealDistinctDates) {
  EXPECT_THAT(
      CreateViolations([](v1::Calendar& in) {
        in.add_date_overrides();        // [0] no date
        AddOverride(in, 2027, 2, 29);   // [1] not a leap year
        AddOverride(in, 2026, 13, 1);   // [2]
        AddOverride(in, 0, 1, 1);       // [3] year missing
        AddOverride(in, 10000, 1, 1);   // [4]
        AddOverride(in, 2026, 1, 0);    // [5] day missing
        AddOverride(in, 2026, 4, 31);   // [6]
        AddOverride(in, 2026, 5, 1);    // [7]
        AddOverride(in, 2026, 5, 1);    // [8] repeats [7]
        AddOverride(in, 1, 1, 1);       // [9] fine
        AddOverride(in, 9999, 12, 31);  // [10] fine
      }),
      UnorderedElementsAre(
          ViolationSaying("calendar.date_overrides[0].date", "is required"),
          ViolationSaying("calendar.date_overrides[1].date", "full date"),
          ViolationOf("calendar.date_overrides[2].date"),
          ViolationOf("calendar.date_overrides[3].date"),
          ViolationOf("calendar.date_overrides[4].date"),
          ViolationOf("calendar.date_overrides[5].date"),
          ViolationOf("calendar.date_overrides[6].date"),
          ViolationSaying("calendar.date_overrides[8].date",
                          "date_overrides[7]")));
}

TEST(ValidateNewCalendarTest, DateOverrideIntervalsFollowTimeRangeRules) {
  EXPECT_THAT(
      CreateViolations([](v1::Calendar& in) {
        v1::DateOverride* date_override = AddOverride(in, 2026, 12, 24);
        AddRange(*date_override, At(9), At(12));   // [0] fine
        AddRange(*date_override, At(11), At(13));  // [1] overlaps [0]
        AddRange(*date_override, At(15), At(14));  // [2] inverted
        google::type::TimeOfDay with_seconds = At(16);
        with_seconds.set_seconds(1);
        AddRange(*date_override, with_seconds, At(17));  // [3]
        AddRange(*date_override, At(18), At(24, 1));     // [4]
        AddRange(*date_override, At(20), At(20));        // [5] empty
      }),
      UnorderedElementsAre(
          ViolationSaying("calendar.date_overrides[0].open_intervals[1]",
                          "overlaps"),
          ViolationSaying("calendar.date_overrides[0].open_intervals[2]"
                          ".end_time",
                          "after start_time"),
          ViolationOf("calendar.date_overrides[0].open_intervals[3]"
                      ".start_time"),
          ViolationOf("calendar.date_overrides[0].open_intervals[4]"
                      ".end_time"),
          ViolationOf("calendar.date_overrides[0].open_intervals[5]"
                      ".end_time")));
}

TEST(ValidateNewCalendarTest, DateOverridesAreLimitedInNumberAndIntervals) {
  EXPECT_THAT(CreateViolations([](v1::Calendar& in) {
                for (int i = 0; i <= kMaxDateOverrides; ++i) {
                  const absl::CivilDay day = absl::CivilDay(2026, 1, 1) + i;
                  AddOverride(in, static_cast<int>(day.year()), day.month(),
                              day.day());
                }
              }),
              ElementsAre(ViolationSaying("calendar.date_overrides", "1000")));
  EXPECT_THAT(CreateViolations([](v1::Calendar& in) {
                v1::DateOverride* date_override = AddOverride(in, 2026, 12, 24);
                for (int i = 0; i <= kMaxIntervalsPerDateOverride; ++i) {
                  AddRange(*date_override, At(i / 6, i % 6 * 10),
                           At(i / 6, i % 6 * 10 + 5));
                }
              }),
              ElementsAre(ViolationSaying(
                  "calendar.date_overrides[0].open_intervals", "100")));
  EXPECT_EQ(Created([](v1::Calendar& in) {
              for (int i = 0; i < kMaxDateOverrides; ++i) {
                const absl::CivilDay day = absl::CivilDay(2026, 1, 1) + i;
                AddOverride(in, static_cast<int>(day.year()), day.month(),
                            day.day());
              }
            }).rules.date_overrides.size(),
            static_cast<size_t>(kMaxDateOverrides));
}

TEST(ValidateNewCalendarTest, UnspecifiedTypeMeansEventAndUnknownIsRejected) {
  EXPECT_EQ(Created([](v1::Calendar& in) {
              in.set_calendar_type(v1::Calendar::TYPE_UNSPECIFIED);
            }).type,
            domain::CalendarType::kEvent);
  EXPECT_THAT(CreateViolations([](v1::Calendar& in) {
                in.set_calendar_type(static_cast<v1::Calendar::Type>(42));
              }),
              ElementsAre(ViolationOf("calendar.calendar_type")));
}

TEST(ValidateNewCalendarTest, StatusDefaultsToActiveAndUnknownIsRejected) {
  EXPECT_EQ(Created([](v1::Calendar& in) {
              in.set_status(v1::Calendar::ACTIVE);
            }).status,
            domain::CalendarStatus::kActive);
  EXPECT_THAT(CreateViolations([](v1::Calendar& in) {
                in.set_status(static_cast<v1::Calendar::Status>(7));
              }),
              ElementsAre(ViolationOf("calendar.status")));
}

TEST(ValidateNewCalendarTest, TeamMembersAreDistinctIdsInTheirOrder) {
  EXPECT_THAT(Created([](v1::Calendar& in) {
                in.set_calendar_type(v1::Calendar::ROUND_ROBIN);
                in.add_team_members("zoe");
                in.add_team_members("adam");
              }).members,
              ElementsAre("zoe", "adam"));
  EXPECT_THAT(
      CreateViolations([](v1::Calendar& in) {
        in.set_calendar_type(v1::Calendar::COLLECTIVE);
        in.add_team_members("zoe");
        in.add_team_members("Adam");
        in.add_team_members("zoe");
        in.add_team_members("");
      }),
      UnorderedElementsAre(
          ViolationSaying("calendar.team_members[1]", "member id"),
          ViolationSaying("calendar.team_members[2]", "team_members[0]"),
          ViolationOf("calendar.team_members[3]")));
  EXPECT_THAT(CreateViolations([](v1::Calendar& in) {
                in.set_calendar_type(v1::Calendar::ROUND_ROBIN);
                for (int i = 0; i <= kMaxTeamMembers; ++i) {
                  in.add_team_members(absl::StrCat("m", i));
                }
              }),
              ElementsAre(ViolationSaying("calendar.team_members", "100")));
}

TEST(ValidateNewCalendarTest, TeamSizeDependsOnTheType) {
  for (v1::Calendar::Type type : {v1::Calendar::EVENT, v1::Calendar::SERVICE,
                                  v1::Calendar::CLASS_BOOKING}) {
    EXPECT_THAT(
        Created([&](v1::Calendar& in) { in.set_calendar_type(type); }).members,
        IsEmpty());
    EXPECT_THAT(Created([&](v1::Calendar& in) {
                  in.set_calendar_type(type);
                  in.add_team_members("host");
                }).members,
                ElementsAre("host"));
    EXPECT_THAT(CreateViolations([&](v1::Calendar& in) {
                  in.set_calendar_type(type);
                  in.add_team_members("a");
                  in.add_team_members("b");
                }),
                ElementsAre(ViolationSaying("calendar.team_members",
                                            "at most one member")))
        << v1::Calendar::Type_Name(type);
  }
  for (v1::Calendar::Type type :
       {v1::Calendar::ROUND_ROBIN, v1::Calendar::COLLECTIVE}) {
    EXPECT_THAT(
        CreateViolations([&](v1::Calendar& in) { in.set_calendar_type(type); }),
        ElementsAre(
            ViolationSaying("calendar.team_members", "at least one member")))
        << v1::Calendar::Type_Name(type);
  }
}

TEST(ValidateNewCalendarTest, ServiceAllowsItsDurationAmongSortedChoices) {
  domain::Calendar service = Created([](v1::Calendar& in) {
    in.set_calendar_type(v1::Calendar::SERVICE);
    *in.add_allowed_durations() = Seconds(3600);
    *in.add_allowed_durations() = Seconds(900);
  });
  EXPECT_THAT(
      service.allowed_durations,
      ElementsAre(absl::Minutes(15), absl::Minutes(30), absl::Minutes(60)));
  EXPECT_THAT(Created([](v1::Calendar& in) {
                in.set_calendar_type(v1::Calendar::SERVICE);
              }).allowed_durations,
              ElementsAre(absl::Minutes(30)));
  EXPECT_THAT(Created([](v1::Calendar& in) {
                in.set_calendar_type(v1::Calendar::SERVICE);
                *in.add_allowed_durations() = Seconds(1800);
              }).allowed_durations,
              ElementsAre(absl::Minutes(30)));
}

TEST(ValidateNewCalendarTest, AllowedDurationsAreValidDistinctAndServiceOnly) {
  EXPECT_THAT(CreateViolations([](v1::Calendar& in) {
                in.set_calendar_type(v1::Calendar::SERVICE);
                *in.add_allowed_durations() = Seconds(600);
                *in.add_allowed_durations() = Seconds(120);
                *in.add_allowed_durations() = Seconds(600);
                *in.add_allowed_durations() = Seconds(630);
              }),
              UnorderedElementsAre(
                  ViolationSaying("calendar.allowed_durations[1]", "5 minutes"),
                  ViolationSaying("calendar.allowed_durations[2]",
                                  "allowed_durations[0]"),
                  ViolationOf("calendar.allowed_durations[3]")));
  EXPECT_THAT(
      CreateViolations([](v1::Calendar& in) {
        in.set_calendar_type(v1::Calendar::SERVICE);
        for (int i = 0; i < 101; ++i) {
          *in.add_allowed_durations() = Seconds((5 + i) * 60);
        }
      }),
      ElementsAre(ViolationSaying("calendar.allowed_durations", "100")));
  for (v1::Calendar::Type type :
       {v1::Calendar::EVENT, v1::Calendar::CLASS_BOOKING}) {
    EXPECT_THAT(
        CreateViolations([&](v1::Calendar& in) {
          in.set_calendar_type(type);
          *in.add_allowed_durations() = Seconds(1800);
        }),
        ElementsAre(ViolationSaying("calendar.allowed_durations", "SERVICE")));
  }
}

TEST(ValidateNewCalendarTest, SlotIntervalIsUnsetOrLikeADuration) {
  EXPECT_EQ(Created([](v1::Calendar&) {}).rules.slot_interval,
            absl::ZeroDuration());
  EXPECT_EQ(Created([](v1::Calendar& in) {
              *in.mutable_slot_interval() = Seconds(0);
            }).rules.slot_interval,
            absl::ZeroDuration());
  EXPECT_EQ(Created([](v1::Calendar& in) {
              *in.mutable_slot_interval() = Seconds(45 * 60);
            }).rules.slot_interval,
            absl::Minutes(45));
  for (const google::protobuf::Duration& bad :
       {Seconds(240), Seconds(90000), Seconds(330), Seconds(-300)}) {
    EXPECT_THAT(CreateViolations([&](v1::Calendar& in) {
                  *in.mutable_slot_interval() = bad;
                }),
                ElementsAre(ViolationOf("calendar.slot_interval")))
        << bad.DebugString();
  }
}

TEST(ValidateNewCalendarTest, BuffersAreWholeMinutesUpTo24Hours) {
  domain::Calendar calendar = Created([](v1::Calendar& in) {
    *in.mutable_buffer_before() = Seconds(86400);
    *in.mutable_buffer_after() = Seconds(0);
  });
  EXPECT_EQ(calendar.rules.buffer_before, absl::Hours(24));
  EXPECT_EQ(calendar.rules.buffer_after, absl::ZeroDuration());
  EXPECT_THAT(CreateViolations([](v1::Calendar& in) {
                *in.mutable_buffer_before() = Seconds(86460);
                *in.mutable_buffer_after() = Seconds(-60);
              }),
              UnorderedElementsAre(ViolationOf("calendar.buffer_before"),
                                   ViolationOf("calendar.buffer_after")));
  EXPECT_THAT(CreateViolations([](v1::Calendar& in) {
                *in.mutable_buffer_after() = Seconds(30);
              }),
              ElementsAre(ViolationOf("calendar.buffer_after")));
}

TEST(ValidateNewCalendarTest, MinimumNoticeIsWholeMinutesUpTo365Days) {
  EXPECT_EQ(Created([](v1::Calendar& in) {
              *in.mutable_minimum_notice() = Seconds(365 * 86400);
            }).rules.minimum_notice,
            absl::Hours(365 * 24));
  for (const google::protobuf::Duration& bad :
       {Seconds(365 * 86400 + 60), Seconds(-60), Seconds(30)}) {
    EXPECT_THAT(CreateViolations([&](v1::Calendar& in) {
                  *in.mutable_minimum_notice() = bad;
                }),
                ElementsAre(ViolationOf("calendar.minimum_notice")))
        << bad.DebugString();
  }
}

TEST(ValidateNewCalendarTest, HorizonAndDailyMaximumHaveLimits) {
  domain::Calendar calendar = Created([](v1::Calendar& in) {
    in.set_booking_horizon_days(kMaxBookingHorizonDays);
    in.set_max_bookings_per_day(kMaxBookingsPerDay);
  });
  EXPECT_EQ(calendar.rules.booking_horizon_days, 3650);
  EXPECT_EQ(calendar.rules.max_bookings_per_day, 100000);
  EXPECT_THAT(
      CreateViolations([](v1::Calendar& in) {
        in.set_booking_horizon_days(3651);
        in.set_max_bookings_per_day(100001);
      }),
      UnorderedElementsAre(ViolationOf("calendar.booking_horizon_days"),
                           ViolationOf("calendar.max_bookings_per_day")));
  EXPECT_THAT(
      CreateViolations([](v1::Calendar& in) {
        in.set_booking_horizon_days(-1);
        in.set_max_bookings_per_day(-1);
      }),
      UnorderedElementsAre(ViolationOf("calendar.booking_horizon_days"),
                           ViolationOf("calendar.max_bookings_per_day")));
}

TEST(ValidateNewCalendarTest, SeatsAreOneUnlessAClass) {
  EXPECT_EQ(Created([](v1::Calendar& in) {
              in.set_seats_per_slot(0);
            }).rules.seats_per_slot,
            1);
  EXPECT_EQ(Created([](v1::Calendar& in) {
              in.set_seats_per_slot(1);
            }).rules.seats_per_slot,
            1);
  EXPECT_EQ(Created([](v1::Calendar& in) {
              in.set_calendar_type(v1::Calendar::CLASS_BOOKING);
              in.set_seats_per_slot(kMaxSeatsPerSlot);
            }).rules.seats_per_slot,
            10000);
  EXPECT_THAT(CreateViolations([](v1::Calendar& in) {
                in.set_calendar_type(v1::Calendar::CLASS_BOOKING);
                in.set_seats_per_slot(10001);
              }),
              ElementsAre(ViolationSaying("calendar.seats_per_slot", "10000")));
  EXPECT_THAT(
      CreateViolations([](v1::Calendar& in) {
        in.set_calendar_type(v1::Calendar::ROUND_ROBIN);
        in.add_team_members("a");
        in.set_seats_per_slot(2);
      }),
      ElementsAre(ViolationSaying("calendar.seats_per_slot", "CLASS_BOOKING")));
}

TEST(ValidateNewCalendarTest, GroupIsAGroupOfTheSameLocation) {
  EXPECT_EQ(Created([](v1::Calendar& in) {
              in.set_group("locations/acme/groups/sales");
            }).group_id,
            "sales");
  EXPECT_THAT(CreateViolations([](v1::Calendar& in) {
                in.set_group("locations/other/groups/sales");
              }),
              ElementsAre(ViolationSaying("calendar.group", "locations/acme")));
  for (const char* bad :
       {"sales", "locations/acme/calendars/sales",
        "locations/acme/groups/Sales", "locations/acme/groups/sales/x"}) {
    EXPECT_THAT(CreateViolations([&](v1::Calendar& in) { in.set_group(bad); }),
                ElementsAre(ViolationSaying("calendar.group", "group name")))
        << bad;
  }
}

domain::Calendar Existing() {
  absl::StatusOr<domain::Calendar> calendar =
      ValidateNewCalendar(ValidCreate());
  domain::Calendar existing = *calendar;
  existing.pk = 17;
  existing.calendar_id = "intro";
  existing.group_id = "sales";
  existing.group_enabled = false;
  existing.status = domain::CalendarStatus::kInactive;
  existing.create_time = absl::FromUnixSeconds(1'700'000'000);
  existing.update_time = absl::FromUnixSeconds(1'700'000'100);
  existing.version = 4;
  return existing;
}

v1::UpdateCalendarRequest Update(std::initializer_list<const char*> paths) {
  v1::UpdateCalendarRequest request;
  *request.mutable_calendar() = ValidCreate().calendar();
  request.mutable_calendar()->set_name("locations/acme/calendars/intro");
  for (const char* path : paths) request.mutable_update_mask()->add_paths(path);
  return request;
}

TEST(ApplyCalendarUpdateTest, ChangesOnlyTheMaskedFields) {
  v1::UpdateCalendarRequest request = Update({"display_name", "duration"});
  v1::Calendar& in = *request.mutable_calendar();
  in.set_display_name("Discovery call");
  *in.mutable_duration() = Seconds(3600);
  in.set_slug("ignored");
  in.set_time_zone("Asia/Tokyo");
  in.set_calendar_type(v1::Calendar::ROUND_ROBIN);
  in.set_status(v1::Calendar::ACTIVE);
  in.set_group("locations/acme/groups/other");
  in.clear_weekly_hours();
  const domain::Calendar current = Existing();
  absl::StatusOr<domain::Calendar> updated =
      ApplyCalendarUpdate(current, request);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->display_name, "Discovery call");
  EXPECT_EQ(updated->rules.duration, absl::Hours(1));
  EXPECT_EQ(updated->slug, "intro-call");
  EXPECT_EQ(updated->time_zone_name, "Europe/London");
  EXPECT_EQ(updated->type, domain::CalendarType::kEvent);
  EXPECT_EQ(updated->status, domain::CalendarStatus::kInactive);
  EXPECT_EQ(updated->group_id, "sales");
  EXPECT_FALSE(updated->group_enabled);
  EXPECT_EQ(updated->rules.weekly_hours, current.rules.weekly_hours);
  EXPECT_EQ(updated->pk, 17);
  EXPECT_EQ(updated->location_id, "acme");
  EXPECT_EQ(updated->calendar_id, "intro");
  EXPECT_EQ(updated->version, 4);
  EXPECT_EQ(updated->create_time, current.create_time);
  EXPECT_EQ(updated->update_time, current.update_time);
}

TEST(ApplyCalendarUpdateTest, StarUpdatesEveryWritableField) {
  v1::UpdateCalendarRequest request = Update({"*"});
  v1::Calendar& in = *request.mutable_calendar();
  in.set_slug("new-slug");
  in.set_time_zone("Asia/Tokyo");
  in.clear_weekly_hours();
  in.add_team_members("host");
  *in.mutable_slot_interval() = Seconds(600);
  AddOverride(in, 2026, 1, 1);
  *in.mutable_buffer_before() = Seconds(60);
  *in.mutable_buffer_after() = Seconds(120);
  *in.mutable_minimum_notice() = Seconds(3600);
  in.set_booking_horizon_days(30);
  in.set_max_bookings_per_day(3);
  in.set_calendar_type(v1::Calendar::CLASS_BOOKING);  // not writable: ignored
  absl::StatusOr<domain::Calendar> updated =
      ApplyCalendarUpdate(Existing(), request);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->slug, "new-slug");
  EXPECT_EQ(updated->time_zone_name, "Asia/Tokyo");
  EXPECT_THAT(updated->rules.weekly_hours, IsEmpty());
  EXPECT_THAT(updated->members, ElementsAre("host"));
  EXPECT_EQ(updated->rules.slot_interval, absl::Minutes(10));
  EXPECT_EQ(updated->rules.date_overrides.size(), 1u);
  EXPECT_EQ(updated->rules.buffer_before, absl::Minutes(1));
  EXPECT_EQ(updated->rules.buffer_after, absl::Minutes(2));
  EXPECT_EQ(updated->rules.minimum_notice, absl::Hours(1));
  EXPECT_EQ(updated->rules.booking_horizon_days, 30);
  EXPECT_EQ(updated->rules.max_bookings_per_day, 3);
  EXPECT_EQ(updated->type, domain::CalendarType::kEvent);
}

TEST(ApplyCalendarUpdateTest, RequiresAMask) {
  v1::UpdateCalendarRequest request = Update({});
  EXPECT_THAT(Violations(ApplyCalendarUpdate(Existing(), request).status()),
              ElementsAre(ViolationSaying("update_mask", "\"*\"")));
  request.mutable_update_mask();
  EXPECT_THAT(Violations(ApplyCalendarUpdate(Existing(), request).status()),
              ElementsAre(ViolationOf("update_mask")));
}

TEST(ApplyCalendarUpdateTest, RefusesPathsThatAreNotWritable) {
  const std::vector<std::pair<const char*, const char*>> refused = {
      {"name", "identifies"},           {"create_time", "output only"},
      {"update_time", "output only"},   {"etag", "output only"},
      {"group", "MoveCalendarToGroup"}, {"calendar_type", "fixed"},
      {"status", "ActivateCalendar"},
  };
  for (const auto& [path, reason] : refused) {
    EXPECT_THAT(
        Violations(ApplyCalendarUpdate(Existing(), Update({path})).status()),
        ElementsAre(AllOf(
            ViolationSaying("update_mask",
                            absl::StrCat("\"", path, "\" cannot be updated")),
            ViolationSaying("update_mask", reason))))
        << path;
  }
}

TEST(ApplyCalendarUpdateTest, RefusesUnknownPathsNamingTheWritableOnes) {
  EXPECT_THAT(
      Violations(
          ApplyCalendarUpdate(Existing(), Update({"displayName", "display_name",
                                                  "weekly_hours.day_of_week"}))
              .status()),
      ElementsAre(
          AllOf(ViolationSaying("update_mask", "unknown field \"displayName\""),
                ViolationSaying("update_mask", "seats_per_slot")),
          ViolationSaying("update_mask", "\"weekly_hours.day_of_week\"")));
}

TEST(ApplyCalendarUpdateTest, RefusesMoreThan100Paths) {
  v1::UpdateCalendarRequest request = Update({});
  for (int i = 0; i <= kMaxUpdateMaskPaths; ++i) {
    request.mutable_update_mask()->add_paths("display_name");
  }
  EXPECT_THAT(Violations(ApplyCalendarUpdate(Existing(), request).status()),
              ElementsAre(ViolationSaying("update_mask", "100")));
}

TEST(ApplyCalendarUpdateTest, ChecksOnlyTheMaskedValues) {
  v1::UpdateCalendarRequest request = Update({"display_name"});
  request.mutable_calendar()->set_slug("Not A Slug");
  request.mutable_calendar()->clear_duration();
  EXPECT_TRUE(ApplyCalendarUpdate(Existing(), request).ok());
  request = Update({"slug", "duration"});
  request.mutable_calendar()->set_slug("Not A Slug");
  request.mutable_calendar()->clear_duration();
  EXPECT_THAT(Violations(ApplyCalendarUpdate(Existing(), request).status()),
              UnorderedElementsAre(ViolationOf("calendar.slug"),
                                   ViolationOf("calendar.duration")));
}

TEST(ApplyCalendarUpdateTest, ReportsMaskAndValueViolationsTogether) {
  v1::UpdateCalendarRequest request = Update({"slug", "status"});
  request.mutable_calendar()->set_slug("Not A Slug");
  EXPECT_THAT(Violations(ApplyCalendarUpdate(Existing(), request).status()),
              UnorderedElementsAre(ViolationOf("calendar.slug"),
                                   ViolationOf("update_mask")));
}

TEST(ApplyCalendarUpdateTest, ChecksTypeRulesOnTheResult) {
  v1::UpdateCalendarRequest request =
      Update({"team_members", "seats_per_slot", "allowed_durations"});
  request.mutable_calendar()->add_team_members("a");
  request.mutable_calendar()->add_team_members("b");
  request.mutable_calendar()->set_seats_per_slot(3);
  *request.mutable_calendar()->add_allowed_durations() = Seconds(3600);
  EXPECT_THAT(Violations(ApplyCalendarUpdate(Existing(), request).status()),
              UnorderedElementsAre(ViolationOf("calendar.team_members"),
                                   ViolationOf("calendar.seats_per_slot"),
                                   ViolationOf("calendar.allowed_durations")));

  domain::Calendar round_robin = Existing();
  round_robin.type = domain::CalendarType::kRoundRobin;
  round_robin.members = {"a", "b"};
  request = Update({"team_members"});
  EXPECT_THAT(
      Violations(ApplyCalendarUpdate(round_robin, request).status()),
      ElementsAre(ViolationSaying("calendar.team_members", "ROUND_ROBIN")));
}

TEST(ApplyCalendarUpdateTest, AddsANewDurationToAServicesChoices) {
  domain::Calendar service = Existing();
  service.type = domain::CalendarType::kService;
  service.allowed_durations = {absl::Minutes(30), absl::Minutes(60)};
  v1::UpdateCalendarRequest request = Update({"duration"});
  *request.mutable_calendar()->mutable_duration() = Seconds(45 * 60);
  absl::StatusOr<domain::Calendar> updated =
      ApplyCalendarUpdate(service, request);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_THAT(
      updated->allowed_durations,
      ElementsAre(absl::Minutes(30), absl::Minutes(45), absl::Minutes(60)));

  request = Update({"allowed_durations"});
  *request.mutable_calendar()->add_allowed_durations() = Seconds(20 * 60);
  updated = ApplyCalendarUpdate(service, request);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_THAT(updated->allowed_durations,
              ElementsAre(absl::Minutes(20), absl::Minutes(30)));
}

TEST(ApplyCalendarUpdateTest, RequiresTheCalendarItNames) {
  v1::UpdateCalendarRequest request = Update({"display_name"});
  request.clear_calendar();
  EXPECT_THAT(Violations(ApplyCalendarUpdate(Existing(), request).status()),
              ElementsAre(ViolationOf("calendar")));
  request = Update({"display_name"});
  request.mutable_calendar()->set_name("intro");
  EXPECT_THAT(Violations(ApplyCalendarUpdate(Existing(), request).status()),
              ElementsAre(ViolationSaying("calendar.name", "calendar name")));
  request.mutable_calendar()->set_name("locations/acme/calendars/other");
  EXPECT_THAT(Violations(ApplyCalendarUpdate(Existing(), request).status()),
              ElementsAre(ViolationSaying("calendar.name", "to update")));
}

v1::CreateGroupRequest ValidCreateGroup() {
  v1::CreateGroupRequest request;
  request.set_parent("locations/acme");
  request.set_group_id("sales");
  request.mutable_group()->set_display_name("Sales team");
  request.mutable_group()->set_description("Calendars of\nthe sales team.");
  return request;
}

TEST(ValidateNewGroupTest, AcceptsAValidGroup) {
  v1::CreateGroupRequest request = ValidCreateGroup();
  request.mutable_group()->set_state(v1::Group::DISABLED);  // output only
  request.mutable_group()->set_name("locations/x/groups/y");
  absl::StatusOr<domain::Group> group = ValidateNewGroup(request);
  ASSERT_TRUE(group.ok()) << group.status();
  EXPECT_EQ(group->location_id, "acme");
  EXPECT_EQ(group->group_id, "sales");
  EXPECT_EQ(group->display_name, "Sales team");
  EXPECT_EQ(group->description, "Calendars of\nthe sales team.");
  EXPECT_TRUE(group->enabled);
  request.clear_group_id();
  EXPECT_TRUE(ValidateNewGroup(request)->group_id.empty());
}

TEST(ValidateNewGroupTest, ReportsEveryViolation) {
  v1::CreateGroupRequest request = ValidCreateGroup();
  request.set_parent("locations/");
  request.set_group_id("Sales");
  request.mutable_group()->set_display_name("");
  request.mutable_group()->set_description(std::string(2001, 'x'));
  EXPECT_THAT(
      Violations(ValidateNewGroup(request).status()),
      UnorderedElementsAre(ViolationOf("parent"), ViolationOf("group_id"),
                           ViolationSaying("group.display_name", "is required"),
                           ViolationSaying("group.description", "2000")));
  request.mutable_group()->set_description("bell\a");
  request.mutable_group()->set_display_name("tab\tname");
  EXPECT_THAT(Violations(ValidateNewGroup(request).status()),
              Contains(ViolationSaying("group.description", "control")));
  EXPECT_THAT(Violations(ValidateNewGroup(request).status()),
              Contains(ViolationSaying("group.display_name", "control")));
  request.clear_group();
  EXPECT_THAT(Violations(ValidateNewGroup(request).status()),
              Contains(ViolationOf("group")));
}

domain::Group ExistingGroup() {
  domain::Group group;
  group.pk = 3;
  group.location_id = "acme";
  group.group_id = "sales";
  group.display_name = "Sales";
  group.description = "old";
  group.enabled = false;
  group.calendar_count = 5;
  group.version = 2;
  return group;
}

v1::UpdateGroupRequest UpdateGroup(std::initializer_list<const char*> paths) {
  v1::UpdateGroupRequest request;
  request.mutable_group()->set_name("locations/acme/groups/sales");
  request.mutable_group()->set_display_name("Sales EMEA");
  request.mutable_group()->set_description("new");
  for (const char* path : paths) request.mutable_update_mask()->add_paths(path);
  return request;
}

TEST(ApplyGroupUpdateTest, ChangesOnlyTheMaskedFields) {
  absl::StatusOr<domain::Group> group =
      ApplyGroupUpdate(ExistingGroup(), UpdateGroup({"description"}));
  ASSERT_TRUE(group.ok()) << group.status();
  EXPECT_EQ(group->display_name, "Sales");
  EXPECT_EQ(group->description, "new");
  EXPECT_FALSE(group->enabled);
  EXPECT_EQ(group->pk, 3);
  EXPECT_EQ(group->version, 2);
  EXPECT_EQ(group->calendar_count, 5);
  group = ApplyGroupUpdate(ExistingGroup(), UpdateGroup({"*"}));
  ASSERT_TRUE(group.ok()) << group.status();
  EXPECT_EQ(group->display_name, "Sales EMEA");
  EXPECT_EQ(group->description, "new");
}

TEST(ApplyGroupUpdateTest, RefusesBadMasksAndValues) {
  EXPECT_THAT(
      Violations(ApplyGroupUpdate(ExistingGroup(), UpdateGroup({})).status()),
      ElementsAre(ViolationOf("update_mask")));
  EXPECT_THAT(Violations(ApplyGroupUpdate(ExistingGroup(),
                                          UpdateGroup({"state", "enabled",
                                                       "calendar_count"}))
                             .status()),
              ElementsAre(ViolationSaying("update_mask", "EnableGroup"),
                          ViolationSaying("update_mask", "unknown field"),
                          ViolationSaying("update_mask", "output only")));
  v1::UpdateGroupRequest request = UpdateGroup({"display_name"});
  request.mutable_group()->set_display_name(std::string(201, 'x'));
  EXPECT_THAT(Violations(ApplyGroupUpdate(ExistingGroup(), request).status()),
              ElementsAre(ViolationOf("group.display_name")));
  request = UpdateGroup({"display_name"});
  request.mutable_group()->set_name("locations/acme/groups/other");
  EXPECT_THAT(Violations(ApplyGroupUpdate(ExistingGroup(), request).status()),
              ElementsAre(ViolationSaying("group.name", "to update")));
  request.mutable_group()->set_name("groups/sales");
  EXPECT_THAT(Violations(ApplyGroupUpdate(ExistingGroup(), request).status()),
              ElementsAre(ViolationSaying("group.name", "group name")));
  request.clear_group();
  EXPECT_THAT(Violations(ApplyGroupUpdate(ExistingGroup(), request).status()),
              ElementsAre(ViolationOf("group")));
}

}  // namespace
}  // namespace scheduling::api
