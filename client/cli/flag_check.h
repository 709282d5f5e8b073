// Checks command-line flags before absl::ParseCommandLine sees them.
//
// absl::ParseCommandLine exits with status 1 on an unknown flag or a value
// that does not parse, the status schedctl keeps for failed calls. Checking
// first lets schedctl report such mistakes as usage errors (status 2).
//
// Not thread-safe: sets flags, as parsing them does.
#ifndef SCHEDULING_CLIENT_CLI_FLAG_CHECK_H_
#define SCHEDULING_CLIENT_CLI_FLAG_CHECK_H_

#include <map>
#include <set>
#include <string>
#include <vector>

namespace scheduling::cli {

// Returns a description of the first flag in argv[1..argc) that is unknown,
// lacks a value or has a value its type rejects, or "" if there is none.
// Checking stops at "--" (positional arguments follow) and at absl's own
// flags (--flagfile, --helpfull, ...), which absl handles.
//
// If `named` is not null, adds to it the name of every flag checked (a
// false boolean --nofoo as "foo"), whatever its value: the flags the command
// line sets explicitly, up to where checking stopped.
//
// If `values` is not null, appends to it every value each flag checked is
// given, in order (absl keeps only the last, so this is how a flag can be
// repeated, e.g. --metadata=a=1 --metadata=b=2).
std::string CheckFlagArguments(
    int argc, char* argv[], std::set<std::string>* named = nullptr,
    std::map<std::string, std::vector<std::string>>* values = nullptr);

}  // namespace scheduling::cli

#endif  // SCHEDULING_CLIENT_CLI_FLAG_CHECK_H_
