#include "client/cli/command_helpers.h"

#include <algorithm>
#include <cstddef>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/cli/common_flags.h"
#include "client/cli/output.h"

namespace scheduling::cli {
namespace {

constexpr int kMaxSlotDays = 31;

}  // namespace

std::string LocationName(const std::string& location) {
  return absl::StartsWith(location, "locations/")
             ? location
             : absl::StrCat("locations/", location);
}

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

SlotExtras ExtrasOf(
    const google::protobuf::RepeatedPtrField<scheduling::v1::Slot>& slots) {
  SlotExtras extras;
  for (const scheduling::v1::Slot& slot : slots) {
    extras.seats = extras.seats || slot.remaining_seats() > 1;
    extras.members = extras.members || !slot.free_members().empty();
  }
  return extras;
}

int PrintBooking(const scheduling::v1::Booking& booking) {
  FieldPrinter fields;
  AddBooking(booking, DisplayZone(), &fields, Detail::kFull);
  fields.Print(std::cout);
  return 0;
}

void PrintPageFooter(absl::string_view items, int count,
                     const std::string& next_page_token) {
  FieldPrinter()
      .Add(items, absl::StrCat(count))
      .Add("next_page_token",
           next_page_token.empty() ? "- (last page)" : next_page_token)
      .Print(std::cout);
}

size_t CharacterCount(absl::string_view text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

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

absl::Status NotEmpty(absl::string_view flag, const std::string& value) {
  return value.empty() ? absl::InvalidArgumentError(
                             absl::StrCat("--", flag, " must not be empty"))
                       : absl::OkStatus();
}

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

}  // namespace scheduling::cli
