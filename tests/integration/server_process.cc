#include "tests/integration/server_process.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/integration/private_database.h"
#include "tests/integration/test_server.h"

namespace scheduling::testing {

int FreePort() {
  std::string port;
  RunCommand(absl::StrCat("bash '", SCHEDULING_SOURCE_DIR,
                          "/scripts/private-db.sh' free-port"),
             &port);
  int value = 0;
  EXPECT_TRUE(absl::SimpleAtoi(port.substr(0, port.find('\n')), &value))
      << port;
  return value;
}

std::unique_ptr<ServerProcess> ServerProcess::Start(
    const std::string& dsn, const std::vector<std::string>& extra_env) {
  static int started = 0;
  std::unique_ptr<ServerProcess> server(new ServerProcess());
  server->port_ = FreePort();
  server->metrics_port_ = FreePort();
  server->log_path_ = absl::StrCat(::testing::TempDir(), "server-", getpid(),
                                   "-", ++started, ".log");
  std::vector<std::string> env = {
      absl::StrCat("SCHEDULING_DSN=", dsn),
      absl::StrCat("SCHEDULING_LISTEN=127.0.0.1:", server->port_),
      absl::StrCat("SCHEDULING_METRICS_LISTEN=127.0.0.1:",
                   server->metrics_port_),
      "SCHEDULING_LOG_FORMAT=json",
      "SCHEDULING_INSECURE=true",
      absl::StrCat("SCHEDULING_ACCESS_POLICY=", TestPolicyPath()),
      "SCHEDULING_TOKEN_SECRET=process-secret-never-logged-5d2",
      "PATH=/usr/bin:/bin",
  };
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> envp;
  for (std::string& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::string binary = SCHEDULING_SERVER_BINARY;
  std::vector<char*> argv = {binary.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO,
                                   server->log_path_.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  const int spawned = posix_spawn(&server->pid_, binary.c_str(), &actions,
                                  nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    ADD_FAILURE() << "cannot start " << binary;
    return nullptr;
  }
  server->channel_ =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", server->port_),
                          grpc::InsecureChannelCredentials());
  return server;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0 && !exited_) {
    kill(pid_, SIGKILL);
    WaitForExit(absl::Seconds(10));
  }
  std::remove(log_path_.c_str());
}

int ServerProcess::HealthStatus(const std::string& service) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  context.set_wait_for_ready(true);
  if (!health->Check(&context, request, &response).ok()) {
    return grpc::health::v1::HealthCheckResponse::UNKNOWN;
  }
  return response.status();
}

bool ServerProcess::AwaitServing(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (HealthStatus("") == grpc::health::v1::HealthCheckResponse::SERVING) {
      return true;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return false;
}

std::vector<nlohmann::json> ServerProcess::LogRecords() const {
  std::vector<nlohmann::json> records;
  std::ifstream log(log_path_);
  const std::string text((std::istreambuf_iterator<char>(log)),
                         std::istreambuf_iterator<char>());
  // Whole lines only: the server may be writing the last one.
  for (absl::string_view line : absl::StrSplit(
           text.substr(0, text.rfind('\n') + 1), '\n', absl::SkipEmpty())) {
    nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
    EXPECT_FALSE(record.is_discarded()) << "not JSON: " << line;
    if (!record.is_discarded()) records.push_back(std::move(record));
  }
  return records;
}

nlohmann::json ServerProcess::AwaitLogMessage(const std::string& msg,
                                              absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  do {
    for (nlohmann::json& record : LogRecords()) {
      if (record.value("msg", "") == msg) return std::move(record);
    }
    absl::SleepFor(absl::Milliseconds(20));
  } while (absl::Now() < deadline);
  return nullptr;
}

void ServerProcess::Signal(int signal) { kill(pid_, signal); }

int ServerProcess::WaitForExit(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return -1;
}

int ServerProcess::ProcStatus(const char* field) const {
  std::ifstream status(absl::StrCat("/proc/", pid_, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) {
      int value = 0;
      std::string number;
      for (char c : line.substr(std::string(field).size())) {
        if (c >= '0' && c <= '9') number.push_back(c);
      }
      if (absl::SimpleAtoi(number, &value)) return value;
    }
  }
  return -1;
}

int ServerProcess::Threads() const { return ProcStatus("Threads:"); }

int ServerProcess::ThreadsNamed(const std::string& prefix) const {
  int count = 0;
  const std::string tasks = absl::StrCat("/proc/", pid_, "/task");
  if (DIR* dir = opendir(tasks.c_str())) {
    while (dirent* entry = readdir(dir)) {
      if (entry->d_name[0] == '.') continue;
      std::ifstream comm(absl::StrCat(tasks, "/", entry->d_name, "/comm"));
      std::string name;
      std::getline(comm, name);
      if (name.rfind(prefix, 0) == 0) ++count;
    }
    closedir(dir);
  }
  return count;
}

int64_t ServerProcess::ResidentKb() const { return ProcStatus("VmRSS:"); }

}  // namespace scheduling::testing
