// Real concurrency against the real database: many callers at once, then
// the database is checked for what was actually written.
#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include "absl/synchronization/barrier.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "scheduling/client/error_details.h"
#include "tests/integration/test_server.h"

namespace scheduling::testing {
namespace {

v1::BookOneTimeLinkRequest BookRequest(const std::string& token,
                                       const google::protobuf::Timestamp& start,
                                       int invitee) {
  v1::BookOneTimeLinkRequest request;
  request.set_token(token);
  *request.mutable_start_time() = start;
  request.mutable_invitee()->set_display_name("Invitee " +
                                              std::to_string(invitee));
  request.mutable_invitee()->set_email("invitee" + std::to_string(invitee) +
                                       "@example.com");
  return request;
}

// Runs `call(i)` on `threads` threads released at the same moment and
// returns the outcomes: status code + reason → count.
std::map<std::string, int> RunConcurrently(
    int threads, const std::function<grpc::Status(int)>& call) {
  absl::Barrier* start = new absl::Barrier(threads);
  std::vector<grpc::Status> results(threads);
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back([&, i] {
      if (start->Block()) delete start;
      results[i] = call(i);
    });
  }
  for (std::thread& worker : workers) worker.join();
  std::map<std::string, int> outcomes;
  for (const grpc::Status& status : results) {
    ++outcomes[std::string(client::StatusCodeName(status.error_code())) + " " +
               client::ErrorReason(status)];
  }
  return outcomes;
}

class BookingRaceTest : public IntegrationTest {};

TEST_F(BookingRaceTest, ThirtyTwoConcurrentBookersOfOneLinkMakeOneBooking) {
  const v1::Calendar calendar = CreateCalendar();
  const v1::OneTimeLink link = CreateLink(calendar);
  // Every caller asks for a different slot, so only the link decides.
  v1::ListFreeSlotsRequest request;
  request.set_calendar(calendar.name());
  const absl::Time from = absl::Now() + absl::Hours(1);
  request.mutable_start_time()->set_seconds(absl::ToUnixSeconds(from));
  request.mutable_end_time()->set_seconds(
      absl::ToUnixSeconds(from + absl::Hours(24)));
  v1::ListFreeSlotsResponse slots;
  ASSERT_TRUE(calendars_->ListFreeSlots(Context().get(), request, &slots).ok());
  ASSERT_GE(slots.slots_size(), 32);

  std::vector<std::unique_ptr<v1::OneTimeLinkService::Stub>> stubs;
  for (int i = 0; i < 32; ++i) {
    // A connection each, established before the start, so that the calls
    // reach the server together instead of trickling in as they connect.
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto channel = grpc::CreateCustomChannel(
        "127.0.0.1:" + std::to_string(Server().port()),
        grpc::InsecureChannelCredentials(), arguments);
    ASSERT_TRUE(channel->WaitForConnected(
        absl::ToChronoTime(absl::Now() + absl::Seconds(10))));
    stubs.push_back(v1::OneTimeLinkService::NewStub(channel));
  }
  const auto outcomes = RunConcurrently(32, [&](int i) {
    v1::Booking booking;
    return stubs[i]->BookOneTimeLink(
        Context().get(),
        BookRequest(link.token(), slots.slots(i).start_time(), i), &booking);
  });
  EXPECT_EQ(outcomes, (std::map<std::string, int>{
                          {"OK ", 1}, {"FAILED_PRECONDITION LINK_USED", 31}}));
  EXPECT_EQ(BookingRows(calendar), 1);
  EXPECT_EQ(QueryInt("SELECT use_count FROM one_time_links WHERE link_id = '" +
                     link.name().substr(link.name().rfind('/') + 1) + "'"),
            1);
}

TEST_F(BookingRaceTest, TwoLinksRacingForOneSlotMakeOneBooking) {
  const v1::Calendar calendar = CreateCalendar();
  const google::protobuf::Timestamp slot =
      FirstFreeSlot(calendar, absl::Now() + absl::Hours(2));
  // Many rounds of two links on one fresh slot each, to give the race
  // every chance to show.
  constexpr int kRounds = 8;
  std::vector<v1::OneTimeLink> links;
  for (int i = 0; i < 2 * kRounds; ++i) links.push_back(CreateLink(calendar));
  int total_ok = 0;
  for (int round = 0; round < kRounds; ++round) {
    google::protobuf::Timestamp start = slot;
    start.set_seconds(slot.seconds() + round * 1800);
    const auto outcomes = RunConcurrently(2, [&](int i) {
      v1::Booking booking;
      return links_->BookOneTimeLink(
          Context().get(), BookRequest(links[2 * round + i].token(), start, i),
          &booking);
    });
    EXPECT_EQ(outcomes,
              (std::map<std::string, int>{
                  {"OK ", 1}, {"FAILED_PRECONDITION SLOT_UNAVAILABLE", 1}}))
        << "round " << round;
    total_ok += outcomes.count("OK ") > 0 ? outcomes.at("OK ") : 0;
  }
  EXPECT_EQ(total_ok, kRounds);
  EXPECT_EQ(BookingRows(calendar), kRounds);
  // The losing links were not consumed: the booking rolled back with them.
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM one_time_links l JOIN calendars c "
                     "ON c.pk = l.calendar_pk WHERE c.location_id = '" +
                     location_ + "' AND l.use_count = 0"),
            kRounds);
}

}  // namespace
}  // namespace scheduling::testing
