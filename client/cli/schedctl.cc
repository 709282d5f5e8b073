// schedctl: the reference command-line client of the scheduling service.
//
// This file parses the command line, connects (TLS, API key) and runs the
// command that the command table names. The commands, their flags and
// their code are in one file per resource (see commands.h).
//
// Exit status: 0 on success, 1 when a call fails (or health is not SERVING,
// or the demo saw something unexpected), 2 on a usage mistake.

#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "client/cli/commands.h"
#include "client/cli/common_flags.h"
#include "client/cli/flag_check.h"
#include "client/cli/services.h"
#include "scheduling/client/connection.h"

ABSL_FLAG(std::string, server, "",
          "HOST:PORT of the service; default $SCHEDULING_SERVER, else "
          "127.0.0.1:50051");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(5), "deadline of each call");
ABSL_FLAG(bool, insecure, false,
          "plain text, no TLS (a server started with --insecure); default "
          "$SCHEDULING_INSECURE=true");
ABSL_FLAG(std::string, tls_ca, "",
          "PEM roots that verify the server; default $SCHEDULING_TLS_CA, "
          "else the system's");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM client certificate for mTLS; default $SCHEDULING_TLS_CERT");
ABSL_FLAG(std::string, tls_key, "",
          "PEM key of --tls_cert; default $SCHEDULING_TLS_KEY");
ABSL_FLAG(std::string, tls_server_name, "",
          "name to check in the server's certificate; default "
          "$SCHEDULING_TLS_SERVER_NAME, else the --server host");
ABSL_FLAG(std::string, api_key, "",
          "API key sent as `authorization: Bearer`; default "
          "$SCHEDULING_API_KEY (prefer the variable: flags show in ps)");

// Defined in link_commands.cc: CheckCommonFlags tells book from
// create-booking by it.
ABSL_DECLARE_FLAG(std::string, token);

namespace scheduling::cli {
namespace {

constexpr absl::string_view kDefaultServer = "127.0.0.1:50051";
constexpr absl::string_view kShortUsage =
    "usage: schedctl [--server=HOST:PORT] [--timeout=5s] <command> [flags]\n"
    "(schedctl --help lists the commands)\n";

// The command table: each resource's commands, in the order the usage text
// lists them.
constexpr absl::Span<const Command> (*const kCommandTable[])() = {
    ServiceCommands, CalendarCommands, GroupCommands,
    BookingCommands, LinkCommands,
};

std::string Usage() {
  std::string usage =
      "usage: schedctl [--server=HOST:PORT] [--timeout=5s] <command> [flags]\n";
  for (const auto commands : kCommandTable) {
    for (const Command& command : commands()) {
      if (!command.section.empty()) {
        absl::StrAppend(&usage, "\n", command.section, ":\n");
      }
      const std::string line =
          absl::StrFormat("  %-20s %s", command.name, command.synopsis);
      absl::StrAppend(&usage, absl::StripTrailingAsciiWhitespace(line), "\n");
    }
  }
  absl::StrAppend(
      &usage, "\n", kSettingsSynopsis, kLinkOptionsSynopsis,
      "\nThe server defaults to $SCHEDULING_SERVER, else ", kDefaultServer,
      ".\n"
      "Connection: TLS by default, verified with --tls_ca ($SCHEDULING_TLS_CA,"
      " else the\n"
      "system's roots) and --tls_server_name; --tls_cert/--tls_key "
      "($SCHEDULING_TLS_CERT,\n"
      "$SCHEDULING_TLS_KEY) for mTLS; --api_key ($SCHEDULING_API_KEY, "
      "preferred: flags\n"
      "show in ps); --insecure ($SCHEDULING_INSECURE=true) for a plain-text "
      "server.\n"
      "Names are resource names (locations/L/calendars/C, "
      "locations/L/groups/G,\n"
      "locations/L/calendars/C/bookings/B); --location and --group also take "
      "a bare id.\n"
      "Times are RFC 3339 (2026-12-01T09:00:00Z), durations like 30m or "
      "48h.\n"
      "Hours: \"mon-fri 09:00-17:00; sat 10:00-12:00,13:00-15:00\" "
      "(24:00 may end a day).\n"
      "Overrides: \"2026-12-24=09:00-12:00; 2026-12-25=closed\".\n"
      "Types (--type): event, round_robin, collective, class_booking, "
      "service.\n"
      "update-calendar and update-group change exactly the fields whose flags "
      "are given\n"
      "(--hours= closes every day, --members= clears the team); --etag "
      "refuses a change\n"
      "over someone else's.\n"
      "--filter: conditions joined by AND, each one of display_name:\"text\",\n"
      "group = \"locations/L/groups/G\" (\"\" for none), calendar_type = "
      "ROUND_ROBIN,\n"
      "status = ACTIVE. --order_by: create_time, display_name or "
      "update_time, each\n"
      "optionally followed by \" desc\".\n"
      "book books through a one-time link (--token); create-booking books a "
      "calendar\n"
      "directly, as its permanent scheduling link does.\n"
      "Link options: one expiry at most (--expire_in counts from now here, "
      "--ttl from\n"
      "creation on the server, --expire_in=0 never expires; default "
      "--expire_in=48h);\n"
      "--contact_id and the --invitee_* flags name whom the link is for "
      "(prefilled on\n"
      "resolve; --enforce_invitee books only for --invitee_email); "
      "--metadata is\n"
      "key=value pairs, comma-separated and/or repeated (keys a-z 0-9 _ - ., "
      "values\n"
      "without commas); the dates and --link_duration narrow the calendar's "
      "own;\n"
      "--return_use_on_cancel gives a link's use back when a booking made "
      "through it\n"
      "is cancelled. create-booking and book print the booking's manage "
      "token, which\n"
      "the *-booking-by-token commands take in place of its name.\n"
      "--request_id makes creating a link safe to retry; batch-create-links "
      "gives link i\n"
      "the key R-i and creates all links or none.\n"
      "--state (list-links): active, used, expired or revoked. Events: "
      "CREATED, USED,\n"
      "REVOKED, oldest first; pass a cursor back to continue after it. "
      "watch-events\n"
      "prints one line per event as it happens until --for has passed (0: "
      "until Ctrl-C),\n"
      "then the cursor to resume from.\n");
  return usage;
}

const Command* FindCommand(absl::string_view name) {
  for (const auto commands : kCommandTable) {
    for (const Command& command : commands()) {
      if (command.name == name) return &command;
    }
  }
  return nullptr;
}

std::string ServerAddress() {
  std::string server = absl::GetFlag(FLAGS_server);
  if (!server.empty()) return server;
  const char* from_env = std::getenv("SCHEDULING_SERVER");
  return from_env != nullptr && *from_env != '\0' ? from_env
                                                  : std::string(kDefaultServer);
}

// absl's own --help lists flags, not commands, and exits with status 1.
bool WantsHelp(int argc, char* argv[]) {
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--") return false;
    if (arg == "--help" || arg == "-help" || arg == "-h") return true;
  }
  return argc == 2 && absl::string_view(argv[1]) == "help";
}

// Checks what applies to every command before anything is called.
std::string CheckCommonFlags(const Command& command) {
  // The two ways to book are easy to mix up.
  if (command.name == "book" && absl::GetFlag(FLAGS_token).empty() &&
      !absl::GetFlag(FLAGS_calendar).empty()) {
    return "book takes a one-time link's --token; book a calendar with "
           "create-booking --calendar=...";
  }
  if (command.name == "create-booking" &&
      absl::GetFlag(FLAGS_calendar).empty() &&
      !absl::GetFlag(FLAGS_token).empty()) {
    return "create-booking takes --calendar; book through a one-time link "
           "with book --token=...";
  }
  for (absl::string_view flag :
       absl::StrSplit(command.required_flags, ' ', absl::SkipEmpty())) {
    if (absl::FindCommandLineFlag(flag)->CurrentValue().empty()) {
      return absl::StrCat("--", flag, " is required");
    }
  }
  if (absl::GetFlag(FLAGS_timeout) <= absl::ZeroDuration()) {
    return "--timeout must be positive";
  }
  const std::string zone_name = absl::GetFlag(FLAGS_time_zone);
  absl::TimeZone zone;
  if (!zone_name.empty() && !absl::LoadTimeZone(zone_name, &zone)) {
    return absl::StrCat("--time_zone \"", zone_name,
                        "\" is not an IANA time zone");
  }
  return "";
}

int Main(int argc, char* argv[]) {
  const std::string usage = Usage();
  absl::SetProgramUsageMessage(usage);
  // --helpshort lists the flags of every file here, not just this one's:
  // the commands' flags are defined next to their code.
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_helpshort_flags = [](absl::string_view file) {
    return absl::StrContains(file, "client/cli/");
  };
  absl::SetFlagsUsageConfig(usage_config);
  if (WantsHelp(argc, argv)) {
    std::cout << usage;
    return 0;
  }
  std::set<std::string> named;
  std::map<std::string, std::vector<std::string>> values;
  if (const std::string error = CheckFlagArguments(argc, argv, &named, &values);
      !error.empty()) {
    std::cerr << "schedctl: " << error << "\n" << kShortUsage;
    return kUsageError;
  }
  const std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() < 2) {
    std::cerr << "schedctl: no command\n" << usage;
    return kUsageError;
  }
  const Command* command = FindCommand(args[1]);
  if (command == nullptr) {
    std::cerr << "schedctl: unknown command \"" << args[1] << "\"\n" << usage;
    return kUsageError;
  }

  client::ConnectionOptions connection;
  connection.target = ServerAddress();
  connection.insecure = absl::GetFlag(FLAGS_insecure);
  connection.tls_ca_file = absl::GetFlag(FLAGS_tls_ca);
  connection.tls_cert_file = absl::GetFlag(FLAGS_tls_cert);
  connection.tls_key_file = absl::GetFlag(FLAGS_tls_key);
  connection.tls_server_name = absl::GetFlag(FLAGS_tls_server_name);
  connection.api_key = absl::GetFlag(FLAGS_api_key);
  connection.ApplyEnvironment();
  absl::StatusOr<Services> services =
      Services::Connect(connection, absl::GetFlag(FLAGS_timeout));
  if (!services.ok()) {
    std::cerr << "schedctl: " << services.status().message() << "\n";
    return kUsageError;
  }
  const Invocation call{*command, *services, named, values};
  if (args.size() > 2) {
    return call.UsageError(
        absl::StrCat("unexpected argument \"", args[2], "\""));
  }
  if (const std::string error = CheckCommonFlags(*command); !error.empty()) {
    return call.UsageError(error);
  }
  return command->run(call);
}

}  // namespace
}  // namespace scheduling::cli

int main(int argc, char* argv[]) { return scheduling::cli::Main(argc, argv); }
