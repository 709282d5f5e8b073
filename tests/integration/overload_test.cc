// Bounded under load and bad bytes (issue 11): a thread limit that answers
// RESOURCE_EXHAUSTED with RetryInfo instead of piling up, calls whose
// deadline has passed doing no work, transactions that do not commit for a
// caller who has gone, and requests that do not parse answered as the
// caller's mistake.
#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <dirent.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "scheduling/client/error_details.h"
#include "server/store/call_deadline.h"
#include "server/store/dsn.h"
#include "server/store/transaction.h"
#include "tests/integration/test_server.h"

namespace scheduling::testing {
namespace {

using ::testing::HasSubstr;

// Sends `bytes` as the request of `method` and returns the status.
grpc::Status CallWithBytes(const std::string& method,
                           const std::string& bytes) {
  return CallUnaryWithBytes(Channel(), method, bytes, Context().get());
}

// A length-delimited protobuf field `number` holding `value` as is.
std::string Field(int number, const std::string& value) {
  std::string out;
  out.push_back(static_cast<char>((number << 3) | 2));
  out.push_back(static_cast<char>(value.size()));
  return out + value;
}

class BadBytesTest : public IntegrationTest {};

TEST_F(BadBytesTest, StringsThatAreNotUtf8AreTheCallersMistake) {
  const std::string not_utf8 = "caf\xe9";  // Latin-1, not UTF-8
  const v1::Calendar calendar = CreateCalendar();
  const int64_t bookings = BookingRows(calendar);
  struct Case {
    std::string method;
    std::string bytes;
  };
  const std::vector<Case> cases = {
      {"/scheduling.v1.CalendarService/GetCalendar",
       Field(1, "locations/" + location_ + "/calendars/" + not_utf8)},
      {"/scheduling.v1.CalendarService/CreateCalendar",
       Field(1, "locations/" + location_) +
           Field(2, Field(2, not_utf8))},  // calendar.display_name
      {"/scheduling.v1.OneTimeLinkService/ResolveOneTimeLink",
       Field(1, not_utf8)},
      {"/scheduling.v1.OneTimeLinkService/BookOneTimeLink",
       Field(1, std::string(32, 'A')) +
           Field(3, Field(1, not_utf8))},  // invitee.display_name
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method);
    grpc::Status status = CallWithBytes(c.method, c.bytes);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("not UTF-8"));
    EXPECT_THAT(client::FieldViolations(status), ::testing::SizeIs(1));
  }
  EXPECT_EQ(BookingRows(calendar), bookings);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM calendars WHERE location_id = '" +
                     location_ + "'"),
            1);
}

// A transaction whose call's deadline passes before COMMIT writes nothing.
TEST(CallDeadlineTest, ATransactionPastItsDeadlineRollsBack) {
  auto dsn = store::ParseDsn(std::getenv("SCHEDULING_TEST_DSN"));
  ASSERT_TRUE(dsn.ok());
  auto pool = store::ConnectionPool::Create(*dsn, 1);
  ASSERT_TRUE(pool.ok());
  const std::string location = UniqueLocation();
  const auto groups = [&] {
    return QueryInt(
        "SELECT COUNT(*) FROM calendar_groups WHERE location_id = '" +
        location + "'");
  };
  const auto insert = [&](store::Lease& lease) {
    std::unique_ptr<sql::PreparedStatement> statement(
        lease.connection().prepareStatement(
            "INSERT INTO calendar_groups (location_id, group_id, "
            "display_name, description, enabled, version, create_time, "
            "update_time) VALUES (?, 'g', 'G', '', 1, 1, UTC_TIMESTAMP(6), "
            "UTC_TIMESTAMP(6))"));
    statement->setString(1, location);
    statement->executeUpdate();
    // The work outlasts the deadline.
    absl::SleepFor(absl::Milliseconds(150));
    return absl::OkStatus();
  };
  {
    store::CallDeadlineScope scope(absl::Now() + absl::Milliseconds(50));
    absl::Status status = store::RunTransaction(**pool, "test insert", insert);
    EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  }
  EXPECT_EQ(groups(), 0);
  {
    store::CallDeadlineScope scope(absl::Now() - absl::Milliseconds(1));
    absl::Status status = store::RunTransaction(**pool, "test insert", insert);
    EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  }
  EXPECT_EQ(groups(), 0);
  // Without a deadline (outside any call) the same work commits.
  EXPECT_TRUE(store::RunTransaction(**pool, "test insert", insert).ok());
  EXPECT_EQ(groups(), 1);
}

int ThreadsOfThisProcess() {
  int threads = 0;
  if (DIR* dir = opendir("/proc/self/task")) {
    while (dirent* entry = readdir(dir)) {
      if (entry->d_name[0] != '.') ++threads;
    }
    closedir(dir);
  }
  return threads;
}

TEST(CallLimitTest, CallsBeyondTheLimitAreRefusedWithRetryInfo) {
  ServerOptions options = TestServerOptions(std::getenv("SCHEDULING_TEST_DSN"));
  options.db_pool_size = 2;
  options.max_calls_in_flight = 12;
  options.metrics_listen = "127.0.0.1:0";
  auto server = SchedulingServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                          grpc::InsecureChannelCredentials());
  auto links = v1::OneTimeLinkService::NewStub(channel);
  const int threads_before = ThreadsOfThisProcess();

  // Watch streams hold a thread each for as long as they are open.
  struct Watch {
    std::unique_ptr<grpc::ClientContext> context;
    std::unique_ptr<grpc::ClientReader<v1::OneTimeLinkEvent>> reader;
  };
  std::vector<Watch> watches;
  v1::WatchOneTimeLinkEventsRequest request;
  request.set_parent("locations/" + UniqueLocation());
  for (int i = 0; i < 40; ++i) {
    Watch watch{Context(absl::Seconds(20)), nullptr};
    watch.reader = links->WatchOneTimeLinkEvents(watch.context.get(), request);
    watches.push_back(std::move(watch));
  }
  // Each stream read on a thread of its own: the refused ones end at once
  // (while the admitted ones wait for events), which is awaited.
  absl::Mutex mu;
  int finished = 0;
  int refused = 0;
  grpc::Status refusal;
  std::vector<std::thread> readers;
  for (Watch& watch : watches) {
    readers.emplace_back([&, reader = watch.reader.get()] {
      v1::OneTimeLinkEvent event;
      while (reader->Read(&event)) {
      }
      grpc::Status status = reader->Finish();
      absl::MutexLock lock(&mu);
      ++finished;
      if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
        ++refused;
        refusal = status;
      }
    });
  }
  {
    absl::MutexLock lock(&mu);
    auto refusals_in = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
      return finished >= 40 - 12;
    };
    EXPECT_TRUE(
        mu.AwaitWithTimeout(absl::Condition(&refusals_in), absl::Seconds(10)));
  }
  // The server's threads stay near its limit (the test's own client
  // threads are counted too, so allow for them). A refused reader's thread
  // that has returned can still be listed for a moment: the bound must
  // hold once such threads are gone (awaited, at most 2 s).
  constexpr int kThreadBound = 12 + 16 + 8;
  int threads_during = ThreadsOfThisProcess();
  for (const absl::Time until = absl::Now() + absl::Seconds(2);
       threads_during - threads_before > kThreadBound && absl::Now() < until;
       threads_during = ThreadsOfThisProcess()) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  for (Watch& watch : watches) watch.context->TryCancel();
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(refused, 40 - 12);
  EXPECT_GT(refused, 0);
  EXPECT_THAT(refusal.error_message(), HasSubstr("limit of calls in flight"));
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(refusal.error_details()));
  ASSERT_EQ(details.details_size(), 1);
  google::rpc::RetryInfo retry;
  ASSERT_TRUE(details.details(0).UnpackTo(&retry));
  EXPECT_GT(retry.retry_delay().nanos() + retry.retry_delay().seconds(), 0);
  EXPECT_LE(threads_during - threads_before, kThreadBound) << threads_during;

  // And it is healthy right after: once the cancelled watchers have left
  // (they notice within a watch poll, 500 ms), a caller that honours
  // RetryInfo gets through.
  v1::ListOneTimeLinkEventsRequest list;
  list.set_parent("locations/" + UniqueLocation());
  v1::ListOneTimeLinkEventsResponse events;
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  grpc::Status after;
  for (;;) {
    after = links->ListOneTimeLinkEvents(Context().get(), list, &events);
    if (after.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED ||
        absl::Now() > give_up) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(retry.retry_delay().nanos() / 1000000));
  }
  EXPECT_TRUE(after.ok()) << client::DescribeStatus(after);
  (*server)->Shutdown(absl::Seconds(2));
  (*server)->Wait();
}

}  // namespace
}  // namespace scheduling::testing
