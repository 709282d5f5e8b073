// Helpers that the commands of more than one resource use: reading the
// common flags, checking values, printing what several commands print.
//
// Thread-compatible: reads flags, prints to std::cout.
#ifndef SCHEDULING_CLIENT_CLI_COMMAND_HELPERS_H_
#define SCHEDULING_CLIENT_CLI_COMMAND_HELPERS_H_

#include <cstddef>
#include <iostream>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "client/cli/output.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "scheduling/v1/booking.pb.h"
#include "scheduling/v1/calendar.pb.h"

namespace scheduling::cli {

// The longest id (of a member, or a request id) the server takes.
inline constexpr int kMaxIdLength = 63;

// Accepts a bare location id as well as its resource name.
std::string LocationName(const std::string& location);

// The zone to show times in when the resource has none of its own:
// --time_zone, else this machine's.
absl::TimeZone DisplayZone();

// Parses the RFC 3339 value `text` of --`flag`.
absl::StatusOr<absl::Time> ParseInstantFlag(absl::string_view flag,
                                            const std::string& text);

// The slot range that --from and --days select.
struct SlotRange {
  absl::Time from;
  absl::Time to;
};

// The range --from (now if empty) and --days select; --days must be 1 to 31.
absl::StatusOr<SlotRange> SlotRangeFromFlags();

// The extras of `slots` worth a column: free members where the server
// names them; remaining seats where some slot has more than 1 (for every
// type, 1 just means one more booking fits).
SlotExtras ExtrasOf(
    const google::protobuf::RepeatedPtrField<scheduling::v1::Slot>& slots);

// Prints a page of free slots (of a calendar or a one-time link) in
// `range`, under a header naming `subject` as `subject_key`.
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

// Prints `booking` in full; returns 0, the exit status.
int PrintBooking(const scheduling::v1::Booking& booking);

// Prints the footer of a page of a list.
void PrintPageFooter(absl::string_view items, int count,
                     const std::string& next_page_token);

// Characters of UTF-8 `text`.
size_t CharacterCount(absl::string_view text);

// Checks a duration flag's value: whole minutes, positive or (if
// `zero_allowed`) zero.
absl::Status CheckMinutes(absl::string_view flag, absl::Duration value,
                          bool zero_allowed);

// Checks that --`flag` is `min` to `max`; the error says what 0 means if
// `zero_means` is not empty.
absl::Status CheckRange(absl::string_view flag, int value, int min, int max,
                        absl::string_view zero_means);

// Checks that --`flag` is not empty.
absl::Status NotEmpty(absl::string_view flag, const std::string& value);

// Checks an idempotency key: empty, or 1 to kMaxIdLength of A-Z a-z 0-9 - _.
absl::Status CheckRequestId(const std::string& request_id);

}  // namespace scheduling::cli

#endif  // SCHEDULING_CLIENT_CLI_COMMAND_HELPERS_H_
