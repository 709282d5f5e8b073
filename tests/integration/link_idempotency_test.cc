// Link generation as workflow engines use it (issue 4): retries with one
// request_id, also many at once, return the same link, token and URL and
// write nothing new; batches are all or none, and a good batch of 1000
// makes 1000 links with distinct tokens and 1000 CREATED events in order.
// The database holds only hashes of the tokens.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/secrets.h"
#include "tests/integration/link_fixtures.h"

namespace scheduling::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

class LinkIdempotencyTest : public LinkFixture {
 protected:
  int64_t RowsWithRequestId(const std::string& request_id) {
    return QueryInt(
        "SELECT COUNT(*) FROM one_time_links l JOIN calendars c ON c.pk = "
        "l.calendar_pk WHERE c.location_id = '" +
        location_ + "' AND l.request_id = '" + request_id + "'");
  }

  grpc::Status TryBatch(const v1::BatchCreateOneTimeLinksRequest& request,
                        v1::BatchCreateOneTimeLinksResponse* response) {
    return links_->BatchCreateOneTimeLinks(Context(absl::Seconds(60)).get(),
                                           request, response);
  }
};

void ExpectSameLink(const v1::OneTimeLink& got, const v1::OneTimeLink& want) {
  EXPECT_EQ(got.name(), want.name());
  EXPECT_EQ(got.token(), want.token());
  EXPECT_EQ(got.url(), want.url());
  EXPECT_EQ(got.max_uses(), want.max_uses());
  EXPECT_EQ(got.invitee().contact_id(), want.invitee().contact_id());
  EXPECT_EQ(got.metadata().size(), want.metadata().size());
}

TEST_F(LinkIdempotencyTest, SixteenConcurrentCreatesWithOneRequestIdMakeOne) {
  const v1::Calendar calendar = AllDayCalendar();
  v1::OneTimeLink options;
  options.set_max_uses(2);
  options.mutable_invitee()->set_contact_id("crm-42");
  (*options.mutable_metadata())["flow"] = "welcome";
  const std::string request_id = NewId("wf-Retry_");

  auto stubs = ConnectedLinkStubs(16);
  std::vector<v1::OneTimeLink> created(16);
  std::vector<std::function<grpc::Status()>> calls;
  for (int i = 0; i < 16; ++i) {
    calls.push_back([&, i] {
      v1::CreateOneTimeLinkRequest request;
      request.set_parent(calendar.name());
      *request.mutable_one_time_link() = options;
      request.set_request_id(request_id);
      return stubs[i]->CreateOneTimeLink(Context().get(), request, &created[i]);
    });
  }
  const std::vector<grpc::Status> statuses = RunTogether(calls);
  for (int i = 0; i < 16; ++i) {
    ASSERT_TRUE(statuses[i].ok())
        << "call " << i << ": " << client::DescribeStatus(statuses[i]);
  }
  const v1::OneTimeLink& first = created[0];
  EXPECT_EQ(first.token().size(), 44u);
  EXPECT_THAT(first.url(), HasSubstr("/widget/otl/" + first.token()));
  EXPECT_EQ(first.max_uses(), 2);
  for (int i = 1; i < 16; ++i) {
    SCOPED_TRACE(i);
    ExpectSameLink(created[i], first);
  }

  // One row, one CREATED event, only the token's hash stored.
  EXPECT_EQ(LinkRows(), 1);
  EXPECT_EQ(RowsWithRequestId(request_id), 1);
  EXPECT_EQ(EventRows(), 1);
  EXPECT_EQ(EventRows(/*CREATED=*/1), 1);
  EXPECT_EQ(TokensFoundIn(LinkCells(), {first.token()}), 0);
  EXPECT_TRUE(StoredHashMatches(first));

  // A later retry, one at a time, returns the same again.
  const v1::OneTimeLink retried = NewLink(calendar.name(), options, request_id);
  ExpectSameLink(retried, first);
  EXPECT_EQ(LinkRows(), 1);
  EXPECT_EQ(EventRows(), 1);

  // The token works, and the events name the one link.
  v1::ResolveOneTimeLinkResponse resolved;
  ASSERT_TRUE(TryResolve(first.token(), &resolved).ok());
  EXPECT_EQ(resolved.one_time_link(), first.name());
  const auto events = AllEvents();
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].one_time_link(), first.name());

  // The key is per calendar; without a key every call makes a new link.
  const v1::Calendar other = AllDayCalendar();
  const v1::OneTimeLink elsewhere = NewLink(other.name(), options, request_id);
  EXPECT_NE(elsewhere.name(), first.name());
  EXPECT_NE(elsewhere.token(), first.token());
  const v1::OneTimeLink fresh = NewLink(calendar.name(), options);
  EXPECT_NE(fresh.token(), first.token());
  EXPECT_EQ(LinkRows(), 3);
  EXPECT_EQ(EventRows(), 3);
}

TEST_F(LinkIdempotencyTest, RetriedBatchReturnsTheSameLinks) {
  const v1::Calendar calendar = AllDayCalendar();
  v1::BatchCreateOneTimeLinksRequest request;
  request.set_parent(calendar.name());
  for (int i = 0; i < 5; ++i) {
    v1::CreateOneTimeLinkRequest* item = request.add_requests();
    item->set_request_id("batch-item-" + std::to_string(i));
    item->mutable_one_time_link()->mutable_invitee()->set_contact_id(
        "c-" + std::to_string(i));
  }
  v1::BatchCreateOneTimeLinksResponse first;
  grpc::Status status = TryBatch(request, &first);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  ASSERT_EQ(first.one_time_links_size(), 5);
  v1::BatchCreateOneTimeLinksResponse again;
  status = TryBatch(request, &again);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  ASSERT_EQ(again.one_time_links_size(), 5);
  for (int i = 0; i < 5; ++i) {
    SCOPED_TRACE(i);
    ExpectSameLink(again.one_time_links(i), first.one_time_links(i));
  }
  // A single create with one of the keys finds the batch's link.
  const v1::OneTimeLink single =
      NewLink(calendar.name(), request.requests(2).one_time_link(),
              request.requests(2).request_id());
  ExpectSameLink(single, first.one_time_links(2));
  EXPECT_EQ(LinkRows(), 5);
  EXPECT_EQ(EventRows(), 5);
}

TEST_F(LinkIdempotencyTest, BatchWithOneBadItemWritesNothing) {
  const v1::Calendar calendar = AllDayCalendar("UTC", 30);
  const auto batch = [&](int size) {
    v1::BatchCreateOneTimeLinksRequest request;
    request.set_parent(calendar.name());
    for (int i = 0; i < size; ++i) {
      v1::CreateOneTimeLinkRequest* item = request.add_requests();
      item->set_request_id("item-" + std::to_string(i));
      item->mutable_one_time_link()->mutable_invitee()->set_contact_id(
          "c-" + std::to_string(i));
    }
    return request;
  };

  {  // requests[5] with ttl 0: caught before the database.
    v1::BatchCreateOneTimeLinksRequest request = batch(50);
    request.mutable_requests(5)->mutable_one_time_link()->mutable_ttl();
    v1::BatchCreateOneTimeLinksResponse response;
    grpc::Status status = TryBatch(request, &response);
    EXPECT_INVALID_FIELD(status, "requests[5].one_time_link.ttl");
    EXPECT_THAT(client::FieldViolations(status), SizeIs(1))
        << client::DescribeStatus(status);
    EXPECT_EQ(response.one_time_links_size(), 0);
  }
  {  // requests[7] with a duration the calendar does not allow: caught
     // against the calendar, inside the transaction.
    v1::BatchCreateOneTimeLinksRequest request = batch(50);
    *request.mutable_requests(7)->mutable_one_time_link()->mutable_duration() =
        Minutes(45);
    v1::BatchCreateOneTimeLinksResponse response;
    grpc::Status status = TryBatch(request, &response);
    EXPECT_INVALID_FIELD(status, "requests[7].one_time_link.duration");
    EXPECT_THAT(client::FieldViolations(status), SizeIs(1))
        << client::DescribeStatus(status);
  }
  {  // The same in a batch of one still names its index.
    v1::BatchCreateOneTimeLinksRequest request = batch(1);
    *request.mutable_requests(0)->mutable_one_time_link()->mutable_duration() =
        Minutes(45);
    v1::BatchCreateOneTimeLinksResponse response;
    EXPECT_INVALID_FIELD(TryBatch(request, &response),
                         "requests[0].one_time_link.duration");
  }
  {  // An item of another calendar.
    v1::BatchCreateOneTimeLinksRequest request = batch(5);
    request.mutable_requests(2)->set_parent(calendar.name() + "x");
    v1::BatchCreateOneTimeLinksResponse response;
    EXPECT_INVALID_FIELD(TryBatch(request, &response), "requests[2].parent");
  }
  {  // Too many, and none.
    v1::BatchCreateOneTimeLinksResponse response;
    EXPECT_INVALID_FIELD(TryBatch(batch(1001), &response), "requests");
    EXPECT_INVALID_FIELD(TryBatch(batch(0), &response), "requests");
  }
  EXPECT_EQ(LinkRows(), 0);
  EXPECT_EQ(EventRows(), 0);
  EXPECT_THAT(AllEvents(), SizeIs(0));
}

TEST_F(LinkIdempotencyTest, BatchOfAThousandMakesAThousandLinksAndEvents) {
  const v1::Calendar calendar = AllDayCalendar();
  v1::BatchCreateOneTimeLinksRequest request;
  request.set_parent(calendar.name());
  for (int i = 0; i < 1000; ++i) {
    v1::CreateOneTimeLinkRequest* item = request.add_requests();
    if (i % 2 == 0) item->set_parent(calendar.name());
    item->mutable_one_time_link()->mutable_invitee()->set_contact_id(
        "contact-" + std::to_string(i));
  }
  v1::BatchCreateOneTimeLinksResponse response;
  grpc::Status status = TryBatch(request, &response);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  ASSERT_EQ(response.one_time_links_size(), 1000);

  std::set<std::string> names;
  std::vector<std::string> tokens;
  for (int i = 0; i < 1000; ++i) {
    const v1::OneTimeLink& link = response.one_time_links(i);
    EXPECT_EQ(link.invitee().contact_id(), "contact-" + std::to_string(i));
    EXPECT_EQ(link.state(), v1::OneTimeLink::ACTIVE);
    EXPECT_EQ(link.token().size(), 44u);
    EXPECT_THAT(link.url(), HasSubstr("/widget/otl/" + link.token()));
    names.insert(link.name());
    tokens.push_back(link.token());
  }
  EXPECT_THAT(names, SizeIs(1000));
  EXPECT_THAT(std::set<std::string>(tokens.begin(), tokens.end()),
              SizeIs(1000));

  EXPECT_EQ(LinkRows(), 1000);
  EXPECT_EQ(EventRows(/*CREATED=*/1), 1000);
  EXPECT_EQ(EventRows(), 1000);
  EXPECT_EQ(TokensFoundIn(LinkCells(), tokens), 0);
  EXPECT_TRUE(StoredHashMatches(response.one_time_links(0)));
  EXPECT_TRUE(StoredHashMatches(response.one_time_links(999)));

  // 1000 CREATED events, in request order, read in pages of 300.
  const auto events = AllEvents("", 300);
  ASSERT_THAT(events, SizeIs(1000));
  std::set<std::string> cursors;
  for (int i = 0; i < 1000; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(events[i].type(), v1::OneTimeLinkEvent::CREATED);
    EXPECT_EQ(events[i].one_time_link(), response.one_time_links(i).name());
    EXPECT_EQ(events[i].contact_id(), "contact-" + std::to_string(i));
    EXPECT_EQ(events[i].state(), v1::OneTimeLink::ACTIVE);
    cursors.insert(events[i].cursor());
  }
  EXPECT_THAT(cursors, SizeIs(1000));

  for (int i : {0, 999}) {
    v1::ResolveOneTimeLinkResponse resolved;
    ASSERT_TRUE(TryResolve(tokens[i], &resolved).ok());
    EXPECT_EQ(resolved.one_time_link(), response.one_time_links(i).name());
  }
}

// A booker whose answer was lost retries with its request_id: it gets its
// own booking back, not "the link is no longer active" (issue 11).
// A link made before version 2 tokens (its stored hash is of the 32
// character token) keeps working: it resolves and books with its old token,
// a retried creation hands out that old token again, and the new form of
// its token is not it.
TEST_F(LinkIdempotencyTest, AVersionOneTokenOfAnOlderLinkKeepsWorking) {
  const v1::Calendar calendar = AllDayCalendar();
  const v1::OneTimeLink created = NewLink(calendar.name(), {}, "legacy-1");
  ASSERT_EQ(created.token().size(), 44u);
  EXPECT_EQ(created.token()[0], '2');
  const std::string legacy =
      domain::DeriveLegacyLinkToken("integration-test-secret", created.name());
  ASSERT_EQ(legacy.size(), 32u);
  const std::string link_id =
      created.name().substr(created.name().rfind('/') + 1);
  ExecuteSql("UPDATE one_time_links SET token_hash = '" +
             domain::HashLinkToken(legacy) + "' WHERE link_id = '" + link_id +
             "'");

  v1::OneTimeLink retried = NewLink(calendar.name(), {}, "legacy-1");
  EXPECT_EQ(retried.name(), created.name());
  EXPECT_EQ(retried.token(), legacy);
  EXPECT_THAT(retried.url(), HasSubstr("/widget/otl/" + legacy + "?slug="));

  v1::ResolveOneTimeLinkResponse resolved;
  grpc::Status status = TryResolve(legacy, &resolved);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_EQ(resolved.one_time_link(), created.name());
  EXPECT_EQ(TryResolve(created.token(), &resolved).error_code(),
            grpc::StatusCode::NOT_FOUND);

  const absl::Time start =
      FromTs(LinkSlots(legacy, absl::Now() + absl::Hours(2),
                       absl::Now() + absl::Hours(26))
                 .at(0)
                 .start_time());
  const v1::Booking booking = BookLink(legacy, start);
  EXPECT_EQ(QueryInt("SELECT use_count FROM one_time_links WHERE link_id = '" +
                     link_id + "'"),
            1);
  EXPECT_FALSE(booking.name().empty());
}

TEST_F(LinkIdempotencyTest, ARetriedBookingWithItsRequestIdGetsItsBookingBack) {
  const v1::Calendar calendar = AllDayCalendar();
  const v1::OneTimeLink link = NewLink(calendar.name());
  const absl::Time start =
      FromTs(FirstFreeSlot(calendar, absl::Now() + absl::Hours(1)));
  v1::BookOneTimeLinkRequest request = LinkBookingRequest(link.token(), start);
  request.set_request_id(NewId("book-"));

  // Sixteen at once, as a client retrying on several connections would.
  auto stubs = ConnectedLinkStubs(16);
  std::vector<v1::Booking> bookings(16);
  std::vector<std::function<grpc::Status()>> calls;
  for (int i = 0; i < 16; ++i) {
    calls.push_back([&, i] {
      return stubs[i]->BookOneTimeLink(Context().get(), request, &bookings[i]);
    });
  }
  const std::vector<grpc::Status> statuses = RunTogether(calls);
  for (int i = 0; i < 16; ++i) {
    ASSERT_TRUE(statuses[i].ok())
        << "call " << i << ": " << client::DescribeStatus(statuses[i]);
    EXPECT_EQ(bookings[i].name(), bookings[0].name());
  }
  // Later, once the link is USED by that booking, the same again.
  v1::Booking again;
  ASSERT_TRUE(TryBookLink(request, &again).ok());
  EXPECT_EQ(again.name(), bookings[0].name());

  // One use, one booking, one USED event.
  const v1::OneTimeLink after = GetLink(link.name());
  EXPECT_EQ(after.state(), v1::OneTimeLink::USED);
  EXPECT_EQ(after.use_count(), 1);
  EXPECT_EQ(UseRows(link.name()), 1);
  EXPECT_EQ(BookingRows(calendar), 1);
  EXPECT_EQ(EventRows(/*USED=*/2), 1);

  // Another key is another attempt: the link is used.
  request.set_request_id(NewId("book-"));
  v1::Booking other;
  EXPECT_PRECONDITION(TryBookLink(request, &other), "LINK_USED");
  // The same key on another link of the calendar names another booking.
  const v1::OneTimeLink second = NewLink(calendar.name());
  v1::BookOneTimeLinkRequest reused =
      LinkBookingRequest(second.token(), start + absl::Hours(1));
  reused.set_request_id(NewId("book-"));
  ASSERT_TRUE(TryBookLink(reused, &other).ok());
  v1::BookOneTimeLinkRequest clash = LinkBookingRequest(
      NewLink(calendar.name()).token(), start + absl::Hours(2));
  clash.set_request_id(reused.request_id());
  EXPECT_EQ(TryBookLink(clash, &other).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(BookingRows(calendar), 2);
}

}  // namespace
}  // namespace scheduling::testing
