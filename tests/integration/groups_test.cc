// Groups over real gRPC and MariaDB: create, get, list, update (mask and
// etag), enable/disable (a disabled group's calendars take no bookings),
// delete (force ungroups, never deletes calendars).
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/calendar_fixtures.h"

namespace scheduling::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::StartsWith;

class GroupsTest : public CalendarFixture {
 protected:
  int64_t GroupRows() {
    return QueryInt(
        "SELECT COUNT(*) FROM calendar_groups WHERE location_id = '" +
        location_ + "'");
  }

  grpc::Status TryUpdateGroup(const v1::Group& group,
                              const std::vector<std::string>& paths,
                              v1::Group* updated) {
    v1::UpdateGroupRequest request;
    *request.mutable_group() = group;
    for (const std::string& path : paths) {
      request.mutable_update_mask()->add_paths(path);
    }
    return calendars_->UpdateGroup(Context().get(), request, updated);
  }

  grpc::Status TryDeleteGroup(const std::string& name, bool force,
                              const std::string& etag = "") {
    v1::DeleteGroupRequest request;
    request.set_name(name);
    request.set_force(force);
    request.set_etag(etag);
    google::protobuf::Empty empty;
    return calendars_->DeleteGroup(Context().get(), request, &empty);
  }

  v1::Group SetEnabled(const std::string& name, bool enabled) {
    v1::Group group;
    grpc::Status status;
    if (enabled) {
      v1::EnableGroupRequest request;
      request.set_name(name);
      status = calendars_->EnableGroup(Context().get(), request, &group);
    } else {
      v1::DisableGroupRequest request;
      request.set_name(name);
      status = calendars_->DisableGroup(Context().get(), request, &group);
    }
    EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    return group;
  }

  v1::Calendar CreateInGroup(const v1::Group& group,
                             const std::string& display_name = "Grouped") {
    v1::Calendar spec = CalendarSpec(display_name);
    spec.set_group(group.name());
    return Create(spec);
  }
};

TEST_F(GroupsTest, CreateAndGet) {
  const absl::Time before = absl::Now() - absl::Seconds(1);
  const v1::Group group = CreateGroup("Sales team", "sales", "Inbound sales");
  EXPECT_EQ(group.name(), Parent() + "/groups/sales");
  EXPECT_EQ(group.display_name(), "Sales team");
  EXPECT_EQ(group.description(), "Inbound sales");
  EXPECT_EQ(group.state(), v1::Group::ENABLED);
  EXPECT_EQ(group.calendar_count(), 0);
  EXPECT_FALSE(group.etag().empty());
  EXPECT_GE(FromTs(group.create_time()), before);
  EXPECT_GE(FromTs(group.update_time()), FromTs(group.create_time()));

  const v1::Group fetched = GetGroup(group.name());
  EXPECT_EQ(fetched.SerializeAsString(), group.SerializeAsString())
      << fetched.DebugString() << " vs " << group.DebugString();

  // A generated id when none is given.
  const v1::Group generated = CreateGroup("Support");
  EXPECT_THAT(generated.name(), StartsWith(Parent() + "/groups/"));
  EXPECT_GT(IdOf(generated.name()).size(), 0u);
  EXPECT_EQ(GroupRows(), 2);
}

TEST_F(GroupsTest, CreateRejectsBadInputAndDuplicates) {
  v1::Group group;
  EXPECT_INVALID_FIELD(TryCreateGroup("", &group), "group.display_name");
  EXPECT_INVALID_FIELD(TryCreateGroup(std::string(201, 'x'), &group),
                       "group.display_name");
  EXPECT_INVALID_FIELD(TryCreateGroup("Fine", &group, "Bad_Id"), "group_id");
  EXPECT_INVALID_FIELD(
      TryCreateGroup("Fine", &group, "", std::string(2001, 'd')),
      "group.description");
  {
    v1::CreateGroupRequest request;
    request.set_parent("nowhere/" + location_);
    request.mutable_group()->set_display_name("Fine");
    EXPECT_INVALID_FIELD(
        calendars_->CreateGroup(Context().get(), request, &group), "parent");
  }
  EXPECT_EQ(GroupRows(), 0);

  CreateGroup("First", "team-a");
  grpc::Status duplicate = TryCreateGroup("Second", &group, "team-a");
  EXPECT_EQ(duplicate.error_code(), grpc::StatusCode::ALREADY_EXISTS)
      << client::DescribeStatus(duplicate);
  EXPECT_EQ(GroupRows(), 1);
  EXPECT_EQ(GetGroup(Parent() + "/groups/team-a").display_name(), "First");
}

TEST_F(GroupsTest, GetUnknownOrMalformed) {
  v1::Group group;
  EXPECT_EQ(TryGetGroup(Parent() + "/groups/nope", &group).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_INVALID_FIELD(TryGetGroup(Parent() + "/calendars/x", &group), "name");
  EXPECT_INVALID_FIELD(TryGetGroup("", &group), "name");
}

TEST_F(GroupsTest, ListIsPagedByDisplayName) {
  const std::vector<std::string> names = {"delta", "alpha", "echo", "charlie",
                                          "bravo"};
  for (const std::string& name : names) CreateGroup(name);
  std::vector<std::string> listed;
  std::set<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    v1::ListGroupsRequest request;
    request.set_parent(Parent());
    request.set_page_size(2);
    request.set_page_token(token);
    v1::ListGroupsResponse response;
    grpc::Status status =
        calendars_->ListGroups(Context().get(), request, &response);
    ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
    EXPECT_LE(response.groups_size(), 2);
    for (const v1::Group& group : response.groups()) {
      listed.push_back(group.display_name());
      EXPECT_TRUE(seen.insert(group.name()).second)
          << "twice: " << group.name();
    }
    token = response.next_page_token();
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  EXPECT_THAT(listed,
              ElementsAre("alpha", "bravo", "charlie", "delta", "echo"));
  EXPECT_EQ(pages, 3);

  // Page size 0 is the default (50): all in one page.
  v1::ListGroupsRequest all;
  all.set_parent(Parent());
  v1::ListGroupsResponse response;
  ASSERT_TRUE(calendars_->ListGroups(Context().get(), all, &response).ok());
  EXPECT_EQ(response.groups_size(), 5);
  EXPECT_TRUE(response.next_page_token().empty());

  // Another location sees none of them.
  v1::ListGroupsRequest other;
  other.set_parent("locations/" + UniqueLocation());
  ASSERT_TRUE(calendars_->ListGroups(Context().get(), other, &response).ok());
  EXPECT_EQ(response.groups_size(), 0);
}

TEST_F(GroupsTest, ListRejectsForeignPageToken) {
  CreateGroup("a");
  CreateGroup("b");
  v1::ListGroupsRequest request;
  request.set_parent(Parent());
  request.set_page_size(1);
  v1::ListGroupsResponse response;
  ASSERT_TRUE(calendars_->ListGroups(Context().get(), request, &response).ok());
  ASSERT_FALSE(response.next_page_token().empty());

  const std::string token = response.next_page_token();

  request.set_page_token("not-a-token");
  EXPECT_INVALID_FIELD(
      calendars_->ListGroups(Context().get(), request, &response),
      "page_token");
  // A real token used with another parent.
  v1::ListGroupsRequest other;
  other.set_parent("locations/" + UniqueLocation());
  other.set_page_token(token);
  EXPECT_INVALID_FIELD(
      calendars_->ListGroups(Context().get(), other, &response), "page_token");
  // The token itself still works where it belongs.
  request.set_page_token(token);
  ASSERT_TRUE(calendars_->ListGroups(Context().get(), request, &response).ok());
  ASSERT_EQ(response.groups_size(), 1);
  EXPECT_EQ(response.groups(0).display_name(), "b");

  request.set_parent("bad");
  request.clear_page_token();
  EXPECT_INVALID_FIELD(
      calendars_->ListGroups(Context().get(), request, &response), "parent");
}

TEST_F(GroupsTest, UpdateChangesMaskedFieldsOnly) {
  const v1::Group group = CreateGroup("Old name", "", "Old description");
  v1::Group change = group;
  change.set_display_name("New name");
  change.set_description("New description");
  v1::Group updated;
  grpc::Status status = TryUpdateGroup(change, {"display_name"}, &updated);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_EQ(updated.display_name(), "New name");
  EXPECT_EQ(updated.description(), "Old description");
  EXPECT_NE(updated.etag(), group.etag());
  EXPECT_GE(FromTs(updated.update_time()), FromTs(group.update_time()));
  EXPECT_EQ(FromTs(updated.create_time()), FromTs(group.create_time()));
  EXPECT_EQ(GetGroup(group.name()).display_name(), "New name");

  // Without an etag the update is unconditional.
  change = updated;
  change.clear_etag();
  change.set_description("Third");
  ASSERT_TRUE(TryUpdateGroup(change, {"description"}, &updated).ok());
  EXPECT_EQ(updated.description(), "Third");
  EXPECT_EQ(updated.display_name(), "New name");
}

TEST_F(GroupsTest, UpdateWithStaleEtagIsAborted) {
  const v1::Group group = CreateGroup("Original");
  v1::Group first = group;
  first.set_display_name("First writer");
  v1::Group updated;
  ASSERT_TRUE(TryUpdateGroup(first, {"display_name"}, &updated).ok());

  v1::Group second = group;  // still carries the original etag
  second.set_display_name("Second writer");
  v1::Group refused;
  EXPECT_EQ(TryUpdateGroup(second, {"display_name"}, &refused).error_code(),
            grpc::StatusCode::ABORTED);
  EXPECT_EQ(GetGroup(group.name()).display_name(), "First writer");

  // With the current etag it goes through.
  second.set_etag(updated.etag());
  ASSERT_TRUE(TryUpdateGroup(second, {"display_name"}, &refused).ok());
  EXPECT_EQ(refused.display_name(), "Second writer");

  // A made-up etag never matches.
  second.set_etag("\"v999\"");
  EXPECT_EQ(TryUpdateGroup(second, {"display_name"}, &refused).error_code(),
            grpc::StatusCode::ABORTED);
}

TEST_F(GroupsTest, UpdateRejectsBadMasksAndValues) {
  const v1::Group group = CreateGroup("Masked");
  v1::Group updated;
  for (const char* path : {"state", "create_time", "update_time",
                           "calendar_count", "name", "no_such_field"}) {
    EXPECT_INVALID_FIELD(TryUpdateGroup(group, {path}, &updated), "update_mask")
        << path;
  }
  EXPECT_INVALID_FIELD(TryUpdateGroup(group, {}, &updated), "update_mask");
  v1::Group empty_name = group;
  empty_name.set_display_name("");
  EXPECT_INVALID_FIELD(TryUpdateGroup(empty_name, {"display_name"}, &updated),
                       "group.display_name");
  v1::Group unknown = group;
  unknown.set_name(Parent() + "/groups/unknown");
  unknown.clear_etag();
  EXPECT_EQ(TryUpdateGroup(unknown, {"display_name"}, &updated).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Nothing changed.
  EXPECT_EQ(GetGroup(group.name()).etag(), group.etag());
}

TEST_F(GroupsTest, DisabledGroupsCalendarsTakeNoBookings) {
  const v1::Group group = CreateGroup("Closed for now");
  const v1::Calendar calendar = CreateInGroup(group);
  EXPECT_EQ(calendar.group(), group.name());
  const v1::OneTimeLink link = CreateLink(calendar);
  const absl::CivilDay day = DaysAhead(7);
  ASSERT_EQ(SlotsOn(calendar.name(), day).size(), 16u);  // 09-17, 30 min

  const v1::Group disabled = SetEnabled(group.name(), false);
  EXPECT_EQ(disabled.state(), v1::Group::DISABLED);
  EXPECT_NE(disabled.etag(), group.etag());
  // Idempotent.
  EXPECT_EQ(SetEnabled(group.name(), false).state(), v1::Group::DISABLED);
  EXPECT_EQ(GetGroup(group.name()).state(), v1::Group::DISABLED);

  EXPECT_THAT(SlotsOn(calendar.name(), day), IsEmpty());
  v1::Booking booking;
  EXPECT_PRECONDITION(TryBook(calendar.name(), At(day, 9), &booking),
                      "CALENDAR_INACTIVE");
  EXPECT_EQ(BookingRowsOf(calendar.name()), 0);

  v1::ResolveOneTimeLinkRequest resolve;
  resolve.set_token(link.token());
  v1::ResolveOneTimeLinkResponse resolved;
  EXPECT_PRECONDITION(
      links_->ResolveOneTimeLink(Context().get(), resolve, &resolved),
      "CALENDAR_INACTIVE");
  v1::BookOneTimeLinkRequest book;
  book.set_token(link.token());
  *book.mutable_start_time() = Ts(At(day, 9));
  *book.mutable_invitee() = MakeInvitee(1);
  EXPECT_PRECONDITION(links_->BookOneTimeLink(Context().get(), book, &booking),
                      "CALENDAR_INACTIVE");
  EXPECT_EQ(BookingRowsOf(calendar.name()), 0);

  // An ungrouped calendar of the same location is unaffected.
  const v1::Calendar other = Create(CalendarSpec("Ungrouped"));
  EXPECT_EQ(SlotsOn(other.name(), day).size(), 16u);

  // Enabled again: bookable again, through both paths.
  EXPECT_EQ(SetEnabled(group.name(), true).state(), v1::Group::ENABLED);
  EXPECT_EQ(SetEnabled(group.name(), true).state(), v1::Group::ENABLED);
  EXPECT_EQ(SlotsOn(calendar.name(), day).size(), 16u);
  EXPECT_TRUE(
      links_->ResolveOneTimeLink(Context().get(), resolve, &resolved).ok());
  grpc::Status status = TryBook(calendar.name(), At(day, 9), &booking);
  EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_EQ(ConfirmedRowsOf(calendar.name()), 1);
}

TEST_F(GroupsTest, CalendarMovedIntoDisabledGroupStopsAndMovedOutResumes) {
  const v1::Group group = CreateGroup("Paused");
  SetEnabled(group.name(), false);
  const v1::Calendar calendar = Create(CalendarSpec("Mover"));
  const absl::CivilDay day = DaysAhead(7);
  EXPECT_EQ(SlotsOn(calendar.name(), day).size(), 16u);
  Move(calendar.name(), group.name());
  EXPECT_THAT(SlotsOn(calendar.name(), day), IsEmpty());
  v1::Booking booking;
  EXPECT_PRECONDITION(TryBook(calendar.name(), At(day, 10), &booking),
                      "CALENDAR_INACTIVE");
  Move(calendar.name(), "");
  EXPECT_EQ(SlotsOn(calendar.name(), day).size(), 16u);
  EXPECT_TRUE(TryBook(calendar.name(), At(day, 10), &booking).ok());
}

TEST_F(GroupsTest, EnableDisableUnknownOrMalformed) {
  v1::Group group;
  v1::EnableGroupRequest enable;
  enable.set_name(Parent() + "/groups/ghost");
  EXPECT_EQ(
      calendars_->EnableGroup(Context().get(), enable, &group).error_code(),
      grpc::StatusCode::NOT_FOUND);
  v1::DisableGroupRequest disable;
  disable.set_name("groups/ghost");
  EXPECT_INVALID_FIELD(
      calendars_->DisableGroup(Context().get(), disable, &group), "name");
}

TEST_F(GroupsTest, DeleteEmptyGroup) {
  const v1::Group group = CreateGroup("Short-lived");
  ASSERT_TRUE(TryDeleteGroup(group.name(), false).ok());
  v1::Group fetched;
  EXPECT_EQ(TryGetGroup(group.name(), &fetched).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(TryDeleteGroup(group.name(), false).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GroupRows(), 0);
  // Its id can be used again.
  const v1::Group again = CreateGroup("Again", IdOf(group.name()));
  EXPECT_EQ(again.name(), group.name());
}

TEST_F(GroupsTest, DeleteWithCalendarsNeedsForceAndUngroupsThem) {
  const v1::Group group = CreateGroup("Team");
  const v1::Calendar first = CreateInGroup(group, "First");
  const v1::Calendar second = Create(CalendarSpec("Second"));
  Move(second.name(), group.name());
  EXPECT_EQ(GetGroup(group.name()).calendar_count(), 2);

  grpc::Status refused = TryDeleteGroup(group.name(), false);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << client::DescribeStatus(refused);
  EXPECT_EQ(GetGroup(group.name()).calendar_count(), 2);
  EXPECT_EQ(Get(first.name()).group(), group.name());

  // A stale etag is refused even with force.
  const v1::Group current = GetGroup(group.name());
  v1::Group renamed = current;
  renamed.set_display_name("Team renamed");
  v1::Group updated;
  ASSERT_TRUE(TryUpdateGroup(renamed, {"display_name"}, &updated).ok());
  EXPECT_EQ(TryDeleteGroup(group.name(), true, current.etag()).error_code(),
            grpc::StatusCode::ABORTED);
  EXPECT_EQ(GetGroup(group.name()).calendar_count(), 2);

  grpc::Status forced = TryDeleteGroup(group.name(), true, updated.etag());
  ASSERT_TRUE(forced.ok()) << client::DescribeStatus(forced);
  v1::Group fetched;
  EXPECT_EQ(TryGetGroup(group.name(), &fetched).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // The calendars remain, ungrouped, and bookable.
  for (const v1::Calendar* calendar : {&first, &second}) {
    const v1::Calendar after = Get(calendar->name());
    EXPECT_EQ(after.name(), calendar->name());
    EXPECT_EQ(after.group(), "") << after.name();
    EXPECT_EQ(after.status(), v1::Calendar::ACTIVE);
  }
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM calendars WHERE location_id = '" +
                     location_ + "' AND group_pk IS NULL AND live = 1"),
            2);
  EXPECT_EQ(GroupRows(), 0);
  v1::Booking booking;
  EXPECT_TRUE(TryBook(first.name(), At(DaysAhead(7), 9), &booking).ok());
  // Listing ungrouped calendars finds both.
  v1::ListCalendarsRequest list;
  list.set_parent(Parent());
  list.set_filter("group = \"\"");
  v1::ListCalendarsResponse response;
  ASSERT_TRUE(calendars_->ListCalendars(Context().get(), list, &response).ok());
  EXPECT_EQ(response.calendars_size(), 2);
}

TEST_F(GroupsTest, ForceDeletingDisabledGroupMakesCalendarsBookable) {
  const v1::Group group = CreateGroup("Disabled team");
  const v1::Calendar calendar = CreateInGroup(group);
  SetEnabled(group.name(), false);
  const absl::CivilDay day = DaysAhead(7);
  EXPECT_THAT(SlotsOn(calendar.name(), day), IsEmpty());
  ASSERT_TRUE(TryDeleteGroup(group.name(), true).ok());
  EXPECT_EQ(SlotsOn(calendar.name(), day).size(), 16u);
}

TEST_F(GroupsTest, CalendarCountFollowsMovesAndDeletes) {
  const v1::Group a = CreateGroup("A");
  const v1::Group b = CreateGroup("B");
  const v1::Calendar calendar = CreateInGroup(a);
  EXPECT_EQ(GetGroup(a.name()).calendar_count(), 1);
  Move(calendar.name(), b.name());
  EXPECT_EQ(GetGroup(a.name()).calendar_count(), 0);
  EXPECT_EQ(GetGroup(b.name()).calendar_count(), 1);
  v1::DeleteCalendarRequest remove;
  remove.set_name(calendar.name());
  google::protobuf::Empty empty;
  ASSERT_TRUE(calendars_->DeleteCalendar(Context().get(), remove, &empty).ok());
  EXPECT_EQ(GetGroup(b.name()).calendar_count(), 0);
  // A group whose only calendar was deleted needs no force.
  EXPECT_TRUE(TryDeleteGroup(b.name(), false).ok());
}

TEST_F(GroupsTest, CalendarCreatedInUnknownGroupIsRefused) {
  v1::Calendar spec = CalendarSpec("Orphan");
  spec.set_group(Parent() + "/groups/missing");
  v1::Calendar created;
  grpc::Status status = TryCreate(spec, &created);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.error_code(), grpc::StatusCode::INTERNAL)
      << client::DescribeStatus(status);
  EXPECT_EQ(CalendarRows(), 0);
  // A group of another location is malformed input.
  spec.set_group("locations/" + UniqueLocation() + "/groups/x");
  EXPECT_INVALID_FIELD(TryCreate(spec, &created), "calendar.group");
  EXPECT_EQ(CalendarRows(), 0);
}

}  // namespace
}  // namespace scheduling::testing
