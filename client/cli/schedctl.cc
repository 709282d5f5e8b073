// schedctl: the reference command-line client of the scheduling service.
//
// Exit status: 0 on success, 1 when a call fails (or health is not SERVING,
// or the demo saw something unexpected), 2 on a usage mistake.

#include <cstdlib>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "client/cli/demo.h"
#include "client/cli/flag_check.h"
#include "client/cli/output.h"
#include "client/cli/proto_time.h"
#include "client/cli/services.h"
#include "client/cli/weekly_hours.h"
#include "scheduling/client/error_details.h"

ABSL_FLAG(std::string, server, "",
          "HOST:PORT of the service; default $SCHEDULING_SERVER, else "
          "127.0.0.1:50051");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(5), "deadline of each call");
ABSL_FLAG(std::string, location, "",
          "location (tenant): an id or locations/{location}");
ABSL_FLAG(std::string, name, "", "resource name of a calendar or link");
ABSL_FLAG(std::string, calendar, "", "resource name of a calendar");
ABSL_FLAG(std::string, slug, "", "URL slug of a new calendar");
ABSL_FLAG(std::string, display_name, "", "name invitees see");
ABSL_FLAG(absl::Duration, duration, absl::Minutes(30), "length of one booking");
ABSL_FLAG(std::string, time_zone, "",
          "IANA zone: a new calendar's, or the one to show times in");
ABSL_FLAG(std::string, hours, "",
          "weekly open hours, e.g. \"mon-fri 09:00-17:00; sat 10:00-12:00\"");
ABSL_FLAG(std::string, calendar_id, "",
          "id of a new calendar; generated if empty");
ABSL_FLAG(int, page_size, 0, "most calendars per page; 0 for the default");
ABSL_FLAG(std::string, page_token, "", "next_page_token of the previous page");
ABSL_FLAG(std::string, from, "",
          "RFC 3339 start of the slot range; now if empty");
ABSL_FLAG(int, days, 7, "length of the slot range in days, 1 to 31");
ABSL_FLAG(absl::Duration, expire_in, absl::Hours(48),
          "lifetime of a new link; 0 for no expiry");
ABSL_FLAG(std::string, token, "", "token of a one-time link, from its URL");
ABSL_FLAG(std::string, start, "", "RFC 3339 start of the slot to book");
ABSL_FLAG(std::string, invitee_name, "", "name of who books");
ABSL_FLAG(std::string, invitee_email, "", "e-mail of who books");

namespace scheduling::cli {
namespace {

constexpr int kCallFailed = 1;
constexpr int kUsageError = 2;
constexpr absl::string_view kDefaultServer = "127.0.0.1:50051";
constexpr int kMaxSlotDays = 31;
constexpr absl::string_view kShortUsage =
    "usage: schedctl [--server=HOST:PORT] [--timeout=5s] <command> [flags]\n"
    "(schedctl --help lists the commands)\n";

struct Command;

// One run of a command: where its results and mistakes go.
struct Invocation {
  // Prints `message` and the command's usage; returns the exit status.
  int UsageError(absl::string_view message) const;
  // Prints the failed call; returns the exit status.
  int CallFailed(const grpc::Status& status) const;

  const Command& command;
  const Services& services;
};

struct Command {
  absl::string_view name;
  // Flags after the name, as the usage text shows them.
  absl::string_view synopsis;
  // Flags that must not be empty, separated by spaces.
  absl::string_view required_flags;
  int (*run)(const Invocation& call);
};

int RunHealth(const Invocation& call);
int RunCreateCalendar(const Invocation& call);
int RunGetCalendar(const Invocation& call);
int RunListCalendars(const Invocation& call);
int RunActivateCalendar(const Invocation& call);
int RunDeactivateCalendar(const Invocation& call);
int RunFreeSlots(const Invocation& call);
int RunCreateLink(const Invocation& call);
int RunGetLink(const Invocation& call);
int RunRevokeLink(const Invocation& call);
int RunResolve(const Invocation& call);
int RunLinkSlots(const Invocation& call);
int RunBook(const Invocation& call);
int RunDemoCommand(const Invocation& call);

constexpr Command kCommands[] = {
    {"health", "", "", RunHealth},
    {"create-calendar",
     "--location=L --slug=S --display_name=N --time_zone=Z --hours=H "
     "[--duration=30m] [--calendar_id=ID]",
     "location slug display_name time_zone hours", RunCreateCalendar},
    {"get-calendar", "--name=CALENDAR", "name", RunGetCalendar},
    {"list-calendars", "--location=L [--page_size=N] [--page_token=T]",
     "location", RunListCalendars},
    {"activate-calendar", "--name=CALENDAR", "name", RunActivateCalendar},
    {"deactivate-calendar", "--name=CALENDAR", "name", RunDeactivateCalendar},
    {"free-slots",
     "--calendar=CALENDAR [--from=RFC3339] [--days=7] [--time_zone=Z]",
     "calendar", RunFreeSlots},
    {"create-link", "--calendar=CALENDAR [--expire_in=48h] [--time_zone=Z]",
     "calendar", RunCreateLink},
    {"get-link", "--name=LINK [--time_zone=Z]", "name", RunGetLink},
    {"revoke-link", "--name=LINK [--time_zone=Z]", "name", RunRevokeLink},
    {"resolve", "--token=T", "token", RunResolve},
    {"link-slots", "--token=T [--from=RFC3339] [--days=7] [--time_zone=Z]",
     "token", RunLinkSlots},
    {"book",
     "--token=T --start=RFC3339 --invitee_name=N --invitee_email=E "
     "[--time_zone=Z]",
     "token start invitee_name invitee_email", RunBook},
    {"demo", "--location=L", "location", RunDemoCommand},
};

std::string CommandUsage(const Command& command) {
  return absl::StrCat("usage: schedctl [--server=HOST:PORT] [--timeout=5s] ",
                      command.name, command.synopsis.empty() ? "" : " ",
                      command.synopsis, "\n");
}

std::string Usage() {
  std::string usage =
      "usage: schedctl [--server=HOST:PORT] [--timeout=5s] <command> [flags]\n"
      "\ncommands:\n";
  for (const Command& command : kCommands) {
    const std::string line =
        absl::StrFormat("  %-20s %s", command.name, command.synopsis);
    absl::StrAppend(&usage, absl::StripTrailingAsciiWhitespace(line), "\n");
  }
  absl::StrAppend(
      &usage, "\nThe server defaults to $SCHEDULING_SERVER, else ",
      kDefaultServer,
      ".\nTimes are RFC 3339 (2026-12-01T09:00:00Z), durations like 30m or "
      "48h.\nHours: \"mon-fri 09:00-17:00; sat 10:00-12:00,13:00-15:00\" "
      "(24:00 may end a day).\n");
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

template <typename Response>
void PrintSlotsResponse(const std::string& subject_key,
                        const std::string& subject, const SlotRange& range,
                        const Response& response) {
  const absl::TimeZone zone = ZoneOr(response.time_zone(), absl::UTCTimeZone());
  FieldPrinter()
      .Add(subject_key, subject)
      .Add("from", FormatInstant(range.from, zone))
      .Add("to", FormatInstant(range.to, zone))
      .Add("time_zone", response.time_zone())
      .Add("free_slots", absl::StrCat(response.slots_size()))
      .Print(std::cout);
  PrintSlots(response.slots(), response.time_zone(), 0,
             std::numeric_limits<int>::max(), std::cout);
}

int PrintCalendar(const scheduling::v1::Calendar& calendar) {
  FieldPrinter fields;
  AddCalendar(calendar, &fields);
  fields.Print(std::cout);
  return 0;
}

int PrintLink(const scheduling::v1::OneTimeLink& link) {
  FieldPrinter fields;
  AddOneTimeLink(link, DisplayZone(), &fields);
  fields.Print(std::cout);
  return 0;
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
  absl::StatusOr<std::vector<scheduling::v1::OpenInterval>> hours =
      ParseWeeklyHours(absl::GetFlag(FLAGS_hours));
  if (!hours.ok()) {
    return call.UsageError(absl::StrCat("--hours: ", hours.status().message()));
  }
  const absl::Duration duration = absl::GetFlag(FLAGS_duration);
  if (duration <= absl::ZeroDuration()) {
    return call.UsageError("--duration must be positive");
  }

  scheduling::v1::CreateCalendarRequest request;
  request.set_parent(LocationName(absl::GetFlag(FLAGS_location)));
  request.set_calendar_id(absl::GetFlag(FLAGS_calendar_id));
  scheduling::v1::Calendar& calendar = *request.mutable_calendar();
  calendar.set_slug(absl::GetFlag(FLAGS_slug));
  calendar.set_display_name(absl::GetFlag(FLAGS_display_name));
  *calendar.mutable_duration() = DurationToProto(duration);
  calendar.set_time_zone(absl::GetFlag(FLAGS_time_zone));
  for (scheduling::v1::OpenInterval& interval : *hours) {
    *calendar.add_weekly_hours() = std::move(interval);
  }

  scheduling::v1::Calendar created;
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
  scheduling::v1::Calendar calendar;
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
  scheduling::v1::ListCalendarsResponse response;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->ListCalendars(&context, request, &response);
  if (!status.ok()) return call.CallFailed(status);

  for (const scheduling::v1::Calendar& calendar : response.calendars()) {
    PrintCalendar(calendar);
    std::cout << "\n";
  }
  FieldPrinter()
      .Add("calendars", absl::StrCat(response.calendars_size()))
      .Add("next_page_token", response.next_page_token().empty()
                                  ? "- (last page)"
                                  : response.next_page_token())
      .Print(std::cout);
  return 0;
}

int RunActivateCalendar(const Invocation& call) {
  scheduling::v1::ActivateCalendarRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  scheduling::v1::Calendar calendar;
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
  scheduling::v1::Calendar calendar;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->DeactivateCalendar(&context, request, &calendar);
  if (!status.ok()) return call.CallFailed(status);
  return PrintCalendar(calendar);
}

int RunFreeSlots(const Invocation& call) {
  absl::StatusOr<SlotRange> range = SlotRangeFromFlags();
  if (!range.ok()) return call.UsageError(range.status().message());
  scheduling::v1::ListFreeSlotsRequest request;
  request.set_calendar(absl::GetFlag(FLAGS_calendar));
  *request.mutable_start_time() = TimeToProto(range->from);
  *request.mutable_end_time() = TimeToProto(range->to);
  request.set_time_zone(absl::GetFlag(FLAGS_time_zone));
  scheduling::v1::ListFreeSlotsResponse response;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.calendars->ListFreeSlots(&context, request, &response);
  if (!status.ok()) return call.CallFailed(status);
  PrintSlotsResponse("calendar", request.calendar(), *range, response);
  return 0;
}

int RunCreateLink(const Invocation& call) {
  const absl::Duration expire_in = absl::GetFlag(FLAGS_expire_in);
  if (expire_in < absl::ZeroDuration()) {
    return call.UsageError("--expire_in must not be negative");
  }
  scheduling::v1::CreateOneTimeLinkRequest request;
  request.set_parent(absl::GetFlag(FLAGS_calendar));
  if (expire_in > absl::ZeroDuration()) {
    *request.mutable_one_time_link()->mutable_expire_time() =
        TimeToProto(absl::Now() + expire_in);
  }
  scheduling::v1::OneTimeLink link;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.links->CreateOneTimeLink(&context, request, &link);
  if (!status.ok()) return call.CallFailed(status);
  return PrintLink(link);
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
  AddResolvedLink(resolved, &fields);
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
  PrintSlotsResponse("token", request.token(), *range, response);
  return 0;
}

int RunBook(const Invocation& call) {
  absl::StatusOr<absl::Time> start =
      ParseInstantFlag("start", absl::GetFlag(FLAGS_start));
  if (!start.ok()) return call.UsageError(start.status().message());
  scheduling::v1::BookOneTimeLinkRequest request;
  request.set_token(absl::GetFlag(FLAGS_token));
  *request.mutable_start_time() = TimeToProto(*start);
  request.mutable_invitee()->set_display_name(
      absl::GetFlag(FLAGS_invitee_name));
  request.mutable_invitee()->set_email(absl::GetFlag(FLAGS_invitee_email));
  scheduling::v1::Booking booking;
  grpc::ClientContext context;
  call.services.SetDeadline(&context);
  const grpc::Status status =
      call.services.links->BookOneTimeLink(&context, request, &booking);
  if (!status.ok()) return call.CallFailed(status);
  FieldPrinter fields;
  AddBooking(booking, DisplayZone(), &fields);
  fields.Print(std::cout);
  return 0;
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
  if (const std::string error = CheckFlagArguments(argc, argv);
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

  const Services services =
      Services::Connect(ServerAddress(), absl::GetFlag(FLAGS_timeout));
  const Invocation call{*command, services};
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
