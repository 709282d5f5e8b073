// The product's main path over real gRPC and MariaDB: a calendar, a link,
// resolve, slots, one booking, and every later attempt refused.
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "scheduling/client/error_details.h"
#include "tests/integration/test_server.h"

namespace scheduling::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kInactiveMessage[] =
    "The link is no longer active. Please reach out to the event owner for a "
    "new link.";

v1::BookOneTimeLinkRequest BookRequest(
    const std::string& token, const google::protobuf::Timestamp& start) {
  v1::BookOneTimeLinkRequest request;
  request.set_token(token);
  *request.mutable_start_time() = start;
  request.mutable_invitee()->set_display_name("Ada Lovelace");
  request.mutable_invitee()->set_email("ada@example.com");
  return request;
}

class OneTimeLinkFlowTest : public IntegrationTest {};

TEST_F(OneTimeLinkFlowTest, GenerateResolveListBookThenRefuse) {
  const v1::Calendar calendar = CreateCalendar("Europe/London");
  const v1::OneTimeLink link = CreateLink(calendar);
  EXPECT_EQ(link.state(), v1::OneTimeLink::ACTIVE);
  EXPECT_EQ(link.token().size(), 44u);
  EXPECT_EQ(link.url(), "https://book.example.test/widget/otl/" + link.token() +
                            "?slug=" + calendar.slug());
  // Only the hash is stored.
  EXPECT_EQ(
      QueryInt("SELECT COUNT(*) FROM one_time_links WHERE token_hash = '" +
               link.token() + "'"),
      0);

  v1::ResolveOneTimeLinkRequest resolve;
  resolve.set_token(link.token());
  v1::ResolveOneTimeLinkResponse resolved;
  ASSERT_TRUE(
      links_->ResolveOneTimeLink(Context().get(), resolve, &resolved).ok());
  EXPECT_EQ(resolved.one_time_link(), link.name());
  EXPECT_EQ(resolved.calendar().display_name(), "Intro call");
  EXPECT_EQ(resolved.calendar().duration().seconds(), 1800);
  EXPECT_EQ(resolved.calendar().time_zone(), "Europe/London");

  v1::ListOneTimeLinkFreeSlotsRequest slots_request;
  slots_request.set_token(link.token());
  const absl::Time from = absl::Now() + absl::Hours(1);
  *slots_request.mutable_start_time() =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(
          absl::ToUnixSeconds(from));
  *slots_request.mutable_end_time() =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(
          absl::ToUnixSeconds(from + absl::Hours(24)));
  slots_request.set_time_zone("Asia/Kolkata");
  v1::ListOneTimeLinkFreeSlotsResponse slots;
  ASSERT_TRUE(
      links_->ListOneTimeLinkFreeSlots(Context().get(), slots_request, &slots)
          .ok());
  ASSERT_GE(slots.slots_size(), 47);  // 24 h of 30-minute slots, less edges
  EXPECT_EQ(slots.time_zone(), "Asia/Kolkata");
  EXPECT_THAT(slots.slots(0).local_start_time(), HasSubstr("+05:30"));

  v1::Booking booking;
  grpc::Status booked = links_->BookOneTimeLink(
      Context().get(), BookRequest(link.token(), slots.slots(0).start_time()),
      &booking);
  ASSERT_TRUE(booked.ok()) << client::DescribeStatus(booked);
  EXPECT_THAT(booking.name(), StartsWith(calendar.name() + "/bookings/"));
  EXPECT_EQ(booking.one_time_link(), link.name());
  EXPECT_EQ(booking.start_time().seconds(),
            slots.slots(0).start_time().seconds());
  EXPECT_EQ(booking.end_time().seconds() - booking.start_time().seconds(),
            1800);
  EXPECT_EQ(BookingRows(calendar), 1);

  // A second booking through the used link: refused, nothing written.
  v1::Booking second;
  grpc::Status refused = links_->BookOneTimeLink(
      Context().get(), BookRequest(link.token(), slots.slots(1).start_time()),
      &second);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(refused.error_message(), kInactiveMessage);
  EXPECT_EQ(client::ErrorReason(refused), "LINK_USED");
  EXPECT_EQ(BookingRows(calendar), 1);

  // Opening the used link shows the same.
  grpc::Status reopened =
      links_->ResolveOneTimeLink(Context().get(), resolve, &resolved);
  EXPECT_EQ(reopened.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(reopened.error_message(), kInactiveMessage);
  EXPECT_EQ(client::ErrorReason(reopened), "LINK_USED");

  // The slot booked is no longer offered.
  v1::ListFreeSlotsRequest free_request;
  free_request.set_calendar(calendar.name());
  *free_request.mutable_start_time() = slots_request.start_time();
  *free_request.mutable_end_time() = slots_request.end_time();
  v1::ListFreeSlotsResponse free;
  ASSERT_TRUE(
      calendars_->ListFreeSlots(Context().get(), free_request, &free).ok());
  EXPECT_EQ(free.slots_size(), slots.slots_size() - 1);
  EXPECT_NE(free.slots(0).start_time().seconds(),
            booking.start_time().seconds());

  v1::GetOneTimeLinkRequest get;
  get.set_name(link.name());
  v1::OneTimeLink stored;
  ASSERT_TRUE(links_->GetOneTimeLink(Context().get(), get, &stored).ok());
  EXPECT_EQ(stored.state(), v1::OneTimeLink::USED);
  EXPECT_EQ(stored.booking(), booking.name());
  EXPECT_TRUE(stored.token().empty());
  EXPECT_TRUE(stored.url().empty());
}

TEST_F(OneTimeLinkFlowTest, EarlierUnusedLinksStayValidAfterGeneratingNew) {
  const v1::Calendar calendar = CreateCalendar();
  const v1::OneTimeLink first = CreateLink(calendar);
  const v1::OneTimeLink second = CreateLink(calendar);
  EXPECT_NE(first.token(), second.token());
  EXPECT_NE(first.name(), second.name());
  for (const auto* link : {&first, &second}) {
    v1::ResolveOneTimeLinkRequest resolve;
    resolve.set_token(link->token());
    v1::ResolveOneTimeLinkResponse resolved;
    EXPECT_TRUE(
        links_->ResolveOneTimeLink(Context().get(), resolve, &resolved).ok());
  }
}

TEST_F(OneTimeLinkFlowTest, RevokedLinkIsRefusedAndRevokeIsIdempotent) {
  const v1::Calendar calendar = CreateCalendar();
  const v1::OneTimeLink link = CreateLink(calendar);
  v1::RevokeOneTimeLinkRequest revoke;
  revoke.set_name(link.name());
  v1::OneTimeLink revoked;
  ASSERT_TRUE(
      links_->RevokeOneTimeLink(Context().get(), revoke, &revoked).ok());
  EXPECT_EQ(revoked.state(), v1::OneTimeLink::REVOKED);
  EXPECT_TRUE(revoked.has_revoke_time());
  v1::OneTimeLink again;
  ASSERT_TRUE(links_->RevokeOneTimeLink(Context().get(), revoke, &again).ok());
  EXPECT_EQ(again.revoke_time().seconds(), revoked.revoke_time().seconds());

  v1::Booking booking;
  grpc::Status refused = links_->BookOneTimeLink(
      Context().get(),
      BookRequest(link.token(), FirstFreeSlot(calendar, absl::Now())),
      &booking);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(client::ErrorReason(refused), "LINK_REVOKED");
  EXPECT_EQ(refused.error_message(), kInactiveMessage);
  EXPECT_EQ(BookingRows(calendar), 0);
}

TEST_F(OneTimeLinkFlowTest, UsedLinkCannotBeRevoked) {
  const v1::Calendar calendar = CreateCalendar();
  const v1::OneTimeLink link = CreateLink(calendar);
  v1::Booking booking;
  ASSERT_TRUE(
      links_
          ->BookOneTimeLink(
              Context().get(),
              BookRequest(link.token(), FirstFreeSlot(calendar, absl::Now())),
              &booking)
          .ok());
  v1::RevokeOneTimeLinkRequest revoke;
  revoke.set_name(link.name());
  v1::OneTimeLink revoked;
  grpc::Status status =
      links_->RevokeOneTimeLink(Context().get(), revoke, &revoked);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(client::ErrorReason(status), "LINK_USED");
}

TEST_F(OneTimeLinkFlowTest, InactiveCalendarRefusesItsLinksUntilActivated) {
  const v1::Calendar calendar = CreateCalendar();
  const v1::OneTimeLink link = CreateLink(calendar);
  v1::DeactivateCalendarRequest deactivate;
  deactivate.set_name(calendar.name());
  v1::Calendar inactive;
  ASSERT_TRUE(
      calendars_->DeactivateCalendar(Context().get(), deactivate, &inactive)
          .ok());
  EXPECT_EQ(inactive.status(), v1::Calendar::INACTIVE);
  EXPECT_NE(inactive.etag(), calendar.etag());

  v1::ResolveOneTimeLinkRequest resolve;
  resolve.set_token(link.token());
  v1::ResolveOneTimeLinkResponse resolved;
  grpc::Status status =
      links_->ResolveOneTimeLink(Context().get(), resolve, &resolved);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(client::ErrorReason(status), "CALENDAR_INACTIVE");
  EXPECT_EQ(status.error_message(), kInactiveMessage);

  // New links cannot be generated for it either.
  v1::CreateOneTimeLinkRequest create;
  create.set_parent(calendar.name());
  v1::OneTimeLink refused_link;
  status = links_->CreateOneTimeLink(Context().get(), create, &refused_link);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(client::ErrorReason(status), "CALENDAR_INACTIVE");

  v1::ActivateCalendarRequest activate;
  activate.set_name(calendar.name());
  v1::Calendar active;
  ASSERT_TRUE(
      calendars_->ActivateCalendar(Context().get(), activate, &active).ok());
  EXPECT_TRUE(
      links_->ResolveOneTimeLink(Context().get(), resolve, &resolved).ok());
}

TEST_F(OneTimeLinkFlowTest, ExpiredLinkIsRefused) {
  const v1::Calendar calendar = CreateCalendar();
  v1::CreateOneTimeLinkRequest create;
  create.set_parent(calendar.name());
  const absl::Time expire = absl::Now() + absl::Seconds(1);
  *create.mutable_one_time_link()->mutable_expire_time() =
      google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
          absl::ToUnixNanos(expire));
  v1::OneTimeLink link;
  ASSERT_TRUE(links_->CreateOneTimeLink(Context().get(), create, &link).ok());
  // Wait for the expiry itself (a deadline, not a guess about timing).
  absl::SleepFor(expire - absl::Now() + absl::Milliseconds(50));
  v1::ResolveOneTimeLinkRequest resolve;
  resolve.set_token(link.token());
  v1::ResolveOneTimeLinkResponse resolved;
  grpc::Status status =
      links_->ResolveOneTimeLink(Context().get(), resolve, &resolved);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(client::ErrorReason(status), "LINK_EXPIRED");
}

TEST_F(OneTimeLinkFlowTest, CalendarsArePagedWithOpaqueTokens) {
  std::vector<std::string> created;
  for (int i = 0; i < 5; ++i) created.push_back(CreateCalendar().name());
  std::vector<std::string> listed;
  std::string token;
  do {
    v1::ListCalendarsRequest request;
    request.set_parent("locations/" + location_);
    request.set_page_size(2);
    request.set_page_token(token);
    v1::ListCalendarsResponse response;
    ASSERT_TRUE(
        calendars_->ListCalendars(Context().get(), request, &response).ok());
    EXPECT_LE(response.calendars_size(), 2);
    for (const auto& calendar : response.calendars())
      listed.push_back(calendar.name());
    token = response.next_page_token();
    // A calendar created while paging shows up on a later page, once.
    if (listed.size() == 2) created.push_back(CreateCalendar().name());
  } while (!token.empty());
  EXPECT_EQ(listed, created);
}

}  // namespace
}  // namespace scheduling::testing
