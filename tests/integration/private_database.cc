#include "tests/integration/private_database.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace scheduling::testing {
namespace {

std::string Script() {
  return absl::StrCat("bash '", SCHEDULING_SOURCE_DIR,
                      "/scripts/private-db.sh'");
}

std::string LastLine(const std::string& text) {
  std::string trimmed(absl::StripTrailingAsciiWhitespace(text));
  const size_t newline = trimmed.rfind('\n');
  return newline == std::string::npos ? trimmed : trimmed.substr(newline + 1);
}

}  // namespace

int RunCommand(const std::string& command, std::string* out) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  std::array<char, 4096> buffer;
  std::string output;
  size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    output.append(buffer.data(), n);
  }
  const int status = pclose(pipe);
  if (out != nullptr) *out = std::move(output);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::unique_ptr<PrivateDatabase> PrivateDatabase::Start() {
  std::unique_ptr<PrivateDatabase> db(new PrivateDatabase());
  std::string dir;
  // A short path: a Unix socket path is limited to about 100 bytes.
  if (RunCommand("mktemp -d /tmp/sdb.XXXXXX", &dir) != 0) {
    ADD_FAILURE() << "mktemp failed";
    return nullptr;
  }
  db->dir_ = LastLine(dir);
  std::string port;
  if (RunCommand(Script() + " free-port", &port) != 0) {
    ADD_FAILURE() << "no free port";
    return nullptr;
  }
  db->port_ = LastLine(port);
  if (!db->Restart()) return nullptr;
  return db;
}

bool PrivateDatabase::Restart() {
  std::string out;
  const int rc = RunCommand(
      absl::StrCat(Script(), " start ", dir_, " ", port_, " 2>&1"), &out);
  if (rc != 0) {
    ADD_FAILURE() << "private-db.sh start failed:\n" << out;
    return false;
  }
  dsn_ = LastLine(out);
  return true;
}

bool PrivateDatabase::Stop() {
  std::string out;
  const int rc =
      RunCommand(absl::StrCat(Script(), " stop ", dir_, " 2>&1"), &out);
  if (rc != 0) ADD_FAILURE() << "private-db.sh stop failed:\n" << out;
  return rc == 0;
}

PrivateDatabase::~PrivateDatabase() {
  Stop();
  RunCommand(absl::StrCat("rm -rf '", dir_, "'"));
}

}  // namespace scheduling::testing
