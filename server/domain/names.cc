#include "server/domain/names.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace scheduling::domain {
namespace {

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

// Splits `name` into its segments if it has exactly the given collection
// keywords at even positions and valid ids at odd ones.
std::optional<std::vector<std::string>> ParseIds(
    absl::string_view name, const std::vector<absl::string_view>& keywords) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != keywords.size() * 2) return std::nullopt;
  std::vector<std::string> ids;
  for (size_t i = 0; i < keywords.size(); ++i) {
    if (parts[2 * i] != keywords[i] || !IsValidId(parts[2 * i + 1])) {
      return std::nullopt;
    }
    ids.emplace_back(parts[2 * i + 1]);
  }
  return ids;
}

}  // namespace

bool IsValidId(absl::string_view id) {
  if (id.empty() || id.size() > static_cast<size_t>(kMaxIdLength)) return false;
  if (id.front() == '-') return false;
  for (char c : id) {
    if (!IsIdChar(c)) return false;
  }
  return true;
}

std::optional<std::string> ParseLocationName(absl::string_view name) {
  auto ids = ParseIds(name, {"locations"});
  if (!ids) return std::nullopt;
  return (*ids)[0];
}

std::optional<CalendarName> ParseCalendarName(absl::string_view name) {
  auto ids = ParseIds(name, {"locations", "calendars"});
  if (!ids) return std::nullopt;
  return CalendarName{(*ids)[0], (*ids)[1]};
}

std::optional<OneTimeLinkName> ParseOneTimeLinkName(absl::string_view name) {
  auto ids = ParseIds(name, {"locations", "calendars", "oneTimeLinks"});
  if (!ids) return std::nullopt;
  return OneTimeLinkName{(*ids)[0], (*ids)[1], (*ids)[2]};
}

std::optional<BookingName> ParseBookingName(absl::string_view name) {
  auto ids = ParseIds(name, {"locations", "calendars", "bookings"});
  if (!ids) return std::nullopt;
  return BookingName{(*ids)[0], (*ids)[1], (*ids)[2]};
}

std::string LocationName(absl::string_view location_id) {
  return absl::StrCat("locations/", location_id);
}

std::string CalendarResourceName(absl::string_view location_id,
                                 absl::string_view calendar_id) {
  return absl::StrCat("locations/", location_id, "/calendars/", calendar_id);
}

std::string OneTimeLinkResourceName(absl::string_view location_id,
                                    absl::string_view calendar_id,
                                    absl::string_view link_id) {
  return absl::StrCat(CalendarResourceName(location_id, calendar_id),
                      "/oneTimeLinks/", link_id);
}

std::string BookingResourceName(absl::string_view location_id,
                                absl::string_view calendar_id,
                                absl::string_view booking_id) {
  return absl::StrCat(CalendarResourceName(location_id, calendar_id),
                      "/bookings/", booking_id);
}

}  // namespace scheduling::domain
