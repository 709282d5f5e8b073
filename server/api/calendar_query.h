// The list requests of CalendarService (calendars, groups, bookings): their
// validation, the ListCalendars filter and order, and page tokens.
//
// Lists page by keyset: a page token carries the sort key of the last item
// returned, so items inserted while a caller pages never shift a page. A
// token is opaque (web-safe base64) and bound to the request it continues:
// used with another parent, filter, order or range it is INVALID_ARGUMENT
// on "page_token", as is a token this service never issued.
//
// Example:
//   absl::StatusOr<CalendarListQuery> query = ValidateListCalendars(request);
//   ... fetch query->page_size + 1 calendars after query->after ...
//   if (has_more) {
//     response->set_next_page_token(EncodeCalendarPageToken(*query, last));
//   }
//
// Thread-safety: pure functions.
#ifndef SCHEDULING_SERVER_API_CALENDAR_QUERY_H_
#define SCHEDULING_SERVER_API_CALENDAR_QUERY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "scheduling/v1/calendar_service.pb.h"
#include "server/api/request_validation.h"
#include "server/domain/booking.h"
#include "server/domain/calendar.h"
#include "server/domain/names.h"

namespace scheduling::api {

inline constexpr int kMaxFilterLength = 1000;            // characters
inline constexpr int kMaxFilterDisplayNameLength = 200;  // characters

// Which calendars ListCalendars returns; every condition set must hold.
struct CalendarFilter {
  // Case-insensitive substring of the display name, as typed: the store
  // must escape its LIKE wildcards (% and _).
  std::optional<std::string> display_name_contains;
  // The group's id; "" means ungrouped calendars.
  std::optional<std::string> group_id;
  std::optional<domain::CalendarType> type;
  std::optional<domain::CalendarStatus> status;
};

enum class CalendarOrder { kCreateTime, kDisplayName, kUpdateTime };

// A validated ListCalendars request. Ties of the order are broken by `pk`
// in the same direction; kCreateTime orders by `pk` alone, which grows with
// creation.
struct CalendarListQuery {
  std::string location_id;
  CalendarFilter filter;
  CalendarOrder order = CalendarOrder::kCreateTime;
  bool descending = false;
  int page_size = kDefaultPageSize;
  // The sort key of the last calendar of the previous page: `pk` always,
  // `display_name` or `update_time` when the order uses them.
  struct Position {
    std::string display_name;
    absl::Time update_time;
    int64_t pk = 0;
  };
  // Return calendars strictly after this one in the order; none: from the
  // start.
  std::optional<Position> after;
};

// Checks parent, page_size, filter, order_by and page_token. Filter
// grammar: conditions joined by AND, each one of
//   display_name:"text"   (\" and \\ escape; at most 200 characters)
//   group = "locations/{location}/groups/{group}"   or   group = ""
//   calendar_type = EVENT|ROUND_ROBIN|COLLECTIVE|CLASS_BOOKING|SERVICE
//   status = ACTIVE|INACTIVE
// with any whitespace between tokens; a field may appear once.
//
// Named apart from request_validation.h's ValidateListCalendars, which it
// replaces.
absl::StatusOr<CalendarListQuery> ValidateListCalendarsRequest(
    const v1::ListCalendarsRequest& request);

// The token of the page after `last`, the last calendar of this page.
std::string EncodeCalendarPageToken(const CalendarListQuery& query,
                                    const domain::Calendar& last);

// The position `token` carries, if it continues `query`.
absl::StatusOr<CalendarListQuery::Position> DecodeCalendarPageToken(
    absl::string_view token, const CalendarListQuery& query);

// A validated ListGroups request: groups by display name, then pk.
struct GroupListQuery {
  std::string location_id;
  int page_size = kDefaultPageSize;
  struct Position {
    std::string display_name;
    int64_t pk = 0;
  };
  std::optional<Position> after;
};

absl::StatusOr<GroupListQuery> ValidateListGroups(
    const v1::ListGroupsRequest& request);

std::string EncodeGroupPageToken(const GroupListQuery& query,
                                 const domain::Group& last);

absl::StatusOr<GroupListQuery::Position> DecodeGroupPageToken(
    absl::string_view token, const GroupListQuery& query);

// A validated ListBookings request: bookings of one calendar that overlap
// [start_time, end_time), by start time, then pk.
struct BookingListQuery {
  domain::CalendarName calendar;
  // Bookings that end after this instant; none: no lower bound.
  std::optional<absl::Time> start_time;
  // Bookings that start before this instant; none: no upper bound.
  std::optional<absl::Time> end_time;
  bool show_cancelled = false;
  int page_size = kDefaultPageSize;
  struct Position {
    absl::Time start_time;
    int64_t pk = 0;
  };
  std::optional<Position> after;
};

absl::StatusOr<BookingListQuery> ValidateListBookings(
    const v1::ListBookingsRequest& request);

std::string EncodeBookingPageToken(const BookingListQuery& query,
                                   const domain::Booking& last);

absl::StatusOr<BookingListQuery::Position> DecodeBookingPageToken(
    absl::string_view token, const BookingListQuery& query);

}  // namespace scheduling::api

#endif  // SCHEDULING_SERVER_API_CALENDAR_QUERY_H_
