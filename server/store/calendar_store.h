// Calendars and their groups in MySQL.
//
// Deleting a calendar is soft: the row stays (bookings and links refer to
// it, and links must say CALENDAR_INACTIVE), but it leaves every read and
// list, and its slug is free again.
//
// Thread-safety: thread-safe; every call leases its own connection.
#ifndef SCHEDULING_SERVER_STORE_CALENDAR_STORE_H_
#define SCHEDULING_SERVER_STORE_CALENDAR_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/domain/calendar.h"
#include "server/store/connection_pool.h"

namespace scheduling::store {

// Which calendars List returns, in which order, from where.
struct CalendarListOptions {
  enum class Order { kCreateTime, kDisplayName, kUpdateTime };
  std::string location_id;
  std::optional<std::string> display_name_contains;  // case-insensitive
  std::optional<std::string> group_id;               // "" = ungrouped
  std::optional<domain::CalendarType> type;
  std::optional<domain::CalendarStatus> status;
  Order order = Order::kCreateTime;
  bool descending = false;
  int page_size = 50;
  // Keyset position: the page starts after this calendar's sort key.
  struct Position {
    std::string display_name;
    absl::Time update_time;
    int64_t pk = 0;
  };
  std::optional<Position> after;
};

struct CalendarPage {
  std::vector<domain::Calendar> calendars;
  bool has_more = false;
};

struct GroupPage {
  std::vector<domain::Group> groups;
  bool has_more = false;
};

class CalendarStore {
 public:
  explicit CalendarStore(ConnectionPool& pool) : pool_(pool) {}

  // Inserts `calendar` (pk, times and version are set here) and returns it
  // as stored. ALREADY_EXISTS if its id or slug is taken; NOT_FOUND if its
  // group does not exist.
  absl::StatusOr<domain::Calendar> Create(domain::Calendar calendar,
                                          absl::Time now);

  // NOT_FOUND if there is no such live calendar.
  absl::StatusOr<domain::Calendar> Get(absl::string_view location_id,
                                       absl::string_view calendar_id);

  absl::StatusOr<CalendarPage> List(const CalendarListOptions& options);

  // Writes every setting of `calendar` (found by location and calendar
  // id) if its stored version is still `expected_version`; ABORTED
  // otherwise. Returns the calendar as stored.
  absl::StatusOr<domain::Calendar> Update(const domain::Calendar& calendar,
                                          int64_t expected_version,
                                          absl::Time now);

  // Soft-deletes; with `expected_version`, only that version.
  absl::Status Delete(absl::string_view location_id,
                      absl::string_view calendar_id,
                      std::optional<int64_t> expected_version, absl::Time now);

  absl::StatusOr<domain::Calendar> SetStatus(absl::string_view location_id,
                                             absl::string_view calendar_id,
                                             domain::CalendarStatus status,
                                             absl::Time now);

  // Puts the calendar into `group_id` of its location ("" = no group).
  absl::StatusOr<domain::Calendar> MoveToGroup(absl::string_view location_id,
                                               absl::string_view calendar_id,
                                               absl::string_view group_id,
                                               absl::Time now);

  // Groups.
  absl::StatusOr<domain::Group> CreateGroup(domain::Group group,
                                            absl::Time now);
  absl::StatusOr<domain::Group> GetGroup(absl::string_view location_id,
                                         absl::string_view group_id);
  // By display name then pk, after (display_name, pk) if given.
  absl::StatusOr<GroupPage> ListGroups(
      absl::string_view location_id,
      const std::optional<std::pair<std::string, int64_t>>& after,
      int page_size);
  // Writes display name and description if the version still matches.
  absl::StatusOr<domain::Group> UpdateGroup(const domain::Group& group,
                                            int64_t expected_version,
                                            absl::Time now);
  // FAILED_PRECONDITION when the group holds calendars and !force; with
  // force its calendars become ungrouped.
  absl::Status DeleteGroup(absl::string_view location_id,
                           absl::string_view group_id, bool force,
                           std::optional<int64_t> expected_version);
  absl::StatusOr<domain::Group> SetGroupEnabled(absl::string_view location_id,
                                                absl::string_view group_id,
                                                bool enabled, absl::Time now);

 private:
  ConnectionPool& pool_;
};

}  // namespace scheduling::store

#endif  // SCHEDULING_SERVER_STORE_CALENDAR_STORE_H_
