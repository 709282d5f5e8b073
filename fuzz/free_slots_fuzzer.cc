// The slot engine on what the validators let through: a calendar that
// ValidateNewCalendar accepts and a range that ValidateFreeSlotsRange
// accepts, as ListFreeSlots and the booking paths use them. The validators
// exist so that the engine can trust its input; this checks that bargain
// (no crash, no sanitizer report, no hang on any accepted calendar, DST and
// odd zones included) and slots.h's own contract: DecideBooking succeeds at
// a start iff ComputeFreeSlots lists a slot starting there, and every listed
// slot lies in the range with the chosen length, in start order.
//
// Input: one byte n, then n bytes of a ListFreeSlotsRequest (only its range,
// zone and duration matter), then a CreateCalendarRequest.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <vector>

#include "absl/time/time.h"
#include "fuzz/request_fuzzing.h"
#include "scheduling/v1/calendar_service.pb.h"
#include "server/api/calendar_validation.h"
#include "server/api/request_validation.h"
#include "server/domain/slots.h"

namespace scheduling::fuzz {
namespace {

// DecideBooking is asked about this many of the listed slots (spread over
// the list) and as many starts next to them: enough to catch disagreement,
// few enough to keep thousands of executions a second.
constexpr size_t kSampledSlots = 16;

[[noreturn]] void Fail(const char* what, absl::Time start) {
  std::fprintf(
      stderr, "%s at %s\n", what,
      absl::FormatTime(absl::RFC3339_full, start, absl::UTCTimeZone()).c_str());
  std::abort();
}

void Check(const v1::ListFreeSlotsRequest& range_request,
           const v1::CreateCalendarRequest& calendar_request) {
  absl::StatusOr<domain::Calendar> calendar =
      api::ValidateNewCalendar(calendar_request);
  if (!calendar.ok()) return;
  // A range the validator refuses never reaches the engine; then a week
  // from now, what a booking page asks first.
  domain::TimeInterval range{kNow, kNow + absl::Hours(24 * 7)};
  std::optional<absl::Duration> requested;
  absl::StatusOr<api::FreeSlotsQuery> query = api::ValidateFreeSlotsRange(
      range_request.has_start_time() ? &range_request.start_time() : nullptr,
      range_request.has_end_time() ? &range_request.end_time() : nullptr,
      range_request.time_zone(),
      range_request.has_duration() ? &range_request.duration() : nullptr);
  if (query.ok()) {
    range = query->range;
    requested = query->duration;
  }
  absl::StatusOr<absl::Duration> duration =
      domain::ChooseDuration(*calendar, requested);
  if (!duration.ok()) return;

  const domain::BookingContext no_bookings;
  const std::vector<domain::FreeSlot> slots =
      domain::ComputeFreeSlots(*calendar, *duration, range, kNow, no_bookings);
  std::vector<absl::Time> starts;
  for (const domain::FreeSlot& free : slots) {
    if (free.slot.start < range.start || free.slot.start >= range.end ||
        free.slot.end - free.slot.start != *duration) {
      Fail("a listed slot outside the range or of another length",
           free.slot.start);
    }
    if (!starts.empty() && free.slot.start <= starts.back()) {
      Fail("listed slots out of order", free.slot.start);
    }
    starts.push_back(free.slot.start);
  }

  std::vector<absl::Time> asked;
  const size_t step = std::max<size_t>(1, starts.size() / kSampledSlots);
  for (size_t i = 0; i < starts.size(); i += step) {
    asked.push_back(starts[i]);
    asked.push_back(starts[i] + absl::Minutes(1));
  }
  asked.push_back(range.start);
  for (absl::Time start : asked) {
    const bool listed = std::binary_search(starts.begin(), starts.end(), start);
    const bool decided =
        domain::DecideBooking(*calendar, *duration, start, kNow, no_bookings)
            .ok();
    if (listed != decided) {
      Fail(listed ? "listed, but DecideBooking refuses it"
                  : "not listed, but DecideBooking takes it",
           start);
    }
  }
}

}  // namespace
}  // namespace scheduling::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t range_size = std::min<size_t>(data[0], size - 1);
  scheduling::v1::ListFreeSlotsRequest range_request;
  scheduling::v1::CreateCalendarRequest calendar_request;
  if (!range_request.ParseFromArray(data + 1, static_cast<int>(range_size)) ||
      !calendar_request.ParseFromArray(
          data + 1 + range_size, static_cast<int>(size - 1 - range_size))) {
    return 0;
  }
  scheduling::fuzz::Check(range_request, calendar_request);
  return 0;
}
