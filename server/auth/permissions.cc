#include "server/auth/permissions.h"

#include <utility>

namespace scheduling::auth {
namespace {

constexpr std::pair<Permission, const char*> kNames[] = {
    {Permission::kCalendarsRead, "calendars.read"},
    {Permission::kCalendarsWrite, "calendars.write"},
    {Permission::kLinksCreate, "links.create"},
    {Permission::kLinksRead, "links.read"},
    {Permission::kLinksRevoke, "links.revoke"},
    {Permission::kLinksBook, "links.book"},
    {Permission::kBookingsRead, "bookings.read"},
    {Permission::kBookingsWrite, "bookings.write"},
    {Permission::kEventsRead, "events.read"},
};

}  // namespace

const char* PermissionName(Permission permission) {
  for (const auto& [value, name] : kNames) {
    if (value == permission) return name;
  }
  return "?";
}

std::optional<Permission> ParsePermission(absl::string_view name) {
  for (const auto& [value, known] : kNames) {
    if (name == known) return value;
  }
  return std::nullopt;
}

const std::map<std::string, Permission>& MethodPermissions() {
  using P = Permission;
  static const auto* table = new std::map<std::string, Permission>{
      // Calendars and groups: the settings UI's backend.
      {"scheduling.v1.CalendarService.CreateCalendar", P::kCalendarsWrite},
      {"scheduling.v1.CalendarService.GetCalendar", P::kCalendarsRead},
      {"scheduling.v1.CalendarService.ListCalendars", P::kCalendarsRead},
      {"scheduling.v1.CalendarService.UpdateCalendar", P::kCalendarsWrite},
      {"scheduling.v1.CalendarService.DeleteCalendar", P::kCalendarsWrite},
      {"scheduling.v1.CalendarService.DuplicateCalendar", P::kCalendarsWrite},
      {"scheduling.v1.CalendarService.ActivateCalendar", P::kCalendarsWrite},
      {"scheduling.v1.CalendarService.DeactivateCalendar", P::kCalendarsWrite},
      {"scheduling.v1.CalendarService.MoveCalendarToGroup", P::kCalendarsWrite},
      {"scheduling.v1.CalendarService.CreateGroup", P::kCalendarsWrite},
      {"scheduling.v1.CalendarService.GetGroup", P::kCalendarsRead},
      {"scheduling.v1.CalendarService.ListGroups", P::kCalendarsRead},
      {"scheduling.v1.CalendarService.UpdateGroup", P::kCalendarsWrite},
      {"scheduling.v1.CalendarService.DeleteGroup", P::kCalendarsWrite},
      {"scheduling.v1.CalendarService.EnableGroup", P::kCalendarsWrite},
      {"scheduling.v1.CalendarService.DisableGroup", P::kCalendarsWrite},
      // Free slots of a calendar: what its permanent link's page reads.
      {"scheduling.v1.CalendarService.ListFreeSlots", P::kCalendarsRead},
      {"scheduling.v1.CalendarService.CreateBooking", P::kBookingsWrite},
      {"scheduling.v1.CalendarService.GetBooking", P::kBookingsRead},
      {"scheduling.v1.CalendarService.ListBookings", P::kBookingsRead},
      {"scheduling.v1.CalendarService.CancelBooking", P::kBookingsWrite},
      {"scheduling.v1.CalendarService.RescheduleBooking", P::kBookingsWrite},
      // Invitee self-service: the manage token is the invitee's capability,
      // and the calling service (a booking page) books for invitees.
      {"scheduling.v1.CalendarService.GetBookingByManageToken", P::kLinksBook},
      {"scheduling.v1.CalendarService.CancelBookingByManageToken",
       P::kLinksBook},
      {"scheduling.v1.CalendarService.RescheduleBookingByManageToken",
       P::kLinksBook},
      // One-time links.
      {"scheduling.v1.OneTimeLinkService.CreateOneTimeLink", P::kLinksCreate},
      {"scheduling.v1.OneTimeLinkService.BatchCreateOneTimeLinks",
       P::kLinksCreate},
      {"scheduling.v1.OneTimeLinkService.GetOneTimeLink", P::kLinksRead},
      {"scheduling.v1.OneTimeLinkService.ListOneTimeLinks", P::kLinksRead},
      {"scheduling.v1.OneTimeLinkService.ListOneTimeLinkUses", P::kLinksRead},
      {"scheduling.v1.OneTimeLinkService.ListOneTimeLinkEvents",
       P::kEventsRead},
      {"scheduling.v1.OneTimeLinkService.WatchOneTimeLinkEvents",
       P::kEventsRead},
      {"scheduling.v1.OneTimeLinkService.ResolveOneTimeLink", P::kLinksBook},
      {"scheduling.v1.OneTimeLinkService.ListOneTimeLinkFreeSlots",
       P::kLinksBook},
      {"scheduling.v1.OneTimeLinkService.BookOneTimeLink", P::kLinksBook},
      {"scheduling.v1.OneTimeLinkService.RevokeOneTimeLink", P::kLinksRevoke},
  };
  return *table;
}

}  // namespace scheduling::auth
