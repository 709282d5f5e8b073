#include "client/cli/output.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "client/cli/date_overrides.h"
#include "client/cli/member_settings.h"
#include "client/cli/proto_time.h"
#include "client/cli/weekly_hours.h"

namespace scheduling::cli {
namespace {

constexpr absl::string_view kUtcFormat = "%Y-%m-%dT%H:%M:%SZ";

bool IsSet(const google::protobuf::Timestamp& timestamp) {
  return timestamp.seconds() != 0 || timestamp.nanos() != 0;
}

// The list joined with ", ", or "-" if it is empty.
template <typename Strings>
std::string ListOrDash(const Strings& strings) {
  return strings.empty() ? "-" : absl::StrJoin(strings, ", ");
}

// A count where 0 means no limit.
std::string Limit(int value) {
  return value == 0 ? "0 (no limit)" : absl::StrCat(value);
}

}  // namespace

FieldPrinter& FieldPrinter::Add(absl::string_view key,
                                absl::string_view value) {
  fields_.emplace_back(std::string(key), std::string(value));
  return *this;
}

FieldPrinter& FieldPrinter::AddTime(
    absl::string_view key, const google::protobuf::Timestamp& timestamp,
    absl::TimeZone zone) {
  return Add(key, IsSet(timestamp)
                      ? FormatInstant(TimeFromProto(timestamp), zone)
                      : "-");
}

void FieldPrinter::Print(std::ostream& out) const {
  size_t width = 0;
  for (const auto& [key, value] : fields_) {
    width = std::max(width, key.size() + 1);
  }
  for (const auto& [key, value] : fields_) {
    out << absl::StrFormat("%*s%-*s %s\n", indent_, "", static_cast<int>(width),
                           key + ":", value);
  }
}

TablePrinter::TablePrinter(std::vector<std::string> header) {
  rows_.push_back(std::move(header));
}

TablePrinter& TablePrinter::AddRow(std::vector<std::string> cells) {
  cells.resize(rows_.front().size());
  rows_.push_back(std::move(cells));
  return *this;
}

void TablePrinter::Print(std::ostream& out) const {
  std::vector<size_t> widths(rows_.front().size(), 0);
  for (const std::vector<std::string>& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  for (const std::vector<std::string>& row : rows_) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      absl::StrAppend(
          &line, i == 0 ? "" : "  ",
          absl::StrFormat("%-*s", static_cast<int>(widths[i]), row[i]));
    }
    out << absl::StripTrailingAsciiWhitespace(line) << "\n";
  }
}

std::string FormatUtc(const google::protobuf::Timestamp& timestamp) {
  return IsSet(timestamp)
             ? absl::FormatTime(kUtcFormat, TimeFromProto(timestamp),
                                absl::UTCTimeZone())
             : "-";
}

std::string FormatDuration(const google::protobuf::Duration& duration) {
  return absl::FormatDuration(DurationFromProto(duration));
}

std::string FormatDate(const google::type::Date& date) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) return "-";
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(),
                         date.day());
}

std::string FormatMetadata(
    const google::protobuf::Map<std::string, std::string>& metadata) {
  // A protobuf map's order is unspecified.
  const std::map<std::string, std::string> sorted(metadata.begin(),
                                                  metadata.end());
  return sorted.empty() ? "-"
                        : absl::StrJoin(sorted, ", ", absl::PairFormatter("="));
}

std::string FormatLinkInvitee(const scheduling::v1::LinkInvitee& invitee) {
  std::vector<std::string> parts;
  if (!invitee.display_name().empty()) parts.push_back(invitee.display_name());
  if (!invitee.email().empty()) {
    parts.push_back(absl::StrCat("<", invitee.email(), ">"));
  }
  if (!invitee.phone().empty()) parts.push_back(invitee.phone());
  return parts.empty() ? "-" : absl::StrJoin(parts, " ");
}

std::string FormatDateWindow(const google::type::Date& earliest,
                             const google::type::Date& latest) {
  const std::string from = FormatDate(earliest);
  const std::string to = FormatDate(latest);
  if (from == "-" && to == "-") return "-";
  if (to == "-") return absl::StrCat("from ", from);
  if (from == "-") return absl::StrCat("until ", to);
  return absl::StrCat(from, " to ", to);
}

std::string FormatLinkEventLine(const scheduling::v1::OneTimeLinkEvent& event) {
  using scheduling::v1::OneTimeLinkEvent;
  std::string line = absl::StrFormat(
      "%s  %-7s  %s  booking=%s  contact=%s  state=%s",
      FormatUtc(event.event_time()), OneTimeLinkEvent::Type_Name(event.type()),
      event.one_time_link(), event.booking().empty() ? "-" : event.booking(),
      event.contact_id().empty() ? "-" : event.contact_id(),
      scheduling::v1::OneTimeLink::State_Name(event.state()));
  if (!event.metadata().empty()) {
    const std::map<std::string, std::string> sorted(event.metadata().begin(),
                                                    event.metadata().end());
    absl::StrAppend(&line, "  metadata=",
                    absl::StrJoin(sorted, ",", absl::PairFormatter("=")));
  }
  absl::StrAppend(&line, "  cursor=", event.cursor());
  return line;
}

std::string ResourceId(absl::string_view name) {
  const size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name
                                                      : name.substr(slash + 1));
}

std::string FormatInstant(absl::Time time, absl::TimeZone zone) {
  return absl::StrCat(absl::FormatTime(kUtcFormat, time, absl::UTCTimeZone()),
                      " (",
                      absl::FormatTime("%a %Y-%m-%d %H:%M %Ez", time, zone),
                      " ", ZoneLabel(zone), ")");
}

std::string ZoneLabel(absl::TimeZone zone) {
  // absl names the local zone by its file ("/etc/localtime") when TZ is
  // unset.
  return absl::StartsWith(zone.name(), "/") ? "local" : zone.name();
}

absl::TimeZone ZoneOr(absl::string_view name, absl::TimeZone fallback) {
  absl::TimeZone zone;
  if (name.empty() || !absl::LoadTimeZone(name, &zone)) return fallback;
  return zone;
}

void AddCalendar(const scheduling::v1::Calendar& calendar, FieldPrinter* fields,
                 Detail detail) {
  using scheduling::v1::Calendar;
  const absl::TimeZone zone = ZoneOr(calendar.time_zone(), absl::UTCTimeZone());
  if (detail == Detail::kBasic) {
    fields->Add("name", calendar.name())
        .Add("display_name", calendar.display_name())
        .Add("slug", calendar.slug())
        .Add("duration", FormatDuration(calendar.duration()))
        .Add("time_zone", calendar.time_zone())
        .Add("weekly_hours", FormatWeeklyHours(calendar.weekly_hours()))
        .Add("status", Calendar::Status_Name(calendar.status()))
        .AddTime("create_time", calendar.create_time(), zone)
        .AddTime("update_time", calendar.update_time(), zone)
        .Add("etag", calendar.etag());
    return;
  }

  std::vector<std::string> allowed_durations;
  for (const google::protobuf::Duration& duration :
       calendar.allowed_durations()) {
    allowed_durations.push_back(FormatDuration(duration));
  }
  const bool default_interval =
      DurationFromProto(calendar.slot_interval()) == absl::ZeroDuration();
  fields->Add("name", calendar.name())
      .Add("display_name", calendar.display_name())
      .Add("slug", calendar.slug())
      .Add("calendar_type", Calendar::Type_Name(calendar.calendar_type()))
      .Add("group", calendar.group().empty() ? "-" : calendar.group())
      .Add("status", Calendar::Status_Name(calendar.status()))
      .Add("duration", FormatDuration(calendar.duration()))
      .Add("allowed_durations", ListOrDash(allowed_durations))
      .Add("slot_interval",
           default_interval ? absl::StrCat(FormatDuration(calendar.duration()),
                                           " (the duration)")
                            : FormatDuration(calendar.slot_interval()))
      .Add("time_zone", calendar.time_zone())
      .Add("weekly_hours", FormatWeeklyHours(calendar.weekly_hours()))
      .Add("date_overrides", FormatDateOverrides(calendar.date_overrides()))
      .Add("team_members", ListOrDash(calendar.team_members()))
      .Add("buffer_before", FormatDuration(calendar.buffer_before()))
      .Add("buffer_after", FormatDuration(calendar.buffer_after()))
      .Add("minimum_notice", FormatDuration(calendar.minimum_notice()))
      .Add("booking_horizon_days", Limit(calendar.booking_horizon_days()))
      .Add("max_bookings_per_day", Limit(calendar.max_bookings_per_day()))
      .Add("max_bookings_per_week", Limit(calendar.max_bookings_per_week()))
      .Add("max_bookings_per_month", Limit(calendar.max_bookings_per_month()))
      .Add("team_member_settings",
           FormatMemberSettings(calendar.team_member_settings()))
      .Add("distribution",
           calendar.distribution() == Calendar::DISTRIBUTION_UNSPECIFIED
               ? "-"
               : Calendar::Distribution_Name(calendar.distribution()))
      .Add("max_distribution_lead",
           calendar.max_distribution_lead() == 0
               ? "-"
               : absl::StrCat(calendar.max_distribution_lead()))
      .Add("seats_per_slot", absl::StrCat(calendar.seats_per_slot()))
      .AddTime("create_time", calendar.create_time(), zone)
      .AddTime("update_time", calendar.update_time(), zone)
      .Add("etag", calendar.etag());
}

void AddGroup(const scheduling::v1::Group& group, absl::TimeZone zone,
              FieldPrinter* fields) {
  fields->Add("name", group.name())
      .Add("display_name", group.display_name())
      .Add("description",
           group.description().empty() ? "-" : group.description())
      .Add("state", scheduling::v1::Group::State_Name(group.state()))
      .Add("calendar_count", absl::StrCat(group.calendar_count()))
      .AddTime("create_time", group.create_time(), zone)
      .AddTime("update_time", group.update_time(), zone)
      .Add("etag", group.etag());
}

void AddOneTimeLink(const scheduling::v1::OneTimeLink& link,
                    absl::TimeZone zone, FieldPrinter* fields, Detail detail) {
  fields->Add("name", link.name());
  // Only the creating call returns the secret parts.
  if (!link.token().empty()) fields->Add("token", link.token());
  if (!link.url().empty()) fields->Add("url", link.url());
  fields->Add("state", scheduling::v1::OneTimeLink::State_Name(link.state()));
  if (detail == Detail::kFull) {
    const int max_uses = std::max(link.max_uses(), 1);
    fields->Add(
        "uses",
        absl::StrCat(link.use_count(), " of ", max_uses, " used (",
                     std::max(max_uses - link.use_count(), 0), " left)"));
  }
  fields
      ->Add("expire_time",
            IsSet(link.expire_time())
                ? FormatInstant(TimeFromProto(link.expire_time()), zone)
                : "never")
      .AddTime("create_time", link.create_time(), zone);
  if (!link.booking().empty()) fields->Add("booking", link.booking());
  if (IsSet(link.use_time()))
    fields->AddTime("use_time", link.use_time(), zone);
  if (IsSet(link.revoke_time())) {
    fields->AddTime("revoke_time", link.revoke_time(), zone);
  }
  if (detail == Detail::kBasic) return;
  const scheduling::v1::LinkInvitee& invitee = link.invitee();
  fields
      ->Add("contact_id",
            invitee.contact_id().empty() ? "-" : invitee.contact_id())
      .Add("invitee", FormatLinkInvitee(invitee))
      .Add("enforce_invitee", link.enforce_invitee() ? "yes" : "no")
      .Add("return_use_on_cancel", link.return_use_on_cancel() ? "yes" : "no")
      .Add("date_window",
           FormatDateWindow(link.earliest_date(), link.latest_date()))
      .Add("duration", link.has_duration() ? FormatDuration(link.duration())
                                           : "- (the calendar's)")
      .Add("metadata", FormatMetadata(link.metadata()));
}

void AddBooking(const scheduling::v1::Booking& booking, absl::TimeZone zone,
                FieldPrinter* fields, Detail detail) {
  fields->Add("name", booking.name());
  if (detail == Detail::kFull) {
    fields->Add("state", scheduling::v1::Booking::State_Name(booking.state()));
  }
  fields->AddTime("start_time", booking.start_time(), zone)
      .AddTime("end_time", booking.end_time(), zone)
      .Add("invitee", absl::StrCat(booking.invitee().display_name(), " <",
                                   booking.invitee().email(), ">"))
      .Add("one_time_link",
           booking.one_time_link().empty() ? "-" : booking.one_time_link())
      .AddTime("create_time", booking.create_time(), zone);
  if (!booking.manage_token().empty()) {
    fields->Add("manage_token", booking.manage_token());
  }
  if (detail == Detail::kBasic) return;
  fields->Add("members", ListOrDash(booking.members()))
      .Add("metadata", FormatMetadata(booking.metadata()));
  if (IsSet(booking.reschedule_time())) {
    fields->AddTime("reschedule_time", booking.reschedule_time(), zone);
  }
  if (booking.state() == scheduling::v1::Booking::CANCELLED ||
      IsSet(booking.cancel_time())) {
    fields->AddTime("cancel_time", booking.cancel_time(), zone)
        .Add("cancel_reason",
             booking.cancel_reason().empty() ? "-" : booking.cancel_reason());
  }
}

void AddResolvedLink(const scheduling::v1::ResolveOneTimeLinkResponse& resolved,
                     FieldPrinter* fields, Detail detail) {
  const scheduling::v1::CalendarPublicView& calendar = resolved.calendar();
  const absl::TimeZone zone = ZoneOr(calendar.time_zone(), absl::UTCTimeZone());
  // The booking length through the link: its own, else the calendar's.
  const google::protobuf::Duration& duration =
      detail == Detail::kFull && resolved.has_duration() ? resolved.duration()
                                                         : calendar.duration();
  fields->Add("one_time_link", resolved.one_time_link())
      .Add("calendar", calendar.name())
      .Add("display_name", calendar.display_name())
      .Add("slug", calendar.slug())
      .Add("duration", absl::FormatDuration(DurationFromProto(duration)))
      .Add("time_zone", calendar.time_zone())
      .Add("expire_time",
           IsSet(resolved.expire_time())
               ? FormatInstant(TimeFromProto(resolved.expire_time()), zone)
               : "never");
  if (detail == Detail::kBasic) return;
  const scheduling::v1::LinkInvitee& invitee = resolved.invitee();
  fields->Add("remaining_uses", absl::StrCat(resolved.remaining_uses()))
      .Add("date_window",
           FormatDateWindow(resolved.earliest_date(), resolved.latest_date()))
      .Add("invitee", FormatLinkInvitee(invitee))
      .Add("contact_id",
           invitee.contact_id().empty() ? "-" : invitee.contact_id());
}

void PrintSlots(
    const google::protobuf::RepeatedPtrField<scheduling::v1::Slot>& slots,
    absl::string_view zone_name, int indent, int limit, std::ostream& out,
    SlotExtras extras) {
  absl::TimeZone zone;
  const bool zone_known = absl::LoadTimeZone(zone_name, &zone);
  const int shown = std::min(limit, slots.size());
  for (int i = 0; i < shown; ++i) {
    const scheduling::v1::Slot& slot = slots[i];
    const absl::Time start = TimeFromProto(slot.start_time());
    const absl::Time end = TimeFromProto(slot.end_time());
    // Without the zone's rules locally, fall back to the server's rendering.
    const std::string local =
        zone_known
            ? absl::StrCat(absl::FormatTime("%a %Y-%m-%d %H:%M", start, zone),
                           absl::FormatTime("-%H:%M", end, zone),
                           absl::FormatTime(" %Ez", start, zone))
            : absl::StrCat(slot.local_start_time(), " - ",
                           slot.local_end_time());
    std::string line = absl::StrFormat(
        "%*s%3d  %s  %s", indent, "", i + 1,
        absl::FormatTime(kUtcFormat, start, absl::UTCTimeZone()), local);
    if (extras.seats) {
      // "seat" keeps the column of what follows with a trailing space.
      absl::StrAppend(&line,
                      absl::StrFormat("  %3d %s", slot.remaining_seats(),
                                      slot.remaining_seats() != 1 ? "seats"
                                      : extras.members            ? "seat "
                                                                  : "seat"));
    }
    if (extras.members) {
      absl::StrAppend(&line, "  free: ", ListOrDash(slot.free_members()));
    }
    out << line << "\n";
  }
  if (shown < slots.size()) {
    out << absl::StrFormat("%*s     ... and %d more\n", indent, "",
                           slots.size() - shown);
  }
}

}  // namespace scheduling::cli
