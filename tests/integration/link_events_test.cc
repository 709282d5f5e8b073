// Link events for other services (issue 4): every change (created, used,
// revoked) appears exactly once, in order, with the right details, both in
// ListOneTimeLinkEvents (paged by cursor) and live in
// WatchOneTimeLinkEvents; a watcher that hangs up and reconnects with its
// last cursor gets exactly what it missed. Locations never see each
// other's events, nor accept each other's cursors.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/link_fixtures.h"

namespace scheduling::testing {
namespace {

using ::testing::ElementsAreArray;
using ::testing::IsEmpty;
using ::testing::SizeIs;

using Event = v1::OneTimeLinkEvent;
using Metadata = std::map<std::string, std::string>;

// What an event must say, cursor and time aside.
struct Expected {
  Event::Type type;
  std::string link;
  std::string booking;
  std::string contact_id;
  Metadata metadata;
  v1::OneTimeLink::State state;
};

std::string Describe(const Event& event) {
  Metadata metadata(event.metadata().begin(), event.metadata().end());
  return absl::StrCat(Event::Type_Name(event.type()), " ",
                      event.one_time_link(), " booking=", event.booking(),
                      " contact=", event.contact_id(), " metadata={",
                      absl::StrJoin(metadata, ",", absl::PairFormatter("=")),
                      "} state=", v1::OneTimeLink::State_Name(event.state()));
}

std::string Describe(const Expected& want) {
  return absl::StrCat(
      Event::Type_Name(want.type), " ", want.link, " booking=", want.booking,
      " contact=", want.contact_id, " metadata={",
      absl::StrJoin(want.metadata, ",", absl::PairFormatter("=")),
      "} state=", v1::OneTimeLink::State_Name(want.state));
}

std::vector<std::string> Describe(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const Event& event : events) out.push_back(Describe(event));
  return out;
}

std::vector<std::string> Describe(const std::vector<Expected>& wants) {
  std::vector<std::string> out;
  for (const Expected& want : wants) out.push_back(Describe(want));
  return out;
}

std::vector<std::string> Cursors(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const Event& event : events) out.push_back(event.cursor());
  return out;
}

class LinkEventsTest : public LinkFixture {
 protected:
  // A calendar and a link in a location of their own.
  v1::OneTimeLink LinkElsewhere(const std::string& location) {
    v1::CreateCalendarRequest request;
    request.set_parent(location);
    *request.mutable_calendar() = CalendarSpec("Elsewhere", "UTC", 30, 0, 24);
    v1::Calendar calendar;
    grpc::Status status =
        calendars_->CreateCalendar(Context().get(), request, &calendar);
    EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
    return NewLink(calendar.name());
  }
};

TEST_F(LinkEventsTest, EveryChangeOnceInOrderLiveAndAfterReconnecting) {
  const v1::Calendar first = AllDayCalendar();
  const v1::Calendar second = AllDayCalendar("Europe/Paris");
  const absl::Time from = absl::Now() + absl::Hours(1);
  const std::vector<v1::Slot> slots =
      Slots(first.name(), from, from + absl::Hours(12));
  ASSERT_GE(slots.size(), 8u);
  const auto slot = [&](int i) { return FromTs(slots[i].start_time()); };
  const std::string elsewhere = "locations/" + UniqueLocation();

  std::vector<Expected> want;
  EventWatcher watcher(*links_, Parent(), "");
  // Records the change and waits for the watcher to see it: live delivery.
  const auto happened = [&](EventWatcher& live, const Expected& expected) {
    want.push_back(expected);
    return live.WaitFor(want.size());
  };
  using State = v1::OneTimeLink;
  const Metadata spring = {{"campaign", "spring"}, {"step", "2"}};

  v1::OneTimeLink options;
  options.mutable_invitee()->set_contact_id("c-1");
  for (const auto& [key, value] : spring) {
    (*options.mutable_metadata())[key] = value;
  }
  const v1::OneTimeLink l1 = NewLink(first.name(), options);
  ASSERT_TRUE(happened(
      watcher, {Event::CREATED, l1.name(), "", "c-1", spring, State::ACTIVE}));
  // Changes in another location, interleaved.
  const v1::OneTimeLink foreign = LinkElsewhere(elsewhere);
  BookLink(foreign.token(), slot(0));

  v1::OneTimeLink two_uses;
  two_uses.set_max_uses(2);
  const v1::OneTimeLink l2 = NewLink(second.name(), two_uses);
  ASSERT_TRUE(happened(watcher,
                       {Event::CREATED, l2.name(), "", "", {}, State::ACTIVE}));
  const v1::Booking b1 = BookLink(l1.token(), slot(1));
  ASSERT_TRUE(happened(watcher, {Event::USED, l1.name(), b1.name(), "c-1",
                                 spring, State::USED}));
  const v1::Booking b2 = BookLink(l2.token(), slot(2));
  ASSERT_TRUE(happened(
      watcher, {Event::USED, l2.name(), b2.name(), "", {}, State::ACTIVE}));
  Revoke(l2.name());
  ASSERT_TRUE(happened(
      watcher, {Event::REVOKED, l2.name(), "", "", {}, State::REVOKED}));
  v1::BatchCreateOneTimeLinksRequest batch;
  batch.set_parent(first.name());
  for (const char* contact : {"c-3", "c-4"}) {
    batch.add_requests()
        ->mutable_one_time_link()
        ->mutable_invitee()
        ->set_contact_id(contact);
  }
  v1::BatchCreateOneTimeLinksResponse batched;
  ASSERT_TRUE(
      links_->BatchCreateOneTimeLinks(Context().get(), batch, &batched).ok());
  ASSERT_EQ(batched.one_time_links_size(), 2);
  const v1::OneTimeLink& l3 = batched.one_time_links(0);
  const v1::OneTimeLink& l4 = batched.one_time_links(1);
  want.push_back({Event::CREATED, l3.name(), "", "c-3", {}, State::ACTIVE});
  ASSERT_TRUE(happened(
      watcher, {Event::CREATED, l4.name(), "", "c-4", {}, State::ACTIVE}));

  // Hang up mid-way.
  watcher.Stop();
  const std::vector<Event> before = watcher.events();
  ASSERT_THAT(Describe(before), ElementsAreArray(Describe(want)));
  const std::string last_seen = before.back().cursor();
  const size_t seen = want.size();

  // Changes nobody watches; failed or idempotent calls add nothing.
  options.mutable_invitee()->set_contact_id("c-5");
  const v1::OneTimeLink l5 = NewLink(first.name(), options);
  want.push_back({Event::CREATED, l5.name(), "", "c-5", spring, State::ACTIVE});
  const v1::Booking b3 = BookLink(l3.token(), slot(3));
  want.push_back({Event::USED, l3.name(), b3.name(), "c-3", {}, State::USED});
  Revoke(l5.name());
  want.push_back(
      {Event::REVOKED, l5.name(), "", "c-5", spring, State::REVOKED});
  Revoke(l2.name());  // already revoked
  v1::Booking refused;
  EXPECT_PRECONDITION(
      TryBookLink(LinkBookingRequest(l1.token(), slot(4)), &refused),
      "LINK_USED");
  v1::OneTimeLink not_revoked;
  EXPECT_PRECONDITION(TryRevoke(l1.name(), &not_revoked), "LINK_USED");

  // Reconnect from the last cursor seen: exactly the missed ones...
  EventWatcher resumed(*links_, Parent(), last_seen);
  ASSERT_TRUE(resumed.WaitFor(want.size() - seen));
  // ...then live ones. The last change waited for comes after any
  // duplicate could have, since the stream is in order.
  const v1::OneTimeLink l6 = NewLink(second.name());
  ASSERT_TRUE(resumed.WaitFor(want.size() - seen + 1));
  want.push_back({Event::CREATED, l6.name(), "", "", {}, State::ACTIVE});
  Revoke(l6.name());
  want.push_back({Event::REVOKED, l6.name(), "", "", {}, State::REVOKED});
  ASSERT_TRUE(resumed.WaitFor(want.size() - seen));
  resumed.Stop();
  const std::vector<Event> after = resumed.events();
  EXPECT_THAT(Describe(after),
              ElementsAreArray(Describe(std::vector<Expected>(
                  want.begin() + static_cast<long>(seen), want.end()))));

  // The list says the same, with the same cursors, in any page size.
  const std::vector<Event> listed = AllEvents();
  EXPECT_THAT(Describe(listed), ElementsAreArray(Describe(want)));
  std::vector<Event> watched = before;
  watched.insert(watched.end(), after.begin(), after.end());
  EXPECT_THAT(Cursors(listed), ElementsAreArray(Cursors(watched)));
  EXPECT_THAT(Cursors(AllEvents("", 3)), ElementsAreArray(Cursors(listed)));
  EXPECT_THAT(Cursors(AllEvents(last_seen, 2)),
              ElementsAreArray(Cursors(after)));
  EXPECT_THAT(AllEvents(listed.back().cursor()), IsEmpty());
  for (const Event& event : listed) EXPECT_TRUE(event.has_event_time());
  EXPECT_EQ(EventRows(), static_cast<int64_t>(want.size()));

  // A watcher from the start replays everything, once.
  EventWatcher replay(*links_, Parent(), "");
  ASSERT_TRUE(replay.WaitFor(want.size()));
  NewLink(first.name());
  ASSERT_TRUE(replay.WaitFor(want.size() + 1));
  replay.Stop();
  EXPECT_THAT(replay.events(), SizeIs(want.size() + 1));

  // The other location: its own two events only; cursors don't cross.
  const std::vector<Event> theirs = AllEvents("", 1000, elsewhere);
  ASSERT_THAT(theirs, SizeIs(2));
  EXPECT_EQ(theirs[0].one_time_link(), foreign.name());
  EXPECT_EQ(theirs[1].type(), Event::USED);
  v1::ListOneTimeLinkEventsResponse response;
  EXPECT_INVALID_FIELD(
      TryListEvents(Parent(), theirs[0].cursor(), 0, &response), "cursor");
  EXPECT_INVALID_FIELD(
      TryListEvents(elsewhere, listed[0].cursor(), 0, &response), "cursor");
  EventWatcher crossed(*links_, Parent(), theirs[1].cursor());
  EXPECT_INVALID_FIELD(crossed.WaitForEnd(), "cursor");
  EXPECT_THAT(crossed.events(), IsEmpty());
}

TEST_F(LinkEventsTest, ConcurrentChangesAreDeliveredOnceInCommitOrder) {
  const v1::Calendar calendar = AllDayCalendar();
  constexpr int kLinks = 24;
  const absl::Time from = absl::Now() + absl::Hours(1);
  const std::vector<v1::Slot> slots =
      Slots(calendar.name(), from, from + absl::Hours(24));
  ASSERT_GE(slots.size(), static_cast<size_t>(kLinks));
  v1::BatchCreateOneTimeLinksRequest batch;
  batch.set_parent(calendar.name());
  for (int i = 0; i < kLinks; ++i) batch.add_requests();
  v1::BatchCreateOneTimeLinksResponse created;
  ASSERT_TRUE(
      links_->BatchCreateOneTimeLinks(Context().get(), batch, &created).ok());
  ASSERT_EQ(created.one_time_links_size(), kLinks);
  const std::string after_creation = AllEvents().back().cursor();

  // Watched live from the start: bookings of two thirds of the links and
  // revokes of the rest, all at once.
  EventWatcher watcher(*links_, Parent(), "");
  ASSERT_TRUE(watcher.WaitFor(kLinks));
  auto stubs = ConnectedLinkStubs(kLinks);
  std::vector<v1::Booking> bookings(kLinks);
  std::vector<v1::OneTimeLink> revoked(kLinks);
  const auto outcomes = RunConcurrently(kLinks, [&](int i) {
    const v1::OneTimeLink& link = created.one_time_links(i);
    if (i % 3 == 2) return TryRevoke(link.name(), &revoked[i], stubs[i].get());
    return TryBookLink(
        LinkBookingRequest(link.token(), FromTs(slots[i].start_time()), i),
        &bookings[i], "", stubs[i].get());
  });
  EXPECT_EQ(Count(outcomes, "OK "), kLinks)
      << ::testing::PrintToString(outcomes);
  ASSERT_TRUE(watcher.WaitFor(2 * kLinks));
  // One more, to be sure nothing else was still on its way.
  NewLink(calendar.name());
  ASSERT_TRUE(watcher.WaitFor(2 * kLinks + 1));
  watcher.Stop();

  const std::vector<Event> watched = watcher.events();
  ASSERT_THAT(watched, SizeIs(2 * kLinks + 1));
  const std::vector<Event> listed = AllEvents();
  EXPECT_THAT(Cursors(watched), ElementsAreArray(Cursors(listed)));
  EXPECT_THAT(Describe(watched), ElementsAreArray(Describe(listed)));
  std::map<std::string, int> changes;
  for (int n = kLinks; n < 2 * kLinks; ++n) {
    const Event& event = watched[n];
    ++changes[event.one_time_link()];
    const int i = static_cast<int>(
        std::find_if(created.one_time_links().begin(),
                     created.one_time_links().end(),
                     [&](const v1::OneTimeLink& link) {
                       return link.name() == event.one_time_link();
                     }) -
        created.one_time_links().begin());
    ASSERT_LT(i, kLinks) << Describe(event);
    if (i % 3 == 2) {
      EXPECT_EQ(event.type(), Event::REVOKED) << Describe(event);
      EXPECT_EQ(event.state(), v1::OneTimeLink::REVOKED);
    } else {
      EXPECT_EQ(event.type(), Event::USED) << Describe(event);
      EXPECT_EQ(event.booking(), bookings[i].name());
      EXPECT_EQ(event.state(), v1::OneTimeLink::USED);
    }
  }
  EXPECT_THAT(changes, SizeIs(kLinks));
  const std::vector<std::string> all = Cursors(listed);
  EXPECT_THAT(Cursors(AllEvents(after_creation, 5)),
              ElementsAreArray(
                  std::vector<std::string>(all.begin() + kLinks, all.end())));
}

}  // namespace
}  // namespace scheduling::testing
