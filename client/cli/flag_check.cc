#include "client/cli/flag_check.h"

#include <utility>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"

namespace scheduling::cli {
namespace {

// Flags absl's parser handles itself: it reads the generator flags
// (--flagfile, ...) while parsing, and knows the usage flags (--helpfull,
// ...) by name only, so they are not in the flag registry.
bool IsAbslOwnFlag(absl::string_view name) {
  return name == "flagfile" || name == "fromenv" || name == "tryfromenv" ||
         name == "undefok" || absl::StartsWith(name, "help") ||
         name == "version" || name == "only_check_args";
}

}  // namespace

std::string CheckFlagArguments(
    int argc, char* argv[], std::set<std::string>* named,
    std::map<std::string, std::vector<std::string>>* values) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-') continue;
    arg.remove_prefix(arg[1] == '-' ? 2 : 1);
    const bool has_value = absl::StrContains(arg, '=');
    const std::pair<absl::string_view, absl::string_view> name_value =
        absl::StrSplit(arg, absl::MaxSplits('=', 1));
    const absl::string_view name = name_value.first;

    // What such a flag does to the arguments after it is absl's business.
    if (IsAbslOwnFlag(name)) return "";

    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr) {
      // absl spells a false boolean --nofoo.
      absl::string_view positive = name;
      if (!has_value && absl::ConsumePrefix(&positive, "no")) {
        absl::CommandLineFlag* negated = absl::FindCommandLineFlag(positive);
        if (negated != nullptr && negated->IsOfType<bool>()) {
          if (named != nullptr) named->emplace(positive);
          continue;
        }
      }
      return absl::StrCat("unknown flag --", name);
    }

    if (named != nullptr) named->emplace(name);
    absl::string_view value = name_value.second;
    if (!has_value) {
      if (flag->IsOfType<bool>()) continue;
      if (i + 1 == argc) return absl::StrCat("flag --", name, " needs a value");
      value = argv[++i];
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      // absl's message does not say what a duration looks like.
      return absl::StrCat("bad value for --", name, ": ", error,
                          flag->IsOfType<absl::Duration>()
                              ? " (durations look like 30m, 48h or 1h30m)"
                              : "");
    }
    if (values != nullptr) (*values)[std::string(name)].emplace_back(value);
  }
  return "";
}

}  // namespace scheduling::cli
