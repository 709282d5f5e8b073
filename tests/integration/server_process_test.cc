// The real scheduling_server binary as a process, the way a cluster runs
// it: configured from the environment, JSON logs on stderr, SIGTERM
// answered with NOT_SERVING, a drain, and exit status 0.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

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
#include "tests/integration/private_database.h"
#include "tests/integration/test_server.h"

extern char** environ;

namespace scheduling::testing {
namespace {

using grpc::health::v1::HealthCheckResponse;

std::string FreePort() {
  std::string port;
  RunCommand(absl::StrCat("bash '", SCHEDULING_SOURCE_DIR,
                          "/scripts/private-db.sh' free-port"),
             &port);
  while (!port.empty() && (port.back() == '\n')) port.pop_back();
  return port;
}

// Waits for `pid` to exit within `timeout`; its exit status, or -1.
int WaitForExit(pid_t pid, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return -1;
}

TEST(ServerProcessTest, SigtermReportsNotServingDrainsAndExitsZero) {
  const std::string port = FreePort();
  const std::string metrics_port = FreePort();
  const std::string log_path =
      absl::StrCat(::testing::TempDir(), "server-", getpid(), ".log");
  std::vector<std::string> env = {
      absl::StrCat("SCHEDULING_DSN=", std::getenv("SCHEDULING_TEST_DSN")),
      absl::StrCat("SCHEDULING_LISTEN=127.0.0.1:", port),
      absl::StrCat("SCHEDULING_METRICS_LISTEN=127.0.0.1:", metrics_port),
      "SCHEDULING_LOG_FORMAT=json",
      "SCHEDULING_INSECURE=true",
      absl::StrCat("SCHEDULING_ACCESS_POLICY=", TestPolicyPath()),
      "SCHEDULING_SHUTDOWN_DELAY=1s",
      "SCHEDULING_GRACE_PERIOD=5s",
      "SCHEDULING_TOKEN_SECRET=process-secret-never-logged-5d2",
      "PATH=/usr/bin:/bin",
  };
  std::vector<char*> envp;
  for (std::string& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::string binary = SCHEDULING_SERVER_BINARY;
  std::vector<char*> argv = {binary.data(), nullptr};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(),
                        envp.data()),
            0);
  posix_spawn_file_actions_destroy(&actions);

  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                     grpc::InsecureChannelCredentials());
  auto health = grpc::health::v1::Health::NewStub(channel);
  auto status_of = [&](const std::string& service) {
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    auto context = Context(absl::Seconds(2));
    context->set_wait_for_ready(true);
    if (!health->Check(context.get(), request, &response).ok()) {
      return HealthCheckResponse::UNKNOWN;
    }
    return response.status();
  };
  auto await = [&](HealthCheckResponse::ServingStatus want) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline) {
      if (status_of("") == want) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return false;
  };
  ASSERT_TRUE(await(HealthCheckResponse::SERVING));
  EXPECT_EQ(status_of("liveness"), HealthCheckResponse::SERVING);
  EXPECT_EQ(Sample(ScrapeMetrics(std::stoi(metrics_port)), "scheduling_db_up"),
            1);

  auto calendars = v1::CalendarService::NewStub(channel);
  v1::CreateGroupRequest create;
  create.set_parent("locations/" + UniqueLocation());
  create.mutable_group()->set_display_name("Process");
  v1::Group group;
  auto call = Context();
  call->AddMetadata("x-request-id", "process-test-call");
  ASSERT_TRUE(calendars->CreateGroup(call.get(), create, &group).ok());

  const absl::Time term = absl::Now();
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  EXPECT_TRUE(await(HealthCheckResponse::NOT_SERVING));
  EXPECT_LT(absl::Now() - term, absl::Seconds(1));
  EXPECT_EQ(status_of("liveness"), HealthCheckResponse::SERVING);
  EXPECT_EQ(WaitForExit(pid, absl::Seconds(10)), 0);
  EXPECT_GE(absl::Now() - term, absl::Seconds(1));

  std::ifstream log(log_path);
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
  std::remove(log_path.c_str());
}

}  // namespace
}  // namespace scheduling::testing
