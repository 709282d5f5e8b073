// The list requests of both services on arbitrary request bytes: their
// filters, ranges, page tokens and event cursors, as a caller sends them.
// Never a crash, a sanitizer report or a hang; and whenever a request is
// valid, the next-page token (or cursor) the service would issue for it is
// accepted by the same request and gives back the position it carries, so a
// caller can always page on.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "absl/types/span.h"
#include "fuzz/request_fuzzing.h"
#include "scheduling/v1/calendar_service.pb.h"
#include "scheduling/v1/one_time_link_service.pb.h"
#include "server/api/calendar_query.h"
#include "server/api/request_validation.h"

namespace scheduling::fuzz {
namespace {

// The last item of a page, as the store would return it: a long name with
// multi-byte characters and the token's separator in it.
constexpr int64_t kLastPk = 9007199254740993;  // above 2^53: not a double
const absl::Time kLastTime = kNow + absl::Microseconds(123457);
constexpr char kLastDisplayName[] = "Zoë's: intro | call ☎ 日本";

[[noreturn]] void Fail(const char* what, const absl::Status& status) {
  std::fprintf(stderr, "%s: %s\n", what, status.ToString().c_str());
  std::abort();
}

void ListCalendars(absl::Span<const uint8_t> data) {
  WithRequest<v1::ListCalendarsRequest>(data, [](const auto& request) {
    absl::StatusOr<api::CalendarListQuery> query =
        api::ValidateListCalendarsRequest(request);
    Respond(query);
    if (!query.ok()) return;
    domain::Calendar last;
    last.pk = kLastPk;
    last.update_time = kLastTime;
    last.display_name = kLastDisplayName;
    v1::ListCalendarsRequest next = request;
    next.set_page_token(api::EncodeCalendarPageToken(*query, last));
    absl::StatusOr<api::CalendarListQuery> continued =
        api::ValidateListCalendarsRequest(next);
    if (!continued.ok())
      Fail("our calendar page token refused", continued.status());
    const api::CalendarListQuery::Position& after = *continued->after;
    if (after.pk != kLastPk ||
        (query->order == api::CalendarOrder::kDisplayName &&
         after.display_name != kLastDisplayName) ||
        (query->order == api::CalendarOrder::kUpdateTime &&
         after.update_time != kLastTime)) {
      Fail("calendar page token lost its position", absl::OkStatus());
    }
  });
}

void ListGroups(absl::Span<const uint8_t> data) {
  WithRequest<v1::ListGroupsRequest>(data, [](const auto& request) {
    absl::StatusOr<api::GroupListQuery> query =
        api::ValidateListGroups(request);
    Respond(query);
    if (!query.ok()) return;
    domain::Group last;
    last.pk = kLastPk;
    last.display_name = kLastDisplayName;
    v1::ListGroupsRequest next = request;
    next.set_page_token(api::EncodeGroupPageToken(*query, last));
    absl::StatusOr<api::GroupListQuery> continued =
        api::ValidateListGroups(next);
    if (!continued.ok())
      Fail("our group page token refused", continued.status());
    if (continued->after->pk != kLastPk ||
        continued->after->display_name != kLastDisplayName) {
      Fail("group page token lost its position", absl::OkStatus());
    }
  });
}

void ListBookings(absl::Span<const uint8_t> data) {
  WithRequest<v1::ListBookingsRequest>(data, [](const auto& request) {
    absl::StatusOr<api::BookingListQuery> query =
        api::ValidateListBookings(request);
    Respond(query);
    if (!query.ok()) return;
    domain::Booking last;
    last.pk = kLastPk;
    last.start_time = kLastTime;
    v1::ListBookingsRequest next = request;
    next.set_page_token(api::EncodeBookingPageToken(*query, last));
    absl::StatusOr<api::BookingListQuery> continued =
        api::ValidateListBookings(next);
    if (!continued.ok())
      Fail("our booking page token refused", continued.status());
    if (continued->after->pk != kLastPk ||
        continued->after->start_time != kLastTime) {
      Fail("booking page token lost its position", absl::OkStatus());
    }
  });
}

void ListOneTimeLinks(absl::Span<const uint8_t> data) {
  WithRequest<v1::ListOneTimeLinksRequest>(data, [](const auto& request) {
    absl::StatusOr<api::ListLinksInput> input =
        api::ValidateListOneTimeLinks(request);
    Respond(input);
    if (!input.ok()) return;
    v1::ListOneTimeLinksRequest next = request;
    next.set_page_token(api::EncodeLinkPageToken(request, kLastPk));
    absl::StatusOr<api::ListLinksInput> continued =
        api::ValidateListOneTimeLinks(next);
    if (!continued.ok())
      Fail("our link page token refused", continued.status());
    if (continued->before_pk != kLastPk) {
      Fail("link page token lost its position", absl::OkStatus());
    }
  });
}

void ListOneTimeLinkEvents(absl::Span<const uint8_t> data) {
  WithRequest<v1::ListOneTimeLinkEventsRequest>(data, [](const auto& request) {
    absl::StatusOr<api::EventsInput> input =
        api::ValidateListOneTimeLinkEvents(request);
    Respond(input);
    if (!input.ok()) return;
    v1::ListOneTimeLinkEventsRequest next = request;
    next.set_cursor(api::EncodeEventCursor(input->location_id, kLastPk));
    absl::StatusOr<api::EventsInput> continued =
        api::ValidateListOneTimeLinkEvents(next);
    if (!continued.ok()) Fail("our event cursor refused", continued.status());
    if (continued->after_seq != kLastPk) {
      Fail("event cursor lost its position", absl::OkStatus());
    }
  });
}

void WatchOneTimeLinkEvents(absl::Span<const uint8_t> data) {
  WithRequest<v1::WatchOneTimeLinkEventsRequest>(data, [](const auto& request) {
    absl::StatusOr<api::EventsInput> input =
        api::ValidateWatchOneTimeLinkEvents(request);
    Respond(input);
    if (!input.ok()) return;
    v1::WatchOneTimeLinkEventsRequest next = request;
    next.set_cursor(api::EncodeEventCursor(input->location_id, kLastPk));
    absl::StatusOr<api::EventsInput> continued =
        api::ValidateWatchOneTimeLinkEvents(next);
    if (!continued.ok()) Fail("our event cursor refused", continued.status());
    if (continued->after_seq != kLastPk) {
      Fail("event cursor lost its position", absl::OkStatus());
    }
  });
}

// Keep the order: the seeds (fuzz/make_seeds.sh) start with these indexes.
constexpr Target kTargets[] = {
    ListCalendars,           // 0
    ListGroups,              // 1
    ListBookings,            // 2
    ListOneTimeLinks,        // 3
    ListOneTimeLinkEvents,   // 4
    WatchOneTimeLinkEvents,  // 5
};

}  // namespace
}  // namespace scheduling::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  scheduling::fuzz::Dispatch(scheduling::fuzz::kTargets, data, size);
  return 0;
}
