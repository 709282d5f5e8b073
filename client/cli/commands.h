// schedctl's commands: the type of its command table, what a command's code
// gets when it runs, and each resource's part of the table. A resource's
// commands, their flags and their code are in its own file:
//
//   service_commands.cc   health, demo (demo.cc)
//   calendar_commands.cc  calendars, and share (share.cc)
//   group_commands.cc     groups
//   booking_commands.cc   free slots and bookings
//   link_commands.cc      one-time links, their uses and events
//
// Flags more than one resource uses are in common_flags.h, helpers more than
// one uses in command_helpers.h. schedctl.cc parses the command line,
// connects and runs the command the table names.
//
// Thread-compatible: commands read flags and print, from one thread.
#ifndef SCHEDULING_CLIENT_CLI_COMMANDS_H_
#define SCHEDULING_CLIENT_CLI_COMMANDS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "client/cli/services.h"
#include "grpcpp/support/status.h"

namespace scheduling::cli {

// schedctl's exit statuses besides 0.
inline constexpr int kCallFailed = 1;
inline constexpr int kUsageError = 2;

// What [SETTINGS] stands for in the calendar commands' synopses.
inline constexpr absl::string_view kSettingsSynopsis =
    "SETTINGS: [--members=a,b] [--allowed_durations=30m,60m] "
    "[--slot_interval=15m]\n"
    "          [--buffer_before=10m] [--buffer_after=10m] "
    "[--minimum_notice=2h]\n"
    "          [--horizon_days=30] [--max_per_day=8] [--seats=10] "
    "[--overrides=O]\n";
// What [LINK OPTIONS] stands for in the link commands' synopses.
inline constexpr absl::string_view kLinkOptionsSynopsis =
    "LINK OPTIONS: [--expire_in=48h | --ttl=48h | --expire_time=RFC3339] "
    "[--max_uses=1]\n"
    "          [--contact_id=C] [--invitee_name=N] [--invitee_email=E] "
    "[--invitee_phone=+E164]\n"
    "          [--enforce_invitee] [--metadata=k=v,k2=v2 ...] "
    "[--earliest_date=YYYY-MM-DD]\n"
    "          [--latest_date=YYYY-MM-DD] [--link_duration=45m] "
    "[--request_id=R]\n";

struct Command;

// One run of a command: where its results and mistakes go.
struct Invocation {
  // Prints `message` and the command's usage; returns the exit status.
  int UsageError(absl::string_view message) const;
  // Prints the failed call; returns the exit status.
  int CallFailed(const grpc::Status& status) const;
  // Whether the command line sets `flag` (even to its default), or it
  // differs from its default.
  bool Given(absl::string_view flag) const;

  const Command& command;
  const Services& services;
  // The flags named on the command line.
  const std::set<std::string>& named;
  // Every value each flag is given on the command line, in order.
  const std::map<std::string, std::vector<std::string>>& values;
};

// One row of the command table. The tables are constexpr: a synopsis kept
// in a constant of its own must be an absl::string_view constant (see
// kShareSynopsis in share.h), not a char array.
struct Command {
  absl::string_view name;
  // Flags after the name, as the usage text shows them.
  absl::string_view synopsis;
  // Flags that must not be empty, separated by spaces.
  absl::string_view required_flags;
  int (*run)(const Invocation& call);
  // Heading printed above the command in the usage text, if it starts a
  // section.
  absl::string_view section = "";
};

// The usage line of `command`, followed by what the abbreviations in its
// synopsis stand for.
std::string CommandUsage(const Command& command);

// Each resource's commands, in the order the usage text lists them.
absl::Span<const Command> ServiceCommands();
absl::Span<const Command> CalendarCommands();
absl::Span<const Command> GroupCommands();
absl::Span<const Command> BookingCommands();
absl::Span<const Command> LinkCommands();

}  // namespace scheduling::cli

#endif  // SCHEDULING_CLIENT_CLI_COMMANDS_H_
