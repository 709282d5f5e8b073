#include "client/cli/commands.h"

#include <iostream>
#include <string>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "scheduling/client/error_details.h"

namespace scheduling::cli {

std::string CommandUsage(const Command& command) {
  std::string usage = absl::StrCat(
      "usage: schedctl [--server=HOST:PORT] [--timeout=5s] ", command.name,
      command.synopsis.empty() ? "" : " ", command.synopsis, "\n");
  if (absl::StrContains(command.synopsis, "[SETTINGS]")) {
    absl::StrAppend(&usage, kSettingsSynopsis);
  }
  if (absl::StrContains(command.synopsis, "[LINK OPTIONS]")) {
    absl::StrAppend(&usage, kLinkOptionsSynopsis);
  }
  return usage;
}

int Invocation::UsageError(absl::string_view message) const {
  std::cerr << "schedctl " << command.name << ": " << message << "\n"
            << CommandUsage(command);
  return kUsageError;
}

int Invocation::CallFailed(const grpc::Status& status) const {
  std::cerr << "schedctl " << command.name << ": "
            << scheduling::client::DescribeStatus(status) << "\n";
  return kCallFailed;
}

bool Invocation::Given(absl::string_view flag) const {
  if (named.count(std::string(flag)) > 0) return true;
  const absl::CommandLineFlag* reflection = absl::FindCommandLineFlag(flag);
  return reflection != nullptr &&
         reflection->CurrentValue() != reflection->DefaultValue();
}

}  // namespace scheduling::cli
