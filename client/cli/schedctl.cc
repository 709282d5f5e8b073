// schedctl: the reference command-line client of the scheduling service.
//
// Exit status: 0 on success, 1 when a call fails (or health is not SERVING,
// or the demo saw something unexpected), 2 on a usage mistake.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "client/cli/date_overrides.h"
#include "client/cli/demo.h"
#include "client/cli/flag_check.h"
#include "client/cli/output.h"
#include "client/cli/proto_time.h"
#include "client/cli/services.h"
#include "client/cli/share.h"
#include "client/cli/weekly_hours.h"
#include "google/protobuf/empty.pb.h"
#include "scheduling/client/error_details.h"

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
ABSL_FLAG(std::string, location, "",
          "location (tenant): an id or locations/{location}");
ABSL_FLAG(std::string, name, "",
          "resource name of a calendar, group, booking or one-time link");
ABSL_FLAG(std::string, calendar, "", "resource name of a calendar");
ABSL_FLAG(std::string, slug, "", "URL slug of a calendar");
ABSL_FLAG(std::string, display_name, "", "name invitees see");
ABSL_FLAG(absl::Duration, duration, absl::Minutes(30),
          "length of one booking; for free-slots and create-booking of a "
          "SERVICE calendar, the chosen one of its allowed durations");
ABSL_FLAG(std::string, time_zone, "",
          "IANA zone: a new calendar's, or the one to show times in");
ABSL_FLAG(std::string, hours, "",
          "weekly open hours, e.g. \"mon-fri 09:00-17:00; sat 10:00-12:00\"");
ABSL_FLAG(std::string, calendar_id, "",
          "id of a new calendar; generated if empty");
ABSL_FLAG(int, page_size, 0, "most items per page; 0 for the default");
ABSL_FLAG(std::string, page_token, "", "next_page_token of the previous page");
ABSL_FLAG(std::string, from, "",
          "RFC 3339 start of the range: of slots (now if empty), or of "
          "bookings (those ending after it; no bound if empty)");
ABSL_FLAG(std::string, to, "",
          "RFC 3339 end of the booking range (those starting before it); no "
          "bound if empty");
ABSL_FLAG(int, days, 7, "length of the slot range in days, 1 to 31");
ABSL_FLAG(absl::Duration, expire_in, absl::Hours(48),
          "lifetime of a new link, from now on this machine's clock; 0 for no "
          "expiry. Used unless --ttl or --expire_time is given");
ABSL_FLAG(absl::Duration, ttl, absl::ZeroDuration(),
          "a new link expires this long after the server creates it, 1m to "
          "8760h (365 days)");
ABSL_FLAG(std::string, expire_time, "",
          "RFC 3339 instant a new link expires at; must be in the future");
ABSL_FLAG(int, max_uses, 0,
          "how many bookings a new link allows, 1 to 1000; 0 for 1");
ABSL_FLAG(std::string, contact_id, "",
          "the caller's id of the contact a new link is for (e.g. the CRM's), "
          "at most 128 bytes; list-links: only that contact's links");
ABSL_FLAG(std::string, invitee_phone, "",
          "phone of whom a new link is for, E.164 like +14155550100");
ABSL_FLAG(bool, enforce_invitee, false,
          "a new link books only for its --invitee_email");
ABSL_FLAG(std::string, metadata, "",
          "a new link's metadata, returned on its bookings and events: "
          "\"key=value,key2=value2\"; may be repeated");
ABSL_FLAG(std::string, earliest_date, "",
          "first local date (YYYY-MM-DD, the calendar's zone) a new link can "
          "book");
ABSL_FLAG(std::string, latest_date, "",
          "last local date (YYYY-MM-DD) a new link can book; within the "
          "calendar's booking horizon");
ABSL_FLAG(absl::Duration, link_duration, absl::ZeroDuration(),
          "booking length through a new link, one of those its calendar "
          "allows; 0 for the calendar's");
ABSL_FLAG(int, count, 0, "batch-create-links: how many links, 1 to 1000");
ABSL_FLAG(std::string, contacts_file, "",
          "batch-create-links: a file with one contact id per line (- for "
          "stdin; blank lines and # comments skipped): one link for each");
ABSL_FLAG(std::string, state, "",
          "list-links: only links in this state: active, used, expired or "
          "revoked");
ABSL_FLAG(std::string, cursor, "",
          "events after this cursor (a next_cursor or an event's cursor); "
          "empty for all from the first");
ABSL_FLAG(absl::Duration, for, absl::ZeroDuration(),
          "watch-events: stop after this long; 0 to watch until Ctrl-C");
ABSL_FLAG(std::string, caller, "",
          "book: who is calling (a service's name), sent as the "
          "x-scheduling-caller header and recorded with the use");
ABSL_FLAG(std::string, token, "", "token of a one-time link, from its URL");
ABSL_FLAG(std::string, start, "",
          "RFC 3339 start of the slot to book or to reschedule to");
ABSL_FLAG(std::string, invitee_name, "",
          "name of who books; for a new link, of whom it is for");
ABSL_FLAG(std::string, invitee_email, "",
          "e-mail of who books; for a new link, of whom it is for");
ABSL_FLAG(std::string, request_id, "",
          "idempotency key of a booking or link: a retry with it returns what "
          "the first call created; 1 to 63 of A-Z a-z 0-9 - _ (a batch gives "
          "link i the key R-i)");
ABSL_FLAG(bool, show_cancelled, false, "also list cancelled bookings");
ABSL_FLAG(std::string, reason, "", "why a booking is cancelled");
ABSL_FLAG(std::string, type, "",
          "type of a new calendar: event (default), round_robin, collective, "
          "class_booking or service");
ABSL_FLAG(std::string, members, "",
          "team member ids, comma-separated, e.g. \"alice,bob\"");
ABSL_FLAG(std::string, allowed_durations, "",
          "SERVICE: the durations an invitee may choose, e.g. \"30m,60m\"");
ABSL_FLAG(absl::Duration, slot_interval, absl::ZeroDuration(),
          "time between slot starts; 0 for the duration");
ABSL_FLAG(absl::Duration, buffer_before, absl::ZeroDuration(),
          "time kept free before each booking");
ABSL_FLAG(absl::Duration, buffer_after, absl::ZeroDuration(),
          "time kept free after each booking");
ABSL_FLAG(absl::Duration, minimum_notice, absl::ZeroDuration(),
          "how long before its start a slot can still be booked");
ABSL_FLAG(int, horizon_days, 0,
          "how many days ahead bookings open; 0 for no limit");
ABSL_FLAG(int, max_per_day, 0, "most bookings per day; 0 for no limit");
ABSL_FLAG(int, seats, 0, "CLASS_BOOKING: seats per slot; 0 for 1");
ABSL_FLAG(std::string, overrides, "",
          "date overrides, e.g. \"2026-12-24=09:00-12:00; 2026-12-25=closed\"");
ABSL_FLAG(std::string, group, "",
          "a group: its resource name, or its id in the location at hand");
ABSL_FLAG(std::string, group_id, "", "id of a new group; generated if empty");
ABSL_FLAG(std::string, description, "", "description of a group");
ABSL_FLAG(bool, force, false,
          "delete a group even if it holds calendars (they become ungrouped)");
ABSL_FLAG(std::string, etag, "",
          "refuse the change if the resource's etag is no longer this");
ABSL_FLAG(std::string, filter, "",
          "calendars to list, e.g. 'display_name:\"intro\" AND status = "
          "ACTIVE'");
ABSL_FLAG(std::string, order_by, "",
          "calendar order: create_time (default), display_name or "
          "update_time, each optionally followed by \" desc\"");

namespace scheduling::cli {
namespace {

using scheduling::v1::Calendar;

constexpr int kCallFailed = 1;
constexpr int kUsageError = 2;
constexpr absl::string_view kDefaultServer = "127.0.0.1:50051";
constexpr int kMaxSlotDays = 31;
constexpr int kMaxHorizonDays = 3650;
constexpr int kMaxSeats = 10000;
constexpr int kMaxIdLength = 63;
constexpr int kMaxReasonLength = 500;
// The server's limits on link options (see one_time_link.proto).
constexpr int kMaxLinkUses = 1000;
constexpr size_t kMaxBatchLinks = 1000;
constexpr size_t kMaxContactIdBytes = 128;
constexpr size_t kMaxInviteeNameLength = 200;
constexpr size_t kMaxEmailLength = 254;
constexpr size_t kMaxMetadataEntries = 32;
constexpr size_t kMaxMetadataKeyLength = 63;
constexpr size_t kMaxMetadataValueBytes = 512;
constexpr size_t kMaxMetadataBytes = 4096;
constexpr size_t kMaxCallerLength = 200;
constexpr absl::Duration kMaxLinkTtl = absl::Hours(24 * 365);
constexpr absl::string_view kCallerHeader = "x-scheduling-caller";
constexpr absl::string_view kShortUsage =
    "usage: schedctl [--server=HOST:PORT] [--timeout=5s] <command> [flags]\n"
    "(schedctl --help lists the commands)\n";
// What [SETTINGS] stands for in the calendar commands' synopses.
constexpr absl::string_view kSettingsSynopsis =
    "SETTINGS: [--members=a,b] [--allowed_durations=30m,60m] "
    "[--slot_interval=15m]\n"
    "          [--buffer_before=10m] [--buffer_after=10m] "
    "[--minimum_notice=2h]\n"
    "          [--horizon_days=30] [--max_per_day=8] [--seats=10] "
    "[--overrides=O]\n";
// What [LINK OPTIONS] stands for in the link commands' synopses.
constexpr absl::string_view kLinkOptionsSynopsis =
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

int RunHealth(const Invocation& call);
int RunCreateCalendar(const Invocation& call);
int RunGetCalendar(const Invocation& call);
int RunListCalendars(const Invocation& call);
int RunUpdateCalendar(const Invocation& call);
int RunDeleteCalendar(const Invocation& call);
int RunDuplicateCalendar(const Invocation& call);
int RunMoveCalendar(const Invocation& call);
int RunActivateCalendar(const Invocation& call);
int RunDeactivateCalendar(const Invocation& call);
int RunCreateGroup(const Invocation& call);
int RunGetGroup(const Invocation& call);
int RunListGroups(const Invocation& call);
int RunUpdateGroup(const Invocation& call);
int RunDeleteGroup(const Invocation& call);
int RunEnableGroup(const Invocation& call);
int RunDisableGroup(const Invocation& call);
int RunFreeSlots(const Invocation& call);
int RunCreateBooking(const Invocation& call);
int RunGetBooking(const Invocation& call);
int RunListBookings(const Invocation& call);
int RunCancelBooking(const Invocation& call);
int RunRescheduleBooking(const Invocation& call);
int RunCreateLink(const Invocation& call);
int RunBatchCreateLinks(const Invocation& call);
int RunGetLink(const Invocation& call);
int RunListLinks(const Invocation& call);
int RunRevokeLink(const Invocation& call);
int RunLinkUses(const Invocation& call);
int RunResolve(const Invocation& call);
int RunLinkSlots(const Invocation& call);
int RunBook(const Invocation& call);
int RunLinkEvents(const Invocation& call);
int RunWatchEvents(const Invocation& call);
int RunDemoCommand(const Invocation& call);

constexpr Command kCommands[] = {
    {"health", "", "", RunHealth, "service"},
    {"demo", "--location=L", "location", RunDemoCommand},

    {"create-calendar",
     "--location=L --slug=S --display_name=N --time_zone=Z --hours=H "
     "[--duration=30m] [--type=T] [--group=G] [--calendar_id=ID] [SETTINGS]",
     "location slug display_name time_zone hours", RunCreateCalendar,
     "calendars"},
    {"get-calendar", "--name=CALENDAR", "name", RunGetCalendar},
    {"list-calendars",
     "--location=L [--filter=F] [--order_by=O] [--page_size=N] "
     "[--page_token=T]",
     "location", RunListCalendars},
    {"update-calendar",
     "--name=CALENDAR [--etag=E] [--display_name=N] [--slug=S] [--duration=D] "
     "[--time_zone=Z] [--hours=H] [SETTINGS]",
     "name", RunUpdateCalendar},
    {"delete-calendar", "--name=CALENDAR [--etag=E]", "name",
     RunDeleteCalendar},
    {"duplicate-calendar",
     "--name=CALENDAR [--slug=S] [--display_name=N] [--calendar_id=ID]", "name",
     RunDuplicateCalendar},
    {"move-calendar", "--name=CALENDAR --group=G (--group= to ungroup)", "name",
     RunMoveCalendar},
    {"activate-calendar", "--name=CALENDAR", "name", RunActivateCalendar},
    {"deactivate-calendar", "--name=CALENDAR", "name", RunDeactivateCalendar},
    {"share", kShareSynopsis, "calendar",
     [](const Invocation& call) { return RunShare(call.services); }},

    {"create-group",
     "--location=L --display_name=N [--description=D] [--group_id=ID]",
     "location display_name", RunCreateGroup, "groups"},
    {"get-group", "--name=GROUP", "name", RunGetGroup},
    {"list-groups", "--location=L [--page_size=N] [--page_token=T]", "location",
     RunListGroups},
    {"update-group",
     "--name=GROUP [--etag=E] [--display_name=N] [--description=D]", "name",
     RunUpdateGroup},
    {"delete-group", "--name=GROUP [--force] [--etag=E]", "name",
     RunDeleteGroup},
    {"enable-group", "--name=GROUP", "name", RunEnableGroup},
    {"disable-group", "--name=GROUP", "name", RunDisableGroup},

    {"free-slots",
     "--calendar=CALENDAR [--from=RFC3339] [--days=7] [--time_zone=Z] "
     "[--duration=D]",
     "calendar", RunFreeSlots, "free slots and bookings"},
    {"create-booking",
     "--calendar=CALENDAR --start=RFC3339 --invitee_name=N --invitee_email=E "
     "[--duration=D] [--request_id=R] [--time_zone=Z]",
     "calendar start invitee_name invitee_email", RunCreateBooking},
    {"get-booking", "--name=BOOKING [--time_zone=Z]", "name", RunGetBooking},
    {"list-bookings",
     "--calendar=CALENDAR [--from=RFC3339] [--to=RFC3339] [--show_cancelled] "
     "[--page_size=N] [--page_token=T] [--time_zone=Z]",
     "calendar", RunListBookings},
    {"cancel-booking", "--name=BOOKING [--reason=R] [--time_zone=Z]", "name",
     RunCancelBooking},
    {"reschedule-booking",
     "--name=BOOKING --start=RFC3339 [--request_id=R] [--time_zone=Z]",
     "name start", RunRescheduleBooking},

    {"create-link", "--calendar=CALENDAR [LINK OPTIONS] [--time_zone=Z]",
     "calendar", RunCreateLink, "one-time links"},
    {"batch-create-links",
     "--calendar=CALENDAR (--count=N | --contacts_file=PATH) [LINK OPTIONS]",
     "calendar", RunBatchCreateLinks},
    {"get-link", "--name=LINK [--time_zone=Z]", "name", RunGetLink},
    {"list-links",
     "--calendar=CALENDAR [--state=S] [--contact_id=C] [--page_size=N] "
     "[--page_token=T]",
     "calendar", RunListLinks},
    {"revoke-link", "--name=LINK [--time_zone=Z]", "name", RunRevokeLink},
    {"link-uses", "--name=LINK", "name", RunLinkUses},
    {"resolve", "--token=T", "token", RunResolve},
    {"link-slots", "--token=T [--from=RFC3339] [--days=7] [--time_zone=Z]",
     "token", RunLinkSlots},
    {"book",
     "--token=T --start=RFC3339 --invitee_name=N --invitee_email=E "
     "[--caller=NAME] [--time_zone=Z]",
     "token start invitee_name invitee_email", RunBook},

    {"link-events", "--location=L [--cursor=C] [--page_size=N]", "location",
     RunLinkEvents, "link events"},
    {"watch-events", "--location=L [--cursor=C] [--for=30s]", "location",
     RunWatchEvents},
};

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

std::string Usage() {
  std::string usage =
      "usage: schedctl [--server=HOST:PORT] [--timeout=5s] <command> [flags]\n";
  for (const Command& command : kCommands) {
    if (!command.section.empty()) {
      absl::StrAppend(&usage, "\n", command.section, ":\n");
    }
    const std::string line =
        absl::StrFormat("  %-20s %s", command.name, command.synopsis);
    absl::StrAppend(&usage, absl::StripTrailingAsciiWhitespace(line), "\n");
  }
  absl::StrAppend(
      &usage, "\n", kSettingsSynopsis, kLinkOptionsSynopsis,
      "\nThe server defaults to $SCHEDULING_SERVER, else ", kDefaultServer,
      ".\n"
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
      "own.\n"
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

const Command* FindCommand(absl::string_view name) {
  for (const Command& command : kCommands) {
    if (command.name == name) return &command;
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

// Accepts a bare location id as well as its resource name.
std::string LocationName(const std::string& location) {
  return absl::StartsWith(location, "locations/")
             ? location
             : absl::StrCat("locations/", location);
}

// The zone to show times in when the resource has none of its own.
absl::TimeZone DisplayZone() {
  return ZoneOr(absl::GetFlag(FLAGS_time_zone), absl::LocalTimeZone());
}

absl::StatusOr<absl::Time> ParseInstantFlag(absl::string_view flag,
                                            const std::string& text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag, " is not RFC 3339 like 2026-12-01T09:00:00Z: ", error));
  }
  return time;
}

// The slot range that --from and --days select.
struct SlotRange {
  absl::Time from;
  absl::Time to;
};

absl::StatusOr<SlotRange> SlotRangeFromFlags() {
  const std::string from_text = absl::GetFlag(FLAGS_from);
  absl::StatusOr<absl::Time> from =
      from_text.empty() ? absl::Now() : ParseInstantFlag("from", from_text);
  if (!from.ok()) return from.status();
  const int days = absl::GetFlag(FLAGS_days);
  if (days < 1 || days > kMaxSlotDays) {
    return absl::InvalidArgumentError(
        absl::StrCat("--days must be 1 to ", kMaxSlotDays));
  }
  return SlotRange{*from, *from + days * absl::Hours(24)};
}

// The extras of `slots` worth a column: free members where the server
// names them; remaining seats where some slot has more than 1 (for every
// type, 1 just means one more booking fits).
SlotExtras ExtrasOf(
    const google::protobuf::RepeatedPtrField<scheduling::v1::Slot>& slots) {
  SlotExtras extras;
  for (const scheduling::v1::Slot& slot : slots) {
    extras.seats = extras.seats || slot.remaining_seats() > 1;
    extras.members = extras.members || !slot.free_members().empty();
  }
  return extras;
}

template <typename Response>
void PrintSlotsResponse(const std::string& subject_key,
                        const std::string& subject, const SlotRange& range,
                        absl::string_view duration, const Response& response) {
  const absl::TimeZone zone = ZoneOr(response.time_zone(), absl::UTCTimeZone());
  FieldPrinter fields;
  fields.Add(subject_key, subject)
      .Add("from", FormatInstant(range.from, zone))
      .Add("to", FormatInstant(range.to, zone))
      .Add("time_zone", response.time_zone());
  if (!duration.empty()) fields.Add("duration", duration);
  fields.Add("free_slots", absl::StrCat(response.slots_size()))
      .Print(std::cout);
  PrintSlots(response.slots(), response.time_zone(), 0,
             std::numeric_limits<int>::max(), std::cout,
             ExtrasOf(response.slots()));
}

int PrintCalendar(const Calendar& calendar) {
  FieldPrinter fields;
  AddCalendar(calendar, &fields, Detail::kFull);
  fields.Print(std::cout);
  return 0;
}

int PrintGroup(const scheduling::v1::Group& group) {
  FieldPrinter fields;
  AddGroup(group, DisplayZone(), &fields);
  fields.Print(std::cout);
  return 0;
}

int PrintBooking(const scheduling::v1::Booking& booking) {
  FieldPrinter fields;
  AddBooking(booking, DisplayZone(), &fields, Detail::kFull);
  fields.Print(std::cout);
  return 0;
}

int PrintLink(const scheduling::v1::OneTimeLink& link) {
  FieldPrinter fields;
  AddOneTimeLink(link, DisplayZone(), &fields, Detail::kFull);
  fields.Print(std::cout);
  return 0;
}

// Prints the footer of a page of a list.
void PrintPageFooter(absl::string_view items, int count,
                     const std::string& next_page_token) {
  FieldPrinter()
      .Add(items, absl::StrCat(count))
      .Add("next_page_token",
           next_page_token.empty() ? "- (last page)" : next_page_token)
      .Print(std::cout);
}

// A group's resource name from --group: a name stays as it is; a bare id is
// taken to be in the location of `within` (a location or any resource name
// under it). Empty stays empty.
std::string GroupName(const std::string& group, absl::string_view within) {
  if (group.empty() || absl::StrContains(group, '/')) return group;
  const std::vector<absl::string_view> parts = absl::StrSplit(within, '/');
  if (parts.size() < 2 || parts[0] != "locations") return group;
  return absl::StrCat("locations/", parts[1], "/groups/", group);
}

// Characters of UTF-8 `text`.
size_t CharacterCount(absl::string_view text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

// Checks a duration flag's value: whole minutes, positive or (if
// `zero_allowed`) zero.
absl::Status CheckMinutes(absl::string_view flag, absl::Duration value,
                          bool zero_allowed) {
  if (value < absl::ZeroDuration() ||
      (value == absl::ZeroDuration() && !zero_allowed)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag,
        zero_allowed ? " must not be negative" : " must be positive"));
  }
  if (value % absl::Minutes(1) != absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, " must be whole minutes"));
  }
  return absl::OkStatus();
}

absl::Status CheckRange(absl::string_view flag, int value, int min, int max,
                        absl::string_view zero_means) {
  if (value < min || value > max) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, " must be ", min, " to ", max,
                     zero_means.empty() ? "" : " (0 means ", zero_means,
                     zero_means.empty() ? "" : ")"));
  }
  return absl::OkStatus();
}

// Parses --type: a Calendar.Type in any case, '-' for '_'.
absl::StatusOr<Calendar::Type> ParseCalendarType(absl::string_view text) {
  std::string upper = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  absl::StrReplaceAll({{"-", "_"}}, &upper);
  Calendar::Type type = Calendar::TYPE_UNSPECIFIED;
  if (!Calendar::Type_Parse(upper, &type) ||
      type == Calendar::TYPE_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("--type \"", text,
                     "\" is none of event, round_robin, collective, "
                     "class_booking, service"));
  }
  return type;
}

// Parses --members: comma-separated ids of a-z, 0-9 and -, each once.
absl::StatusOr<std::vector<std::string>> ParseMembers(absl::string_view text) {
  std::vector<std::string> members;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    part = absl::StripAsciiWhitespace(part);
    if (part.empty()) continue;
    const bool valid =
        part.size() <= kMaxIdLength &&
        std::all_of(part.begin(), part.end(), [](char c) {
          return absl::ascii_islower(static_cast<unsigned char>(c)) ||
                 absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-';
        });
    if (!valid) {
      return absl::InvalidArgumentError(
          absl::StrCat("--members: \"", part, "\" is not a member id (1 to ",
                       kMaxIdLength, " of a-z, 0-9 and -)"));
    }
    if (std::find(members.begin(), members.end(), part) != members.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--members: \"", part, "\" appears twice"));
    }
    members.emplace_back(part);
  }
  return members;
}

// Parses --allowed_durations: comma-separated durations, each once.
absl::StatusOr<std::vector<absl::Duration>> ParseDurations(
    absl::string_view text) {
  std::vector<absl::Duration> durations;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    part = absl::StripAsciiWhitespace(part);
    if (part.empty()) continue;
    absl::Duration duration;
    if (!absl::ParseDuration(part, &duration)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--allowed_durations: \"", part,
                       "\" is not a duration like 30m or 1h30m"));
    }
    if (absl::Status status =
            CheckMinutes("allowed_durations", duration, false);
        !status.ok()) {
      return status;
    }
    if (std::find(durations.begin(), durations.end(), duration) !=
        durations.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--allowed_durations: ", absl::FormatDuration(duration),
                       " appears twice"));
    }
    durations.push_back(duration);
  }
  return durations;
}

absl::Status NotEmpty(absl::string_view flag, const std::string& value) {
  return value.empty() ? absl::InvalidArgumentError(
                             absl::StrCat("--", flag, " must not be empty"))
                       : absl::OkStatus();
}

// The setting flags of create-calendar and update-calendar: each reads its
// flag into the calendar, or describes why its value is wrong.
absl::Status ApplyDisplayName(Calendar* calendar) {
  calendar->set_display_name(absl::GetFlag(FLAGS_display_name));
  return NotEmpty("display_name", calendar->display_name());
}

absl::Status ApplySlug(Calendar* calendar) {
  calendar->set_slug(absl::GetFlag(FLAGS_slug));
  return NotEmpty("slug", calendar->slug());
}

absl::Status ApplyDuration(Calendar* calendar) {
  const absl::Duration duration = absl::GetFlag(FLAGS_duration);
  *calendar->mutable_duration() = DurationToProto(duration);
  return CheckMinutes("duration", duration, false);
}

absl::Status ApplyTimeZone(Calendar* calendar) {
  calendar->set_time_zone(absl::GetFlag(FLAGS_time_zone));
  return NotEmpty("time_zone", calendar->time_zone());
}

absl::Status ApplyHours(Calendar* calendar) {
  absl::StatusOr<std::vector<scheduling::v1::OpenInterval>> hours =
      ParseWeeklyHours(absl::GetFlag(FLAGS_hours));
  if (!hours.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--hours: ", hours.status().message()));
  }
  for (scheduling::v1::OpenInterval& interval : *hours) {
    *calendar->add_weekly_hours() = std::move(interval);
  }
  return absl::OkStatus();
}

absl::Status ApplyMembers(Calendar* calendar) {
  absl::StatusOr<std::vector<std::string>> members =
      ParseMembers(absl::GetFlag(FLAGS_members));
  if (!members.ok()) return members.status();
  for (std::string& member : *members) {
    calendar->add_team_members(std::move(member));
  }
  return absl::OkStatus();
}

absl::Status ApplyAllowedDurations(Calendar* calendar) {
  absl::StatusOr<std::vector<absl::Duration>> durations =
      ParseDurations(absl::GetFlag(FLAGS_allowed_durations));
  if (!durations.ok()) return durations.status();
  for (absl::Duration duration : *durations) {
    *calendar->add_allowed_durations() = DurationToProto(duration);
  }
  return absl::OkStatus();
}

// Sets a duration field that may be zero; zero leaves it unset.
absl::Status ApplyOptionalMinutes(absl::string_view flag, absl::Duration value,
                                  google::protobuf::Duration* field) {
  if (absl::Status status = CheckMinutes(flag, value, true); !status.ok()) {
    return status;
  }
  if (value != absl::ZeroDuration()) *field = DurationToProto(value);
  return absl::OkStatus();
}

absl::Status ApplySlotInterval(Calendar* calendar) {
  return ApplyOptionalMinutes("slot_interval",
                              absl::GetFlag(FLAGS_slot_interval),
                              calendar->mutable_slot_interval());
}

absl::Status ApplyOverrides(Calendar* calendar) {
  absl::StatusOr<std::vector<scheduling::v1::DateOverride>> overrides =
      ParseDateOverrides(absl::GetFlag(FLAGS_overrides));
  if (!overrides.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--overrides: ", overrides.status().message()));
  }
  for (scheduling::v1::DateOverride& date_override : *overrides) {
    *calendar->add_date_overrides() = std::move(date_override);
  }
  return absl::OkStatus();
}

absl::Status ApplyBufferBefore(Calendar* calendar) {
  return ApplyOptionalMinutes("buffer_before",
                              absl::GetFlag(FLAGS_buffer_before),
                              calendar->mutable_buffer_before());
}

absl::Status ApplyBufferAfter(Calendar* calendar) {
  return ApplyOptionalMinutes("buffer_after", absl::GetFlag(FLAGS_buffer_after),
                              calendar->mutable_buffer_after());
}

absl::Status ApplyMinimumNotice(Calendar* calendar) {
  return ApplyOptionalMinutes("minimum_notice",
                              absl::GetFlag(FLAGS_minimum_notice),
                              calendar->mutable_minimum_notice());
}

absl::Status ApplyHorizonDays(Calendar* calendar) {
  calendar->set_booking_horizon_days(absl::GetFlag(FLAGS_horizon_days));
  return CheckRange("horizon_days", calendar->booking_horizon_days(), 0,
                    kMaxHorizonDays, "no limit");
}

absl::Status ApplyMaxPerDay(Calendar* calendar) {
  calendar->set_max_bookings_per_day(absl::GetFlag(FLAGS_max_per_day));
  return CheckRange("max_per_day", calendar->max_bookings_per_day(), 0,
                    std::numeric_limits<int>::max(), "no limit");
}

absl::Status ApplySeats(Calendar* calendar) {
  calendar->set_seats_per_slot(absl::GetFlag(FLAGS_seats));
  return CheckRange("seats", calendar->seats_per_slot(), 0, kMaxSeats, "1");
}

// A flag that sets one writable field of a calendar.
struct SettingFlag {
  absl::string_view flag;
  // The field's path in an update_mask.
  absl::string_view path;
  absl::Status (*apply)(Calendar* calendar);
};

constexpr SettingFlag kSettingFlags[] = {
    {"display_name", "display_name", ApplyDisplayName},
    {"slug", "slug", ApplySlug},
    {"duration", "duration", ApplyDuration},
    {"time_zone", "time_zone", ApplyTimeZone},
    {"hours", "weekly_hours", ApplyHours},
    {"members", "team_members", ApplyMembers},
    {"allowed_durations", "allowed_durations", ApplyAllowedDurations},
    {"slot_interval", "slot_interval", ApplySlotInterval},
    {"overrides", "date_overrides", ApplyOverrides},
    {"buffer_before", "buffer_before", ApplyBufferBefore},
    {"buffer_after", "buffer_after", ApplyBufferAfter},
    {"minimum_notice", "minimum_notice", ApplyMinimumNotice},
    {"horizon_days", "booking_horizon_days", ApplyHorizonDays},
    {"max_per_day", "max_bookings_per_day", ApplyMaxPerDay},
    {"seats", "seats_per_slot", ApplySeats},
};

// The duration a SERVICE invitee chose, if --duration is given.
absl::StatusOr<std::optional<absl::Duration>> ChosenDuration(
    const Invocation& call) {
  if (!call.Given("duration")) return std::nullopt;
  const absl::Duration duration = absl::GetFlag(FLAGS_duration);
  if (absl::Status status = CheckMinutes("duration", duration, false);
      !status.ok()) {
    return status;
  }
  return duration;
}

// Checks an idempotency key: empty, or 1 to kMaxIdLength of A-Z a-z 0-9 - _.
absl::Status CheckRequestId(const std::string& request_id) {
  if (request_id.size() > kMaxIdLength ||
      !std::all_of(request_id.begin(), request_id.end(), [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
               c == '_';
      })) {
    return absl::InvalidArgumentError(
        absl::StrCat("--request_id must be 1 to ", kMaxIdLength,
                     " of A-Z, a-z, 0-9, - and _"));
  }
  return absl::OkStatus();
}

bool HasControlCharacter(absl::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
}

absl::Status CheckContactId(absl::string_view flag, absl::string_view id) {
  if (id.size() > kMaxContactIdBytes || HasControlCharacter(id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": \"", absl::CHexEscape(id.substr(0, 40)),
                     "\" is not a contact id (at most ", kMaxContactIdBytes,
                     " bytes without control characters)"));
  }
  return absl::OkStatus();
}

// E.164: "+", then 7 to 15 digits, the first not 0.
bool IsE164(absl::string_view phone) {
  return phone.size() >= 8 && phone.size() <= 16 && phone[0] == '+' &&
         phone[1] != '0' &&
         std::all_of(phone.begin() + 1, phone.end(), [](char c) {
           return absl::ascii_isdigit(static_cast<unsigned char>(c));
         });
}

bool IsMetadataKey(absl::string_view key) {
  return !key.empty() && key.size() <= kMaxMetadataKeyLength &&
         std::all_of(key.begin(), key.end(), [](char c) {
           return absl::ascii_islower(static_cast<unsigned char>(c)) ||
                  absl::ascii_isdigit(static_cast<unsigned char>(c)) ||
                  c == '_' || c == '-' || c == '.';
         });
}

// Reads every --metadata given (a flag absl would keep only the last of):
// comma-separated key=value pairs.
absl::Status ParseMetadata(
    const Invocation& call,
    google::protobuf::Map<std::string, std::string>* out) {
  std::vector<std::string> texts;
  if (auto it = call.values.find("metadata"); it != call.values.end()) {
    texts = it->second;
  } else if (std::string text = absl::GetFlag(FLAGS_metadata); !text.empty()) {
    texts.push_back(std::move(text));  // e.g. from a --flagfile
  }
  size_t bytes = 0;
  for (const std::string& text : texts) {
    for (absl::string_view entry :
         absl::StrSplit(text, ',', absl::SkipEmpty())) {
      const size_t equals = entry.find('=');
      if (equals == absl::string_view::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat("--metadata: \"", entry,
                         "\" is not key=value (values cannot contain commas)"));
      }
      const std::string key(
          absl::StripAsciiWhitespace(entry.substr(0, equals)));
      const absl::string_view value = entry.substr(equals + 1);
      if (!IsMetadataKey(key)) {
        return absl::InvalidArgumentError(
            absl::StrCat("--metadata: key \"", key, "\" is not 1 to ",
                         kMaxMetadataKeyLength, " of a-z, 0-9, _, - and ."));
      }
      if (value.size() > kMaxMetadataValueBytes) {
        return absl::InvalidArgumentError(
            absl::StrCat("--metadata: the value of \"", key, "\" is over ",
                         kMaxMetadataValueBytes, " bytes"));
      }
      if (out->count(key) > 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("--metadata: key \"", key, "\" appears twice"));
      }
      bytes += key.size() + value.size();
      (*out)[key] = std::string(value);
    }
  }
  if (out->size() > kMaxMetadataEntries) {
    return absl::InvalidArgumentError(
        absl::StrCat("--metadata: at most ", kMaxMetadataEntries, " entries"));
  }
  if (bytes > kMaxMetadataBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("--metadata: at most ", kMaxMetadataBytes,
                     " bytes of keys and values"));
  }
  return absl::OkStatus();
}

// Parses a YYYY-MM-DD flag into `date`.
absl::Status ParseDateFlag(absl::string_view flag, const std::string& text,
                           google::type::Date* date) {
  absl::CivilDay day;
  // The round trip refuses what absl would normalize, e.g. 2026-02-30.
  if (!absl::ParseCivilTime(text, &day) || absl::FormatCivilTime(day) != text ||
      day.year() < 1 || day.year() > 9999) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag, " \"", text, "\" is not a date like 2026-12-01"));
  }
  date->set_year(static_cast<int>(day.year()));
  date->set_month(day.month());
  date->set_day(day.day());
  return absl::OkStatus();
}

// The options of a new link that the LINK OPTIONS flags give (all but
// --request_id, which is the request's).
absl::StatusOr<scheduling::v1::OneTimeLink> LinkOptionsFromFlags(
    const Invocation& call) {
  scheduling::v1::OneTimeLink link;
  const int expiries = static_cast<int>(call.Given("ttl")) +
                       static_cast<int>(call.Given("expire_time")) +
                       static_cast<int>(call.Given("expire_in"));
  if (expiries > 1) {
    return absl::InvalidArgumentError(
        "give at most one of --ttl, --expire_in and --expire_time");
  }
  if (call.Given("ttl")) {
    const absl::Duration ttl = absl::GetFlag(FLAGS_ttl);
    if (ttl < absl::Minutes(1) || ttl > kMaxLinkTtl) {
      return absl::InvalidArgumentError(
          "--ttl must be 1m to 8760h (365 days); --expire_in=0 never expires");
    }
    *link.mutable_ttl() = DurationToProto(ttl);
  } else if (call.Given("expire_time")) {
    absl::StatusOr<absl::Time> time =
        ParseInstantFlag("expire_time", absl::GetFlag(FLAGS_expire_time));
    if (!time.ok()) return time.status();
    if (*time <= absl::Now()) {
      return absl::InvalidArgumentError("--expire_time must be in the future");
    }
    *link.mutable_expire_time() = TimeToProto(*time);
  } else {
    const absl::Duration expire_in = absl::GetFlag(FLAGS_expire_in);
    if (expire_in < absl::ZeroDuration()) {
      return absl::InvalidArgumentError("--expire_in must not be negative");
    }
    if (expire_in > absl::ZeroDuration()) {
      *link.mutable_expire_time() = TimeToProto(absl::Now() + expire_in);
    }
  }

  link.set_max_uses(absl::GetFlag(FLAGS_max_uses));
  if (absl::Status status =
          CheckRange("max_uses", link.max_uses(), 0, kMaxLinkUses, "1");
      !status.ok()) {
    return status;
  }

  scheduling::v1::LinkInvitee& invitee = *link.mutable_invitee();
  invitee.set_contact_id(absl::GetFlag(FLAGS_contact_id));
  if (absl::Status status = CheckContactId("contact_id", invitee.contact_id());
      !status.ok()) {
    return status;
  }
  invitee.set_display_name(absl::GetFlag(FLAGS_invitee_name));
  if (CharacterCount(invitee.display_name()) > kMaxInviteeNameLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("--invitee_name must be at most ", kMaxInviteeNameLength,
                     " characters"));
  }
  invitee.set_email(absl::GetFlag(FLAGS_invitee_email));
  if (!invitee.email().empty() && (invitee.email().size() > kMaxEmailLength ||
                                   !absl::StrContains(invitee.email(), '@'))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--invitee_email \"", invitee.email(), "\" is not an e-mail address"));
  }
  invitee.set_phone(absl::GetFlag(FLAGS_invitee_phone));
  if (!invitee.phone().empty() && !IsE164(invitee.phone())) {
    return absl::InvalidArgumentError(
        absl::StrCat("--invitee_phone \"", invitee.phone(),
                     "\" is not E.164 like +14155550100"));
  }
  if (invitee.ByteSizeLong() == 0) link.clear_invitee();
  link.set_enforce_invitee(absl::GetFlag(FLAGS_enforce_invitee));
  if (link.enforce_invitee() && invitee.email().empty()) {
    return absl::InvalidArgumentError(
        "--enforce_invitee needs --invitee_email to enforce");
  }

  if (absl::Status status = ParseMetadata(call, link.mutable_metadata());
      !status.ok()) {
    return status;
  }

  if (const std::string text = absl::GetFlag(FLAGS_earliest_date);
      !text.empty()) {
    if (absl::Status status =
            ParseDateFlag("earliest_date", text, link.mutable_earliest_date());
        !status.ok()) {
      return status;
    }
  }
  if (const std::string text = absl::GetFlag(FLAGS_latest_date);
      !text.empty()) {
    if (absl::Status status =
            ParseDateFlag("latest_date", text, link.mutable_latest_date());
        !status.ok()) {
      return status;
    }
  }
  if (link.has_earliest_date() && link.has_latest_date() &&
      FormatDate(link.latest_date()) < FormatDate(link.earliest_date())) {
    return absl::InvalidArgumentError(
        "--latest_date must not be before --earliest_date");
  }

  if (call.Given("link_duration")) {
    const absl::Duration duration = absl::GetFlag(FLAGS_link_duration);
    if (absl::Status status = CheckMinutes("link_duration", duration, true);
        !status.ok()) {
      return status;
    }
    if (duration > absl::ZeroDuration()) {
      *link.mutable_duration() = DurationToProto(duration);
    }
  }
  return link;
}

// Parses --state of list-links.
absl::StatusOr<scheduling::v1::OneTimeLink::State> ParseLinkState(
    absl::string_view text) {
  using scheduling::v1::OneTimeLink;
  OneTimeLink::State state = OneTimeLink::STATE_UNSPECIFIED;
  if (text.empty()) return state;
  if (!OneTimeLink::State_Parse(
          absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text)), &state) ||
      state == OneTimeLink::STATE_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--state \"", text, "\" is none of active, used, expired, revoked"));
  }
  return state;
}

// The contact ids of --contacts_file: one a line, blank lines and lines
// starting with # skipped.
absl::StatusOr<std::vector<std::string>> ReadContactsFile(
    const std::string& path) {
  std::ifstream file;
  if (path != "-") {
    file.open(path);
    if (!file) {
      return absl::InvalidArgumentError(
          absl::StrCat("--contacts_file: cannot read \"", path,
                       "\": ", std::strerror(errno)));
    }
  }
  std::istream& in = path == "-" ? std::cin : file;
  std::vector<std::string> contacts;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const absl::string_view contact = absl::StripAsciiWhitespace(line);
    if (contact.empty() || absl::StartsWith(contact, "#")) continue;
    if (!CheckContactId("contacts_file", contact).ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--contacts_file: line ", number, " is not a contact id (at most ",
          kMaxContactIdBytes, " bytes without control characters)"));
    }
    if (contacts.size() == kMaxBatchLinks) {
      return absl::InvalidArgumentError(
          absl::StrCat("--contacts_file: more than ", kMaxBatchLinks,
                       " contacts; split the file"));
    }
    contacts.emplace_back(contact);
  }
  if (in.bad()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--contacts_file: reading \"", path, "\" failed"));
  }
  if (contacts.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--contacts_file: no contact id in \"", path, "\""));
  }
  return contacts;
}

int RunHealth(const Invocation& call) {
  grpc::health::v1::HealthCheckRequest request;
  request.set_service("");
  grpc::health::v1::HealthCheckResponse response;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.health->Check(&context, request, &response);
  if (!status.ok()) return call.CallFailed(status);
  FieldPrinter()
      .Add("server", call.services.target)
      .Add("status", grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
                         response.status()))
      .Print(std::cout);
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING
             ? 0
             : kCallFailed;
}

int RunCreateCalendar(const Invocation& call) {
  scheduling::v1::CreateCalendarRequest request;
  request.set_parent(LocationName(absl::GetFlag(FLAGS_location)));
  request.set_calendar_id(absl::GetFlag(FLAGS_calendar_id));
  Calendar& calendar = *request.mutable_calendar();
  for (const SettingFlag& setting : kSettingFlags) {
    if (absl::Status status = setting.apply(&calendar); !status.ok()) {
      return call.UsageError(status.message());
    }
  }
  if (const std::string type = absl::GetFlag(FLAGS_type); !type.empty()) {
    absl::StatusOr<Calendar::Type> parsed = ParseCalendarType(type);
    if (!parsed.ok()) return call.UsageError(parsed.status().message());
    calendar.set_calendar_type(*parsed);
  }
  calendar.set_group(GroupName(absl::GetFlag(FLAGS_group), request.parent()));

  Calendar created;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->CreateCalendar(&context, request, &created);
  if (!status.ok()) return call.CallFailed(status);
  return PrintCalendar(created);
}

int RunGetCalendar(const Invocation& call) {
  scheduling::v1::GetCalendarRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  Calendar calendar;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->GetCalendar(&context, request, &calendar);
  if (!status.ok()) return call.CallFailed(status);
  return PrintCalendar(calendar);
}

int RunListCalendars(const Invocation& call) {
  if (absl::GetFlag(FLAGS_page_size) < 0) {
    return call.UsageError("--page_size must not be negative");
  }
  scheduling::v1::ListCalendarsRequest request;
  request.set_parent(LocationName(absl::GetFlag(FLAGS_location)));
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  request.set_page_token(absl::GetFlag(FLAGS_page_token));
  request.set_filter(absl::GetFlag(FLAGS_filter));
  request.set_order_by(absl::GetFlag(FLAGS_order_by));
  scheduling::v1::ListCalendarsResponse response;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->ListCalendars(&context, request, &response);
  if (!status.ok()) return call.CallFailed(status);

  if (!response.calendars().empty()) {
    TablePrinter table({"NAME", "DISPLAY NAME", "GROUP", "TYPE", "DURATION",
                        "STATUS", "UPDATED (UTC)"});
    for (const Calendar& calendar : response.calendars()) {
      table.AddRow(
          {calendar.name(), calendar.display_name(),
           calendar.group().empty() ? "-" : ResourceId(calendar.group()),
           Calendar::Type_Name(calendar.calendar_type()),
           FormatDuration(calendar.duration()),
           Calendar::Status_Name(calendar.status()),
           FormatUtc(calendar.update_time())});
    }
    table.Print(std::cout);
    std::cout << "\n";
  }
  PrintPageFooter("calendars", response.calendars_size(),
                  response.next_page_token());
  return 0;
}

int RunUpdateCalendar(const Invocation& call) {
  if (call.Given("type")) {
    return call.UsageError(
        "--type cannot be changed: a calendar keeps the type it was created "
        "with");
  }
  if (call.Given("group")) {
    return call.UsageError("--group is changed with move-calendar");
  }
  scheduling::v1::UpdateCalendarRequest request;
  Calendar& calendar = *request.mutable_calendar();
  calendar.set_name(absl::GetFlag(FLAGS_name));
  calendar.set_etag(absl::GetFlag(FLAGS_etag));
  for (const SettingFlag& setting : kSettingFlags) {
    if (!call.Given(setting.flag)) continue;
    if (absl::Status status = setting.apply(&calendar); !status.ok()) {
      return call.UsageError(status.message());
    }
    request.mutable_update_mask()->add_paths(std::string(setting.path));
  }
  if (request.update_mask().paths().empty()) {
    return call.UsageError(
        "nothing to update: give at least one setting flag, e.g. "
        "--display_name or --hours");
  }

  Calendar updated;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->UpdateCalendar(&context, request, &updated);
  if (!status.ok()) return call.CallFailed(status);
  return PrintCalendar(updated);
}

int RunDeleteCalendar(const Invocation& call) {
  scheduling::v1::DeleteCalendarRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  request.set_etag(absl::GetFlag(FLAGS_etag));
  google::protobuf::Empty empty;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->DeleteCalendar(&context, request, &empty);
  if (!status.ok()) return call.CallFailed(status);
  FieldPrinter().Add("deleted", request.name()).Print(std::cout);
  return 0;
}

int RunDuplicateCalendar(const Invocation& call) {
  scheduling::v1::DuplicateCalendarRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  request.set_calendar_id(absl::GetFlag(FLAGS_calendar_id));
  request.set_slug(absl::GetFlag(FLAGS_slug));
  request.set_display_name(absl::GetFlag(FLAGS_display_name));
  Calendar copy;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->DuplicateCalendar(&context, request, &copy);
  if (!status.ok()) return call.CallFailed(status);
  return PrintCalendar(copy);
}

int RunMoveCalendar(const Invocation& call) {
  // An empty group ungroups: it must be asked for, not left out.
  if (!call.Given("group")) {
    return call.UsageError(
        "--group is required (--group= takes the calendar out of its group)");
  }
  scheduling::v1::MoveCalendarToGroupRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  request.set_group(GroupName(absl::GetFlag(FLAGS_group), request.name()));
  Calendar calendar;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status = call.services.calendars->MoveCalendarToGroup(
      &context, request, &calendar);
  if (!status.ok()) return call.CallFailed(status);
  return PrintCalendar(calendar);
}

int RunActivateCalendar(const Invocation& call) {
  scheduling::v1::ActivateCalendarRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  Calendar calendar;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->ActivateCalendar(&context, request, &calendar);
  if (!status.ok()) return call.CallFailed(status);
  return PrintCalendar(calendar);
}

int RunDeactivateCalendar(const Invocation& call) {
  scheduling::v1::DeactivateCalendarRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  Calendar calendar;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->DeactivateCalendar(&context, request, &calendar);
  if (!status.ok()) return call.CallFailed(status);
  return PrintCalendar(calendar);
}

int RunCreateGroup(const Invocation& call) {
  scheduling::v1::CreateGroupRequest request;
  request.set_parent(LocationName(absl::GetFlag(FLAGS_location)));
  request.set_group_id(absl::GetFlag(FLAGS_group_id));
  request.mutable_group()->set_display_name(absl::GetFlag(FLAGS_display_name));
  request.mutable_group()->set_description(absl::GetFlag(FLAGS_description));
  scheduling::v1::Group group;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->CreateGroup(&context, request, &group);
  if (!status.ok()) return call.CallFailed(status);
  return PrintGroup(group);
}

int RunGetGroup(const Invocation& call) {
  scheduling::v1::GetGroupRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  scheduling::v1::Group group;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->GetGroup(&context, request, &group);
  if (!status.ok()) return call.CallFailed(status);
  return PrintGroup(group);
}

int RunListGroups(const Invocation& call) {
  if (absl::GetFlag(FLAGS_page_size) < 0) {
    return call.UsageError("--page_size must not be negative");
  }
  scheduling::v1::ListGroupsRequest request;
  request.set_parent(LocationName(absl::GetFlag(FLAGS_location)));
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  request.set_page_token(absl::GetFlag(FLAGS_page_token));
  scheduling::v1::ListGroupsResponse response;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->ListGroups(&context, request, &response);
  if (!status.ok()) return call.CallFailed(status);

  if (!response.groups().empty()) {
    TablePrinter table(
        {"NAME", "DISPLAY NAME", "STATE", "CALENDARS", "UPDATED (UTC)"});
    for (const scheduling::v1::Group& group : response.groups()) {
      table.AddRow({group.name(), group.display_name(),
                    scheduling::v1::Group::State_Name(group.state()),
                    absl::StrCat(group.calendar_count()),
                    FormatUtc(group.update_time())});
    }
    table.Print(std::cout);
    std::cout << "\n";
  }
  PrintPageFooter("groups", response.groups_size(), response.next_page_token());
  return 0;
}

int RunUpdateGroup(const Invocation& call) {
  scheduling::v1::UpdateGroupRequest request;
  scheduling::v1::Group& group = *request.mutable_group();
  group.set_name(absl::GetFlag(FLAGS_name));
  group.set_etag(absl::GetFlag(FLAGS_etag));
  if (call.Given("display_name")) {
    group.set_display_name(absl::GetFlag(FLAGS_display_name));
    if (absl::Status status = NotEmpty("display_name", group.display_name());
        !status.ok()) {
      return call.UsageError(status.message());
    }
    request.mutable_update_mask()->add_paths("display_name");
  }
  if (call.Given("description")) {
    group.set_description(absl::GetFlag(FLAGS_description));
    request.mutable_update_mask()->add_paths("description");
  }
  if (request.update_mask().paths().empty()) {
    return call.UsageError(
        "nothing to update: give --display_name, --description or both");
  }
  scheduling::v1::Group updated;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->UpdateGroup(&context, request, &updated);
  if (!status.ok()) return call.CallFailed(status);
  return PrintGroup(updated);
}

int RunDeleteGroup(const Invocation& call) {
  scheduling::v1::DeleteGroupRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  request.set_force(absl::GetFlag(FLAGS_force));
  request.set_etag(absl::GetFlag(FLAGS_etag));
  google::protobuf::Empty empty;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->DeleteGroup(&context, request, &empty);
  if (!status.ok()) return call.CallFailed(status);
  FieldPrinter().Add("deleted", request.name()).Print(std::cout);
  return 0;
}

int RunEnableGroup(const Invocation& call) {
  scheduling::v1::EnableGroupRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  scheduling::v1::Group group;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->EnableGroup(&context, request, &group);
  if (!status.ok()) return call.CallFailed(status);
  return PrintGroup(group);
}

int RunDisableGroup(const Invocation& call) {
  scheduling::v1::DisableGroupRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  scheduling::v1::Group group;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->DisableGroup(&context, request, &group);
  if (!status.ok()) return call.CallFailed(status);
  return PrintGroup(group);
}

int RunFreeSlots(const Invocation& call) {
  absl::StatusOr<SlotRange> range = SlotRangeFromFlags();
  if (!range.ok()) return call.UsageError(range.status().message());
  absl::StatusOr<std::optional<absl::Duration>> duration = ChosenDuration(call);
  if (!duration.ok()) return call.UsageError(duration.status().message());
  scheduling::v1::ListFreeSlotsRequest request;
  request.set_calendar(absl::GetFlag(FLAGS_calendar));
  *request.mutable_start_time() = TimeToProto(range->from);
  *request.mutable_end_time() = TimeToProto(range->to);
  request.set_time_zone(absl::GetFlag(FLAGS_time_zone));
  if (duration->has_value()) {
    *request.mutable_duration() = DurationToProto(**duration);
  }
  scheduling::v1::ListFreeSlotsResponse response;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->ListFreeSlots(&context, request, &response);
  if (!status.ok()) return call.CallFailed(status);
  PrintSlotsResponse(
      "calendar", request.calendar(), *range,
      duration->has_value() ? absl::FormatDuration(**duration) : "", response);
  return 0;
}

int RunCreateBooking(const Invocation& call) {
  absl::StatusOr<absl::Time> start =
      ParseInstantFlag("start", absl::GetFlag(FLAGS_start));
  if (!start.ok()) return call.UsageError(start.status().message());
  absl::StatusOr<std::optional<absl::Duration>> duration = ChosenDuration(call);
  if (!duration.ok()) return call.UsageError(duration.status().message());
  const std::string request_id = absl::GetFlag(FLAGS_request_id);
  if (absl::Status status = CheckRequestId(request_id); !status.ok()) {
    return call.UsageError(status.message());
  }
  scheduling::v1::CreateBookingRequest request;
  request.set_parent(absl::GetFlag(FLAGS_calendar));
  *request.mutable_start_time() = TimeToProto(*start);
  request.mutable_invitee()->set_display_name(
      absl::GetFlag(FLAGS_invitee_name));
  request.mutable_invitee()->set_email(absl::GetFlag(FLAGS_invitee_email));
  if (duration->has_value()) {
    *request.mutable_duration() = DurationToProto(**duration);
  }
  request.set_request_id(request_id);
  scheduling::v1::Booking booking;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->CreateBooking(&context, request, &booking);
  if (!status.ok()) return call.CallFailed(status);
  return PrintBooking(booking);
}

int RunGetBooking(const Invocation& call) {
  scheduling::v1::GetBookingRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  scheduling::v1::Booking booking;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->GetBooking(&context, request, &booking);
  if (!status.ok()) return call.CallFailed(status);
  return PrintBooking(booking);
}

int RunListBookings(const Invocation& call) {
  if (absl::GetFlag(FLAGS_page_size) < 0) {
    return call.UsageError("--page_size must not be negative");
  }
  scheduling::v1::ListBookingsRequest request;
  request.set_parent(absl::GetFlag(FLAGS_calendar));
  std::optional<absl::Time> from;
  if (const std::string text = absl::GetFlag(FLAGS_from); !text.empty()) {
    absl::StatusOr<absl::Time> time = ParseInstantFlag("from", text);
    if (!time.ok()) return call.UsageError(time.status().message());
    from = *time;
    *request.mutable_start_time() = TimeToProto(*time);
  }
  if (const std::string text = absl::GetFlag(FLAGS_to); !text.empty()) {
    absl::StatusOr<absl::Time> time = ParseInstantFlag("to", text);
    if (!time.ok()) return call.UsageError(time.status().message());
    if (from.has_value() && *time <= *from) {
      return call.UsageError("--to must be after --from");
    }
    *request.mutable_end_time() = TimeToProto(*time);
  }
  request.set_show_cancelled(absl::GetFlag(FLAGS_show_cancelled));
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  request.set_page_token(absl::GetFlag(FLAGS_page_token));
  scheduling::v1::ListBookingsResponse response;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->ListBookings(&context, request, &response);
  if (!status.ok()) return call.CallFailed(status);

  if (!response.bookings().empty()) {
    const absl::TimeZone zone = DisplayZone();
    TablePrinter table({"NAME", "STATE", "START (UTC)",
                        absl::StrCat("LOCAL (", ZoneLabel(zone), ")"),
                        "INVITEE", "MEMBERS"});
    for (const scheduling::v1::Booking& booking : response.bookings()) {
      const absl::Time start = TimeFromProto(booking.start_time());
      const absl::Time end = TimeFromProto(booking.end_time());
      table.AddRow(
          {booking.name(), scheduling::v1::Booking::State_Name(booking.state()),
           FormatUtc(booking.start_time()),
           absl::StrCat(absl::FormatTime("%a %Y-%m-%d %H:%M", start, zone),
                        absl::FormatTime("-%H:%M", end, zone),
                        absl::FormatTime(" %Ez", start, zone)),
           absl::StrCat(booking.invitee().display_name(), " <",
                        booking.invitee().email(), ">"),
           booking.members().empty() ? "-"
                                     : absl::StrJoin(booking.members(), ",")});
    }
    table.Print(std::cout);
    std::cout << "\n";
  }
  PrintPageFooter("bookings", response.bookings_size(),
                  response.next_page_token());
  return 0;
}

int RunCancelBooking(const Invocation& call) {
  const std::string reason = absl::GetFlag(FLAGS_reason);
  if (CharacterCount(reason) > kMaxReasonLength) {
    return call.UsageError(absl::StrCat("--reason must be at most ",
                                        kMaxReasonLength, " characters"));
  }
  scheduling::v1::CancelBookingRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  request.set_reason(reason);
  scheduling::v1::Booking booking;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->CancelBooking(&context, request, &booking);
  if (!status.ok()) return call.CallFailed(status);
  return PrintBooking(booking);
}

int RunRescheduleBooking(const Invocation& call) {
  absl::StatusOr<absl::Time> start =
      ParseInstantFlag("start", absl::GetFlag(FLAGS_start));
  if (!start.ok()) return call.UsageError(start.status().message());
  const std::string request_id = absl::GetFlag(FLAGS_request_id);
  if (absl::Status status = CheckRequestId(request_id); !status.ok()) {
    return call.UsageError(status.message());
  }
  scheduling::v1::RescheduleBookingRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  *request.mutable_start_time() = TimeToProto(*start);
  request.set_request_id(request_id);
  scheduling::v1::Booking booking;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->RescheduleBooking(&context, request, &booking);
  if (!status.ok()) return call.CallFailed(status);
  return PrintBooking(booking);
}

int RunCreateLink(const Invocation& call) {
  absl::StatusOr<scheduling::v1::OneTimeLink> options =
      LinkOptionsFromFlags(call);
  if (!options.ok()) return call.UsageError(options.status().message());
  const std::string request_id = absl::GetFlag(FLAGS_request_id);
  if (absl::Status status = CheckRequestId(request_id); !status.ok()) {
    return call.UsageError(status.message());
  }
  scheduling::v1::CreateOneTimeLinkRequest request;
  request.set_parent(absl::GetFlag(FLAGS_calendar));
  *request.mutable_one_time_link() = *std::move(options);
  request.set_request_id(request_id);
  scheduling::v1::OneTimeLink link;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.links->CreateOneTimeLink(&context, request, &link);
  if (!status.ok()) return call.CallFailed(status);
  return PrintLink(link);
}

int RunBatchCreateLinks(const Invocation& call) {
  absl::StatusOr<scheduling::v1::OneTimeLink> options =
      LinkOptionsFromFlags(call);
  if (!options.ok()) return call.UsageError(options.status().message());
  std::vector<std::string> contacts;
  size_t count = 0;
  if (call.Given("contacts_file")) {
    if (call.Given("contact_id")) {
      return call.UsageError(
          "--contact_id and --contacts_file exclude each other: the file "
          "gives each link its contact");
    }
    absl::StatusOr<std::vector<std::string>> read =
        ReadContactsFile(absl::GetFlag(FLAGS_contacts_file));
    if (!read.ok()) return call.UsageError(read.status().message());
    contacts = *std::move(read);
    count = contacts.size();
    if (call.Given("count") &&
        absl::GetFlag(FLAGS_count) != static_cast<int>(count)) {
      return call.UsageError(
          absl::StrCat("--count is ", absl::GetFlag(FLAGS_count),
                       " but --contacts_file has ", count, " contacts"));
    }
  } else {
    if (!call.Given("count")) {
      return call.UsageError("--count or --contacts_file is required");
    }
    if (absl::Status status = CheckRange("count", absl::GetFlag(FLAGS_count), 1,
                                         kMaxBatchLinks, "");
        !status.ok()) {
      return call.UsageError(status.message());
    }
    count = static_cast<size_t>(absl::GetFlag(FLAGS_count));
  }
  const std::string request_id = absl::GetFlag(FLAGS_request_id);
  if (absl::Status status = CheckRequestId(request_id); !status.ok()) {
    return call.UsageError(status.message());
  }
  if (!request_id.empty() &&
      request_id.size() + 1 + absl::StrCat(count).size() > kMaxIdLength) {
    return call.UsageError(absl::StrCat(
        "--request_id is too long for a batch: with \"-", count,
        "\" appended it must stay within ", kMaxIdLength, " characters"));
  }

  scheduling::v1::BatchCreateOneTimeLinksRequest request;
  request.set_parent(absl::GetFlag(FLAGS_calendar));
  for (size_t i = 0; i < count; ++i) {
    scheduling::v1::CreateOneTimeLinkRequest& item = *request.add_requests();
    *item.mutable_one_time_link() = *options;
    if (!contacts.empty()) {
      item.mutable_one_time_link()->mutable_invitee()->set_contact_id(
          contacts[i]);
    }
    if (!request_id.empty()) {
      item.set_request_id(absl::StrCat(request_id, "-", i + 1));
    }
  }
  scheduling::v1::BatchCreateOneTimeLinksResponse response;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status = call.services.links->BatchCreateOneTimeLinks(
      &context, request, &response);
  if (!status.ok()) return call.CallFailed(status);

  TablePrinter table({"NAME", "CONTACT", "URL"});
  for (const scheduling::v1::OneTimeLink& link : response.one_time_links()) {
    const std::string& contact = link.invitee().contact_id();
    table.AddRow({link.name(), contact.empty() ? "-" : contact, link.url()});
  }
  table.Print(std::cout);
  std::cout << "\n";
  FieldPrinter()
      .Add("links", absl::StrCat(response.one_time_links_size()))
      .Print(std::cout);
  return 0;
}

int RunGetLink(const Invocation& call) {
  scheduling::v1::GetOneTimeLinkRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  scheduling::v1::OneTimeLink link;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.links->GetOneTimeLink(&context, request, &link);
  if (!status.ok()) return call.CallFailed(status);
  return PrintLink(link);
}

int RunRevokeLink(const Invocation& call) {
  scheduling::v1::RevokeOneTimeLinkRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  scheduling::v1::OneTimeLink link;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.links->RevokeOneTimeLink(&context, request, &link);
  if (!status.ok()) return call.CallFailed(status);
  return PrintLink(link);
}

int RunListLinks(const Invocation& call) {
  if (absl::GetFlag(FLAGS_page_size) < 0) {
    return call.UsageError("--page_size must not be negative");
  }
  absl::StatusOr<scheduling::v1::OneTimeLink::State> state =
      ParseLinkState(absl::GetFlag(FLAGS_state));
  if (!state.ok()) return call.UsageError(state.status().message());
  const std::string contact_id = absl::GetFlag(FLAGS_contact_id);
  if (absl::Status status = CheckContactId("contact_id", contact_id);
      !status.ok()) {
    return call.UsageError(status.message());
  }
  scheduling::v1::ListOneTimeLinksRequest request;
  request.set_parent(absl::GetFlag(FLAGS_calendar));
  request.set_state(*state);
  request.set_contact_id(contact_id);
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  request.set_page_token(absl::GetFlag(FLAGS_page_token));
  scheduling::v1::ListOneTimeLinksResponse response;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.links->ListOneTimeLinks(&context, request, &response);
  if (!status.ok()) return call.CallFailed(status);

  if (!response.one_time_links().empty()) {
    TablePrinter table({"NAME", "STATE", "USES", "CONTACT", "INVITEE",
                        "EXPIRES (UTC)", "CREATED (UTC)"});
    for (const scheduling::v1::OneTimeLink& link : response.one_time_links()) {
      const std::string& contact = link.invitee().contact_id();
      table.AddRow(
          {link.name(), scheduling::v1::OneTimeLink::State_Name(link.state()),
           absl::StrCat(link.use_count(), "/", std::max(link.max_uses(), 1)),
           contact.empty() ? "-" : contact, FormatLinkInvitee(link.invitee()),
           link.has_expire_time() ? FormatUtc(link.expire_time()) : "never",
           FormatUtc(link.create_time())});
    }
    table.Print(std::cout);
    std::cout << "\n";
  }
  PrintPageFooter("links", response.one_time_links_size(),
                  response.next_page_token());
  return 0;
}

int RunLinkUses(const Invocation& call) {
  scheduling::v1::ListOneTimeLinkUsesRequest request;
  request.set_parent(absl::GetFlag(FLAGS_name));
  scheduling::v1::ListOneTimeLinkUsesResponse response;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.links->ListOneTimeLinkUses(&context, request, &response);
  if (!status.ok()) return call.CallFailed(status);

  if (!response.uses().empty()) {
    TablePrinter table({"USED (UTC)", "BOOKING", "INVITEE", "CALLER"});
    for (const scheduling::v1::OneTimeLinkUse& use : response.uses()) {
      table.AddRow({FormatUtc(use.use_time()), use.booking(),
                    absl::StrCat(use.invitee_display_name(), " <",
                                 use.invitee_email(), ">"),
                    use.caller().empty() ? "-" : use.caller()});
    }
    table.Print(std::cout);
    std::cout << "\n";
  }
  FieldPrinter()
      .Add("link", request.parent())
      .Add("uses", absl::StrCat(response.uses_size()))
      .Print(std::cout);
  return 0;
}

int RunResolve(const Invocation& call) {
  scheduling::v1::ResolveOneTimeLinkRequest request;
  request.set_token(absl::GetFlag(FLAGS_token));
  scheduling::v1::ResolveOneTimeLinkResponse resolved;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.links->ResolveOneTimeLink(&context, request, &resolved);
  if (!status.ok()) return call.CallFailed(status);
  FieldPrinter fields;
  AddResolvedLink(resolved, &fields, Detail::kFull);
  fields.Print(std::cout);
  return 0;
}

int RunLinkSlots(const Invocation& call) {
  absl::StatusOr<SlotRange> range = SlotRangeFromFlags();
  if (!range.ok()) return call.UsageError(range.status().message());
  scheduling::v1::ListOneTimeLinkFreeSlotsRequest request;
  request.set_token(absl::GetFlag(FLAGS_token));
  *request.mutable_start_time() = TimeToProto(range->from);
  *request.mutable_end_time() = TimeToProto(range->to);
  request.set_time_zone(absl::GetFlag(FLAGS_time_zone));
  scheduling::v1::ListOneTimeLinkFreeSlotsResponse response;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status = call.services.links->ListOneTimeLinkFreeSlots(
      &context, request, &response);
  if (!status.ok()) return call.CallFailed(status);
  PrintSlotsResponse("token", request.token(), *range, "", response);
  return 0;
}

int RunBook(const Invocation& call) {
  absl::StatusOr<absl::Time> start =
      ParseInstantFlag("start", absl::GetFlag(FLAGS_start));
  if (!start.ok()) return call.UsageError(start.status().message());
  const std::string caller = absl::GetFlag(FLAGS_caller);
  // What a gRPC header value may hold.
  if (caller.size() > kMaxCallerLength ||
      !std::all_of(caller.begin(), caller.end(),
                   [](char c) { return c >= 0x20 && c <= 0x7e; })) {
    return call.UsageError(absl::StrCat("--caller must be at most ",
                                        kMaxCallerLength,
                                        " printable ASCII characters"));
  }
  scheduling::v1::BookOneTimeLinkRequest request;
  request.set_token(absl::GetFlag(FLAGS_token));
  *request.mutable_start_time() = TimeToProto(*start);
  request.mutable_invitee()->set_display_name(
      absl::GetFlag(FLAGS_invitee_name));
  request.mutable_invitee()->set_email(absl::GetFlag(FLAGS_invitee_email));
  scheduling::v1::Booking booking;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  if (!caller.empty()) context.AddMetadata(std::string(kCallerHeader), caller);
  const grpc::Status status =
      call.services.links->BookOneTimeLink(&context, request, &booking);
  if (!status.ok()) return call.CallFailed(status);
  return PrintBooking(booking);
}

int RunLinkEvents(const Invocation& call) {
  if (absl::GetFlag(FLAGS_page_size) < 0) {
    return call.UsageError("--page_size must not be negative");
  }
  scheduling::v1::ListOneTimeLinkEventsRequest request;
  request.set_parent(LocationName(absl::GetFlag(FLAGS_location)));
  request.set_cursor(absl::GetFlag(FLAGS_cursor));
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  scheduling::v1::ListOneTimeLinkEventsResponse response;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.links->ListOneTimeLinkEvents(&context, request, &response);
  if (!status.ok()) return call.CallFailed(status);

  if (!response.events().empty()) {
    TablePrinter table({"TIME (UTC)", "TYPE", "LINK", "BOOKING", "CONTACT",
                        "STATE", "METADATA"});
    for (const scheduling::v1::OneTimeLinkEvent& event : response.events()) {
      table.AddRow({FormatUtc(event.event_time()),
                    scheduling::v1::OneTimeLinkEvent::Type_Name(event.type()),
                    event.one_time_link(),
                    event.booking().empty() ? "-" : event.booking(),
                    event.contact_id().empty() ? "-" : event.contact_id(),
                    scheduling::v1::OneTimeLink::State_Name(event.state()),
                    FormatMetadata(event.metadata())});
    }
    table.Print(std::cout);
    std::cout << "\n";
  }
  FieldPrinter()
      .Add("events", absl::StrCat(response.events_size()))
      .Add("next_cursor", response.next_cursor().empty()
                              ? "- (no events yet)"
                              : response.next_cursor())
      .Print(std::cout);
  return 0;
}

// Turns SIGINT and SIGTERM into a cancelled call while installed. The
// handler only writes a byte to a pipe (async-signal-safe); a thread
// waiting on the pipe cancels the call.
class StopOnSignal {
 public:
  explicit StopOnSignal(grpc::ClientContext* context) : context_(context) {
    if (pipe(fds_) != 0) return;
    for (int fd : fds_) fcntl(fd, F_SETFD, FD_CLOEXEC);
    write_fd_ = fds_[1];
    struct sigaction action = {};
    action.sa_handler = &StopOnSignal::OnSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
    watcher_ = std::thread([this] {
      char byte = 0;
      ssize_t read_bytes = 0;
      do {
        read_bytes = read(fds_[0], &byte, 1);
      } while (read_bytes < 0 && errno == EINTR);
      if (read_bytes == 1 && byte == kSignalled) {
        signalled_ = true;
        context_->TryCancel();
      }
    });
  }

  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

  ~StopOnSignal() {
    if (!watcher_.joinable()) return;
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
    WriteByte(kDone);
    watcher_.join();
    write_fd_ = -1;
    close(fds_[0]);
    close(fds_[1]);
  }

  // Whether a signal cancelled the call.
  bool signalled() const { return signalled_; }

 private:
  static constexpr char kSignalled = 's';
  static constexpr char kDone = 'd';

  static void OnSignal(int) {
    const int saved_errno = errno;
    WriteByte(kSignalled);
    errno = saved_errno;
  }

  static void WriteByte(char byte) {
    if (write_fd_ >= 0 && write(write_fd_, &byte, 1) < 0) {
      // Nothing to do: the watcher is gone or the pipe is full of stops.
    }
  }

  // One StopOnSignal at a time: the handler has no other way to it.
  static inline volatile std::sig_atomic_t write_fd_ = -1;

  grpc::ClientContext* context_;
  int fds_[2] = {-1, -1};
  struct sigaction old_int_ = {};
  struct sigaction old_term_ = {};
  std::atomic<bool> signalled_{false};
  std::thread watcher_;
};

int RunWatchEvents(const Invocation& call) {
  const absl::Duration watch_for = absl::GetFlag(FLAGS_for);
  if (watch_for < absl::ZeroDuration()) {
    return call.UsageError(
        "--for must not be negative (0 watches until "
        "Ctrl-C)");
  }
  scheduling::v1::WatchOneTimeLinkEventsRequest request;
  request.set_parent(LocationName(absl::GetFlag(FLAGS_location)));
  request.set_cursor(absl::GetFlag(FLAGS_cursor));

  grpc::ClientContext context;
  if (watch_for > absl::ZeroDuration()) {
    context.set_deadline(absl::ToChronoTime(absl::Now() + watch_for));
  }
  std::cerr << "watching " << request.parent() << " "
            << (request.cursor().empty() ? "from the first event"
                                         : "after the cursor")
            << (watch_for > absl::ZeroDuration()
                    ? absl::StrCat(" for ", absl::FormatDuration(watch_for))
                    : std::string(" until Ctrl-C"))
            << "\n";
  std::string cursor = request.cursor();
  int events = 0;
  grpc::Status status;
  bool signalled = false;
  {
    StopOnSignal stop(&context);
    std::unique_ptr<grpc::ClientReader<scheduling::v1::OneTimeLinkEvent>>
        reader = call.services.links->WatchOneTimeLinkEvents(&context, request);
    scheduling::v1::OneTimeLinkEvent event;
    while (reader->Read(&event)) {
      std::cout << FormatLinkEventLine(event) << std::endl;
      cursor = event.cursor();
      ++events;
    }
    status = reader->Finish();
    signalled = stop.signalled();
  }
  const bool timed_out = watch_for > absl::ZeroDuration() &&
                         status.error_code() == grpc::DEADLINE_EXCEEDED;
  const std::string resume =
      cursor.empty() ? "" : absl::StrCat("; resume with --cursor=", cursor);
  if (signalled && (status.ok() || status.error_code() == grpc::CANCELLED)) {
    std::cerr << "stopped on a signal after " << events << " event(s)" << resume
              << "\n";
    return 0;
  }
  if (timed_out) {
    std::cerr << "stopped after " << absl::FormatDuration(watch_for) << ": "
              << events << " event(s)" << resume << "\n";
    return 0;
  }
  if (status.ok()) {
    std::cerr << "schedctl " << call.command.name
              << ": the server ended the stream (shutting down?) after "
              << events << " event(s)" << resume << "\n";
    return kCallFailed;
  }
  call.CallFailed(status);
  if (!resume.empty())
    std::cerr << "after " << events << " event(s)" << resume << "\n";
  return kCallFailed;
}

int RunDemoCommand(const Invocation& call) {
  return RunDemo(call.services, LocationName(absl::GetFlag(FLAGS_location)));
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
