#include "server/api/proto_conversion.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "scheduling/v1/calendar_service.pb.h"
#include "scheduling/v1/one_time_link_service.pb.h"
#include "server/api/calendar_validation.h"
#include "server/domain/names.h"

namespace scheduling::api {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr domain::CalendarType kAllTypes[] = {
    domain::CalendarType::kEvent, domain::CalendarType::kRoundRobin,
    domain::CalendarType::kCollective, domain::CalendarType::kClassBooking,
    domain::CalendarType::kService};

// A calendar of `type` with every setting away from its default.
domain::Calendar FullCalendar(domain::CalendarType type) {
  domain::Calendar calendar;
  calendar.pk = 5;
  calendar.location_id = "acme";
  calendar.calendar_id = "cal-1";
  calendar.slug = "full-calendar";
  calendar.display_name = "Full calendar ✓";
  calendar.time_zone_name = "America/New_York";
  EXPECT_TRUE(absl::LoadTimeZone("America/New_York", &calendar.rules.zone));
  calendar.type = type;
  const bool team = type == domain::CalendarType::kRoundRobin ||
                    type == domain::CalendarType::kCollective;
  calendar.members = team ? std::vector<std::string>{"zoe", "ann", "bob"}
                          : std::vector<std::string>{"host"};
  domain::AvailabilityRules& rules = calendar.rules;
  rules.duration = absl::Minutes(30);
  if (type == domain::CalendarType::kService) {
    calendar.allowed_durations = {absl::Minutes(15), absl::Minutes(30),
                                  absl::Minutes(90)};
  }
  rules.slot_interval = absl::Minutes(15);
  rules.weekly_hours = {{absl::Weekday::monday, 540, 720},
                        {absl::Weekday::monday, 780, 1020},
                        {absl::Weekday::saturday, 600, 1440}};
  rules.date_overrides = {
      {absl::CivilDay(2026, 7, 4), {}},
      {absl::CivilDay(2026, 12, 24), {{540, 720}, {780, 1440}}}};
  rules.buffer_before = absl::Minutes(5);
  rules.buffer_after = absl::Minutes(10);
  rules.minimum_notice = absl::Hours(2);
  rules.booking_horizon_days = 60;
  rules.max_bookings_per_day = 8;
  rules.seats_per_slot = type == domain::CalendarType::kClassBooking ? 12 : 1;
  calendar.status = domain::CalendarStatus::kInactive;
  calendar.group_id = "sales";
  calendar.create_time = absl::FromUnixSeconds(1'700'000'000);
  calendar.update_time = absl::FromUnixMicros(1'700'000'100'250'000);
  calendar.version = 3;
  return calendar;
}

// Every setting a caller can write, compared field by field.
void ExpectSameSettings(const domain::Calendar& actual,
                        const domain::Calendar& expected) {
  EXPECT_EQ(actual.location_id, expected.location_id);
  EXPECT_EQ(actual.calendar_id, expected.calendar_id);
  EXPECT_EQ(actual.slug, expected.slug);
  EXPECT_EQ(actual.display_name, expected.display_name);
  EXPECT_EQ(actual.time_zone_name, expected.time_zone_name);
  EXPECT_EQ(actual.type, expected.type);
  EXPECT_EQ(actual.members, expected.members);
  EXPECT_EQ(actual.allowed_durations, expected.allowed_durations);
  EXPECT_EQ(actual.status, expected.status);
  EXPECT_EQ(actual.group_id, expected.group_id);
  const domain::AvailabilityRules& a = actual.rules;
  const domain::AvailabilityRules& e = expected.rules;
  EXPECT_EQ(a.zone, e.zone);
  EXPECT_EQ(a.duration, e.duration);
  EXPECT_EQ(a.slot_interval, e.slot_interval);
  EXPECT_EQ(a.weekly_hours, e.weekly_hours);
  EXPECT_EQ(a.date_overrides, e.date_overrides);
  EXPECT_EQ(a.buffer_before, e.buffer_before);
  EXPECT_EQ(a.buffer_after, e.buffer_after);
  EXPECT_EQ(a.minimum_notice, e.minimum_notice);
  EXPECT_EQ(a.booking_horizon_days, e.booking_horizon_days);
  EXPECT_EQ(a.max_bookings_per_day, e.max_bookings_per_day);
  EXPECT_EQ(a.seats_per_slot, e.seats_per_slot);
}

TEST(CalendarToProtoTest, WritesEveryField) {
  const domain::Calendar calendar =
      FullCalendar(domain::CalendarType::kService);
  v1::Calendar out;
  CalendarToProto(calendar, &out);
  EXPECT_EQ(out.name(), "locations/acme/calendars/cal-1");
  EXPECT_EQ(out.display_name(), "Full calendar ✓");
  EXPECT_EQ(out.slug(), "full-calendar");
  EXPECT_EQ(out.duration().seconds(), 1800);
  EXPECT_EQ(out.time_zone(), "America/New_York");
  ASSERT_EQ(out.weekly_hours_size(), 3);
  EXPECT_EQ(out.weekly_hours(2).day_of_week(), google::type::SATURDAY);
  EXPECT_EQ(out.weekly_hours(2).start_time().hours(), 10);
  EXPECT_EQ(out.weekly_hours(2).end_time().hours(), 24);
  EXPECT_EQ(out.status(), v1::Calendar::INACTIVE);
  EXPECT_EQ(out.create_time().seconds(), 1'700'000'000);
  EXPECT_EQ(out.update_time().seconds(), 1'700'000'100);
  EXPECT_EQ(out.update_time().nanos(), 250'000'000);
  EXPECT_EQ(out.etag(), "\"v3\"");
  EXPECT_EQ(out.group(), "locations/acme/groups/sales");
  EXPECT_EQ(out.calendar_type(), v1::Calendar::SERVICE);
  EXPECT_THAT(out.team_members(), ElementsAre("host"));
  ASSERT_EQ(out.allowed_durations_size(), 3);
  EXPECT_EQ(out.allowed_durations(0).seconds(), 900);
  EXPECT_EQ(out.allowed_durations(2).seconds(), 5400);
  EXPECT_EQ(out.slot_interval().seconds(), 900);
  ASSERT_EQ(out.date_overrides_size(), 2);
  EXPECT_EQ(out.date_overrides(0).date().year(), 2026);
  EXPECT_EQ(out.date_overrides(0).date().month(), 7);
  EXPECT_EQ(out.date_overrides(0).date().day(), 4);
  EXPECT_THAT(out.date_overrides(0).open_intervals(), IsEmpty());
  ASSERT_EQ(out.date_overrides(1).open_intervals_size(), 2);
  const v1::TimeRange& evening = out.date_overrides(1).open_intervals(1);
  EXPECT_EQ(evening.start_time().hours(), 13);
  EXPECT_EQ(evening.start_time().minutes(), 0);
  EXPECT_EQ(evening.end_time().hours(), 24);
  EXPECT_EQ(evening.end_time().minutes(), 0);
  EXPECT_EQ(out.buffer_before().seconds(), 300);
  EXPECT_EQ(out.buffer_after().seconds(), 600);
  EXPECT_EQ(out.minimum_notice().seconds(), 7200);
  EXPECT_EQ(out.booking_horizon_days(), 60);
  EXPECT_EQ(out.max_bookings_per_day(), 8);
  EXPECT_EQ(out.seats_per_slot(), 1);
}

TEST(CalendarToProtoTest, LeavesUnsetWhatHasNoValue) {
  domain::Calendar calendar = FullCalendar(domain::CalendarType::kEvent);
  calendar.group_id.clear();
  calendar.rules.slot_interval = absl::ZeroDuration();
  calendar.status = domain::CalendarStatus::kActive;
  v1::Calendar out;
  CalendarToProto(calendar, &out);
  EXPECT_TRUE(out.group().empty());
  EXPECT_FALSE(out.has_slot_interval());
  EXPECT_THAT(out.allowed_durations(), IsEmpty());
  EXPECT_EQ(out.status(), v1::Calendar::ACTIVE);
}

TEST(CalendarToProtoTest, WritesMinutesAsTimesOfDay) {
  EXPECT_EQ(MinuteOfDayToProto(0).hours(), 0);
  EXPECT_EQ(MinuteOfDayToProto(615).hours(), 10);
  EXPECT_EQ(MinuteOfDayToProto(615).minutes(), 15);
  EXPECT_EQ(MinuteOfDayToProto(1440).hours(), 24);
  EXPECT_EQ(MinuteOfDayToProto(1440).minutes(), 0);
  const google::type::Date date = DateToProto(absl::CivilDay(1, 2, 3));
  EXPECT_EQ(date.year(), 1);
  EXPECT_EQ(date.month(), 2);
  EXPECT_EQ(date.day(), 3);
}

TEST(CalendarTypeTest, MapsEachTypeBothWays) {
  for (domain::CalendarType type : kAllTypes) {
    EXPECT_EQ(CalendarTypeFromProto(CalendarTypeToProto(type)), type);
  }
  EXPECT_EQ(CalendarTypeToProto(domain::CalendarType::kClassBooking),
            v1::Calendar::CLASS_BOOKING);
  EXPECT_FALSE(CalendarTypeFromProto(v1::Calendar::TYPE_UNSPECIFIED));
  EXPECT_FALSE(CalendarTypeFromProto(static_cast<v1::Calendar::Type>(42)));
}

TEST(CalendarRoundTripTest, CreateReadsBackWhatItWasShown) {
  for (domain::CalendarType type : kAllTypes) {
    SCOPED_TRACE(v1::Calendar::Type_Name(CalendarTypeToProto(type)));
    const domain::Calendar original = FullCalendar(type);
    v1::CreateCalendarRequest request;
    request.set_parent(domain::LocationName(original.location_id));
    request.set_calendar_id(original.calendar_id);
    CalendarToProto(original, request.mutable_calendar());
    absl::StatusOr<domain::Calendar> created = ValidateNewCalendar(request);
    ASSERT_TRUE(created.ok()) << created.status();
    ExpectSameSettings(*created, original);
  }
}

TEST(CalendarRoundTripTest, UpdatingEveryFieldRestoresTheCalendar) {
  for (domain::CalendarType type : kAllTypes) {
    SCOPED_TRACE(v1::Calendar::Type_Name(CalendarTypeToProto(type)));
    const domain::Calendar original = FullCalendar(type);
    v1::UpdateCalendarRequest request;
    CalendarToProto(original, request.mutable_calendar());
    request.mutable_update_mask()->add_paths("*");
    domain::Calendar changed = original;
    changed.display_name = "Old name";
    changed.slug = "old-slug";
    changed.time_zone_name = "UTC";
    changed.rules = domain::AvailabilityRules();
    if (type != domain::CalendarType::kRoundRobin &&
        type != domain::CalendarType::kCollective) {
      changed.members.clear();
    }
    changed.allowed_durations.clear();
    absl::StatusOr<domain::Calendar> updated =
        ApplyCalendarUpdate(changed, request);
    ASSERT_TRUE(updated.ok()) << updated.status();
    ExpectSameSettings(*updated, original);
    EXPECT_EQ(updated->pk, original.pk);
    EXPECT_EQ(updated->version, original.version);
  }
}

TEST(GroupNameTest, FormatsAndParsesGroupNames) {
  EXPECT_EQ(GroupResourceName("acme", "sales"), "locations/acme/groups/sales");
  std::optional<GroupName> name = ParseGroupName("locations/acme/groups/sales");
  ASSERT_TRUE(name.has_value());
  EXPECT_EQ(name->location_id, "acme");
  EXPECT_EQ(name->group_id, "sales");
  for (const char* bad :
       {"", "locations/acme", "locations/acme/groups/", "locations//groups/x",
        "locations/acme/calendars/x", "locations/acme/groups/Sales",
        "locations/acme/groups/x/", "/locations/acme/groups/x",
        "locations/acme/groups/-x"}) {
    EXPECT_FALSE(ParseGroupName(bad).has_value()) << bad;
  }
}

TEST(GroupToProtoTest, WritesEveryField) {
  domain::Group group;
  group.pk = 8;
  group.location_id = "acme";
  group.group_id = "sales";
  group.display_name = "Sales";
  group.description = "The sales team";
  group.enabled = true;
  group.calendar_count = 4;
  group.create_time = absl::FromUnixSeconds(1'700'000'000);
  group.update_time = absl::FromUnixSeconds(1'700'000'500);
  group.version = 6;
  v1::Group out;
  GroupToProto(group, &out);
  EXPECT_EQ(out.name(), "locations/acme/groups/sales");
  EXPECT_EQ(out.display_name(), "Sales");
  EXPECT_EQ(out.description(), "The sales team");
  EXPECT_EQ(out.state(), v1::Group::ENABLED);
  EXPECT_EQ(out.create_time().seconds(), 1'700'000'000);
  EXPECT_EQ(out.update_time().seconds(), 1'700'000'500);
  EXPECT_EQ(out.etag(), "\"v6\"");
  EXPECT_EQ(GroupEtag(group), "\"v6\"");
  EXPECT_EQ(out.calendar_count(), 4);
  group.enabled = false;
  GroupToProto(group, &out);
  EXPECT_EQ(out.state(), v1::Group::DISABLED);
}

domain::Booking ABooking() {
  domain::Booking booking;
  booking.location_id = "acme";
  booking.calendar_id = "intro";
  booking.booking_id = "b1";
  booking.start_time = absl::FromUnixSeconds(1'800'000'000);
  booking.end_time = booking.start_time + absl::Minutes(30);
  booking.invitee = {"Ada", "ada@example.com"};
  booking.create_time = absl::FromUnixSeconds(1'799'000'000);
  return booking;
}

TEST(BookingToProtoTest, WritesAConfirmedBooking) {
  domain::Booking booking = ABooking();
  booking.members = {"ann", "bob"};
  booking.one_time_link_id = "l1";
  v1::Booking out;
  BookingToProto(booking, &out);
  EXPECT_EQ(out.name(), "locations/acme/calendars/intro/bookings/b1");
  EXPECT_EQ(out.start_time().seconds(), 1'800'000'000);
  EXPECT_EQ(out.end_time().seconds(), 1'800'001'800);
  EXPECT_EQ(out.invitee().display_name(), "Ada");
  EXPECT_EQ(out.invitee().email(), "ada@example.com");
  EXPECT_EQ(out.one_time_link(),
            "locations/acme/calendars/intro/oneTimeLinks/l1");
  EXPECT_EQ(out.create_time().seconds(), 1'799'000'000);
  EXPECT_EQ(out.state(), v1::Booking::CONFIRMED);
  EXPECT_THAT(out.members(), ElementsAre("ann", "bob"));
  EXPECT_FALSE(out.has_cancel_time());
  EXPECT_TRUE(out.cancel_reason().empty());
  EXPECT_FALSE(out.has_reschedule_time());
}

TEST(BookingToProtoTest, WritesCancellationAndReschedule) {
  domain::Booking booking = ABooking();
  booking.state = domain::BookingState::kCancelled;
  booking.cancel_time = absl::FromUnixSeconds(1'799'500'000);
  booking.cancel_reason = "Sick";
  booking.reschedule_time = absl::FromUnixSeconds(1'799'400'000);
  v1::Booking out;
  BookingToProto(booking, &out);
  EXPECT_EQ(out.state(), v1::Booking::CANCELLED);
  EXPECT_EQ(out.cancel_time().seconds(), 1'799'500'000);
  EXPECT_EQ(out.cancel_reason(), "Sick");
  EXPECT_EQ(out.reschedule_time().seconds(), 1'799'400'000);
  EXPECT_TRUE(out.one_time_link().empty());
  EXPECT_THAT(out.members(), IsEmpty());
}

// The member list of AFreeSlot's calendar.
const std::vector<std::string>& SlotMembers() {
  static const auto* const members =
      new std::vector<std::string>{"zoe", "bob", "ann"};
  return *members;
}

domain::FreeSlot AFreeSlot() {
  domain::FreeSlot slot;
  slot.slot.start = absl::FromUnixSeconds(1'800'000'000);  // 08:00 UTC
  slot.slot.end = slot.slot.start + absl::Minutes(45);
  slot.remaining_seats = 7;
  slot.free_members.Insert(0);  // zoe
  slot.free_members.Insert(2);  // ann
  return slot;
}

TEST(SlotToProtoTest, WritesInstantsLocalTimesSeatsAndMembers) {
  absl::TimeZone kathmandu;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Kathmandu", &kathmandu));
  v1::Slot out;
  SlotToProto(AFreeSlot(), SlotMembers(), kathmandu, &out);
  EXPECT_EQ(out.start_time().seconds(), 1'800'000'000);
  EXPECT_EQ(out.end_time().seconds(), 1'800'002'700);
  EXPECT_EQ(out.local_start_time(), "2027-01-15T13:45:00+05:45");
  EXPECT_EQ(out.local_end_time(), "2027-01-15T14:30:00+05:45");
  EXPECT_EQ(out.remaining_seats(), 7);
  EXPECT_THAT(out.free_members(), ElementsAre("zoe", "ann"));
}

TEST(FreeSlotsToProtoTest, FillsBothKindsOfSlotResponses) {
  const std::vector<domain::FreeSlot> slots = {AFreeSlot(), AFreeSlot()};
  v1::ListFreeSlotsResponse calendar_response;
  FreeSlotsToProto(slots, SlotMembers(), absl::UTCTimeZone(), "UTC",
                   &calendar_response);
  EXPECT_EQ(calendar_response.time_zone(), "UTC");
  ASSERT_EQ(calendar_response.slots_size(), 2);
  EXPECT_EQ(calendar_response.slots(1).local_start_time(),
            "2027-01-15T08:00:00+00:00");

  v1::ListOneTimeLinkFreeSlotsResponse link_response;
  FreeSlotsToProto({}, SlotMembers(), absl::UTCTimeZone(), "Etc/UTC",
                   &link_response);
  EXPECT_EQ(link_response.time_zone(), "Etc/UTC");
  EXPECT_THAT(link_response.slots(), IsEmpty());
}

TEST(DurationFromProtoTest, ReadsSecondsAndNanos) {
  google::protobuf::Duration duration;
  duration.set_seconds(90);
  duration.set_nanos(500'000'000);
  EXPECT_EQ(DurationFromProto(duration), absl::Milliseconds(90'500));
  EXPECT_EQ(DurationToProto(absl::Minutes(5)).seconds(), 300);
}

}  // namespace
}  // namespace scheduling::api
