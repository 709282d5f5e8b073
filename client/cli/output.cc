#include "client/cli/output.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/cli/proto_time.h"
#include "client/cli/weekly_hours.h"

namespace scheduling::cli {
namespace {

constexpr absl::string_view kUtcFormat = "%Y-%m-%dT%H:%M:%SZ";

bool IsSet(const google::protobuf::Timestamp& timestamp) {
  return timestamp.seconds() != 0 || timestamp.nanos() != 0;
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

std::string FormatInstant(absl::Time time, absl::TimeZone zone) {
  return absl::StrCat(absl::FormatTime(kUtcFormat, time, absl::UTCTimeZone()),
                      " (",
                      absl::FormatTime("%a %Y-%m-%d %H:%M %Ez", time, zone),
                      " ", zone.name(), ")");
}

absl::TimeZone ZoneOr(absl::string_view name, absl::TimeZone fallback) {
  absl::TimeZone zone;
  if (name.empty() || !absl::LoadTimeZone(name, &zone)) return fallback;
  return zone;
}

void AddCalendar(const scheduling::v1::Calendar& calendar,
                 FieldPrinter* fields) {
  const absl::TimeZone zone = ZoneOr(calendar.time_zone(), absl::UTCTimeZone());
  fields->Add("name", calendar.name())
      .Add("display_name", calendar.display_name())
      .Add("slug", calendar.slug())
      .Add("duration",
           absl::FormatDuration(DurationFromProto(calendar.duration())))
      .Add("time_zone", calendar.time_zone())
      .Add("weekly_hours", FormatWeeklyHours(calendar.weekly_hours()))
      .Add("status", scheduling::v1::Calendar::Status_Name(calendar.status()))
      .AddTime("create_time", calendar.create_time(), zone)
      .AddTime("update_time", calendar.update_time(), zone)
      .Add("etag", calendar.etag());
}

void AddOneTimeLink(const scheduling::v1::OneTimeLink& link,
                    absl::TimeZone zone, FieldPrinter* fields) {
  fields->Add("name", link.name());
  // Only the creating call returns the secret parts.
  if (!link.token().empty()) fields->Add("token", link.token());
  if (!link.url().empty()) fields->Add("url", link.url());
  fields->Add("state", scheduling::v1::OneTimeLink::State_Name(link.state()))
      .Add("expire_time",
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
}

void AddBooking(const scheduling::v1::Booking& booking, absl::TimeZone zone,
                FieldPrinter* fields) {
  fields->Add("name", booking.name())
      .AddTime("start_time", booking.start_time(), zone)
      .AddTime("end_time", booking.end_time(), zone)
      .Add("invitee", absl::StrCat(booking.invitee().display_name(), " <",
                                   booking.invitee().email(), ">"))
      .Add("one_time_link",
           booking.one_time_link().empty() ? "-" : booking.one_time_link())
      .AddTime("create_time", booking.create_time(), zone);
}

void AddResolvedLink(const scheduling::v1::ResolveOneTimeLinkResponse& resolved,
                     FieldPrinter* fields) {
  const scheduling::v1::CalendarPublicView& calendar = resolved.calendar();
  const absl::TimeZone zone = ZoneOr(calendar.time_zone(), absl::UTCTimeZone());
  fields->Add("one_time_link", resolved.one_time_link())
      .Add("calendar", calendar.name())
      .Add("display_name", calendar.display_name())
      .Add("slug", calendar.slug())
      .Add("duration",
           absl::FormatDuration(DurationFromProto(calendar.duration())))
      .Add("time_zone", calendar.time_zone())
      .Add("expire_time",
           IsSet(resolved.expire_time())
               ? FormatInstant(TimeFromProto(resolved.expire_time()), zone)
               : "never");
}

void PrintSlots(
    const google::protobuf::RepeatedPtrField<scheduling::v1::Slot>& slots,
    absl::string_view zone_name, int indent, int limit, std::ostream& out) {
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
    out << absl::StrFormat(
        "%*s%3d  %s  %s\n", indent, "", i + 1,
        absl::FormatTime(kUtcFormat, start, absl::UTCTimeZone()), local);
  }
  if (shown < slots.size()) {
    out << absl::StrFormat("%*s     ... and %d more\n", indent, "",
                           slots.size() - shown);
  }
}

}  // namespace scheduling::cli
