// Resource names (AIP-122) of the scheduling API and the ids inside them.
//
//   locations/{location}
//   locations/{location}/calendars/{calendar}
//   locations/{location}/calendars/{calendar}/oneTimeLinks/{one_time_link}
//   locations/{location}/calendars/{calendar}/bookings/{booking}
//
// Every id is 1 to 63 characters of [a-z0-9-], starting with a letter or
// digit, so names never need escaping and never reach SQL unchecked.
//
// Thread-safety: pure functions.
#ifndef SCHEDULING_SERVER_DOMAIN_NAMES_H_
#define SCHEDULING_SERVER_DOMAIN_NAMES_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace scheduling::domain {

inline constexpr int kMaxIdLength = 63;

struct CalendarName {
  std::string location_id;
  std::string calendar_id;
};

struct OneTimeLinkName {
  std::string location_id;
  std::string calendar_id;
  std::string link_id;
};

struct BookingName {
  std::string location_id;
  std::string calendar_id;
  std::string booking_id;
};

// Whether `id` is a valid resource id (see above).
bool IsValidId(absl::string_view id);

std::optional<std::string> ParseLocationName(absl::string_view name);
std::optional<CalendarName> ParseCalendarName(absl::string_view name);
std::optional<OneTimeLinkName> ParseOneTimeLinkName(absl::string_view name);
std::optional<BookingName> ParseBookingName(absl::string_view name);

std::string LocationName(absl::string_view location_id);
std::string CalendarResourceName(absl::string_view location_id,
                                 absl::string_view calendar_id);
std::string OneTimeLinkResourceName(absl::string_view location_id,
                                    absl::string_view calendar_id,
                                    absl::string_view link_id);
std::string BookingResourceName(absl::string_view location_id,
                                absl::string_view calendar_id,
                                absl::string_view booking_id);

}  // namespace scheduling::domain

#endif  // SCHEDULING_SERVER_DOMAIN_NAMES_H_
