// Page tokens and event cursors as a caller may forge them: the input is
// tried as the token itself, as its base64 payload, and as the payload's
// fields behind a genuine header (kind and request fingerprint), which is
// where the parsing of positions starts. Whatever the bytes, a decoder must
// answer INVALID_ARGUMENT or a position, never crash or misbehave. (Their
// refusals are fixed texts, so unlike the request fuzzers this one does not
// map them to grpc::Status: that would only cost executions.)
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "scheduling/v1/calendar_service.pb.h"
#include "scheduling/v1/one_time_link_service.pb.h"
#include "server/api/calendar_query.h"
#include "server/api/request_validation.h"

namespace scheduling::fuzz {
namespace {

// The first `fields` ':'-separated fields of the payload of `token` (one we
// issued), with their trailing ':'.
std::string Header(const std::string& token, int fields) {
  std::string payload;
  absl::WebSafeBase64Unescape(token, &payload);
  size_t end = 0;
  for (int i = 0; i < fields; ++i) end = payload.find(':', end) + 1;
  return payload.substr(0, end);
}

// Every way `bytes` reaches a decoder: as given, base64-encoded, and as the
// fields behind `header`.
template <typename Decode>
void Try(absl::string_view header, absl::string_view bytes, Decode decode) {
  decode(bytes);
  decode(absl::WebSafeBase64Escape(bytes));
  decode(absl::WebSafeBase64Escape(absl::StrCat(header, bytes)));
}

void FuzzCalendarTokens(absl::string_view bytes) {
  static const auto* const query = [] {
    auto* query = new api::CalendarListQuery;
    query->location_id = "acme";
    query->order = api::CalendarOrder::kDisplayName;
    return query;
  }();
  static const std::string* const header = new std::string(
      Header(api::EncodeCalendarPageToken(*query, domain::Calendar()), 2));
  Try(*header, bytes, [](absl::string_view token) {
    (void)api::DecodeCalendarPageToken(token, *query);
  });
  // And through the whole request, as the handler receives it.
  v1::ListCalendarsRequest request;
  request.set_parent("locations/acme");
  request.set_order_by("display_name");
  Try(*header, bytes, [&](absl::string_view token) {
    request.set_page_token(std::string(token));
    (void)api::ValidateListCalendarsRequest(request);
  });
}

void FuzzGroupTokens(absl::string_view bytes) {
  static const auto* const query = [] {
    auto* query = new api::GroupListQuery;
    query->location_id = "acme";
    return query;
  }();
  static const std::string* const header = new std::string(
      Header(api::EncodeGroupPageToken(*query, domain::Group()), 2));
  Try(*header, bytes, [](absl::string_view token) {
    (void)api::DecodeGroupPageToken(token, *query);
  });
}

void FuzzBookingTokens(absl::string_view bytes) {
  static const auto* const query = [] {
    auto* query = new api::BookingListQuery;
    query->calendar.location_id = "acme";
    query->calendar.calendar_id = "intro";
    return query;
  }();
  static const std::string* const header = new std::string(
      Header(api::EncodeBookingPageToken(*query, domain::Booking()), 2));
  Try(*header, bytes, [](absl::string_view token) {
    (void)api::DecodeBookingPageToken(token, *query);
  });
}

void FuzzLinkTokens(absl::string_view bytes) {
  v1::ListOneTimeLinksRequest request;
  request.set_parent("locations/acme/calendars/intro");
  request.set_contact_id("crm-42");
  // The payload is "links:v1:<fingerprint>|<pk>"; the header is all but pk.
  std::string payload;
  absl::WebSafeBase64Unescape(api::EncodeLinkPageToken(request, 1), &payload);
  const std::string header = payload.substr(0, payload.rfind('|') + 1);
  Try(header, bytes, [&](absl::string_view token) {
    request.set_page_token(std::string(token));
    (void)api::ValidateListOneTimeLinks(request);
  });
}

void FuzzEventCursors(absl::string_view bytes) {
  v1::ListOneTimeLinkEventsRequest request;
  request.set_parent("locations/acme");
  std::string payload;
  absl::WebSafeBase64Unescape(api::EncodeEventCursor("acme", 1), &payload);
  const std::string header = payload.substr(0, payload.rfind(':') + 1);
  Try(header, bytes, [&](absl::string_view token) {
    request.set_cursor(std::string(token));
    (void)api::ValidateListOneTimeLinkEvents(request);
  });
  // The location is part of what a forged cursor may get wrong.
  Try("events:v1:", bytes, [&](absl::string_view token) {
    request.set_cursor(std::string(token));
    (void)api::ValidateListOneTimeLinkEvents(request);
  });
}

}  // namespace
}  // namespace scheduling::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  scheduling::fuzz::FuzzCalendarTokens(bytes);
  scheduling::fuzz::FuzzGroupTokens(bytes);
  scheduling::fuzz::FuzzBookingTokens(bytes);
  scheduling::fuzz::FuzzLinkTokens(bytes);
  scheduling::fuzz::FuzzEventCursors(bytes);
  return 0;
}
