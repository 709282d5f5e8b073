// Faults from outside, with real processes (issue 11): the server killed
// in the middle of a booking load loses no acknowledged booking and uses
// no link twice, and retries with request_id after it get their bookings;
// the database restarted in the middle of a booking load loses no
// acknowledged booking either, and no call fails once it is back; a storm of
// calls with expired deadlines leaves the server bounded in threads and
// memory and answering at once.
#include <signal.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "scheduling/client/error_details.h"
#include "tests/integration/calendar_fixtures.h"
#include "tests/integration/private_database.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_server.h"

namespace scheduling::testing {
namespace {

class FaultTest : public IntegrationTest {
 protected:
  // Rows of the location that must agree whatever happened, on the shared
  // database or, with `dsn`, on a test's own.
  void ExpectInvariants(const std::string& calendar_name,
                        const std::string& dsn = "",
                        const std::string& location = "") {
    const std::string& location_ =
        location.empty() ? this->location_ : location;
    auto QueryInt = [&](const std::string& sql) {
      return dsn.empty() ? scheduling::testing::QueryInt(sql)
                         : QueryIntOn(dsn, sql);
    };
    const std::string calendar_pk =
        "(SELECT pk FROM calendars WHERE location_id = '" + location_ +
        "' AND calendar_id = '" +
        calendar_name.substr(calendar_name.rfind('/') + 1) + "')";
    // No link over its uses; uses, bookings, audit rows and USED events
    // agree link by link.
    EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM one_time_links WHERE "
                       "calendar_pk = " +
                       calendar_pk + " AND use_count > max_uses"),
              0);
    EXPECT_EQ(
        QueryInt("SELECT COUNT(*) FROM one_time_links l WHERE calendar_pk = " +
                 calendar_pk +
                 " AND use_count <> (SELECT COUNT(*) FROM bookings b WHERE "
                 "b.one_time_link_pk = l.pk)"),
        0);
    EXPECT_EQ(
        QueryInt("SELECT COUNT(*) FROM one_time_links l WHERE calendar_pk = " +
                 calendar_pk +
                 " AND use_count <> (SELECT COUNT(*) FROM one_time_link_uses "
                 "u WHERE u.link_pk = l.pk)"),
        0);
    // USED events: numbered ones, and those committed but not numbered yet
    // (a killed server's, until another server's sequencer moves them).
    EXPECT_EQ(QueryInt("SELECT COALESCE(SUM(use_count), 0) FROM "
                       "one_time_links WHERE calendar_pk = " +
                       calendar_pk),
              QueryInt("SELECT (SELECT COUNT(*) FROM one_time_link_events "
                       "WHERE location_id = '" +
                       location_ +
                       "' AND event_type = 2) + (SELECT COUNT(*) FROM "
                       "one_time_link_event_drafts WHERE location_id = '" +
                       location_ + "' AND event_type = 2)"));
  }

  int64_t BookingNamed(const std::string& name) {
    return QueryInt("SELECT COUNT(*) FROM bookings WHERE booking_id = '" +
                    name.substr(name.rfind('/') + 1) + "'");
  }
};

TEST_F(FaultTest, AServerKilledMidLoadLosesNothingAndRetriesGetTheirBookings) {
  const v1::Calendar calendar = CreateCalendar("UTC", 30);
  constexpr int kLinks = 60;
  std::vector<v1::OneTimeLink> links;
  for (int i = 0; i < kLinks; ++i) links.push_back(CreateLink(calendar));
  // Slot i for link i: two bookers race for each link.
  const absl::Time first =
      FromTs(FirstFreeSlot(calendar, absl::Now() + absl::Hours(2)));

  std::unique_ptr<ServerProcess> server =
      ServerProcess::Start(std::getenv("SCHEDULING_TEST_DSN"));
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(server->AwaitServing());

  struct Attempt {
    v1::BookOneTimeLinkRequest request;
    grpc::Status status;
    std::string booking;
  };
  std::vector<Attempt> attempts(2 * kLinks);
  for (int i = 0; i < 2 * kLinks; ++i) {
    v1::BookOneTimeLinkRequest& request = attempts[i].request;
    request.set_token(links[i / 2].token());
    *request.mutable_start_time() =
        google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
            absl::ToUnixNanos(first + absl::Minutes(30) * (i / 2)));
    request.mutable_invitee()->set_display_name("Booker " + std::to_string(i));
    request.mutable_invitee()->set_email("booker@example.com");
    request.set_request_id(NewId("fault-"));
  }
  std::atomic<int> next{0}, done{0};
  auto book = [&](const std::shared_ptr<grpc::Channel>& channel) {
    auto stub = v1::OneTimeLinkService::NewStub(channel);
    for (int i = next++; i < 2 * kLinks; i = next++) {
      v1::Booking booking;
      attempts[i].status = stub->BookOneTimeLink(
          Context(absl::Seconds(5)).get(), attempts[i].request, &booking);
      attempts[i].booking = booking.name();
      ++done;
    }
  };
  std::vector<std::thread> bookers;
  for (int t = 0; t < 8; ++t) {
    bookers.emplace_back([&] { book(server->channel()); });
  }
  // Kill it once a part of the load is through: calls are in flight.
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (done < kLinks / 2 && absl::Now() < deadline) {
  }
  server->Signal(SIGKILL);
  for (std::thread& booker : bookers) booker.join();
  EXPECT_EQ(server->WaitForExit(absl::Seconds(10)), -1);

  int acknowledged = 0, lost = 0;
  for (const Attempt& attempt : attempts) {
    if (attempt.status.ok()) {
      ++acknowledged;
      EXPECT_EQ(BookingNamed(attempt.booking), 1) << attempt.booking;
    } else if (attempt.status.error_code() == grpc::StatusCode::UNAVAILABLE ||
               attempt.status.error_code() ==
                   grpc::StatusCode::DEADLINE_EXCEEDED) {
      ++lost;
    }
  }
  EXPECT_GT(acknowledged, 0);
  ExpectInvariants(calendar.name());

  // A replacement server; every caller whose answer was lost retries with
  // its request_id and learns the truth: its booking, or that the link
  // went to the other booker.
  std::unique_ptr<ServerProcess> replacement =
      ServerProcess::Start(std::getenv("SCHEDULING_TEST_DSN"));
  ASSERT_NE(replacement, nullptr);
  ASSERT_TRUE(replacement->AwaitServing());
  auto stub = v1::OneTimeLinkService::NewStub(replacement->channel());
  std::map<std::string, int> winners;  // link → bookings acknowledged
  for (Attempt& attempt : attempts) {
    if (!attempt.status.ok()) {
      v1::Booking booking;
      attempt.status =
          stub->BookOneTimeLink(Context().get(), attempt.request, &booking);
      attempt.booking = booking.name();
    }
    if (attempt.status.ok()) {
      ++winners[attempt.request.token()];
      EXPECT_EQ(BookingNamed(attempt.booking), 1);
    } else {
      EXPECT_EQ(client::ErrorReason(attempt.status), "LINK_USED")
          << client::DescribeStatus(attempt.status);
    }
  }
  // Every link has exactly one booker who was told yes.
  EXPECT_EQ(winners.size(), static_cast<size_t>(kLinks));
  for (const auto& [token, count] : winners) EXPECT_EQ(count, 1);
  EXPECT_EQ(BookingRows(calendar), kLinks);
  ExpectInvariants(calendar.name());
  std::printf("killed with %d of %d calls answered yes, %d lost in flight\n",
              acknowledged, 2 * kLinks, lost);
}

TEST_F(FaultTest, ADatabaseRestartedUnderLoadLosesNothingAndFailsNoCallAfter) {
  std::unique_ptr<PrivateDatabase> db = PrivateDatabase::Start();
  ASSERT_NE(db, nullptr);
  std::unique_ptr<ServerProcess> server =
      ServerProcess::Start(db->dsn(), {"SCHEDULING_DB_POOL_SIZE=4"});
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(server->AwaitServing());
  const std::string location = UniqueLocation();
  auto calendars = v1::CalendarService::NewStub(server->channel());
  auto links = v1::OneTimeLinkService::NewStub(server->channel());
  v1::CreateCalendarRequest create;
  create.set_parent("locations/" + location);
  *create.mutable_calendar() = CalendarSpec("Restart", "UTC", 30, 0, 24);
  v1::Calendar calendar;
  ASSERT_TRUE(
      calendars->CreateCalendar(Context().get(), create, &calendar).ok());
  // Two bookers for each link, each link on a slot of its own.
  constexpr int kLinks = 150;
  const absl::Time first = absl::FromUnixSeconds(
      (absl::ToUnixSeconds(absl::Now() + absl::Hours(2)) / 3600 + 1) * 3600);
  struct Attempt {
    v1::BookOneTimeLinkRequest request;
    grpc::Status status;
    std::string booking;
  };
  std::vector<Attempt> attempts(2 * kLinks);
  for (int i = 0; i < kLinks; ++i) {
    v1::CreateOneTimeLinkRequest request;
    request.set_parent(calendar.name());
    v1::OneTimeLink link;
    ASSERT_TRUE(links->CreateOneTimeLink(Context().get(), request, &link).ok());
    for (int j = 2 * i; j < 2 * i + 2; ++j) {
      v1::BookOneTimeLinkRequest& book = attempts[j].request;
      book.set_token(link.token());
      *book.mutable_start_time() =
          google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
              absl::ToUnixNanos(first + absl::Minutes(30) * i));
      book.mutable_invitee()->set_display_name("Booker " + std::to_string(j));
      book.mutable_invitee()->set_email("booker@example.com");
      book.set_request_id(NewId("restart-"));
    }
  }

  // Each booker retries its request (same request_id) until it hears yes
  // or LINK_USED: what a well-behaved caller does during an outage. Calls
  // that start once the database is back are counted apart.
  std::atomic<bool> back{false};
  std::atomic<int> next{0}, decided{0}, failed_after_back{0};
  absl::Mutex mu;
  std::vector<std::string> failures_after_back;
  auto book = [&] {
    auto stub = v1::OneTimeLinkService::NewStub(server->channel());
    for (int i = next++; i < 2 * kLinks; i = next++) {
      Attempt& attempt = attempts[i];
      const absl::Time give_up = absl::Now() + absl::Seconds(60);
      while (absl::Now() < give_up) {
        const bool started_after_back = back;
        v1::Booking booking;
        attempt.status = stub->BookOneTimeLink(Context(absl::Seconds(5)).get(),
                                               attempt.request, &booking);
        attempt.booking = booking.name();
        if (attempt.status.ok() ||
            client::ErrorReason(attempt.status) == "LINK_USED") {
          break;
        }
        if (started_after_back) {
          ++failed_after_back;
          absl::MutexLock lock(&mu);
          failures_after_back.push_back(client::DescribeStatus(attempt.status));
        }
        absl::SleepFor(absl::Milliseconds(20));  // a caller's back-off
      }
      ++decided;
    }
  };
  std::vector<std::thread> bookers;
  for (int t = 0; t < 8; ++t) bookers.emplace_back(book);
  // Restart the database once part of the load is through: transactions
  // are in flight, and every pooled connection dies with it.
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (decided < kLinks / 2 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  const int decided_before = decided;
  ASSERT_TRUE(db->Stop());
  ASSERT_TRUE(db->Restart());
  back = true;
  for (std::thread& booker : bookers) booker.join();

  // Everyone was answered, exactly one yes per link, each yes a booking.
  std::map<std::string, int> winners;
  for (const Attempt& attempt : attempts) {
    if (attempt.status.ok()) {
      ++winners[attempt.request.token()];
      EXPECT_EQ(
          QueryIntOn(
              db->dsn(),
              "SELECT COUNT(*) FROM bookings WHERE booking_id = '" +
                  attempt.booking.substr(attempt.booking.rfind('/') + 1) + "'"),
          1)
          << attempt.booking;
    } else {
      EXPECT_EQ(client::ErrorReason(attempt.status), "LINK_USED")
          << client::DescribeStatus(attempt.status);
    }
  }
  EXPECT_EQ(winners.size(), static_cast<size_t>(kLinks));
  for (const auto& [token, count] : winners) EXPECT_EQ(count, 1);
  EXPECT_EQ(QueryIntOn(db->dsn(), "SELECT COUNT(*) FROM bookings"), kLinks);
  ExpectInvariants(calendar.name(), db->dsn(), location);
  // The pool checked or replaced every connection the restart broke: no
  // call that started after the database was back failed.
  EXPECT_EQ(failed_after_back, 0) << absl::StrJoin(failures_after_back, "\n");
  std::printf(
      "database restarted after %d of %d bookers were answered; calls "
      "failed after it was back: %d\n",
      decided_before, 2 * kLinks, failed_after_back.load());
}

// The target for the server's memory under the storm. Under
// AddressSanitizer (scripts/sanitize.sh) the server keeps up to 256 MB of
// freed memory in quarantine to catch use-after-free, and shadow memory on
// top, so there the bound only catches growth without limit.
// Threads that have given their quota back linger a moment before they
// exit: with calls this short, dozens at a time on a fast run (peaks of
// 33 to 52 serving threads measured against a quota of 32).
#if defined(__SANITIZE_ADDRESS__)
constexpr int64_t kStormRssLimitMb = 768;
#else
constexpr int64_t kStormRssLimitMb = 150;
#endif
constexpr int kLingeringThreads = 32;

TEST_F(FaultTest, ADeadlineStormLeavesTheServerBoundedAndFast) {
  std::unique_ptr<ServerProcess> server = ServerProcess::Start(
      std::getenv("SCHEDULING_TEST_DSN"),
      {"SCHEDULING_DB_POOL_SIZE=4", "SCHEDULING_LOG_RPCS=false"});
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(server->AwaitServing());
  const v1::Calendar calendar = CreateCalendar("UTC", 30);
  const int threads_before = server->Threads();

  // Waves of calls that expire almost at once, from many connections.
  std::atomic<bool> stop{false};
  std::atomic<int> calls{0};
  std::vector<std::thread> stormers;
  for (int t = 0; t < 16; ++t) {
    stormers.emplace_back([&] {
      auto stub = v1::CalendarService::NewStub(grpc::CreateCustomChannel(
          absl::StrCat("127.0.0.1:", server->port()),
          grpc::InsecureChannelCredentials(), [] {
            grpc::ChannelArguments args;
            args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
            return args;
          }()));
      v1::ListFreeSlotsRequest request;
      request.set_calendar(calendar.name());
      *request.mutable_start_time() =
          google::protobuf::util::TimeUtil::SecondsToTimestamp(
              absl::ToUnixSeconds(absl::Now()));
      *request.mutable_end_time() =
          google::protobuf::util::TimeUtil::SecondsToTimestamp(
              absl::ToUnixSeconds(absl::Now() + absl::Hours(24 * 31)));
      while (!stop) {
        v1::ListFreeSlotsResponse response;
        stub->ListFreeSlots(Context(absl::Milliseconds(1)).get(), request,
                            &response);
        ++calls;
      }
    });
  }
  int most_threads = 0;
  int most_serving = 0;
  int64_t most_rss_kb = 0;
  const absl::Time end = absl::Now() + absl::Seconds(3);
  while (absl::Now() < end) {
    most_threads = std::max(most_threads, server->Threads());
    most_serving =
        std::max(most_serving, server->ThreadsNamed("grpcpp_sync_ser"));
    most_rss_kb = std::max(most_rss_kb, server->ResidentKb());
  }
  stop = true;
  for (std::thread& stormer : stormers) stormer.join();

  // Healthy and fast right after.
  v1::ListFreeSlotsRequest request;
  request.set_calendar(calendar.name());
  *request.mutable_start_time() =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(
          absl::ToUnixSeconds(absl::Now()));
  *request.mutable_end_time() =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(
          absl::ToUnixSeconds(absl::Now() + absl::Hours(24)));
  auto stub = v1::CalendarService::NewStub(server->channel());
  const absl::Time start = absl::Now();
  v1::ListFreeSlotsResponse response;
  grpc::Status after =
      stub->ListFreeSlots(Context(absl::Seconds(2)).get(), request, &response);
  EXPECT_TRUE(after.ok()) << client::DescribeStatus(after);
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(500));
  // The threads serving calls stay within the quota: calls in flight
  // (4 x 4 = 16) plus 16 for pollers and refusals. gRPC's own threads
  // (timers, executor, event engine) come and go beside them, a few dozen
  // at most. Before the limit this storm reached 585 threads and 309 MB.
  std::printf(
      "storm: %d calls; threads %d before, %d at most (%d serving calls); "
      "RSS at most %lld MB\n",
      calls.load(), threads_before, most_threads, most_serving,
      static_cast<long long>(most_rss_kb / 1024));
  EXPECT_LE(most_serving, 16 + 16 + kLingeringThreads);
  EXPECT_LE(most_threads, 100);
  EXPECT_LE(most_rss_kb, kStormRssLimitMb * 1024);
}

}  // namespace
}  // namespace scheduling::testing
