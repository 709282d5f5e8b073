// Calendars over real gRPC and MariaDB: every type, get, update (mask and
// etag), delete, duplicate, activate/deactivate, move to group, and list
// with filter, order and pagination (also under concurrent inserts).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/integration/calendar_fixtures.h"

namespace scheduling::testing {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

class CalendarsTest : public CalendarFixture {
 protected:
  grpc::Status TryList(const std::string& filter, const std::string& order_by,
                       int page_size, const std::string& page_token,
                       v1::ListCalendarsResponse* response) {
    v1::ListCalendarsRequest request;
    request.set_parent(Parent());
    request.set_filter(filter);
    request.set_order_by(order_by);
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    return calendars_->ListCalendars(Context().get(), request, response);
  }

  // Display names of every calendar matching, paging `page_size` at a time;
  // checks that no calendar comes twice.
  std::vector<std::string> ListAll(const std::string& filter,
                                   const std::string& order_by = "",
                                   int page_size = 2) {
    std::vector<std::string> names;
    std::set<std::string> seen;
    std::string token;
    for (int page = 0; page < 100; ++page) {
      v1::ListCalendarsResponse response;
      grpc::Status status =
          TryList(filter, order_by, page_size, token, &response);
      EXPECT_TRUE(status.ok()) << filter << " / " << order_by << ": "
                               << client::DescribeStatus(status);
      if (!status.ok()) break;
      EXPECT_LE(response.calendars_size(), page_size);
      for (const v1::Calendar& calendar : response.calendars()) {
        names.push_back(calendar.display_name());
        EXPECT_TRUE(seen.insert(calendar.name()).second)
            << "twice: " << calendar.name();
      }
      token = response.next_page_token();
      if (token.empty()) break;
    }
    return names;
  }

  grpc::Status TryDelete(const std::string& name,
                         const std::string& etag = "") {
    v1::DeleteCalendarRequest request;
    request.set_name(name);
    request.set_etag(etag);
    google::protobuf::Empty empty;
    return calendars_->DeleteCalendar(Context().get(), request, &empty);
  }

  grpc::Status TryDuplicate(const std::string& name, v1::Calendar* copy,
                            const std::string& calendar_id = "",
                            const std::string& slug = "",
                            const std::string& display_name = "") {
    v1::DuplicateCalendarRequest request;
    request.set_name(name);
    request.set_calendar_id(calendar_id);
    request.set_slug(slug);
    request.set_display_name(display_name);
    return calendars_->DuplicateCalendar(Context().get(), request, copy);
  }

  v1::Calendar SetActive(const std::string& name, bool active) {
    v1::Calendar calendar;
    grpc::Status status;
    if (active) {
      v1::ActivateCalendarRequest request;
      request.set_name(name);
      status =
          calendars_->ActivateCalendar(Context().get(), request, &calendar);
    } else {
      v1::DeactivateCalendarRequest request;
      request.set_name(name);
      status =
          calendars_->DeactivateCalendar(Context().get(), request, &calendar);
    }
    EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    return calendar;
  }

  // A calendar with every rule set, for round trips.
  static v1::Calendar RichSpec(const std::string& display_name) {
    v1::Calendar spec = CalendarSpec(display_name, "Europe/London", 45);
    AddHours(&spec, google::type::MONDAY, 18 * 60, 20 * 60 + 30);
    *spec.mutable_slot_interval() = Minutes(15);
    *spec.mutable_buffer_before() = Minutes(10);
    *spec.mutable_buffer_after() = Minutes(5);
    *spec.mutable_minimum_notice() = Minutes(120);
    spec.set_booking_horizon_days(60);
    spec.set_max_bookings_per_day(7);
    v1::DateOverride* closed = spec.add_date_overrides();
    closed->mutable_date()->set_year(2031);
    closed->mutable_date()->set_month(12);
    closed->mutable_date()->set_day(25);
    v1::DateOverride* other = spec.add_date_overrides();
    other->mutable_date()->set_year(2031);
    other->mutable_date()->set_month(12);
    other->mutable_date()->set_day(31);
    v1::TimeRange* range = other->add_open_intervals();
    range->mutable_start_time()->set_hours(10);
    range->mutable_end_time()->set_hours(12);
    spec.add_team_members("host-1");
    return spec;
  }

  // The settings of `calendar`: everything but identity, times and etag.
  static v1::Calendar Settings(v1::Calendar calendar) {
    calendar.clear_name();
    calendar.clear_slug();
    calendar.clear_display_name();
    calendar.clear_etag();
    calendar.clear_create_time();
    calendar.clear_update_time();
    return calendar;
  }
};

TEST_F(CalendarsTest, CreatesEachType) {
  const absl::Time before = absl::Now() - absl::Seconds(1);

  v1::Calendar event_spec = CalendarSpec("Event");
  event_spec.add_team_members("host-a");
  const v1::Calendar event = Create(event_spec, "event-1");
  EXPECT_EQ(event.name(), Parent() + "/calendars/event-1");
  EXPECT_EQ(event.calendar_type(), v1::Calendar::EVENT);
  EXPECT_EQ(event.status(), v1::Calendar::ACTIVE);
  EXPECT_THAT(event.team_members(), ElementsAre("host-a"));
  EXPECT_EQ(event.slug(), event_spec.slug());
  EXPECT_EQ(event.duration().seconds(), 1800);
  EXPECT_EQ(event.time_zone(), "UTC");
  EXPECT_EQ(event.weekly_hours_size(), 7);
  EXPECT_EQ(event.seats_per_slot(), 1);
  EXPECT_EQ(event.group(), "");
  EXPECT_FALSE(event.etag().empty());
  EXPECT_GE(FromTs(event.create_time()), before);
  EXPECT_GE(FromTs(event.update_time()), FromTs(event.create_time()));

  // Unspecified type is EVENT; an id is generated.
  const v1::Calendar unspecified = Create(CalendarSpec("Default"));
  EXPECT_EQ(unspecified.calendar_type(), v1::Calendar::EVENT);
  EXPECT_THAT(unspecified.name(), StartsWith(Parent() + "/calendars/"));
  EXPECT_FALSE(IdOf(unspecified.name()).empty());

  v1::Calendar rr_spec = CalendarSpec("Round robin");
  rr_spec.set_calendar_type(v1::Calendar::ROUND_ROBIN);
  for (const char* member : {"carol", "alice", "bob"}) {
    rr_spec.add_team_members(member);
  }
  const v1::Calendar rr = Create(rr_spec);
  EXPECT_EQ(rr.calendar_type(), v1::Calendar::ROUND_ROBIN);
  EXPECT_THAT(rr.team_members(), ElementsAre("carol", "alice", "bob"));

  v1::Calendar collective_spec = CalendarSpec("Collective");
  collective_spec.set_calendar_type(v1::Calendar::COLLECTIVE);
  collective_spec.add_team_members("alice");
  collective_spec.add_team_members("bob");
  const v1::Calendar collective = Create(collective_spec);
  EXPECT_EQ(collective.calendar_type(), v1::Calendar::COLLECTIVE);
  EXPECT_THAT(collective.team_members(), ElementsAre("alice", "bob"));

  v1::Calendar class_spec = CalendarSpec("Yoga class", "UTC", 60);
  class_spec.set_calendar_type(v1::Calendar::CLASS_BOOKING);
  class_spec.set_seats_per_slot(12);
  const v1::Calendar yoga = Create(class_spec);
  EXPECT_EQ(yoga.calendar_type(), v1::Calendar::CLASS_BOOKING);
  EXPECT_EQ(yoga.seats_per_slot(), 12);

  v1::Calendar service_spec = CalendarSpec("Haircut");
  service_spec.set_calendar_type(v1::Calendar::SERVICE);
  *service_spec.add_allowed_durations() = Minutes(60);
  *service_spec.add_allowed_durations() = Minutes(15);
  const v1::Calendar service = Create(service_spec);
  EXPECT_EQ(service.calendar_type(), v1::Calendar::SERVICE);
  std::set<int64_t> allowed;
  for (const auto& duration : service.allowed_durations()) {
    allowed.insert(duration.seconds());
  }
  // `duration` is always among the allowed ones.
  EXPECT_EQ(allowed, (std::set<int64_t>{900, 1800, 3600}));

  // Get returns exactly what Create did.
  for (const v1::Calendar* created :
       {&event, &unspecified, &rr, &collective, &yoga, &service}) {
    const v1::Calendar fetched = Get(created->name());
    EXPECT_TRUE(MessageDifferencer::Equals(fetched, *created))
        << fetched.DebugString() << " vs " << created->DebugString();
  }
  EXPECT_EQ(CalendarRows(), 6);
}

TEST_F(CalendarsTest, EveryRuleRoundTrips) {
  const v1::Calendar spec = RichSpec("Rich");
  const v1::Calendar created = Create(spec);
  EXPECT_EQ(created.slot_interval().seconds(), 900);
  EXPECT_EQ(created.buffer_before().seconds(), 600);
  EXPECT_EQ(created.buffer_after().seconds(), 300);
  EXPECT_EQ(created.minimum_notice().seconds(), 7200);
  EXPECT_EQ(created.booking_horizon_days(), 60);
  EXPECT_EQ(created.max_bookings_per_day(), 7);
  EXPECT_EQ(created.time_zone(), "Europe/London");
  EXPECT_EQ(created.weekly_hours_size(), 8);
  ASSERT_EQ(created.date_overrides_size(), 2);
  EXPECT_EQ(created.date_overrides(0).open_intervals_size(), 0);
  ASSERT_EQ(created.date_overrides(1).open_intervals_size(), 1);
  EXPECT_EQ(created.date_overrides(1).open_intervals(0).start_time().hours(),
            10);
  EXPECT_EQ(created.date_overrides(1).open_intervals(0).end_time().hours(), 12);
  EXPECT_TRUE(MessageDifferencer::Equals(Get(created.name()), created));
}

TEST_F(CalendarsTest, CreateRejectsBadInput) {
  struct Case {
    std::string what;
    std::function<void(v1::Calendar&)> change;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"empty name", [](v1::Calendar& c) { c.set_display_name(""); },
       "calendar.display_name"},
      {"bad slug", [](v1::Calendar& c) { c.set_slug("Not A Slug"); },
       "calendar.slug"},
      {"short duration",
       [](v1::Calendar& c) { *c.mutable_duration() = Minutes(3); },
       "calendar.duration"},
      {"unknown zone", [](v1::Calendar& c) { c.set_time_zone("Mars/Olympus"); },
       "calendar.time_zone"},
      {"round robin without members",
       [](v1::Calendar& c) { c.set_calendar_type(v1::Calendar::ROUND_ROBIN); },
       "calendar.team_members"},
      {"collective without members",
       [](v1::Calendar& c) { c.set_calendar_type(v1::Calendar::COLLECTIVE); },
       "calendar.team_members"},
      {"event with two hosts",
       [](v1::Calendar& c) {
         c.add_team_members("a");
         c.add_team_members("b");
       },
       "calendar.team_members"},
      {"duplicate members",
       [](v1::Calendar& c) {
         c.set_calendar_type(v1::Calendar::ROUND_ROBIN);
         c.add_team_members("a");
         c.add_team_members("a");
       },
       "calendar.team_members"},
      {"bad member id",
       [](v1::Calendar& c) {
         c.set_calendar_type(v1::Calendar::ROUND_ROBIN);
         c.add_team_members("Not_Valid");
       },
       "calendar.team_members"},
      {"allowed durations on an event",
       [](v1::Calendar& c) { *c.add_allowed_durations() = Minutes(60); },
       "calendar.allowed_durations"},
      {"seats on an event", [](v1::Calendar& c) { c.set_seats_per_slot(5); },
       "calendar.seats_per_slot"},
      {"too many seats",
       [](v1::Calendar& c) {
         c.set_calendar_type(v1::Calendar::CLASS_BOOKING);
         c.set_seats_per_slot(10001);
       },
       "calendar.seats_per_slot"},
      {"slot interval off minutes",
       [](v1::Calendar& c) { c.mutable_slot_interval()->set_seconds(90); },
       "calendar.slot_interval"},
      {"negative buffer",
       [](v1::Calendar& c) { c.mutable_buffer_before()->set_seconds(-60); },
       "calendar.buffer_before"},
      {"buffer over a day",
       [](v1::Calendar& c) { *c.mutable_buffer_after() = Minutes(25 * 60); },
       "calendar.buffer_after"},
      {"notice over a year",
       [](v1::Calendar& c) {
         *c.mutable_minimum_notice() = Minutes(366 * 24 * 60);
       },
       "calendar.minimum_notice"},
      {"horizon too far",
       [](v1::Calendar& c) { c.set_booking_horizon_days(3651); },
       "calendar.booking_horizon_days"},
      {"negative daily maximum",
       [](v1::Calendar& c) { c.set_max_bookings_per_day(-1); },
       "calendar.max_bookings_per_day"},
      {"two overrides of one date",
       [](v1::Calendar& c) {
         for (int i = 0; i < 2; ++i) {
           v1::DateOverride* override = c.add_date_overrides();
           override->mutable_date()->set_year(2031);
           override->mutable_date()->set_month(1);
           override->mutable_date()->set_day(2);
         }
       },
       "calendar.date_overrides"},
  };
  for (const Case& test : cases) {
    v1::Calendar spec = CalendarSpec("Bad");
    test.change(spec);
    v1::Calendar created;
    grpc::Status status = TryCreate(spec, &created);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << test.what << ": " << client::DescribeStatus(status);
    bool named = false;
    for (const auto& violation : client::FieldViolations(status)) {
      named |= violation.first.rfind(test.field, 0) == 0;
    }
    EXPECT_TRUE(named) << test.what << ": wanted " << test.field << ", got "
                       << client::DescribeStatus(status);
  }
  v1::Calendar created;
  EXPECT_INVALID_FIELD(TryCreate(CalendarSpec("Bad id"), &created, "Bad_Id"),
                       "calendar_id");
  v1::CreateCalendarRequest no_parent;
  *no_parent.mutable_calendar() = CalendarSpec("No parent");
  EXPECT_INVALID_FIELD(
      calendars_->CreateCalendar(Context().get(), no_parent, &created),
      "parent");
  EXPECT_EQ(CalendarRows(), 0);
}

TEST_F(CalendarsTest, DuplicateIdOrSlugIsAlreadyExists) {
  const v1::Calendar first = Create(CalendarSpec("First"), "taken-id");
  v1::Calendar created;
  EXPECT_EQ(
      TryCreate(CalendarSpec("Same id"), &created, "taken-id").error_code(),
      grpc::StatusCode::ALREADY_EXISTS);
  v1::Calendar same_slug = CalendarSpec("Same slug");
  same_slug.set_slug(first.slug());
  EXPECT_EQ(TryCreate(same_slug, &created).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(CalendarRows(), 1);
  // The same slug in another location is fine.
  v1::CreateCalendarRequest elsewhere;
  elsewhere.set_parent("locations/" + UniqueLocation());
  *elsewhere.mutable_calendar() = same_slug;
  EXPECT_TRUE(
      calendars_->CreateCalendar(Context().get(), elsewhere, &created).ok());
}

TEST_F(CalendarsTest, GetUnknownOrMalformed) {
  v1::Calendar calendar;
  EXPECT_EQ(TryGet(Parent() + "/calendars/missing", &calendar).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_INVALID_FIELD(TryGet("locations/x/calendars/", &calendar), "name");
  EXPECT_INVALID_FIELD(TryGet("calendars/x", &calendar), "name");
  EXPECT_INVALID_FIELD(TryGet(Parent() + "/calendars/Bad'Id", &calendar),
                       "name");
}

TEST_F(CalendarsTest, UpdateChangesOnlyMaskedFields) {
  const v1::Calendar calendar = Create(CalendarSpec("Before"));
  v1::Calendar change = calendar;
  change.set_display_name("After");
  *change.mutable_duration() = Minutes(60);  // not in the mask
  change.set_max_bookings_per_day(4);
  v1::Calendar updated;
  grpc::Status status =
      TryUpdate(change, {"display_name", "max_bookings_per_day"}, &updated);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_EQ(updated.display_name(), "After");
  EXPECT_EQ(updated.max_bookings_per_day(), 4);
  EXPECT_EQ(updated.duration().seconds(), 1800);
  EXPECT_NE(updated.etag(), calendar.etag());
  EXPECT_GE(FromTs(updated.update_time()), FromTs(calendar.update_time()));
  EXPECT_EQ(FromTs(updated.create_time()), FromTs(calendar.create_time()));
  EXPECT_TRUE(MessageDifferencer::Equals(Get(calendar.name()), updated));

  // Changing the hours changes the slots offered.
  change = updated;
  change.clear_weekly_hours();
  const absl::CivilDay day = DaysAhead(7);
  AddHours(&change, DayOfWeekOf(day), 9 * 60, 10 * 60);
  ASSERT_TRUE(TryUpdate(change, {"weekly_hours"}, &updated).ok());
  EXPECT_THAT(Starts(SlotsOn(calendar.name(), day)),
              ElementsAre(At(day, 9), At(day, 9, 30)));
  EXPECT_THAT(SlotsOn(calendar.name(), day + 1), IsEmpty());

  // "*" writes every writable field.
  change = updated;
  change.set_display_name("Star");
  change.set_slug(NewId("star-"));
  *change.mutable_duration() = Minutes(20);
  ASSERT_TRUE(TryUpdate(change, {"*"}, &updated).ok());
  EXPECT_EQ(updated.display_name(), "Star");
  EXPECT_EQ(updated.slug(), change.slug());
  EXPECT_EQ(updated.duration().seconds(), 1200);
  EXPECT_EQ(updated.calendar_type(), v1::Calendar::EVENT);
}

TEST_F(CalendarsTest, UpdateWithStaleEtagIsAborted) {
  const v1::Calendar calendar = Create(CalendarSpec("Original"));
  v1::Calendar first = calendar;
  first.set_display_name("First writer");
  v1::Calendar updated;
  ASSERT_TRUE(TryUpdate(first, {"display_name"}, &updated).ok());

  v1::Calendar second = calendar;  // still the original etag
  second.set_display_name("Second writer");
  v1::Calendar refused;
  EXPECT_EQ(TryUpdate(second, {"display_name"}, &refused).error_code(),
            grpc::StatusCode::ABORTED);
  const v1::Calendar stored = Get(calendar.name());
  EXPECT_EQ(stored.display_name(), "First writer");
  EXPECT_EQ(stored.etag(), updated.etag());

  second.set_etag("\"v12345\"");
  EXPECT_EQ(TryUpdate(second, {"display_name"}, &refused).error_code(),
            grpc::StatusCode::ABORTED);
  second.set_etag("garbage");
  EXPECT_EQ(TryUpdate(second, {"display_name"}, &refused).error_code(),
            grpc::StatusCode::ABORTED);

  second.set_etag(updated.etag());
  ASSERT_TRUE(TryUpdate(second, {"display_name"}, &refused).ok());
  EXPECT_EQ(refused.display_name(), "Second writer");

  // Deactivation changes the etag too: an update based on the older
  // version is refused.
  const v1::Calendar inactive = SetActive(calendar.name(), false);
  EXPECT_NE(inactive.etag(), refused.etag());
  v1::Calendar third = refused;
  third.set_display_name("Third writer");
  EXPECT_EQ(TryUpdate(third, {"display_name"}, &updated).error_code(),
            grpc::StatusCode::ABORTED);
}

TEST_F(CalendarsTest, UpdateRejectsReadOnlyUnknownAndBadPaths) {
  const v1::Calendar calendar = Create(CalendarSpec("Guarded"));
  v1::Calendar change = calendar;
  change.set_calendar_type(v1::Calendar::ROUND_ROBIN);
  change.add_team_members("x");
  change.set_status(v1::Calendar::INACTIVE);
  v1::Calendar updated;
  for (const char* path :
       {"calendar_type", "create_time", "update_time", "name", "status",
        "group", "etag", "no_such_field", "duration.seconds", ""}) {
    EXPECT_INVALID_FIELD(TryUpdate(change, {path}, &updated), "update_mask")
        << "path \"" << path << "\"";
  }
  // One bad path spoils the whole request.
  change = calendar;
  change.set_display_name("Sneaky");
  EXPECT_INVALID_FIELD(
      TryUpdate(change, {"display_name", "create_time"}, &updated),
      "update_mask");
  EXPECT_INVALID_FIELD(TryUpdate(change, {}, &updated), "update_mask");

  // Valid paths with invalid values.
  change = calendar;
  *change.mutable_duration() = Minutes(1);
  EXPECT_INVALID_FIELD(TryUpdate(change, {"duration"}, &updated),
                       "calendar.duration");
  change = calendar;
  change.set_time_zone("Not/AZone");
  EXPECT_INVALID_FIELD(TryUpdate(change, {"time_zone"}, &updated),
                       "calendar.time_zone");
  change = calendar;
  change.add_team_members("a");
  change.add_team_members("b");
  EXPECT_INVALID_FIELD(TryUpdate(change, {"team_members"}, &updated),
                       "calendar.team_members");

  // Nothing changed through any of these.
  const v1::Calendar stored = Get(calendar.name());
  EXPECT_TRUE(MessageDifferencer::Equals(stored, calendar))
      << stored.DebugString();

  change = calendar;
  change.set_name(Parent() + "/calendars/missing");
  change.clear_etag();
  EXPECT_EQ(TryUpdate(change, {"display_name"}, &updated).error_code(),
            grpc::StatusCode::NOT_FOUND);
  change.set_name("bogus");
  EXPECT_INVALID_FIELD(TryUpdate(change, {"display_name"}, &updated),
                       "calendar.name");
}

TEST_F(CalendarsTest, UpdateToATakenSlugIsAlreadyExists) {
  const v1::Calendar first = Create(CalendarSpec("First"));
  const v1::Calendar second = Create(CalendarSpec("Second"));
  v1::Calendar change = second;
  change.set_slug(first.slug());
  v1::Calendar updated;
  EXPECT_EQ(TryUpdate(change, {"slug"}, &updated).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Get(second.name()).slug(), second.slug());
}

TEST_F(CalendarsTest, DeleteHidesCalendarFreesSlugKeepsBookings) {
  v1::Calendar spec = CalendarSpec("Doomed");
  const v1::Calendar calendar = Create(spec);
  const v1::OneTimeLink link = CreateLink(calendar);
  const absl::CivilDay day = DaysAhead(7);
  const v1::Booking booking = Book(calendar.name(), At(day, 9));

  // A stale etag protects it.
  v1::Calendar renamed = calendar;
  renamed.set_display_name("Renamed");
  v1::Calendar updated;
  ASSERT_TRUE(TryUpdate(renamed, {"display_name"}, &updated).ok());
  EXPECT_EQ(TryDelete(calendar.name(), calendar.etag()).error_code(),
            grpc::StatusCode::ABORTED);
  EXPECT_TRUE(TryGet(calendar.name(), &updated).ok());

  grpc::Status deleted = TryDelete(calendar.name(), updated.etag());
  ASSERT_TRUE(deleted.ok()) << client::DescribeStatus(deleted);
  v1::Calendar fetched;
  EXPECT_EQ(TryGet(calendar.name(), &fetched).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(TryDelete(calendar.name()).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(ListAll(""), IsEmpty());
  // No slots: NOT_FOUND, or (if the server serves it for its links) none.
  v1::ListFreeSlotsResponse slots;
  const grpc::Status listed =
      TryListSlots(calendar.name(), At(day, 0), At(day + 1, 0), &slots);
  EXPECT_TRUE(listed.error_code() == grpc::StatusCode::NOT_FOUND ||
              (listed.ok() && slots.slots_size() == 0))
      << client::DescribeStatus(listed) << " " << slots.slots_size();
  v1::Booking refused;
  grpc::Status book = TryBook(calendar.name(), At(day, 10), &refused);
  EXPECT_FALSE(book.ok());
  EXPECT_EQ(BookingRowsOf(calendar.name()), 1);

  // Its bookings stay readable.
  const v1::Booking kept = GetBooking(booking.name());
  EXPECT_EQ(kept.name(), booking.name());
  EXPECT_EQ(FromTs(kept.start_time()), At(day, 9));

  // Its links resolve as CALENDAR_INACTIVE.
  v1::ResolveOneTimeLinkRequest resolve;
  resolve.set_token(link.token());
  v1::ResolveOneTimeLinkResponse resolved;
  EXPECT_PRECONDITION(
      links_->ResolveOneTimeLink(Context().get(), resolve, &resolved),
      "CALENDAR_INACTIVE");

  // Its slug is free again (and its id stays retired or free: either way
  // a new calendar with the slug works).
  v1::Calendar reuse = CalendarSpec("Reborn");
  reuse.set_slug(spec.slug());
  const v1::Calendar reborn = Create(reuse);
  EXPECT_EQ(reborn.slug(), spec.slug());
  EXPECT_NE(reborn.name(), calendar.name());
  EXPECT_THAT(ListAll(""), ElementsAre("Reborn"));
  EXPECT_INVALID_FIELD(TryDelete("nope"), "name");
}

TEST_F(CalendarsTest, DuplicateCopiesSettingsButNoBookingsOrLinks) {
  v1::Calendar spec = RichSpec("Consultation");
  spec.clear_team_members();
  spec.set_calendar_type(v1::Calendar::ROUND_ROBIN);
  spec.add_team_members("ann");
  spec.add_team_members("ben");
  spec.clear_minimum_notice();
  spec.clear_booking_horizon_days();
  const v1::Calendar source = Create(spec);
  CreateLink(source);
  const absl::CivilDay day = DaysAhead(7);
  const std::vector<v1::Slot> slots = SlotsOn(source.name(), day);
  ASSERT_FALSE(slots.empty());
  Book(source.name(), FromTs(slots[0].start_time()));
  ASSERT_EQ(BookingRowsOf(source.name()), 1);

  v1::Calendar copy;
  grpc::Status status = TryDuplicate(source.name(), &copy);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_NE(copy.name(), source.name());
  EXPECT_THAT(copy.name(), StartsWith(Parent() + "/calendars/"));
  EXPECT_EQ(copy.slug(), source.slug() + "-copy");
  EXPECT_EQ(copy.display_name(), "Consultation (copy)");
  EXPECT_NE(copy.etag(), "");
  EXPECT_TRUE(MessageDifferencer::Equals(Settings(copy), Settings(source)))
      << Settings(copy).DebugString() << " vs "
      << Settings(source).DebugString();
  EXPECT_EQ(BookingRowsOf(copy.name()), 0);
  EXPECT_EQ(
      QueryInt("SELECT COUNT(*) FROM one_time_links WHERE calendar_pk = " +
               CalendarPkSql(copy.name())),
      0);
  EXPECT_EQ(
      QueryInt("SELECT COUNT(*) FROM one_time_links WHERE calendar_pk = " +
               CalendarPkSql(source.name())),
      1);
  EXPECT_EQ(BookingRowsOf(source.name()), 1);
  // The copy's slots are all free: the source's booking is not copied. The
  // members are shared, though, so the slot the source booked still has
  // one of them busy.
  const std::vector<v1::Slot> copy_slots = SlotsOn(copy.name(), day);
  EXPECT_EQ(copy_slots.size(), slots.size());

  // Again: another slug; explicit id, slug and name are taken as given.
  v1::Calendar second;
  ASSERT_TRUE(TryDuplicate(source.name(), &second).ok());
  EXPECT_NE(second.slug(), copy.slug());
  EXPECT_THAT(second.slug(), StartsWith(source.slug() + "-copy"));
  v1::Calendar named;
  ASSERT_TRUE(
      TryDuplicate(source.name(), &named, "my-copy", "my-slug", "Mine").ok());
  EXPECT_EQ(named.name(), Parent() + "/calendars/my-copy");
  EXPECT_EQ(named.slug(), "my-slug");
  EXPECT_EQ(named.display_name(), "Mine");
  EXPECT_EQ(CalendarRows(), 4);

  v1::Calendar refused;
  EXPECT_EQ(TryDuplicate(source.name(), &refused, "", "my-slug").error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(TryDuplicate(source.name(), &refused, "my-copy").error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(
      TryDuplicate(Parent() + "/calendars/missing", &refused).error_code(),
      grpc::StatusCode::NOT_FOUND);
  EXPECT_INVALID_FIELD(TryDuplicate(source.name(), &refused, "", "Bad Slug"),
                       "slug");
  EXPECT_INVALID_FIELD(TryDuplicate(source.name(), &refused, "Bad_Id"),
                       "calendar_id");
  EXPECT_INVALID_FIELD(TryDuplicate("bad", &refused), "name");
  EXPECT_EQ(CalendarRows(), 4);
}

TEST_F(CalendarsTest, ActivateAndDeactivateAreIdempotent) {
  const v1::Calendar calendar = Create(CalendarSpec("Switch"));
  const absl::CivilDay day = DaysAhead(7);
  const v1::Calendar off = SetActive(calendar.name(), false);
  EXPECT_EQ(off.status(), v1::Calendar::INACTIVE);
  EXPECT_EQ(SetActive(calendar.name(), false).status(), v1::Calendar::INACTIVE);
  EXPECT_EQ(Get(calendar.name()).status(), v1::Calendar::INACTIVE);
  EXPECT_THAT(SlotsOn(calendar.name(), day), IsEmpty());
  v1::Booking booking;
  EXPECT_PRECONDITION(TryBook(calendar.name(), At(day, 9), &booking),
                      "CALENDAR_INACTIVE");
  EXPECT_EQ(BookingRowsOf(calendar.name()), 0);

  const v1::Calendar on = SetActive(calendar.name(), true);
  EXPECT_EQ(on.status(), v1::Calendar::ACTIVE);
  EXPECT_NE(on.etag(), off.etag());
  EXPECT_EQ(SetActive(calendar.name(), true).status(), v1::Calendar::ACTIVE);
  EXPECT_EQ(SlotsOn(calendar.name(), day).size(), 16u);
  EXPECT_TRUE(TryBook(calendar.name(), At(day, 9), &booking).ok());

  v1::ActivateCalendarRequest unknown;
  unknown.set_name(Parent() + "/calendars/missing");
  v1::Calendar result;
  EXPECT_EQ(calendars_->ActivateCalendar(Context().get(), unknown, &result)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::DeactivateCalendarRequest malformed;
  malformed.set_name("x");
  EXPECT_INVALID_FIELD(
      calendars_->DeactivateCalendar(Context().get(), malformed, &result),
      "name");
}

TEST_F(CalendarsTest, CreatedInactiveTakesNoBookings) {
  v1::Calendar spec = CalendarSpec("Born inactive");
  spec.set_status(v1::Calendar::INACTIVE);
  const v1::Calendar calendar = Create(spec);
  EXPECT_EQ(calendar.status(), v1::Calendar::INACTIVE);
  EXPECT_THAT(SlotsOn(calendar.name(), DaysAhead(7)), IsEmpty());
}

TEST_F(CalendarsTest, MoveToGroupAndBack) {
  const v1::Calendar calendar = Create(CalendarSpec("Nomad"));
  v1::Group group;
  {
    v1::CreateGroupRequest request;
    request.set_parent(Parent());
    request.mutable_group()->set_display_name("Home");
    request.set_group_id("home");
    ASSERT_TRUE(calendars_->CreateGroup(Context().get(), request, &group).ok());
  }
  const v1::Calendar moved = Move(calendar.name(), group.name());
  EXPECT_EQ(moved.group(), group.name());
  EXPECT_EQ(Get(calendar.name()).group(), group.name());
  EXPECT_THAT(ListAll("group = \"" + group.name() + "\""),
              ElementsAre("Nomad"));
  EXPECT_THAT(ListAll("group = \"\""), IsEmpty());
  // Moving where it already is changes nothing but is fine.
  EXPECT_EQ(Move(calendar.name(), group.name()).group(), group.name());

  const v1::Calendar back = Move(calendar.name(), "");
  EXPECT_EQ(back.group(), "");
  EXPECT_EQ(Get(calendar.name()).group(), "");
  EXPECT_THAT(ListAll("group = \"\""), ElementsAre("Nomad"));
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM calendars WHERE location_id = '" +
                     location_ + "' AND group_pk IS NOT NULL"),
            0);

  v1::Calendar refused;
  EXPECT_EQ(TryMove(calendar.name(), Parent() + "/groups/missing", &refused)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_INVALID_FIELD(
      TryMove(calendar.name(), "locations/" + UniqueLocation() + "/groups/home",
              &refused),
      "group");
  EXPECT_INVALID_FIELD(TryMove(calendar.name(), "groups/home", &refused),
                       "group");
  EXPECT_EQ(TryMove(Parent() + "/calendars/missing", group.name(), &refused)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get(calendar.name()).group(), "");
}

TEST_F(CalendarsTest, ListFiltersCombineWithAnd) {
  v1::Group group;
  {
    v1::CreateGroupRequest request;
    request.set_parent(Parent());
    request.mutable_group()->set_display_name("Team");
    request.set_group_id("team");
    ASSERT_TRUE(calendars_->CreateGroup(Context().get(), request, &group).ok());
  }
  Create(CalendarSpec("Sales Intro"));
  v1::Calendar demo = CalendarSpec("sales demo");
  demo.set_calendar_type(v1::Calendar::ROUND_ROBIN);
  demo.add_team_members("rep-1");
  demo.set_group(group.name());
  Create(demo);
  v1::Calendar support = CalendarSpec("Support");
  support.set_group(group.name());
  support.set_status(v1::Calendar::INACTIVE);
  Create(support);
  v1::Calendar onboarding = CalendarSpec("Onboarding SALES");
  onboarding.set_calendar_type(v1::Calendar::CLASS_BOOKING);
  onboarding.set_seats_per_slot(10);
  Create(onboarding);
  const v1::Calendar deactivated = Create(CalendarSpec("100%_off"));
  SetActive(deactivated.name(), false);

  EXPECT_THAT(ListAll(""), ElementsAre("Sales Intro", "sales demo", "Support",
                                       "Onboarding SALES", "100%_off"));
  EXPECT_THAT(ListAll("display_name:\"sales\""),
              ElementsAre("Sales Intro", "sales demo", "Onboarding SALES"));
  EXPECT_THAT(ListAll("display_name:\"SaLeS\""),
              ElementsAre("Sales Intro", "sales demo", "Onboarding SALES"));
  EXPECT_THAT(ListAll("display_name:\"es d\""), ElementsAre("sales demo"));
  // LIKE wildcards are literal.
  EXPECT_THAT(ListAll("display_name:\"%\""), ElementsAre("100%_off"));
  EXPECT_THAT(ListAll("display_name:\"_\""), ElementsAre("100%_off"));
  EXPECT_THAT(ListAll("display_name:\"nothing like it\""), IsEmpty());
  EXPECT_THAT(ListAll("group = \"" + group.name() + "\""),
              ElementsAre("sales demo", "Support"));
  EXPECT_THAT(ListAll("group = \"\""),
              ElementsAre("Sales Intro", "Onboarding SALES", "100%_off"));
  EXPECT_THAT(ListAll("calendar_type = EVENT"),
              ElementsAre("Sales Intro", "Support", "100%_off"));
  EXPECT_THAT(ListAll("calendar_type = CLASS_BOOKING"),
              ElementsAre("Onboarding SALES"));
  EXPECT_THAT(ListAll("status = INACTIVE"), ElementsAre("Support", "100%_off"));
  EXPECT_THAT(ListAll("status = ACTIVE"),
              ElementsAre("Sales Intro", "sales demo", "Onboarding SALES"));
  EXPECT_THAT(ListAll("display_name:\"sales\" AND calendar_type = EVENT"),
              ElementsAre("Sales Intro"));
  EXPECT_THAT(ListAll("calendar_type = ROUND_ROBIN AND status = ACTIVE AND "
                      "group = \"" +
                      group.name() + "\""),
              ElementsAre("sales demo"));
  EXPECT_THAT(ListAll("  status=ACTIVE   AND   group=\"\"  "),
              ElementsAre("Sales Intro", "Onboarding SALES"));
  EXPECT_THAT(ListAll("status = INACTIVE AND calendar_type = ROUND_ROBIN"),
              IsEmpty());
  // Filtered pages of one.
  EXPECT_THAT(ListAll("display_name:\"sales\"", "", 1),
              ElementsAre("Sales Intro", "sales demo", "Onboarding SALES"));
}

TEST_F(CalendarsTest, ListOrders) {
  for (const char* name : {"charlie", "alpha", "delta", "bravo"}) {
    Create(CalendarSpec(name));
  }
  EXPECT_THAT(ListAll(""), ElementsAre("charlie", "alpha", "delta", "bravo"));
  EXPECT_THAT(ListAll("", "create_time"),
              ElementsAre("charlie", "alpha", "delta", "bravo"));
  EXPECT_THAT(ListAll("", "create_time desc"),
              ElementsAre("bravo", "delta", "alpha", "charlie"));
  EXPECT_THAT(ListAll("", "display_name"),
              ElementsAre("alpha", "bravo", "charlie", "delta"));
  EXPECT_THAT(ListAll("", "display_name desc", 1),
              ElementsAre("delta", "charlie", "bravo", "alpha"));
  // Touch "alpha", then "charlie": they become the most recently updated.
  for (const char* name : {"alpha", "charlie"}) {
    v1::ListCalendarsResponse response;
    ASSERT_TRUE(TryList(std::string("display_name:\"") + name + "\"", "", 10,
                        "", &response)
                    .ok());
    ASSERT_EQ(response.calendars_size(), 1);
    v1::Calendar change = response.calendars(0);
    change.set_max_bookings_per_day(3);
    v1::Calendar updated;
    ASSERT_TRUE(TryUpdate(change, {"max_bookings_per_day"}, &updated).ok());
  }
  EXPECT_THAT(ListAll("", "update_time"),
              ElementsAre("delta", "bravo", "alpha", "charlie"));
  EXPECT_THAT(ListAll("", "update_time desc", 3),
              ElementsAre("charlie", "alpha", "bravo", "delta"));
  // Equal display names are ordered stably (by creation) across pages.
  Create(CalendarSpec("alpha"));
  Create(CalendarSpec("alpha"));
  EXPECT_THAT(
      ListAll("", "display_name", 1),
      ElementsAre("alpha", "alpha", "alpha", "bravo", "charlie", "delta"));
  EXPECT_THAT(ListAll("display_name:\"ALPHA\"", "display_name desc", 1),
              ElementsAre("alpha", "alpha", "alpha"));
}

TEST_F(CalendarsTest, ListRejectsMalformedFilterOrderAndToken) {
  Create(CalendarSpec("One"));
  Create(CalendarSpec("Two"));
  v1::ListCalendarsResponse response;
  for (const char* filter :
       {"display_name = \"One\"", "display_name:One", "display_name:\"open",
        "slug = \"x\"", "calendar_type = MEETING", "status = DELETED",
        "status = ACTIVE OR status = INACTIVE",
        "status = ACTIVE AND status = INACTIVE", "status = ACTIVE AND",
        "AND status = ACTIVE", "group = \"groups/x\"", "group = nothing",
        "NOT status = ACTIVE", "(status = ACTIVE)", "status"}) {
    EXPECT_INVALID_FIELD(TryList(filter, "", 0, "", &response), "filter")
        << "filter: " << filter;
  }
  EXPECT_INVALID_FIELD(TryList(std::string(1001, 'x'), "", 0, "", &response),
                       "filter");
  for (const char* order :
       {"slug", "display_name sideways", "display_name desc desc",
        "display_name,update_time", "desc", "name asc desc"}) {
    EXPECT_INVALID_FIELD(TryList("", order, 0, "", &response), "order_by")
        << "order_by: " << order;
  }
  EXPECT_INVALID_FIELD(TryList("", "", -1, "", &response), "page_size");
  EXPECT_INVALID_FIELD(TryList("", "", 0, "garbage", &response), "page_token");
  EXPECT_INVALID_FIELD(TryList("", "", 0, "!!!", &response), "page_token");

  // A genuine token works only with the request it continues.
  ASSERT_TRUE(TryList("", "display_name", 1, "", &response).ok());
  const std::string token = response.next_page_token();
  ASSERT_FALSE(token.empty());
  EXPECT_TRUE(TryList("", "display_name", 1, token, &response).ok());
  EXPECT_INVALID_FIELD(TryList("", "update_time", 1, token, &response),
                       "page_token");
  EXPECT_INVALID_FIELD(
      TryList("status = ACTIVE", "display_name", 1, token, &response),
      "page_token");
  std::string tampered = token;
  tampered[tampered.size() / 2] =
      tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  const grpc::Status status =
      TryList("", "display_name", 1, tampered, &response);
  EXPECT_TRUE(status.ok() ||
              status.error_code() == grpc::StatusCode::INVALID_ARGUMENT)
      << client::DescribeStatus(status);

  v1::ListCalendarsRequest request;
  request.set_parent("locations/");
  EXPECT_INVALID_FIELD(
      calendars_->ListCalendars(Context().get(), request, &response), "parent");
}

TEST_F(CalendarsTest, PageSizeIsCapped) {
  for (int i = 0; i < 3; ++i) Create(CalendarSpec("c" + std::to_string(i)));
  v1::ListCalendarsResponse response;
  ASSERT_TRUE(TryList("", "", 5000, "", &response).ok());
  EXPECT_EQ(response.calendars_size(), 3);
  EXPECT_TRUE(response.next_page_token().empty());
  ASSERT_TRUE(TryList("", "", 3, "", &response).ok());
  EXPECT_EQ(response.calendars_size(), 3);
  // A full last page may carry a token; the page after it is empty.
  if (!response.next_page_token().empty()) {
    ASSERT_TRUE(TryList("", "", 3, response.next_page_token(), &response).ok());
    EXPECT_EQ(response.calendars_size(), 0);
    EXPECT_TRUE(response.next_page_token().empty());
  }
}

// Pages read while another client keeps inserting calendars that sort
// before, among and after the ones being paged: none of the original ones
// is skipped or returned twice, and the order holds across pages.
TEST_F(CalendarsTest, PaginationIsStableUnderConcurrentInserts) {
  std::vector<std::string> originals;
  for (int i = 0; i < 12; ++i) {
    char name[8];
    std::snprintf(name, sizeof(name), "m-%02d", i);
    originals.push_back(name);
    Create(CalendarSpec(name));
  }
  for (const std::string order : {"", "display_name", "display_name desc"}) {
    std::atomic<bool> stop{false};
    std::atomic<int> inserted{0};
    std::thread inserter([&] {
      auto stub = v1::CalendarService::NewStub(Channel());
      for (int i = 0; !stop.load() && i < 60; ++i) {
        v1::CreateCalendarRequest request;
        request.set_parent(Parent());
        const char* prefix[] = {"a-", "m-05x", "z-"};
        *request.mutable_calendar() =
            CalendarSpec(prefix[i % 3] + std::to_string(i));
        v1::Calendar created;
        if (stub->CreateCalendar(Context().get(), request, &created).ok()) {
          ++inserted;
        }
      }
    });
    std::vector<std::string> listed;
    std::set<std::string> seen;
    std::string token;
    for (int page = 0; page < 200; ++page) {
      v1::ListCalendarsResponse response;
      grpc::Status status = TryList("", order, 3, token, &response);
      ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
      for (const v1::Calendar& calendar : response.calendars()) {
        listed.push_back(calendar.display_name());
        EXPECT_TRUE(seen.insert(calendar.name()).second)
            << order << ": twice " << calendar.display_name();
      }
      token = response.next_page_token();
      if (token.empty()) break;
      // Let at least one more insert land before the next page.
      const int wanted = std::min(page + 1, 60);
      const absl::Time deadline = absl::Now() + absl::Seconds(10);
      while (inserted.load() < wanted && absl::Now() < deadline) {
        absl::SleepFor(absl::Milliseconds(1));
      }
    }
    stop = true;
    inserter.join();
    EXPECT_TRUE(token.empty()) << order << ": never reached the last page";
    EXPECT_GT(inserted.load(), 0);
    // Every original exactly once, in order.
    std::vector<std::string> originals_listed;
    for (const std::string& name : listed) {
      if (name.size() == 4 && name.rfind("m-", 0) == 0) {
        originals_listed.push_back(name);
      }
    }
    std::vector<std::string> expected = originals;
    if (order == "display_name desc") {
      std::reverse(expected.begin(), expected.end());
    }
    EXPECT_THAT(originals_listed, ElementsAreArray(expected))
        << "order \"" << order << "\"";
    if (!order.empty()) {
      std::vector<std::string> sorted = listed;
      std::sort(sorted.begin(), sorted.end());
      if (order == "display_name desc") {
        std::reverse(sorted.begin(), sorted.end());
      }
      EXPECT_EQ(listed, sorted) << "order \"" << order << "\"";
    }
  }
}

}  // namespace
}  // namespace scheduling::testing
