// Link events without a per-location hot row (issue 12): writes of
// different links in one location share no row, and a sequencer numbers
// their events afterwards (server/store/event_sequencer.h). What callers
// rely on still holds:
// - under many concurrent writers in one location, a watcher and a
//   lister following cursors each see every event exactly once, a link's
//   events in the order they happened, and the seqs end gapless;
// - a write held open on one link delays no write of another link of
//   the location (this failed before: every link write of a location
//   queued on the location's event head row);
// - events a server committed but never numbered (it stopped right
//   after) are numbered once by the next server, and nothing is lost.
#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/held_transaction.h"
#include "tests/integration/link_fixtures.h"

namespace scheduling::testing {
namespace {

using ::testing::ElementsAreArray;
using ::testing::IsEmpty;
using ::testing::SizeIs;

using Event = v1::OneTimeLinkEvent;

// A change as the test saw it happen: type and booking.
std::string Change(Event::Type type, const std::string& booking = "") {
  return absl::StrCat(Event::Type_Name(type), booking.empty() ? "" : " ",
                      booking);
}
std::string Change(const Event& event) {
  return Change(event.type(), event.booking());
}

std::vector<std::string> Cursors(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const Event& event : events) out.push_back(event.cursor());
  return out;
}

class LinkEventOrderingTest : public LinkFixture {
 protected:
  // Rows of this location: unnumbered drafts, numbered events, and the
  // seqs' range and head.
  int64_t NumberedRows() {
    return QueryInt(
        "SELECT COUNT(*) FROM one_time_link_events WHERE location_id = '" +
        location_ + "'");
  }
  int64_t DraftRows() {
    return QueryInt(
        "SELECT COUNT(*) FROM one_time_link_event_drafts WHERE location_id "
        "= '" +
        location_ + "'");
  }
  void ExpectGaplessSeqs(int64_t count) {
    EXPECT_EQ(NumberedRows(), count);
    EXPECT_EQ(QueryInt("SELECT IFNULL(MIN(seq), 0) FROM one_time_link_events "
                       "WHERE location_id = '" +
                       location_ + "'"),
              count > 0 ? 1 : 0);
    EXPECT_EQ(QueryInt("SELECT IFNULL(MAX(seq), 0) FROM one_time_link_events "
                       "WHERE location_id = '" +
                       location_ + "'"),
              count);
    EXPECT_EQ(QueryInt("SELECT IFNULL(MAX(last_seq), 0) FROM "
                       "one_time_link_event_heads WHERE location_id = '" +
                       location_ + "'"),
              count);
    EXPECT_EQ(DraftRows(), 0);
  }

  // Checks `events` (in the order delivered) against `want` (each link's
  // changes in the order they happened): each once, per-link order kept.
  void ExpectEachOnceInLinkOrder(
      const std::vector<Event>& events,
      const std::map<std::string, std::vector<std::string>>& want) {
    std::map<std::string, std::vector<std::string>> got;
    std::set<std::string> cursors;
    for (const Event& event : events) {
      EXPECT_TRUE(cursors.insert(event.cursor()).second)
          << "twice: " << event.ShortDebugString();
      got[event.one_time_link()].push_back(Change(event));
    }
    EXPECT_EQ(got.size(), want.size());
    for (const auto& [link, changes] : want) {
      EXPECT_THAT(got[link], ElementsAreArray(changes)) << link;
    }
  }
};

TEST_F(LinkEventOrderingTest,
       ManyWritersInOneLocationEveryEventOnceInLinkOrderNoGaps) {
  const std::vector<v1::Calendar> calendars = {
      AllDayCalendar(), AllDayCalendar(), AllDayCalendar(), AllDayCalendar()};
  constexpr int kThreads = 12;
  constexpr int kLinksPerThread = 6;
  const absl::Time base = absl::FromUnixSeconds(
      (absl::ToUnixSeconds(absl::Now()) / 3600 + 24) * 3600);
  std::atomic<int> next_slot{0};

  // A lister following cursors, and a watcher, both from the start.
  EventWatcher watcher(*links_, Parent(), "");
  absl::Notification writers_done;
  std::atomic<int64_t> expected_total{-1};
  std::vector<Event> listed_live;
  std::thread lister([&] {
    std::string cursor;
    const absl::Time give_up = absl::Now() + absl::Seconds(120);
    while (true) {
      if (absl::Now() > give_up) {
        ADD_FAILURE() << "the lister saw " << listed_live.size()
                      << " events only";
        return;
      }
      v1::ListOneTimeLinkEventsResponse response;
      grpc::Status status = TryListEvents(Parent(), cursor, 37, &response);
      EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
      if (!status.ok()) return;
      listed_live.insert(listed_live.end(), response.events().begin(),
                         response.events().end());
      cursor = response.next_cursor();
      const int64_t total = expected_total.load();
      if (total >= 0 && static_cast<int64_t>(listed_live.size()) >= total) {
        return;
      }
      if (response.events_size() == 0) {
        // Caught up: wait a little for more (a condition with a timeout,
        // not a sleep: the loop ends when everything was listed).
        writers_done.WaitForNotificationWithTimeout(absl::Milliseconds(20));
      }
    }
  });

  // Each thread writes its links one change after another, so it knows
  // the order of each link's changes: created, then booked twice (two
  // uses), or booked once then revoked, or just revoked.
  absl::Mutex mu;
  std::map<std::string, std::vector<std::string>> want;
  auto stubs = ConnectedLinkStubs(kThreads);
  const auto outcomes = RunConcurrently(kThreads, [&](int t) {
    v1::OneTimeLinkService::Stub& stub = *stubs[t];
    for (int n = 0; n < kLinksPerThread; ++n) {
      const int pattern = (t + n) % 3;
      v1::CreateOneTimeLinkRequest create;
      create.set_parent(calendars[(t + n) % calendars.size()].name());
      create.mutable_one_time_link()->set_max_uses(2);
      v1::OneTimeLink link;
      grpc::Status status =
          stub.CreateOneTimeLink(Context().get(), create, &link);
      if (!status.ok()) return status;
      std::vector<std::string> changes = {Change(Event::CREATED)};
      const int bookings = pattern == 0 ? 2 : pattern == 1 ? 1 : 0;
      for (int b = 0; b < bookings; ++b) {
        v1::Booking booking;
        status = TryBookLink(
            LinkBookingRequest(link.token(),
                               base + absl::Minutes(30) * next_slot++, t),
            &booking, "", &stub);
        if (!status.ok()) return status;
        changes.push_back(Change(Event::USED, booking.name()));
      }
      if (pattern != 0) {
        v1::OneTimeLink revoked;
        status = TryRevoke(link.name(), &revoked, &stub);
        if (!status.ok()) return status;
        changes.push_back(Change(Event::REVOKED));
      }
      absl::MutexLock lock(&mu);
      want[link.name()] = changes;
    }
    return grpc::Status::OK;
  });
  ASSERT_EQ(Count(outcomes, "OK "), kThreads)
      << ::testing::PrintToString(outcomes);
  int64_t total = 0;
  for (const auto& [link, changes] : want) total += changes.size();
  expected_total = total;
  writers_done.Notify();
  lister.join();

  ASSERT_TRUE(watcher.WaitFor(total));
  // One more change after all: anything still on its way (a duplicate)
  // would come before it.
  const v1::OneTimeLink last = NewLink(calendars[0].name());
  want[last.name()] = {Change(Event::CREATED)};
  ASSERT_TRUE(watcher.WaitFor(total + 1));
  watcher.Stop();
  const std::vector<Event> watched = watcher.events();
  ASSERT_THAT(watched, SizeIs(total + 1));
  ExpectEachOnceInLinkOrder(watched, want);

  // The list from the start: the same events in the same order, with
  // the same cursors as the watcher and as the lister that followed the
  // writes live.
  const std::vector<Event> listed = AllEvents();
  EXPECT_THAT(Cursors(listed), ElementsAreArray(Cursors(watched)));
  ASSERT_THAT(listed_live, SizeIs(total));
  const std::vector<std::string> all = Cursors(listed);
  EXPECT_THAT(Cursors(listed_live), ElementsAreArray(std::vector<std::string>(
                                        all.begin(), all.end() - 1)));
  // In the database: seqs 1..N, head at N, no draft left.
  ExpectGaplessSeqs(total + 1);
}

TEST_F(LinkEventOrderingTest, AWriteHeldOpenOnOneLinkDelaysNoOtherLinkWrite) {
  const v1::Calendar calendar = AllDayCalendar();
  const v1::OneTimeLink a = NewLink(calendar.name());
  const v1::OneTimeLink b = NewLink(calendar.name());
  const v1::OneTimeLink c = NewLink(calendar.name());
  ASSERT_THAT(AllEvents(), SizeIs(3));  // numbered: the head row exists
  const absl::Time slot = absl::FromUnixSeconds(
      (absl::ToUnixSeconds(absl::Now()) / 3600 + 24) * 3600);

  // What a write of link A holds until its COMMIT: A's row, and (before
  // issue 12) the location's event head row, which every link write of
  // the location then had to take.
  {
    HeldTransaction held;
    held.Execute("SELECT pk FROM one_time_links WHERE pk = " +
                 LinkPkSql(a.name()) + " FOR UPDATE");
    held.Execute(
        "UPDATE one_time_link_event_heads SET last_seq = last_seq WHERE "
        "location_id = '" +
        location_ + "'");

    // Writes of other links of the location go through at once.
    const absl::Duration patience = absl::Seconds(3);
    absl::Time start = absl::Now();
    v1::OneTimeLink d;
    {
      v1::CreateOneTimeLinkRequest request;
      request.set_parent(calendar.name());
      grpc::Status status =
          links_->CreateOneTimeLink(Context(patience).get(), request, &d);
      EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    }
    v1::Booking booking;
    {
      auto context = Context(patience);
      grpc::Status status = links_->BookOneTimeLink(
          context.get(), LinkBookingRequest(b.token(), slot), &booking);
      EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    }
    v1::OneTimeLink revoked;
    {
      v1::RevokeOneTimeLinkRequest request;
      request.set_name(c.name());
      grpc::Status status =
          links_->RevokeOneTimeLink(Context(patience).get(), request, &revoked);
      EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    }
    EXPECT_LT(absl::Now() - start, absl::Seconds(2));
    // Their events are committed, waiting to be numbered.
    EXPECT_EQ(EventRows(), 6);
    EXPECT_EQ(NumberedRows(), 3);
    held.Release();

    // Once the head is free they are numbered, in the order they happened
    // (each after the one before had returned).
    EventWatcher watcher(*links_, Parent(), "");
    ASSERT_TRUE(watcher.WaitFor(6));
    watcher.Stop();
    std::vector<std::string> got;
    for (const Event& event : watcher.events()) {
      got.push_back(absl::StrCat(event.one_time_link(), " ", Change(event)));
    }
    EXPECT_THAT(got, ElementsAreArray(std::vector<std::string>{
                         a.name() + " CREATED", b.name() + " CREATED",
                         c.name() + " CREATED", d.name() + " CREATED",
                         b.name() + " " + Change(Event::USED, booking.name()),
                         c.name() + " REVOKED"}));
  }
  ExpectGaplessSeqs(6);
}

TEST_F(LinkEventOrderingTest, EventsAServerLeftUnnumberedAreNumberedOnce) {
  const v1::Calendar calendar = AllDayCalendar();
  const v1::OneTimeLink first = NewLink(calendar.name());
  ASSERT_THAT(AllEvents(), SizeIs(1));
  const std::string first_cursor = AllEvents().back().cursor();
  const absl::Time base = absl::FromUnixSeconds(
      (absl::ToUnixSeconds(absl::Now()) / 3600 + 24) * 3600);
  const char* dsn = std::getenv("SCHEDULING_TEST_DSN");
  std::map<std::string, std::vector<std::string>> want;
  want[first.name()] = {Change(Event::CREATED)};

  // A server that dies after each commit, before numbering anything. The
  // head row is held meanwhile, so that no other server numbers its
  // events early either.
  {
    HeldTransaction held;
    held.Execute(
        "UPDATE one_time_link_event_heads SET last_seq = last_seq WHERE "
        "location_id = '" +
        location_ + "'");
    ServerOptions options = TestServerOptions(dsn);
    options.sequencer.enabled = false;
    auto doomed = SchedulingServer::Start(options);
    ASSERT_TRUE(doomed.ok()) << doomed.status();
    auto stub = v1::OneTimeLinkService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*doomed)->port()),
                            grpc::InsecureChannelCredentials()));
    for (int i = 0; i < 5; ++i) {
      v1::CreateOneTimeLinkRequest create;
      create.set_parent(calendar.name());
      v1::OneTimeLink link;
      ASSERT_TRUE(stub->CreateOneTimeLink(Context().get(), create, &link).ok());
      want[link.name()] = {Change(Event::CREATED)};
      if (i % 2 == 0) {
        v1::Booking booking;
        ASSERT_TRUE(TryBookLink(LinkBookingRequest(
                                    link.token(), base + absl::Minutes(30) * i),
                                &booking, "", stub.get())
                        .ok());
        want[link.name()].push_back(Change(Event::USED, booking.name()));
      }
    }
    // Its list shows nothing new: it numbers nothing (read-your-writes
    // needs a sequencer), and the drafts are all there.
    EXPECT_EQ(DraftRows(), 8);
    EXPECT_EQ(NumberedRows(), 1);
    (*doomed)->Shutdown(absl::ZeroDuration());
    doomed->reset();
    held.Release();
  }

  // The restarted server numbers them (its first sweep, or the list's
  // catch-up), each once, in each link's order.
  auto restarted = SchedulingServer::Start(TestServerOptions(dsn));
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  auto stub = v1::OneTimeLinkService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*restarted)->port()),
                          grpc::InsecureChannelCredentials()));
  EventWatcher resumed(*stub, Parent(), first_cursor);
  ASSERT_TRUE(resumed.WaitFor(8));
  // And what follows comes after them.
  const v1::OneTimeLink later = NewLink(calendar.name());
  want[later.name()] = {Change(Event::CREATED)};
  ASSERT_TRUE(resumed.WaitFor(9));
  resumed.Stop();
  std::vector<Event> seen = {AllEvents().front()};
  for (const Event& event : resumed.events()) seen.push_back(event);
  ASSERT_THAT(seen, SizeIs(10));
  EXPECT_EQ(seen.back().one_time_link(), later.name());
  ExpectEachOnceInLinkOrder(seen, want);
  EXPECT_THAT(Cursors(AllEvents()), ElementsAreArray(Cursors(seen)));
  EXPECT_THAT(AllEvents(seen.back().cursor()), IsEmpty());
  ExpectGaplessSeqs(10);
  (*restarted)->Shutdown(absl::ZeroDuration());
}

}  // namespace
}  // namespace scheduling::testing
