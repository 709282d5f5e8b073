// What a caller may do, and which permission each RPC needs: one table,
// checked against the service descriptors by a test so that no method can
// be added without a permission.
//
// Thread-safety: immutable data, safe everywhere.
#ifndef SCHEDULING_SERVER_AUTH_PERMISSIONS_H_
#define SCHEDULING_SERVER_AUTH_PERMISSIONS_H_

#include <map>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace scheduling::auth {

enum class Permission {
  kCalendarsRead,
  kCalendarsWrite,
  kLinksCreate,
  kLinksRead,
  kLinksRevoke,
  // Resolve a link, list its free slots, book through it: a booking page.
  kLinksBook,
  kBookingsRead,
  kBookingsWrite,
  kEventsRead,
};

// "calendars.read", ...
const char* PermissionName(Permission permission);
std::optional<Permission> ParsePermission(absl::string_view name);

// Every RPC of scheduling.v1, by full method name
// ("scheduling.v1.OneTimeLinkService.BookOneTimeLink"), to the one
// permission it needs.
const std::map<std::string, Permission>& MethodPermissions();

}  // namespace scheduling::auth

#endif  // SCHEDULING_SERVER_AUTH_PERMISSIONS_H_
