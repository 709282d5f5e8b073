// The calendar commands: create, get, list, update, delete, duplicate, move
// between groups, activate and deactivate calendars; and share (share.cc),
// a calendar's links.

#include <algorithm>
#include <iostream>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "client/cli/command_helpers.h"
#include "client/cli/commands.h"
#include "client/cli/common_flags.h"
#include "client/cli/date_overrides.h"
#include "client/cli/member_settings.h"
#include "client/cli/output.h"
#include "client/cli/proto_time.h"
#include "client/cli/share.h"
#include "client/cli/weekly_hours.h"
#include "google/protobuf/empty.pb.h"
#include "grpcpp/client_context.h"

ABSL_FLAG(std::string, slug, "", "URL slug of a calendar");
ABSL_FLAG(std::string, hours, "",
          "weekly open hours, e.g. \"mon-fri 09:00-17:00; sat 10:00-12:00\"");
ABSL_FLAG(std::string, calendar_id, "",
          "id of a new calendar; generated if empty");
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
ABSL_FLAG(int, max_per_week, 0,
          "most bookings per week (Monday to Sunday); 0 for no limit");
ABSL_FLAG(int, max_per_month, 0, "most bookings per month; 0 for no limit");
ABSL_FLAG(std::string, member_settings, "",
          "per-member settings, e.g. \"ann:day=2,week=8; "
          "bob:priority=high,weight=2\" (limits per day, week, month over "
          "all the location's calendars; ROUND_ROBIN priority and weight)");
ABSL_FLAG(std::string, distribution, "",
          "ROUND_ROBIN: optimize_for_availability (default) or "
          "equal_distribution");
ABSL_FLAG(int, max_lead, 0,
          "EQUAL_DISTRIBUTION: bookings ahead at which a member is hidden "
          "until the others catch up; 0 for 3");
ABSL_FLAG(int, seats, 0, "CLASS_BOOKING: seats per slot; 0 for 1");
ABSL_FLAG(std::string, overrides, "",
          "date overrides, e.g. \"2026-12-24=09:00-12:00; 2026-12-25=closed\"");
ABSL_FLAG(std::string, group, "",
          "a group: its resource name, or its id in the location at hand");
ABSL_FLAG(std::string, filter, "",
          "calendars to list, e.g. 'display_name:\"intro\" AND status = "
          "ACTIVE'");
ABSL_FLAG(std::string, order_by, "",
          "calendar order: create_time (default), display_name or "
          "update_time, each optionally followed by \" desc\"");

namespace scheduling::cli {
namespace {

using scheduling::v1::Calendar;

constexpr int kMaxHorizonDays = 3650;
constexpr int kMaxSeats = 10000;

int PrintCalendar(const Calendar& calendar) {
  FieldPrinter fields;
  AddCalendar(calendar, &fields, Detail::kFull);
  fields.Print(std::cout);
  return 0;
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

absl::Status ApplyMaxPerWeek(Calendar* calendar) {
  calendar->set_max_bookings_per_week(absl::GetFlag(FLAGS_max_per_week));
  return CheckRange("max_per_week", calendar->max_bookings_per_week(), 0,
                    std::numeric_limits<int>::max(), "no limit");
}

absl::Status ApplyMaxPerMonth(Calendar* calendar) {
  calendar->set_max_bookings_per_month(absl::GetFlag(FLAGS_max_per_month));
  return CheckRange("max_per_month", calendar->max_bookings_per_month(), 0,
                    std::numeric_limits<int>::max(), "no limit");
}

absl::Status ApplyMemberSettings(Calendar* calendar) {
  absl::StatusOr<std::vector<scheduling::v1::TeamMemberSettings>> settings =
      ParseMemberSettings(absl::GetFlag(FLAGS_member_settings));
  if (!settings.ok()) return settings.status();
  calendar->clear_team_member_settings();
  for (scheduling::v1::TeamMemberSettings& entry : *settings) {
    *calendar->add_team_member_settings() = std::move(entry);
  }
  return absl::OkStatus();
}

absl::Status ApplyDistribution(Calendar* calendar) {
  const std::string text =
      absl::AsciiStrToUpper(absl::GetFlag(FLAGS_distribution));
  Calendar::Distribution distribution = Calendar::DISTRIBUTION_UNSPECIFIED;
  if (!text.empty() && !Calendar::Distribution_Parse(text, &distribution)) {
    return absl::InvalidArgumentError(
        "--distribution must be optimize_for_availability or "
        "equal_distribution");
  }
  calendar->set_distribution(distribution);
  return absl::OkStatus();
}

absl::Status ApplyMaxLead(Calendar* calendar) {
  calendar->set_max_distribution_lead(absl::GetFlag(FLAGS_max_lead));
  return CheckRange("max_lead", calendar->max_distribution_lead(), 0, 100, "3");
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
    {"max_per_week", "max_bookings_per_week", ApplyMaxPerWeek},
    {"max_per_month", "max_bookings_per_month", ApplyMaxPerMonth},
    {"member_settings", "team_member_settings", ApplyMemberSettings},
    {"distribution", "distribution", ApplyDistribution},
    {"max_lead", "max_distribution_lead", ApplyMaxLead},
};

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

constexpr Command kCalendarCommands[] = {
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
};

}  // namespace

absl::Span<const Command> CalendarCommands() { return kCalendarCommands; }

}  // namespace scheduling::cli
