// The real scheduling_server binary as a process, the way a cluster runs
// it: configured from the environment, JSON logs on stderr, started before
// its database, SIGTERM answered with NOT_SERVING, a drain, and exit
// status 0.
#include "tests/integration/server_process.h"

#include <signal.h>

#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/integration/metrics_scrape.h"
#include "tests/integration/private_database.h"
#include "tests/integration/test_server.h"

namespace scheduling::testing {
namespace {

using grpc::health::v1::HealthCheckResponse;

TEST(ServerProcessTest, SigtermReportsNotServingDrainsAndExitsZero) {
  std::unique_ptr<ServerProcess> server = ServerProcess::Start(
      std::getenv("SCHEDULING_TEST_DSN"),
      {"SCHEDULING_SHUTDOWN_DELAY=1s", "SCHEDULING_GRACE_PERIOD=5s"});
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(server->AwaitServing());
  EXPECT_EQ(server->HealthStatus("liveness"), HealthCheckResponse::SERVING);
  EXPECT_EQ(Sample(ScrapeMetrics(server->metrics_port()), "scheduling_db_up"),
            1);

  auto calendars = v1::CalendarService::NewStub(server->channel());
  v1::CreateGroupRequest create;
  create.set_parent("locations/" + UniqueLocation());
  create.mutable_group()->set_display_name("Process");
  v1::Group group;
  auto call = Context();
  call->AddMetadata("x-request-id", "process-test-call");
  ASSERT_TRUE(calendars->CreateGroup(call.get(), create, &group).ok());

  const absl::Time term = absl::Now();
  server->Signal(SIGTERM);
  const absl::Time deadline = absl::Now() + absl::Seconds(1);
  while (server->HealthStatus("") != HealthCheckResponse::NOT_SERVING &&
         absl::Now() < deadline) {
  }
  EXPECT_EQ(server->HealthStatus(""), HealthCheckResponse::NOT_SERVING);
  EXPECT_LT(absl::Now() - term, absl::Seconds(1));
  EXPECT_EQ(server->HealthStatus("liveness"), HealthCheckResponse::SERVING);
  EXPECT_EQ(server->WaitForExit(absl::Seconds(10)), 0);
  EXPECT_GE(absl::Now() - term, absl::Seconds(1));

  std::set<std::string> messages;
  for (const nlohmann::json& record : server->LogRecords()) {
    EXPECT_THAT(
        record.dump(),
        ::testing::Not(::testing::HasSubstr("process-secret-never-logged")));
    messages.insert(record.value("msg", ""));
    if (record.value("request_id", "") == "process-test-call") {
      EXPECT_EQ(record["method"], "CreateGroup");
      EXPECT_EQ(record["code"], "OK");
    }
  }
  for (const char* expected :
       {"listening", "ready: schema current, database answering", "rpc",
        "stopping", "draining: NOT_SERVING, still answering", "stopped"}) {
    EXPECT_TRUE(messages.count(expected) > 0) << "no line: " << expected;
  }
}

// In a cluster the database may come up after the server: the process
// starts anyway, answers health checks at once (alive, not ready) while
// the database cannot be reached, and becomes ready once it can.
TEST(ServerProcessTest, StartsWithoutItsDatabaseAndIsReadyOnceItIsUp) {
  std::unique_ptr<PrivateDatabase> db = PrivateDatabase::Start();
  ASSERT_NE(db, nullptr);
  // Its address, with nothing listening there.
  ASSERT_TRUE(db->Stop());
  std::unique_ptr<ServerProcess> server = ServerProcess::Start(db->dsn());
  ASSERT_NE(server, nullptr);
  // It does not wait for the database to listen...
  EXPECT_FALSE(
      server->AwaitLogMessage("listening", absl::Seconds(10)).is_null());
  // ...and answers although its start-up attempts fail.
  const nlohmann::json not_ready = server->AwaitLogMessage("not ready");
  ASSERT_FALSE(not_ready.is_null());
  EXPECT_EQ(not_ready["level"], "warning");
  // Readiness (""), the service names and scheduling_db_up all say
  // whether the database is there.
  auto expect_ready = [&server](bool ready) {
    const int want =
        ready ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING;
    for (const char* service : {"", "scheduling.v1.CalendarService",
                                "scheduling.v1.OneTimeLinkService"}) {
      EXPECT_EQ(server->HealthStatus(service), want) << "\"" << service << "\"";
    }
    EXPECT_EQ(Sample(ScrapeMetrics(server->metrics_port()), "scheduling_db_up"),
              ready ? 1 : 0);
  };
  EXPECT_EQ(server->HealthStatus("liveness"), HealthCheckResponse::SERVING);
  expect_ready(false);
  auto calendars = v1::CalendarService::NewStub(server->channel());
  v1::CreateGroupRequest create;
  create.set_parent("locations/" + UniqueLocation());
  create.mutable_group()->set_display_name("Before the database");
  v1::Group group;
  grpc::Status early = calendars->CreateGroup(Context().get(), create, &group);
  EXPECT_EQ(early.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(early.error_message(), ::testing::HasSubstr("starting"));

  ASSERT_TRUE(db->Restart());
  // Start-up retries back off to 5 s at most.
  ASSERT_TRUE(server->AwaitServing(absl::Seconds(30)));
  expect_ready(true);
  grpc::Status ready = calendars->CreateGroup(Context().get(), create, &group);
  EXPECT_TRUE(ready.ok()) << ready.error_message();
  // It migrated the empty database itself.
  EXPECT_EQ(QueryIntOn(db->dsn(), "SELECT COUNT(*) FROM calendar_groups"), 1);
  server->Signal(SIGTERM);
  EXPECT_EQ(server->WaitForExit(absl::Seconds(10)), 0);
}

}  // namespace
}  // namespace scheduling::testing
