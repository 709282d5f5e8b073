// Health that tells the truth (server/health.h), against real databases
// that the tests empty, stop and start: NOT_SERVING until the schema is
// current, readiness steady through a database outage while the service
// names report it, and a drain that goes NOT_SERVING before it stops.
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "scheduling/client/error_details.h"
#include "server/store/migrations.h"
#include "tests/integration/metrics_scrape.h"
#include "tests/integration/private_database.h"
#include "tests/integration/test_server.h"

namespace scheduling::testing {
namespace {

using grpc::health::v1::HealthCheckResponse;

constexpr char kCalendarService[] = "scheduling.v1.CalendarService";
constexpr char kLinkService[] = "scheduling.v1.OneTimeLinkService";

class HealthTest : public ::testing::Test {
 protected:
  // A server on `dsn` that does not wait for its database at start.
  void StartServer(const std::string& dsn, bool migrate,
                   absl::Duration check_interval = absl::Milliseconds(100)) {
    ServerOptions options = TestServerOptions(dsn);
    options.db_pool_size = 4;
    options.migrate = migrate;
    options.metrics_listen = "127.0.0.1:0";
    options.db_check_interval = check_interval;
    options.startup_timeout = absl::ZeroDuration();
    auto started = SchedulingServer::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
    health_ = grpc::health::v1::Health::NewStub(channel_);
    calendars_ = v1::CalendarService::NewStub(channel_);
    links_ = v1::OneTimeLinkService::NewStub(channel_);
  }

  HealthCheckResponse::ServingStatus Status(const std::string& service) {
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    grpc::Status status =
        health_->Check(Context(absl::Seconds(5)).get(), request, &response);
    EXPECT_TRUE(status.ok()) << service << ": " << status.error_message();
    return response.status();
  }

  // Polls `service` until it reports `want` or `timeout` passes.
  bool AwaitStatus(const std::string& service,
                   HealthCheckResponse::ServingStatus want,
                   absl::Duration timeout = absl::Seconds(20)) {
    const absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      if (Status(service) == want) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return Status(service) == want;
  }

  grpc::Status GetCalendar(const std::string& name) {
    v1::GetCalendarRequest request;
    request.set_name(name);
    v1::Calendar calendar;
    return calendars_->GetCalendar(Context(absl::Seconds(10)).get(), request,
                                   &calendar);
  }

  grpc::Status CreateGroup(const std::string& location, v1::Group* group) {
    v1::CreateGroupRequest request;
    request.set_parent("locations/" + location);
    request.mutable_group()->set_display_name("Health");
    return calendars_->CreateGroup(Context(absl::Seconds(10)).get(), request,
                                   group);
  }

  // Calls at once, so that several connections sit idle in the pool
  // afterwards; how many do.
  int LeaveConnectionsIdle(const std::string& location) {
    std::vector<std::thread> callers;
    for (int i = 0; i < 8; ++i) {
      callers.emplace_back([&] {
        v1::Group group;
        EXPECT_TRUE(CreateGroup(location, &group).ok());
      });
    }
    for (std::thread& caller : callers) caller.join();
    return static_cast<int>(
        Sample(ScrapeMetrics(server_->metrics_port()),
               "scheduling_db_pool_connections{state=\"idle\"}"));
  }

  void TearDown() override {
    if (server_ != nullptr) {
      server_->Shutdown(absl::Seconds(2));
      server_->Wait();
    }
  }

  std::unique_ptr<SchedulingServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
  std::unique_ptr<v1::CalendarService::Stub> calendars_;
  std::unique_ptr<v1::OneTimeLinkService::Stub> links_;
};

TEST_F(HealthTest, NotServingUntilTheSchemaIsMigratedElsewhere) {
  std::unique_ptr<PrivateDatabase> db = PrivateDatabase::Start();
  ASSERT_NE(db, nullptr);
  StartServer(db->dsn(), /*migrate=*/false);

  // The process answers, but the empty database keeps it from being ready.
  EXPECT_EQ(Status("liveness"), HealthCheckResponse::SERVING);
  EXPECT_EQ(Status(""), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Status(kCalendarService), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Status(kLinkService), HealthCheckResponse::NOT_SERVING);
  // Calls meanwhile get UNAVAILABLE with a reason, not a missing table.
  grpc::Status early = GetCalendar("locations/l/calendars/c");
  EXPECT_EQ(early.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(early.error_message(), ::testing::HasSubstr("starting"));
  EXPECT_EQ(Sample(ScrapeMetrics(server_->metrics_port()), "scheduling_db_up"),
            0);

  // What the migration Job does: `scheduling_server migrate`.
  auto parsed = store::ParseDsn(db->dsn());
  ASSERT_TRUE(parsed.ok());
  auto pool = store::ConnectionPool::Create(*parsed, 1);
  ASSERT_TRUE(pool.ok()) << pool.status();
  ASSERT_TRUE(store::ApplyMigrations(**pool).ok());

  ASSERT_TRUE(AwaitStatus("", HealthCheckResponse::SERVING));
  EXPECT_EQ(Status(kCalendarService), HealthCheckResponse::SERVING);
  EXPECT_EQ(Status(kLinkService), HealthCheckResponse::SERVING);
  EXPECT_EQ(GetCalendar("locations/l/calendars/c").error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Sample(ScrapeMetrics(server_->metrics_port()), "scheduling_db_up"),
            1);
}

TEST_F(HealthTest, DatabaseOutageShowsOnTheServicesButNotOnReadiness) {
  std::unique_ptr<PrivateDatabase> db = PrivateDatabase::Start();
  ASSERT_NE(db, nullptr);
  StartServer(db->dsn(), /*migrate=*/true);
  ASSERT_TRUE(AwaitStatus("", HealthCheckResponse::SERVING));
  const std::string location = UniqueLocation();
  v1::Group group;
  ASSERT_TRUE(CreateGroup(location, &group).ok());
  // Several connections idle in the pool, each of which dies with the
  // database.
  const int idle = LeaveConnectionsIdle(location);
  ASSERT_GE(idle, 2);

  ASSERT_TRUE(db->Stop());
  ASSERT_TRUE(AwaitStatus(kCalendarService, HealthCheckResponse::NOT_SERVING));
  EXPECT_EQ(Status(kLinkService), HealthCheckResponse::NOT_SERVING);
  // Every pod shares the database: readiness stays, so callers get an
  // answer (UNAVAILABLE) instead of a Service with no endpoints.
  EXPECT_EQ(Status(""), HealthCheckResponse::SERVING);
  EXPECT_EQ(Status("liveness"), HealthCheckResponse::SERVING);
  EXPECT_EQ(Sample(ScrapeMetrics(server_->metrics_port()), "scheduling_db_up"),
            0);
  v1::GetGroupRequest get;
  get.set_name(group.name());
  v1::Group read;
  grpc::Status during =
      calendars_->GetGroup(Context(absl::Seconds(10)).get(), get, &read);
  EXPECT_EQ(during.error_code(), grpc::StatusCode::UNAVAILABLE);
  // A stable message for people; the driver's text went to the log.
  EXPECT_EQ(during.error_message(), "the database is unavailable; retry");

  ASSERT_TRUE(db->Restart());
  ASSERT_TRUE(AwaitStatus(kCalendarService, HealthCheckResponse::SERVING));
  EXPECT_EQ(Status(kLinkService), HealthCheckResponse::SERVING);
  EXPECT_EQ(Sample(ScrapeMetrics(server_->metrics_port()), "scheduling_db_up"),
            1);
  // The connections that died with the database were dropped when the
  // outage was noticed: no call after it fails.
  for (int i = 0; i < idle; ++i) {
    grpc::Status after =
        calendars_->GetGroup(Context(absl::Seconds(10)).get(), get, &read);
    EXPECT_TRUE(after.ok())
        << "call " << i << ": " << client::DescribeStatus(after);
    EXPECT_EQ(read.name(), group.name());
  }
}

TEST_F(HealthTest, ADatabaseRestartWhileIdleFailsNoCall) {
  std::unique_ptr<PrivateDatabase> db = PrivateDatabase::Start();
  ASSERT_NE(db, nullptr);
  // Health checks far apart: nothing notices the restart but the pool.
  StartServer(db->dsn(), /*migrate=*/true, absl::Hours(1));
  ASSERT_TRUE(AwaitStatus("", HealthCheckResponse::SERVING));
  const std::string location = UniqueLocation();
  v1::Group group;
  ASSERT_TRUE(CreateGroup(location, &group).ok());
  const int idle = LeaveConnectionsIdle(location);
  ASSERT_GE(idle, 2);

  ASSERT_TRUE(db->Stop());
  ASSERT_TRUE(db->Restart());
  // The scenario is idleness itself: longer than the pool trusts a
  // connection without a ping.
  absl::SleepFor(store::ConnectionPool::kPingIdleAfter);
  v1::GetGroupRequest get;
  get.set_name(group.name());
  for (int i = 0; i < idle + 1; ++i) {
    v1::Group read;
    grpc::Status status =
        calendars_->GetGroup(Context(absl::Seconds(10)).get(), get, &read);
    EXPECT_TRUE(status.ok())
        << "call " << i << ": " << client::DescribeStatus(status);
    v1::Group created;
    status = CreateGroup(location, &created);
    EXPECT_TRUE(status.ok())
        << "call " << i << ": " << client::DescribeStatus(status);
  }
}

TEST_F(HealthTest, DrainReportsNotServingFirstAndKeepsAnsweringForTheDelay) {
  StartServer(std::getenv("SCHEDULING_TEST_DSN"), /*migrate=*/true);
  ASSERT_TRUE(AwaitStatus("", HealthCheckResponse::SERVING));
  const std::string location = UniqueLocation();

  // A watcher is a call that never ends by itself: the drain must end it.
  auto watch_context = Context(absl::Seconds(60));
  v1::WatchOneTimeLinkEventsRequest watch;
  watch.set_parent("locations/" + location);
  auto stream = links_->WatchOneTimeLinkEvents(watch_context.get(), watch);

  const absl::Time drain_start = absl::Now();
  std::thread drain([this] {
    server_->Shutdown(/*grace=*/absl::Seconds(5),
                      /*delay=*/absl::Milliseconds(1500));
  });
  ASSERT_TRUE(
      AwaitStatus("", HealthCheckResponse::NOT_SERVING, absl::Seconds(1)));
  EXPECT_EQ(Status(kCalendarService), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Status("liveness"), HealthCheckResponse::SERVING);
  // Load balancers have not caught up yet: calls are still answered.
  v1::Group group;
  grpc::Status during = CreateGroup(location, &group);
  EXPECT_TRUE(during.ok()) << client::DescribeStatus(during);
  EXPECT_LT(absl::Now() - drain_start, absl::Milliseconds(1500));

  v1::OneTimeLinkEvent event;
  while (stream->Read(&event)) {
  }
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_GE(absl::Now() - drain_start, absl::Milliseconds(1500));
  drain.join();
  server_->Wait();
  EXPECT_LT(absl::Now() - drain_start, absl::Seconds(5));
  v1::Group after;
  EXPECT_EQ(CreateGroup(location, &after).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  server_.reset();
}

}  // namespace
}  // namespace scheduling::testing
