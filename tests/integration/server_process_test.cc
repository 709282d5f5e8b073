// The real scheduling_server binary as a process, the way a cluster runs
// it: configured from the environment, JSON logs on stderr, SIGTERM
// answered with NOT_SERVING, a drain, and exit status 0.
#include "tests/integration/server_process.h"

#include <signal.h>

#include <cstdlib>
#include <fstream>
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

  std::ifstream log(server->log_path());
  std::string line;
  std::set<std::string> messages;
  while (std::getline(log, line)) {
    EXPECT_THAT(line, ::testing::Not(
                          ::testing::HasSubstr("process-secret-never-logged")));
    nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(record.is_discarded()) << "not JSON: " << line;
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

}  // namespace
}  // namespace scheduling::testing
