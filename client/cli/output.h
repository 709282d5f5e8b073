// schedctl's human-readable output: aligned "key: value" blocks, and the
// resources of the API rendered into them. Instants are shown both in UTC
// (RFC 3339) and as wall-clock time with offset in a zone that matters to
// the reader.
//
// Thread-compatible.
#ifndef SCHEDULING_CLIENT_CLI_OUTPUT_H_
#define SCHEDULING_CLIENT_CLI_OUTPUT_H_

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/map.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/date.pb.h"
#include "scheduling/v1/booking.pb.h"
#include "scheduling/v1/calendar.pb.h"
#include "scheduling/v1/group.pb.h"
#include "scheduling/v1/one_time_link.pb.h"
#include "scheduling/v1/one_time_link_service.pb.h"

namespace scheduling::cli {

// Collects fields and prints them with the values in one column.
//
// Example:
//   FieldPrinter fields(/*indent=*/2);
//   fields.Add("name", link.name()).Add("url", link.url());
//   fields.Print(std::cout);
class FieldPrinter {
 public:
  explicit FieldPrinter(int indent = 0) : indent_(indent) {}

  FieldPrinter& Add(absl::string_view key, absl::string_view value);
  // Adds `timestamp` formatted with FormatInstant, or "-" if it is unset.
  FieldPrinter& AddTime(absl::string_view key,
                        const google::protobuf::Timestamp& timestamp,
                        absl::TimeZone zone);

  void Print(std::ostream& out) const;

 private:
  int indent_;
  std::vector<std::pair<std::string, std::string>> fields_;
};

// Prints rows under a header line, each column as wide as its widest cell,
// columns two spaces apart.
//
// Example:
//   TablePrinter table({"NAME", "STATE"});
//   table.AddRow({group.name(), "ENABLED"});
//   table.Print(std::cout);
class TablePrinter {
 public:
  explicit TablePrinter(std::vector<std::string> header);

  // `cells` has as many cells as the header; missing ones print empty.
  TablePrinter& AddRow(std::vector<std::string> cells);

  void Print(std::ostream& out) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// How much of a resource to show.
enum class Detail {
  // The fields of the one-time-link flow, as the demo shows them.
  kBasic,
  // Every field, as the commands that manage the resource show it.
  kFull,
};

// "2026-12-01T09:00:00Z (Tue 2026-12-01 14:30 +05:30 Asia/Kolkata)".
std::string FormatInstant(absl::Time time, absl::TimeZone zone);

// The zone's IANA name, or "local" for the local zone read from a file.
std::string ZoneLabel(absl::TimeZone zone);

// The zone called `name`, or `fallback` if `name` is empty or unknown.
absl::TimeZone ZoneOr(absl::string_view name, absl::TimeZone fallback);

// "2026-12-01T09:00:00Z", or "-" if `timestamp` is unset.
std::string FormatUtc(const google::protobuf::Timestamp& timestamp);

// "30m", "1h30m"; "0" for zero.
std::string FormatDuration(const google::protobuf::Duration& duration);

// "2026-12-01", or "-" if `date` is unset.
std::string FormatDate(const google::type::Date& date);

// "key=value, key2=value2" in key order, or "-" if `metadata` is empty.
std::string FormatMetadata(
    const google::protobuf::Map<std::string, std::string>& metadata);

// "Asha Rao <asha@example.com> +14155550100", or "-" if all are empty.
std::string FormatLinkInvitee(const scheduling::v1::LinkInvitee& invitee);

// A link's date window: "2026-12-01 to 2026-12-10", "from 2026-12-01",
// "until 2026-12-10", or "-" if it has none.
std::string FormatDateWindow(const google::type::Date& earliest,
                             const google::type::Date& latest);

// One event on one line: time, type, link, booking, contact, state,
// metadata (if any) and cursor.
std::string FormatLinkEventLine(const scheduling::v1::OneTimeLinkEvent& event);

// The last part of a resource name: "sales" for "locations/l/groups/sales".
std::string ResourceId(absl::string_view name);

// Adds the fields of a calendar; its times are shown in its own zone.
void AddCalendar(const scheduling::v1::Calendar& calendar, FieldPrinter* fields,
                 Detail detail = Detail::kBasic);

// Adds the fields of a group; its times are shown in `zone`.
void AddGroup(const scheduling::v1::Group& group, absl::TimeZone zone,
              FieldPrinter* fields);

// Adds the fields of a link; its times are shown in `zone`. kFull adds its
// uses, invitee, overrides and metadata.
void AddOneTimeLink(const scheduling::v1::OneTimeLink& link,
                    absl::TimeZone zone, FieldPrinter* fields,
                    Detail detail = Detail::kBasic);

// Adds the fields of a booking; its times are shown in `zone`.
void AddBooking(const scheduling::v1::Booking& booking, absl::TimeZone zone,
                FieldPrinter* fields, Detail detail = Detail::kBasic);

// Adds what a booking page learns from resolving a link. kFull adds the
// link's duration, window, remaining uses and the invitee to prefill.
void AddResolvedLink(const scheduling::v1::ResolveOneTimeLinkResponse& resolved,
                     FieldPrinter* fields, Detail detail = Detail::kBasic);

// What PrintSlots adds to each line besides the times.
struct SlotExtras {
  // The slot's remaining seats, where the server gives them.
  bool seats = false;
  // The slot's free members, where the server gives them.
  bool members = false;
};

// Prints up to `limit` slots, one numbered line each, with local times in
// `zone_name` (the zone the server computed them for).
void PrintSlots(
    const google::protobuf::RepeatedPtrField<scheduling::v1::Slot>& slots,
    absl::string_view zone_name, int indent, int limit, std::ostream& out,
    SlotExtras extras = {});

}  // namespace scheduling::cli

#endif  // SCHEDULING_CLIENT_CLI_OUTPUT_H_
