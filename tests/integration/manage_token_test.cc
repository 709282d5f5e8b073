// Invitee self-service over real gRPC and MariaDB (issue 14): the manage
// token CreateBooking and BookOneTimeLink hand out (once, the same on a
// retry, only its hash stored), and viewing, cancelling and rescheduling
// a booking with it; a booking made through a one-time link moves without
// a second use and never leaves two active bookings; a link's use comes
// back on cancel only when the link says so, also under races.
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/secrets.h"
#include "tests/integration/link_fixtures.h"

namespace scheduling::testing {
namespace {

using ::testing::StartsWith;

class ManageTokenTest : public LinkFixture {
 protected:
  void SetUp() override {
    calendar_ = AllDayCalendar();
    day_ = DaysAhead(3);
  }

  absl::Time T(int hour, int minute = 0) const {
    return At(day_, hour, minute);
  }

  grpc::Status TryGetByToken(const std::string& token, v1::Booking* booking) {
    v1::GetBookingByManageTokenRequest request;
    request.set_manage_token(token);
    return calendars_->GetBookingByManageToken(Context().get(), request,
                                               booking);
  }

  grpc::Status TryCancelByToken(const std::string& token, v1::Booking* booking,
                                v1::CalendarService::Stub* stub = nullptr) {
    v1::CancelBookingByManageTokenRequest request;
    request.set_manage_token(token);
    request.set_reason("changed plans");
    return (stub == nullptr ? calendars_.get() : stub)
        ->CancelBookingByManageToken(Context().get(), request, booking);
  }

  grpc::Status TryRescheduleByToken(const std::string& token, absl::Time start,
                                    v1::Booking* booking,
                                    const std::string& request_id = "",
                                    v1::CalendarService::Stub* stub = nullptr) {
    v1::RescheduleBookingByManageTokenRequest request;
    request.set_manage_token(token);
    *request.mutable_start_time() = Ts(start);
    request.set_request_id(request_id);
    return (stub == nullptr ? calendars_.get() : stub)
        ->RescheduleBookingByManageToken(Context().get(), request, booking);
  }

  // Bookings of `link` that hold their slot.
  int64_t ActiveLinkBookings(const std::string& link) {
    return QueryInt(
        "SELECT COUNT(*) FROM bookings WHERE holds_slot = 1 AND "
        "one_time_link_pk = " +
        LinkPkSql(link));
  }

  v1::OneTimeLink LinkReturningUse() {
    v1::OneTimeLink options;
    options.set_return_use_on_cancel(true);
    return NewLink(calendar_.name(), options);
  }

  v1::Calendar calendar_;
  absl::CivilDay day_;
};

TEST_F(ManageTokenTest, CreateBookingHandsOutATokenOnceAndStoresOnlyItsHash) {
  v1::CreateBookingRequest request =
      BookingRequest(calendar_.name(), T(10), 1, "retry-key-1");
  v1::Booking booking;
  grpc::Status status =
      calendars_->CreateBooking(Context().get(), request, &booking);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  const std::string token = booking.manage_token();
  EXPECT_EQ(token.size(), 44u);
  EXPECT_THAT(token, StartsWith("m"));

  // A retry gets the same booking and the same token.
  v1::Booking retried;
  status = calendars_->CreateBooking(Context().get(), request, &retried);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_EQ(retried.name(), booking.name());
  EXPECT_EQ(retried.manage_token(), token);

  // Reads never show it; the database holds only its hash.
  EXPECT_EQ(GetBooking(booking.name()).manage_token(), "");
  EXPECT_EQ(TokensFoundIn(QueryCells("SELECT * FROM bookings"), {token}), 0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM bookings WHERE manage_token_hash "
                     "= '" +
                     domain::HashLinkToken(token) + "'"),
            1);

  v1::Booking viewed;
  status = TryGetByToken(token, &viewed);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_EQ(viewed.name(), booking.name());
  EXPECT_EQ(viewed.manage_token(), "");
  EXPECT_EQ(FromTs(viewed.start_time()), T(10));
}

TEST_F(ManageTokenTest, BadAndUnknownTokensWriteNothing) {
  const v1::Booking booking = Book(calendar_.name(), T(10));
  v1::Booking out;
  EXPECT_INVALID_FIELD(TryGetByToken("", &out), "manage_token");
  EXPECT_INVALID_FIELD(TryGetByToken("m-short", &out), "manage_token");
  // A link token is no manage token.
  const v1::OneTimeLink link = NewLink(calendar_.name());
  EXPECT_INVALID_FIELD(TryCancelByToken(link.token(), &out), "manage_token");
  EXPECT_INVALID_FIELD(TryRescheduleByToken(booking.manage_token(),
                                            absl::Now() - absl::Hours(1), &out),
                       "start_time");
  const std::string unknown("mAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  grpc::Status status = TryCancelByToken(unknown, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "no booking has this manage token");
  EXPECT_EQ(TryRescheduleByToken(unknown, T(11), &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GetBooking(booking.name()).state(), v1::Booking::CONFIRMED);
  EXPECT_EQ(FromTs(GetBooking(booking.name()).start_time()), T(10));
}

TEST_F(ManageTokenTest, RescheduleMovesALinkBookingWithoutASecondUse) {
  const v1::OneTimeLink link = NewLink(calendar_.name());
  v1::Booking booked;
  grpc::Status status =
      TryBookLink(LinkBookingRequest(link.token(), T(9), 1), &booked);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  ASSERT_FALSE(booked.manage_token().empty());
  // Slots read before the move are kept (the free-slot cache): the move
  // must tell them apart.
  EXPECT_TRUE(Offers(SlotsOn(calendar_.name(), day_), T(15)));

  v1::Booking moved;
  status = TryRescheduleByToken(booked.manage_token(), T(15), &moved);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_EQ(moved.name(), booked.name());
  EXPECT_EQ(FromTs(moved.start_time()), T(15));
  EXPECT_EQ(moved.one_time_link(), link.name());

  const v1::OneTimeLink after = GetLink(link.name());
  EXPECT_EQ(after.state(), v1::OneTimeLink::USED);
  EXPECT_EQ(after.use_count(), 1);
  EXPECT_EQ(UseRows(link.name()), 1);
  EXPECT_EQ(LinkBookingRows(link.name()), 1);
  EXPECT_EQ(ActiveLinkBookings(link.name()), 1);
  EXPECT_TRUE(Offers(SlotsOn(calendar_.name(), day_), T(9)));
  EXPECT_FALSE(Offers(SlotsOn(calendar_.name(), day_), T(15)));
  // The link itself stays used.
  v1::Booking again;
  EXPECT_PRECONDITION(
      TryBookLink(LinkBookingRequest(link.token(), T(11), 2), &again),
      "LINK_USED");
}

TEST_F(ManageTokenTest, ACancelledBookingCannotBeMovedWithItsOldToken) {
  const v1::Booking booking = Book(calendar_.name(), T(10));
  v1::Booking cancelled;
  grpc::Status status = TryCancelByToken(booking.manage_token(), &cancelled);
  ASSERT_TRUE(status.ok()) << client::DescribeStatus(status);
  EXPECT_EQ(cancelled.state(), v1::Booking::CANCELLED);
  EXPECT_EQ(cancelled.cancel_reason(), "changed plans");
  // Cancelling again answers the booking as it is.
  v1::Booking twice;
  ASSERT_TRUE(TryCancelByToken(booking.manage_token(), &twice).ok());
  EXPECT_EQ(FromTs(twice.cancel_time()), FromTs(cancelled.cancel_time()));

  v1::Booking moved;
  EXPECT_PRECONDITION(
      TryRescheduleByToken(booking.manage_token(), T(12), &moved),
      "BOOKING_CANCELLED");
  EXPECT_EQ(ConfirmedRowsOf(calendar_.name()), 0);
  EXPECT_TRUE(Offers(SlotsOn(calendar_.name(), day_), T(12)));
  EXPECT_TRUE(Offers(SlotsOn(calendar_.name(), day_), T(10)));
}

TEST_F(ManageTokenTest, CancellingKeepsTheLinkUsedByDefault) {
  const v1::OneTimeLink link = NewLink(calendar_.name());
  EXPECT_FALSE(link.return_use_on_cancel());
  const v1::Booking booked = BookLink(link.token(), T(9));
  v1::Booking cancelled;
  ASSERT_TRUE(TryCancelByToken(booked.manage_token(), &cancelled).ok());
  const v1::OneTimeLink after = GetLink(link.name());
  EXPECT_EQ(after.state(), v1::OneTimeLink::USED);
  EXPECT_EQ(after.use_count(), 1);
  EXPECT_EQ(EventRows(4), 0);
  v1::Booking again;
  EXPECT_PRECONDITION(
      TryBookLink(LinkBookingRequest(link.token(), T(11), 2), &again),
      "LINK_USED");
}

TEST_F(ManageTokenTest, CancellingGivesTheUseBackWhenTheLinkSaysSo) {
  const v1::OneTimeLink link = LinkReturningUse();
  EXPECT_TRUE(link.return_use_on_cancel());
  EXPECT_TRUE(GetLink(link.name()).return_use_on_cancel());
  const v1::Booking first = BookLink(link.token(), T(9), 1);
  v1::Booking cancelled;
  ASSERT_TRUE(TryCancelByToken(first.manage_token(), &cancelled).ok());
  v1::OneTimeLink after = GetLink(link.name());
  EXPECT_EQ(after.state(), v1::OneTimeLink::ACTIVE);
  EXPECT_EQ(after.use_count(), 0);

  // Booked again, then cancelled by its owner: the use comes back too.
  const v1::Booking second = BookLink(link.token(), T(11), 2);
  EXPECT_EQ(GetLink(link.name()).state(), v1::OneTimeLink::USED);
  Cancel(second.name(), "owner");
  after = GetLink(link.name());
  EXPECT_EQ(after.state(), v1::OneTimeLink::ACTIVE);
  EXPECT_EQ(after.use_count(), 0);
  // Cancelling a cancelled booking gives nothing back twice.
  ASSERT_TRUE(TryCancelByToken(first.manage_token(), &cancelled).ok());
  EXPECT_EQ(StoredUseCount(link.name()), 0);

  std::vector<std::pair<int, std::string>> events;
  for (const v1::OneTimeLinkEvent& event : AllEvents()) {
    events.emplace_back(event.type(), IdOf(event.booking()));
  }
  EXPECT_EQ(events,
            (std::vector<std::pair<int, std::string>>{
                {v1::OneTimeLinkEvent::CREATED, ""},
                {v1::OneTimeLinkEvent::USED, IdOf(first.name())},
                {v1::OneTimeLinkEvent::USE_RETURNED, IdOf(first.name())},
                {v1::OneTimeLinkEvent::USED, IdOf(second.name())},
                {v1::OneTimeLinkEvent::USE_RETURNED, IdOf(second.name())}}));
}

// 16 reschedules of one link booking through its manage token at once,
// each to a slot of its own: the booking moves (one at a time), there is
// never a second active booking, and the link spends no further use.
TEST_F(ManageTokenTest, ConcurrentReschedulesRace) {
  constexpr int kCallers = 16;
  const v1::OneTimeLink link = NewLink(calendar_.name());
  const v1::Booking booked = BookLink(link.token(), T(1));
  auto stubs = ConnectedCalendarStubs(kCallers);
  std::set<absl::Time> targets;
  for (int i = 0; i < kCallers; ++i) targets.insert(T(2 + i));
  EXPECT_FALSE(Offers(SlotsOn(calendar_.name(), day_), T(1)));
  const std::map<std::string, int> outcomes =
      RunConcurrently(kCallers, [&](int i) {
        v1::Booking moved;
        return TryRescheduleByToken(booked.manage_token(), T(2 + i), &moved, "",
                                    stubs[i].get());
      });
  EXPECT_EQ(Count(outcomes, "OK "), kCallers)
      << ::testing::PrintToString(outcomes);
  const v1::Booking now = GetBooking(booked.name());
  EXPECT_EQ(now.state(), v1::Booking::CONFIRMED);
  EXPECT_EQ(targets.count(FromTs(now.start_time())), 1u);
  EXPECT_EQ(ActiveLinkBookings(link.name()), 1);
  EXPECT_EQ(LinkBookingRows(link.name()), 1);
  EXPECT_EQ(ConfirmedRowsOf(calendar_.name()), 1);
  EXPECT_EQ(StoredUseCount(link.name()), 1);
  EXPECT_EQ(UseRows(link.name()), 1);
  const std::vector<v1::Slot> slots = SlotsOn(calendar_.name(), day_);
  for (absl::Time target : targets) {
    EXPECT_EQ(Offers(slots, target), target != FromTs(now.start_time()));
  }
}

// A cancel that gives a single-use link's use back, at the same moment as
// a new booking through the link, round after round: the link never has
// more active bookings than uses, and its count is exactly its active
// bookings.
TEST_F(ManageTokenTest, CancelGivingTheUseBackRacesANewLinkBooking) {
  constexpr int kRounds = 8;
  auto calendar_stubs = ConnectedCalendarStubs(1);
  auto link_stubs = ConnectedLinkStubs(1);
  int rebooked = 0;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(round);
    const v1::OneTimeLink link = LinkReturningUse();
    const v1::Booking first = BookLink(link.token(), T(1 + round));
    v1::Booking cancelled;
    v1::Booking second;
    const std::vector<grpc::Status> results = RunTogether({
        [&] {
          return TryCancelByToken(first.manage_token(), &cancelled,
                                  calendar_stubs[0].get());
        },
        [&] {
          return TryBookLink(
              LinkBookingRequest(link.token(), T(12, 30 + 0), round), &second,
              "", link_stubs[0].get());
        },
    });
    EXPECT_TRUE(results[0].ok()) << client::DescribeStatus(results[0]);
    if (results[1].ok()) {
      ++rebooked;
      EXPECT_EQ(StoredUseCount(link.name()), 1);
      // Free the shared slot for the next round.
      Cancel(second.name());
    } else {
      EXPECT_PRECONDITION(results[1], "LINK_USED");
      EXPECT_EQ(StoredUseCount(link.name()), 0);
    }
    EXPECT_EQ(StoredUseCount(link.name()), ActiveLinkBookings(link.name()));
    EXPECT_LE(ActiveLinkBookings(link.name()), 1);
  }
  std::cout << "cancel-with-give-back vs new link booking: " << rebooked
            << " of " << kRounds << " rounds rebooked after the cancel\n";
}

}  // namespace
}  // namespace scheduling::testing
