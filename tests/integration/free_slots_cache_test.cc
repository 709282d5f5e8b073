// A server keeps calendars' bookings between ListFreeSlots calls
// (store::BookingContextCache). These tests run a second server, a
// replica on the same database, and check that whatever one server
// changes, the other's next free-slot listing shows: bookings, cancels,
// reschedules, a member's time taken on another calendar, and a change
// of the calendar itself.
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/calendar_fixtures.h"

namespace scheduling::testing {
namespace {

using ::testing::Contains;
using ::testing::Not;

class FreeSlotsCacheTest : public CalendarFixture {
 protected:
  static void SetUpTestSuite() {
    ServerOptions options =
        TestServerOptions(std::getenv("SCHEDULING_TEST_DSN"));
    options.db_pool_size = 4;
    auto started = SchedulingServer::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    replica_server_ = started->release();
  }

  static void TearDownTestSuite() {
    replica_server_->Shutdown(absl::Seconds(5));
    delete replica_server_;
    replica_server_ = nullptr;
  }

  void SetUp() override {
    day_ = DaysAhead(7);
    auto channel = grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(replica_server_->port()),
        grpc::InsecureChannelCredentials());
    replica_ = v1::CalendarService::NewStub(channel);
    replica_links_ = v1::OneTimeLinkService::NewStub(channel);
  }

  // Books `start` on `calendar` through the replica.
  v1::Booking BookOnReplica(const std::string& calendar, absl::Time start) {
    v1::Booking booking;
    grpc::Status status = replica_->CreateBooking(
        Context().get(), BookingRequest(calendar, start, 1), &booking);
    EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    return booking;
  }

  // Starts of the free slots of `calendar` on day_, as this server shows
  // them.
  std::vector<absl::Time> FreeStarts(const std::string& calendar) {
    return Starts(SlotsOn(calendar, day_));
  }

  static SchedulingServer* replica_server_;
  absl::CivilDay day_;
  std::unique_ptr<v1::CalendarService::Stub> replica_;
  std::unique_ptr<v1::OneTimeLinkService::Stub> replica_links_;
};

SchedulingServer* FreeSlotsCacheTest::replica_server_ = nullptr;

TEST_F(FreeSlotsCacheTest, BookCancelAndRescheduleOnAReplicaAreSeen) {
  const v1::Calendar calendar = Create(CalendarSpec("Cached"));
  const absl::Time first = At(day_, 9);
  const absl::Time second = At(day_, 11);
  ASSERT_THAT(FreeStarts(calendar.name()), Contains(first));

  const v1::Booking booking = BookOnReplica(calendar.name(), first);
  EXPECT_THAT(FreeStarts(calendar.name()), Not(Contains(first)));

  v1::Booking moved;
  grpc::Status status = replica_->RescheduleBooking(
      Context().get(),
      [&] {
        v1::RescheduleBookingRequest request;
        request.set_name(booking.name());
        *request.mutable_start_time() = Ts(second);
        return request;
      }(),
      &moved);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_THAT(FreeStarts(calendar.name()), Contains(first));
  EXPECT_THAT(FreeStarts(calendar.name()), Not(Contains(second)));

  v1::Booking cancelled;
  v1::CancelBookingRequest cancel;
  cancel.set_name(booking.name());
  status = replica_->CancelBooking(Context().get(), cancel, &cancelled);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_THAT(FreeStarts(calendar.name()), Contains(second));
}

TEST_F(FreeSlotsCacheTest, MemberBusyOnAnotherCalendarIsSeen) {
  v1::Calendar panel_spec = CalendarSpec("Panel");
  panel_spec.set_calendar_type(v1::Calendar::COLLECTIVE);
  panel_spec.add_team_members("x");
  panel_spec.add_team_members("y");
  v1::Calendar solo_spec = CalendarSpec("Y alone");
  solo_spec.add_team_members("y");
  const v1::Calendar panel = Create(panel_spec);
  const v1::Calendar solo = Create(solo_spec);
  const absl::Time start = At(day_, 10);
  ASSERT_THAT(FreeStarts(panel.name()), Contains(start));

  const v1::Booking booking = BookOnReplica(solo.name(), start);
  EXPECT_THAT(FreeStarts(panel.name()), Not(Contains(start)));

  v1::Booking cancelled;
  v1::CancelBookingRequest cancel;
  cancel.set_name(booking.name());
  grpc::Status status =
      replica_->CancelBooking(Context().get(), cancel, &cancelled);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_THAT(FreeStarts(panel.name()), Contains(start));
}

TEST_F(FreeSlotsCacheTest, NewMembersOfTheCalendarAreSeen) {
  // z is busy at `start` on another calendar; the round robin shows the
  // slot while x alone is its member, and hides it once z replaces x.
  v1::Calendar z_spec = CalendarSpec("Z alone");
  z_spec.add_team_members("z");
  const v1::Calendar z_calendar = Create(z_spec);
  const absl::Time start = At(day_, 14);
  BookOnReplica(z_calendar.name(), start);
  v1::Calendar team_spec = CalendarSpec("Team");
  team_spec.set_calendar_type(v1::Calendar::ROUND_ROBIN);
  team_spec.add_team_members("x");
  const v1::Calendar team = Create(team_spec);
  ASSERT_THAT(FreeStarts(team.name()), Contains(start));

  v1::UpdateCalendarRequest update;
  *update.mutable_calendar() = team;
  update.mutable_calendar()->clear_team_members();
  update.mutable_calendar()->add_team_members("z");
  update.mutable_update_mask()->add_paths("team_members");
  v1::Calendar updated;
  grpc::Status status =
      replica_->UpdateCalendar(Context().get(), update, &updated);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_THAT(FreeStarts(team.name()), Not(Contains(start)));
}

TEST_F(FreeSlotsCacheTest, LinkFreeSlotsSeeBookingsMadeOnAReplica) {
  const v1::Calendar calendar = Create(CalendarSpec("Linked"));
  const v1::OneTimeLink link = CreateLink(calendar);
  const absl::Time start = At(day_, 15);
  auto link_slots = [&] {
    v1::ListOneTimeLinkFreeSlotsRequest request;
    request.set_token(link.token());
    *request.mutable_start_time() = Ts(At(day_, 0));
    *request.mutable_end_time() = Ts(At(day_ + 1, 0));
    v1::ListOneTimeLinkFreeSlotsResponse response;
    grpc::Status status =
        links_->ListOneTimeLinkFreeSlots(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    return Starts({response.slots().begin(), response.slots().end()});
  };
  ASSERT_THAT(link_slots(), Contains(start));
  BookOnReplica(calendar.name(), start);
  EXPECT_THAT(link_slots(), Not(Contains(start)));
}

}  // namespace
}  // namespace scheduling::testing
