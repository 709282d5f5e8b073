// Validation of one-time link options, batches, lists and event cursors.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/api/request_validation.h"
#include "server/domain/errors.h"

namespace scheduling::api {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::UnorderedElementsAre;

MATCHER_P(ViolationOf, field, "") { return arg.field == field; }

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

std::vector<domain::FieldViolation> Violations(const absl::Status& status) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  return domain::FieldViolations(status);
}

v1::CreateOneTimeLinkRequest FullRequest() {
  v1::CreateOneTimeLinkRequest request;
  request.set_parent("locations/acme/calendars/intro");
  request.set_request_id("wf-run-42_contact-7");
  v1::OneTimeLink* link = request.mutable_one_time_link();
  link->mutable_ttl()->set_seconds(48 * 3600);
  link->set_max_uses(3);
  link->mutable_invitee()->set_contact_id("crm:contact/7");
  link->mutable_invitee()->set_display_name("Asha Rao");
  link->mutable_invitee()->set_email("asha@example.com");
  link->mutable_invitee()->set_phone("+919876543210");
  link->set_enforce_invitee(true);
  (*link->mutable_metadata())["workflow"] = "onboarding";
  (*link->mutable_metadata())["step.id"] = "7";
  link->mutable_earliest_date()->set_year(2027);
  link->mutable_earliest_date()->set_month(1);
  link->mutable_earliest_date()->set_day(15);
  link->mutable_latest_date()->set_year(2027);
  link->mutable_latest_date()->set_month(1);
  link->mutable_latest_date()->set_day(20);
  link->mutable_duration()->set_seconds(3600);
  return request;
}

TEST(ValidateCreateOneTimeLinkTest, ReadsEveryOption) {
  absl::StatusOr<CreateLinkInput> input =
      ValidateCreateOneTimeLink(FullRequest(), kNow);
  ASSERT_TRUE(input.ok()) << input.status();
  const domain::OneTimeLink& link = input->link;
  EXPECT_EQ(link.expire_time, kNow + absl::Hours(48));
  EXPECT_EQ(link.max_uses, 3);
  EXPECT_EQ(link.invitee.contact_id, "crm:contact/7");
  EXPECT_EQ(link.invitee.phone, "+919876543210");
  EXPECT_TRUE(link.enforce_invitee);
  EXPECT_EQ(link.metadata.at("workflow"), "onboarding");
  EXPECT_EQ(link.earliest_date, absl::CivilDay(2027, 1, 15));
  EXPECT_EQ(link.latest_date, absl::CivilDay(2027, 1, 20));
  EXPECT_EQ(link.duration, absl::Hours(1));
  EXPECT_EQ(link.request_id, "wf-run-42_contact-7");
}

TEST(ValidateCreateOneTimeLinkTest, RejectsEveryBadOption) {
  v1::CreateOneTimeLinkRequest request = FullRequest();
  v1::OneTimeLink* link = request.mutable_one_time_link();
  link->mutable_ttl()->set_seconds(0);
  link->set_max_uses(1001);
  link->mutable_invitee()->set_email("not-an-address");
  link->mutable_invitee()->set_phone("0123");
  (*link->mutable_metadata())["Bad Key"] = "x";
  link->mutable_latest_date()->set_day(10);  // before earliest
  link->mutable_duration()->set_seconds(30);
  request.set_request_id("spaces are not allowed");
  EXPECT_THAT(
      Violations(ValidateCreateOneTimeLink(request, kNow).status()),
      UnorderedElementsAre(ViolationOf("one_time_link.ttl"),
                           ViolationOf("one_time_link.max_uses"),
                           ViolationOf("one_time_link.invitee.email"),
                           ViolationOf("one_time_link.invitee.phone"),
                           ViolationOf("one_time_link.metadata[\"Bad Key\"]"),
                           ViolationOf("one_time_link.latest_date"),
                           ViolationOf("one_time_link.duration"),
                           ViolationOf("request_id")));
}

TEST(ValidateCreateOneTimeLinkTest, TtlAndExpiryAreExclusiveAndBounded) {
  v1::CreateOneTimeLinkRequest request;
  request.set_parent("locations/acme/calendars/intro");
  request.mutable_one_time_link()->mutable_ttl()->set_seconds(-5);
  EXPECT_THAT(Violations(ValidateCreateOneTimeLink(request, kNow).status()),
              ElementsAre(ViolationOf("one_time_link.ttl")));
  request.mutable_one_time_link()->mutable_ttl()->set_seconds(366 * 86400);
  EXPECT_THAT(Violations(ValidateCreateOneTimeLink(request, kNow).status()),
              ElementsAre(ViolationOf("one_time_link.ttl")));
  request.mutable_one_time_link()->mutable_ttl()->set_seconds(60);
  request.mutable_one_time_link()->mutable_expire_time()->set_seconds(
      1'800'000'100);
  EXPECT_THAT(Violations(ValidateCreateOneTimeLink(request, kNow).status()),
              ElementsAre(ViolationOf("one_time_link.ttl")));
}

TEST(ValidateCreateOneTimeLinkTest, BoundsMetadataSize) {
  v1::CreateOneTimeLinkRequest request;
  request.set_parent("locations/acme/calendars/intro");
  auto& metadata = *request.mutable_one_time_link()->mutable_metadata();
  for (int i = 0; i < 9; ++i) {
    metadata["key" + std::to_string(i)] = std::string(500, 'v');
  }
  EXPECT_THAT(Violations(ValidateCreateOneTimeLink(request, kNow).status()),
              ElementsAre(ViolationOf("one_time_link.metadata")));
  metadata.clear();
  metadata["big"] = std::string(513, 'v');
  EXPECT_THAT(Violations(ValidateCreateOneTimeLink(request, kNow).status()),
              ElementsAre(ViolationOf("one_time_link.metadata[\"big\"]")));
  metadata.clear();
  for (int i = 0; i < 33; ++i) metadata["k" + std::to_string(i)] = "v";
  EXPECT_THAT(Violations(ValidateCreateOneTimeLink(request, kNow).status()),
              ElementsAre(ViolationOf("one_time_link.metadata")));
}

TEST(ValidateCreateOneTimeLinkTest, EnforcingNeedsAnEmailAndDatesMustExist) {
  v1::CreateOneTimeLinkRequest request;
  request.set_parent("locations/acme/calendars/intro");
  request.mutable_one_time_link()->set_enforce_invitee(true);
  request.mutable_one_time_link()->mutable_earliest_date()->set_year(2027);
  request.mutable_one_time_link()->mutable_earliest_date()->set_month(2);
  request.mutable_one_time_link()->mutable_earliest_date()->set_day(30);
  EXPECT_THAT(Violations(ValidateCreateOneTimeLink(request, kNow).status()),
              UnorderedElementsAre(ViolationOf("one_time_link.enforce_invitee"),
                                   ViolationOf("one_time_link.earliest_date")));
}

TEST(ValidateBatchCreateOneTimeLinksTest, PrefixesViolationsWithTheItemIndex) {
  v1::BatchCreateOneTimeLinksRequest batch;
  batch.set_parent("locations/acme/calendars/intro");
  for (int i = 0; i < 3; ++i) *batch.add_requests() = FullRequest();
  batch.mutable_requests(0)->clear_parent();
  batch.mutable_requests(1)->mutable_one_time_link()->set_max_uses(-1);
  batch.mutable_requests(2)->set_parent("locations/acme/calendars/other");
  EXPECT_THAT(
      Violations(ValidateBatchCreateOneTimeLinks(batch, kNow).status()),
      UnorderedElementsAre(ViolationOf("requests[1].one_time_link.max_uses"),
                           ViolationOf("requests[2].parent")));
  batch.mutable_requests(1)->mutable_one_time_link()->set_max_uses(2);
  batch.mutable_requests(2)->clear_parent();
  absl::StatusOr<BatchCreateLinksInput> input =
      ValidateBatchCreateOneTimeLinks(batch, kNow);
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_EQ(input->links.size(), 3u);
}

TEST(ValidateBatchCreateOneTimeLinksTest, HoldsOneToAThousandRequests) {
  v1::BatchCreateOneTimeLinksRequest batch;
  batch.set_parent("locations/acme/calendars/intro");
  EXPECT_THAT(Violations(ValidateBatchCreateOneTimeLinks(batch, kNow).status()),
              ElementsAre(ViolationOf("requests")));
  for (int i = 0; i < 1001; ++i) batch.add_requests();
  EXPECT_THAT(Violations(ValidateBatchCreateOneTimeLinks(batch, kNow).status()),
              ElementsAre(ViolationOf("requests")));
}

TEST(ValidateListOneTimeLinksTest, PageTokensAreBoundToTheFilters) {
  v1::ListOneTimeLinksRequest request;
  request.set_parent("locations/acme/calendars/intro");
  request.set_state(v1::OneTimeLink::USED);
  request.set_contact_id("c-1");
  request.set_page_token(EncodeLinkPageToken(request, 99));
  absl::StatusOr<ListLinksInput> input = ValidateListOneTimeLinks(request);
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_EQ(input->before_pk, 99);
  EXPECT_EQ(input->state, domain::LinkState::kUsed);
  EXPECT_EQ(input->contact_id, "c-1");
  request.set_contact_id("c-2");
  EXPECT_THAT(Violations(ValidateListOneTimeLinks(request).status()),
              ElementsAre(ViolationOf("page_token")));
  request.set_page_token("garbage");
  request.set_page_size(-1);
  EXPECT_THAT(Violations(ValidateListOneTimeLinks(request).status()),
              UnorderedElementsAre(ViolationOf("page_token"),
                                   ViolationOf("page_size")));
}

TEST(ValidateListOneTimeLinksTest, AnOversizedContactFilterIsRefused) {
  v1::ListOneTimeLinksRequest request;
  request.set_parent("locations/acme/calendars/intro");
  request.set_contact_id(std::string(128, 'c'));
  EXPECT_TRUE(ValidateListOneTimeLinks(request).ok());
  request.set_contact_id(std::string(1 << 20, 'c'));
  EXPECT_THAT(Violations(ValidateListOneTimeLinks(request).status()),
              ElementsAre(ViolationOf("contact_id")));
  request.set_contact_id("c\n1");
  EXPECT_THAT(Violations(ValidateListOneTimeLinks(request).status()),
              ElementsAre(ViolationOf("contact_id")));
}

TEST(EventCursorTest, RoundTripsAndIsBoundToTheLocation) {
  v1::ListOneTimeLinkEventsRequest request;
  request.set_parent("locations/acme");
  request.set_cursor(EncodeEventCursor("acme", 1234));
  absl::StatusOr<EventsInput> input = ValidateListOneTimeLinkEvents(request);
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_EQ(input->after_seq, 1234);
  EXPECT_EQ(input->page_size, 100);
  request.set_cursor(EncodeEventCursor("other", 1234));
  EXPECT_THAT(Violations(ValidateListOneTimeLinkEvents(request).status()),
              ElementsAre(ViolationOf("cursor")));
  v1::WatchOneTimeLinkEventsRequest watch;
  watch.set_parent("acme");
  watch.set_cursor("%%%");
  EXPECT_THAT(
      Violations(ValidateWatchOneTimeLinkEvents(watch).status()),
      UnorderedElementsAre(ViolationOf("parent"), ViolationOf("cursor")));
}

}  // namespace
}  // namespace scheduling::api
