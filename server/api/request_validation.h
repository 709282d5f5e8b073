// Validation of every request, before anything reaches the domain or SQL.
//
// Each function checks one request completely and returns either the
// domain input it describes or INVALID_ARGUMENT listing every violation
// (domain::FieldViolations), with field paths as in the request, e.g.
// "calendar.weekly_hours[1].end_time". Pure: `now` is passed in.
#ifndef SCHEDULING_SERVER_API_REQUEST_VALIDATION_H_
#define SCHEDULING_SERVER_API_REQUEST_VALIDATION_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "scheduling/v1/calendar_service.pb.h"
#include "scheduling/v1/one_time_link_service.pb.h"
#include "server/api/field_checks.h"
#include "server/api/proto_conversion.h"
#include "server/domain/booking.h"
#include "server/domain/calendar.h"
#include "server/domain/names.h"
#include "server/domain/one_time_link.h"
#include "server/domain/slots.h"

namespace scheduling::api {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;
inline constexpr int kMaxWeeklyIntervals = 100;
inline constexpr absl::Duration kMinDuration = absl::Minutes(5);
inline constexpr absl::Duration kMaxDuration = absl::Hours(24);

// A calendar resource name in `field`.
absl::StatusOr<domain::CalendarName> ValidateCalendarName(
    absl::string_view field, absl::string_view name);

// A one-time link resource name in `field`.
absl::StatusOr<domain::OneTimeLinkName> ValidateOneTimeLinkName(
    absl::string_view field, absl::string_view name);

struct FreeSlotsQuery {
  domain::TimeInterval range;
  // The requested booking length (kService); nullopt means the default.
  std::optional<absl::Duration> duration;
  // The requested zone; nullopt means the calendar's own.
  std::optional<absl::TimeZone> zone;
  std::string zone_name;
};
absl::StatusOr<FreeSlotsQuery> ValidateFreeSlotsRange(
    const google::protobuf::Timestamp* start_time,
    const google::protobuf::Timestamp* end_time, absl::string_view time_zone,
    const google::protobuf::Duration* duration = nullptr);

// A booking resource name in `field`.
absl::StatusOr<domain::BookingName> ValidateBookingName(absl::string_view field,
                                                        absl::string_view name);

struct CreateBookingInput {
  domain::CalendarName calendar;
  absl::Time start_time;
  domain::Invitee invitee;
  std::optional<absl::Duration> duration;
  std::string request_id;
};
absl::StatusOr<CreateBookingInput> ValidateCreateBooking(
    const v1::CreateBookingRequest& request, absl::Time now);

struct RescheduleInput {
  domain::BookingName booking;
  absl::Time start_time;
  std::string request_id;  // empty: none
};
absl::StatusOr<RescheduleInput> ValidateRescheduleBooking(
    const v1::RescheduleBookingRequest& request, absl::Time now);

inline constexpr int kMaxCancelReasonLength = 500;
absl::StatusOr<domain::BookingName> ValidateCancelBooking(
    const v1::CancelBookingRequest& request);

// A booking's manage token in `field` (domain/secrets.h).
absl::Status ValidateManageToken(absl::string_view field,
                                 absl::string_view token);

struct ManageRescheduleInput {
  std::string manage_token;
  absl::Time start_time;
  std::string request_id;  // empty: none
};
absl::StatusOr<ManageRescheduleInput> ValidateRescheduleByManageToken(
    const v1::RescheduleBookingByManageTokenRequest& request, absl::Time now);

// OK, or the violations of a CancelBookingByManageToken request.
absl::Status ValidateCancelByManageToken(
    const v1::CancelBookingByManageTokenRequest& request);

// A link token in `field`, of either version (domain/secrets.h).
absl::Status ValidateLinkToken(absl::string_view field,
                               absl::string_view token);

inline constexpr int kMaxLinkUses = 1000;
inline constexpr int kMaxMetadataEntries = 32;
inline constexpr int kMaxMetadataValueBytes = 512;
inline constexpr int kMaxMetadataBytes = 4096;
inline constexpr int kMaxBatchLinks = 1000;

struct CreateLinkInput {
  domain::CalendarName calendar;
  // The options: expire_time, max_uses, invitee, enforce_invitee,
  // metadata, date window, duration, request_id. Ids and hashes are set by
  // the caller.
  domain::OneTimeLink link;
};
// Field paths are prefixed with `prefix` (e.g. "requests[3]."), for
// batches.
absl::StatusOr<CreateLinkInput> ValidateCreateOneTimeLink(
    const v1::CreateOneTimeLinkRequest& request, absl::Time now,
    absl::string_view prefix = "");

struct BatchCreateLinksInput {
  domain::CalendarName calendar;
  std::vector<domain::OneTimeLink> links;
};
absl::StatusOr<BatchCreateLinksInput> ValidateBatchCreateOneTimeLinks(
    const v1::BatchCreateOneTimeLinksRequest& request, absl::Time now);

struct ListLinksInput {
  domain::CalendarName calendar;
  std::optional<domain::LinkState> state;
  std::optional<std::string> contact_id;
  int page_size = kDefaultPageSize;
  std::optional<int64_t> before_pk;
};
absl::StatusOr<ListLinksInput> ValidateListOneTimeLinks(
    const v1::ListOneTimeLinksRequest& request);
std::string EncodeLinkPageToken(const v1::ListOneTimeLinksRequest& request,
                                int64_t last_pk);

struct EventsInput {
  std::string location_id;
  int64_t after_seq = 0;
  int page_size = 100;
};
absl::StatusOr<EventsInput> ValidateListOneTimeLinkEvents(
    const v1::ListOneTimeLinkEventsRequest& request);
absl::StatusOr<EventsInput> ValidateWatchOneTimeLinkEvents(
    const v1::WatchOneTimeLinkEventsRequest& request);
// The opaque cursor of event `seq` of a location.
std::string EncodeEventCursor(absl::string_view location_id, int64_t seq);

struct BookLinkInput {
  std::string token;
  absl::Time start_time;
  domain::Invitee invitee;
  std::string request_id;
};
absl::StatusOr<BookLinkInput> ValidateBookOneTimeLink(
    const v1::BookOneTimeLinkRequest& request, absl::Time now);

// The calendar version an etag we issued names ("\"v7\"" → 7).
std::optional<int64_t> ParseEtag(absl::string_view etag);

// `name` cut to kMaxDisplayNameLength characters (never inside a UTF-8
// sequence).
std::string TruncateDisplayName(const std::string& name);

struct DuplicateInput {
  domain::CalendarName source;
  std::string calendar_id;   // empty: generate
  std::string slug;          // empty: derive from the source's
  std::string display_name;  // empty: derive from the source's
};
absl::StatusOr<DuplicateInput> ValidateDuplicateCalendar(
    const v1::DuplicateCalendarRequest& request);

struct MoveInput {
  domain::CalendarName calendar;
  std::string group_id;  // empty: take it out of its group
};
absl::StatusOr<MoveInput> ValidateMoveCalendarToGroup(
    const v1::MoveCalendarToGroupRequest& request);

// A group resource name in `field`.
absl::StatusOr<GroupName> ValidateGroupName(absl::string_view field,
                                            absl::string_view name);

// One INVALID_ARGUMENT with the violations of every failed status in
// `statuses`, for requests validated in parts; OK if all are OK.
absl::Status CombineViolations(std::initializer_list<absl::Status> statuses);

// Loads an IANA zone by name, refusing names that are not zone-shaped
// (the zone loader reads files named after them).
std::optional<absl::TimeZone> LoadZone(absl::string_view name);

}  // namespace scheduling::api

#endif  // SCHEDULING_SERVER_API_REQUEST_VALIDATION_H_
