// The built scheduling_server binary run as a process of its own, the way
// a cluster runs it: configured from the environment, plain text on a free
// port of 127.0.0.1 with the test access policy, JSON logs into a file.
// For tests that signal, kill and restart a real server.
//
// Thread-safety: not thread-safe; one test drives it.
#ifndef SCHEDULING_TESTS_INTEGRATION_SERVER_PROCESS_H_
#define SCHEDULING_TESTS_INTEGRATION_SERVER_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "nlohmann/json.hpp"

namespace scheduling::testing {

class ServerProcess {
 public:
  // Starts the server on `dsn` with `extra_env` ("NAME=value") added;
  // null (with a gtest failure) if it cannot.
  static std::unique_ptr<ServerProcess> Start(
      const std::string& dsn, const std::vector<std::string>& extra_env = {});
  ~ServerProcess();  // kills it if still running

  // Waits up to `timeout` until health "" reports SERVING.
  bool AwaitServing(absl::Duration timeout = absl::Seconds(30));
  // Health status of `service` now (UNKNOWN if it does not answer).
  int HealthStatus(const std::string& service);

  // The lines of its log so far, each parsed as JSON (a gtest failure for
  // a line that is not).
  std::vector<nlohmann::json> LogRecords() const;
  // Waits up to `timeout` until a log line with message `msg` appears; the
  // first such line, or null.
  nlohmann::json AwaitLogMessage(const std::string& msg,
                                 absl::Duration timeout = absl::Seconds(30));

  void Signal(int signal);
  // Waits for the process to exit; its exit status, or -1 (killed by a
  // signal, or still running after `timeout`).
  int WaitForExit(absl::Duration timeout);

  // Threads and resident memory now, from /proc; threads whose name starts
  // with `prefix` ("grpcpp_sync_ser": those serving calls).
  int Threads() const;
  int ThreadsNamed(const std::string& prefix) const;
  int64_t ResidentKb() const;

  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  int port() const { return port_; }
  int metrics_port() const { return metrics_port_; }
  const std::string& log_path() const { return log_path_; }

 private:
  ServerProcess() = default;
  int ProcStatus(const char* field) const;

  pid_t pid_ = 0;
  bool exited_ = false;
  int port_ = 0;
  int metrics_port_ = 0;
  std::string log_path_;
  std::shared_ptr<grpc::Channel> channel_;
};

// A free TCP port on 127.0.0.1.
int FreePort();

}  // namespace scheduling::testing

#endif  // SCHEDULING_TESTS_INTEGRATION_SERVER_PROCESS_H_
