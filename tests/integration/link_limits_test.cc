// The limits of a link under pressure (issue 4): exactly max_uses bookings
// under any concurrency, with every use audited; expiry enforced at its
// instant and independently of the use count; revoke racing a booking
// always ends in one consistent outcome.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/link_fixtures.h"

namespace scheduling::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAreArray;

class LinkLimitsTest : public LinkFixture {};

TEST_F(LinkLimitsTest, MaxUsesThreeWithThirtyTwoBookersMakesThreeBookings) {
  const v1::Calendar calendar = AllDayCalendar();
  v1::OneTimeLink options;
  options.set_max_uses(3);
  const v1::OneTimeLink link = NewLink(calendar.name(), options);
  ASSERT_EQ(link.max_uses(), 3);
  const absl::Time from = absl::Now() + absl::Hours(1);
  const std::vector<v1::Slot> slots =
      LinkSlots(link.token(), from, from + absl::Hours(24));
  ASSERT_GE(slots.size(), 32u);

  // Every booker asks for another slot, so only the link decides.
  auto stubs = ConnectedLinkStubs(32);
  const std::string caller = "workflow-engine/" + NewId("run-");
  std::vector<v1::Booking> bookings(32);
  const auto outcomes = RunConcurrently(32, [&](int i) {
    return TryBookLink(
        LinkBookingRequest(link.token(), FromTs(slots[i].start_time()), i),
        &bookings[i], caller, stubs[i].get());
  });
  EXPECT_EQ(Count(outcomes, "OK "), 3) << ::testing::PrintToString(outcomes);
  EXPECT_EQ(Count(outcomes, "FAILED_PRECONDITION LINK_USED"), 29)
      << ::testing::PrintToString(outcomes);

  EXPECT_EQ(BookingRows(calendar), 3);
  EXPECT_EQ(LinkBookingRows(link.name()), 3);
  EXPECT_EQ(StoredUseCount(link.name()), 3);
  EXPECT_EQ(UseRows(link.name()), 3);
  EXPECT_EQ(EventRows(/*USED=*/2), 3);
  const v1::OneTimeLink used = GetLink(link.name());
  EXPECT_EQ(used.state(), v1::OneTimeLink::USED);
  EXPECT_EQ(used.use_count(), 3);

  // The audit trail: the three bookings made, with who and which caller.
  std::vector<std::string> made;
  std::map<std::string, std::string> email_of;
  for (const v1::Booking& booking : bookings) {
    if (booking.name().empty()) continue;
    made.push_back(booking.name());
    EXPECT_EQ(booking.one_time_link(), link.name());
    email_of[booking.name()] = booking.invitee().email();
  }
  ASSERT_THAT(made, SizeIs(3));
  const std::vector<v1::OneTimeLinkUse> uses = Uses(link.name());
  std::vector<std::string> used_by;
  for (const v1::OneTimeLinkUse& use : uses) {
    used_by.push_back(use.booking());
    // The audit trail names the authenticated principal; the header is
    // only a note of whom it acted for.
    EXPECT_EQ(use.caller(), "integration-tests");
    EXPECT_EQ(use.on_behalf_of(), caller);
    EXPECT_EQ(use.invitee_email(), email_of[use.booking()]);
    EXPECT_THAT(use.invitee_display_name(), HasSubstr("Invitee "));
    EXPECT_TRUE(use.has_use_time());
  }
  EXPECT_THAT(used_by, UnorderedElementsAreArray(made));
  EXPECT_THAT(used.booking(), ::testing::AnyOfArray(made));

  // Cancelling a booking does not give its use back.
  Cancel(made[0]);
  const v1::OneTimeLink after_cancel = GetLink(link.name());
  EXPECT_EQ(after_cancel.state(), v1::OneTimeLink::USED);
  EXPECT_EQ(after_cancel.use_count(), 3);
  v1::ResolveOneTimeLinkResponse resolved;
  EXPECT_PRECONDITION(TryResolve(link.token(), &resolved), "LINK_USED");
  v1::Booking again;
  EXPECT_PRECONDITION(
      TryBookLink(
          LinkBookingRequest(link.token(), FromTs(slots[31].start_time())),
          &again),
      "LINK_USED");
  EXPECT_EQ(UseRows(link.name()), 3);
}

TEST_F(LinkLimitsTest, CallerIsThePrincipalAndNoNoteWithoutTheHeader) {
  const v1::Calendar calendar = AllDayCalendar();
  const v1::OneTimeLink link = NewLink(calendar.name());
  const v1::Booking booking =
      BookLink(link.token(),
               FromTs(FirstFreeSlot(calendar, absl::Now() + absl::Hours(1))));
  const auto uses = Uses(link.name());
  ASSERT_THAT(uses, SizeIs(1));
  EXPECT_EQ(uses[0].booking(), booking.name());
  EXPECT_EQ(uses[0].caller(), "integration-tests");
  EXPECT_EQ(uses[0].on_behalf_of(), "");
}

TEST_F(LinkLimitsTest, ExpiryIsEnforcedAtItsInstantAndApartFromUses) {
  const v1::Calendar calendar = AllDayCalendar();
  const absl::Time from = absl::Now() + absl::Hours(1);
  const std::vector<v1::Slot> slots =
      Slots(calendar.name(), from, from + absl::Hours(6));
  ASSERT_GE(slots.size(), 4u);

  // Three links expiring at the same instant, two seconds from now:
  // `spare` keeps a use, `spent` is used up before it, `unused` is never
  // touched; `lasting` never expires and is used up.
  // (Whole microseconds: the precision the database keeps.)
  const absl::Time expire =
      absl::FromUnixMicros(absl::ToUnixMicros(absl::Now() + absl::Seconds(2)));
  v1::OneTimeLink expiring;
  *expiring.mutable_expire_time() = Ts(expire);
  v1::OneTimeLink two_uses = expiring;
  two_uses.set_max_uses(2);
  const v1::OneTimeLink spare = NewLink(calendar.name(), two_uses);
  const v1::OneTimeLink spent = NewLink(calendar.name(), expiring);
  const v1::OneTimeLink unused = NewLink(calendar.name(), expiring);
  v1::OneTimeLink later;
  *later.mutable_expire_time() = Ts(absl::Now() + absl::Hours(1));
  const v1::OneTimeLink lasting = NewLink(calendar.name(), later);
  EXPECT_EQ(FromTs(spare.expire_time()), expire);

  // Before the instant: resolves and books.
  v1::ResolveOneTimeLinkResponse resolved;
  ASSERT_TRUE(TryResolve(spare.token(), &resolved).ok());
  EXPECT_EQ(resolved.remaining_uses(), 2);
  EXPECT_EQ(FromTs(resolved.expire_time()), expire);
  const v1::Booking first =
      BookLink(spare.token(), FromTs(slots[0].start_time()));
  EXPECT_FALSE(first.name().empty());
  BookLink(spent.token(), FromTs(slots[1].start_time()));
  BookLink(lasting.token(), FromTs(slots[2].start_time()));
  ASSERT_LT(absl::Now(), expire) << "the machine was too slow for the test";
  ASSERT_TRUE(TryResolve(spare.token(), &resolved).ok());
  EXPECT_EQ(resolved.remaining_uses(), 1);
  EXPECT_EQ(GetLink(spare.name()).state(), v1::OneTimeLink::ACTIVE);
  EXPECT_PRECONDITION(TryResolve(spent.token(), &resolved), "LINK_USED");

  SleepUntil(expire);

  // After it: uses left, yet expired.
  grpc::Status status = TryResolve(spare.token(), &resolved);
  EXPECT_PRECONDITION(status, "LINK_EXPIRED");
  EXPECT_EQ(status.error_message(), kLinkInactiveMessage);
  v1::Booking booking;
  EXPECT_PRECONDITION(
      TryBookLink(
          LinkBookingRequest(spare.token(), FromTs(slots[3].start_time())),
          &booking),
      "LINK_EXPIRED");
  v1::ListOneTimeLinkFreeSlotsResponse link_slots;
  EXPECT_PRECONDITION(
      TryLinkSlots(spare.token(), from, from + absl::Hours(6), &link_slots),
      "LINK_EXPIRED");
  EXPECT_PRECONDITION(TryResolve(unused.token(), &resolved), "LINK_EXPIRED");
  EXPECT_EQ(GetLink(spare.name()).state(), v1::OneTimeLink::EXPIRED);
  EXPECT_EQ(GetLink(unused.name()).state(), v1::OneTimeLink::EXPIRED);
  EXPECT_EQ(StoredUseCount(spare.name()), 1);
  EXPECT_EQ(LinkBookingRows(spare.name()), 1);

  // Used up before expiring: stays USED; used up, not expired: USED.
  EXPECT_PRECONDITION(TryResolve(spent.token(), &resolved), "LINK_USED");
  EXPECT_EQ(GetLink(spent.name()).state(), v1::OneTimeLink::USED);
  status = TryResolve(lasting.token(), &resolved);
  EXPECT_PRECONDITION(status, "LINK_USED");
  EXPECT_EQ(status.error_message(), kLinkInactiveMessage);
  EXPECT_PRECONDITION(
      TryBookLink(
          LinkBookingRequest(lasting.token(), FromTs(slots[3].start_time())),
          &booking),
      "LINK_USED");
  EXPECT_EQ(BookingRows(calendar), 3);
}

TEST_F(LinkLimitsTest, InactiveOrDeletedCalendarRefusesButLinkKeepsState) {
  const v1::Calendar calendar = AllDayCalendar();
  const v1::OneTimeLink link = NewLink(calendar.name());
  const absl::Time start =
      FromTs(FirstFreeSlot(calendar, absl::Now() + absl::Hours(1)));
  v1::DeactivateCalendarRequest deactivate;
  deactivate.set_name(calendar.name());
  v1::Calendar inactive;
  ASSERT_TRUE(
      calendars_->DeactivateCalendar(Context().get(), deactivate, &inactive)
          .ok());
  v1::ResolveOneTimeLinkResponse resolved;
  grpc::Status status = TryResolve(link.token(), &resolved);
  EXPECT_PRECONDITION(status, "CALENDAR_INACTIVE");
  EXPECT_EQ(status.error_message(), kLinkInactiveMessage);
  v1::Booking booking;
  EXPECT_PRECONDITION(
      TryBookLink(LinkBookingRequest(link.token(), start), &booking),
      "CALENDAR_INACTIVE");
  v1::ListOneTimeLinkFreeSlotsResponse slots;
  EXPECT_PRECONDITION(
      TryLinkSlots(link.token(), start, start + absl::Hours(4), &slots),
      "CALENDAR_INACTIVE");
  EXPECT_EQ(GetLink(link.name()).state(), v1::OneTimeLink::ACTIVE);
  EXPECT_EQ(BookingRows(calendar), 0);
  EXPECT_EQ(UseRows(link.name()), 0);

  v1::DeleteCalendarRequest remove;
  remove.set_name(calendar.name());
  remove.set_etag(inactive.etag());
  google::protobuf::Empty empty;
  status = calendars_->DeleteCalendar(Context().get(), remove, &empty);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_PRECONDITION(TryResolve(link.token(), &resolved), "CALENDAR_INACTIVE");
  EXPECT_PRECONDITION(
      TryBookLink(LinkBookingRequest(link.token(), start), &booking),
      "CALENDAR_INACTIVE");
  EXPECT_EQ(BookingRows(calendar), 0);
}

TEST_F(LinkLimitsTest, RevokeRacingABookingEndsInOneConsistentOutcome) {
  const v1::Calendar calendar = AllDayCalendar();
  const absl::Time from = absl::Now() + absl::Hours(1);
  constexpr int kRounds = 24;
  const std::vector<v1::Slot> slots =
      Slots(calendar.name(), from, from + absl::Hours(24));
  ASSERT_GE(slots.size(), static_cast<size_t>(kRounds));
  auto stubs = ConnectedLinkStubs(2);
  int booked_rounds = 0;
  int revoked_rounds = 0;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(round);
    const v1::OneTimeLink link = NewLink(calendar.name());
    v1::OneTimeLink revoked;
    v1::Booking booking;
    const std::vector<grpc::Status> statuses = RunTogether({
        [&] { return TryRevoke(link.name(), &revoked, stubs[0].get()); },
        [&] {
          return TryBookLink(
              LinkBookingRequest(link.token(),
                                 FromTs(slots[round].start_time()), round),
              &booking, "", stubs[1].get());
        },
    });
    const grpc::Status& revoke = statuses[0];
    const grpc::Status& book = statuses[1];
    ASSERT_FALSE(revoke.ok() && book.ok()) << "both the revoke and the booking "
                                              "succeeded";
    const v1::OneTimeLink stored = GetLink(link.name());
    std::vector<v1::OneTimeLinkEvent::Type> types;
    for (const auto& event : AllEvents()) {
      if (event.one_time_link() == link.name()) types.push_back(event.type());
    }
    if (book.ok()) {
      ++booked_rounds;
      EXPECT_PRECONDITION(revoke, "LINK_USED");
      EXPECT_EQ(stored.state(), v1::OneTimeLink::USED);
      EXPECT_EQ(stored.booking(), booking.name());
      EXPECT_EQ(LinkBookingRows(link.name()), 1);
      EXPECT_EQ(UseRows(link.name()), 1);
      EXPECT_THAT(types, ::testing::ElementsAre(v1::OneTimeLinkEvent::CREATED,
                                                v1::OneTimeLinkEvent::USED));
    } else {
      ++revoked_rounds;
      EXPECT_TRUE(revoke.ok()) << client::DescribeStatus(revoke);
      EXPECT_PRECONDITION(book, "LINK_REVOKED");
      EXPECT_EQ(revoked.state(), v1::OneTimeLink::REVOKED);
      EXPECT_EQ(stored.state(), v1::OneTimeLink::REVOKED);
      EXPECT_EQ(LinkBookingRows(link.name()), 0);
      EXPECT_EQ(UseRows(link.name()), 0);
      EXPECT_THAT(types, ::testing::ElementsAre(v1::OneTimeLinkEvent::CREATED,
                                                v1::OneTimeLinkEvent::REVOKED));
    }
  }
  EXPECT_EQ(BookingRows(calendar), booked_rounds);
  EXPECT_EQ(booked_rounds + revoked_rounds, kRounds);
  std::printf("revoke race: %d rounds booked, %d revoked\n", booked_rounds,
              revoked_rounds);
}

}  // namespace
}  // namespace scheduling::testing
