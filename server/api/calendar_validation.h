// Validation of the requests that create or change calendars and groups.
//
// Each function checks one request completely and returns either the
// domain value it describes or INVALID_ARGUMENT listing every violation
// (domain::FieldViolations), with field paths as in the request, e.g.
// "calendar.date_overrides[0].open_intervals[1].end_time". Create and
// update share one rule per field, so a value that one accepts the other
// accepts too.
//
// Thread-safety: pure functions.
#ifndef SCHEDULING_SERVER_API_CALENDAR_VALIDATION_H_
#define SCHEDULING_SERVER_API_CALENDAR_VALIDATION_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "scheduling/v1/calendar_service.pb.h"
#include "server/domain/calendar.h"

namespace scheduling::api {

inline constexpr int kMaxDateOverrides = 1000;
inline constexpr int kMaxIntervalsPerDateOverride = 100;
inline constexpr int kMaxTeamMembers = 100;
inline constexpr int kMaxSeatsPerSlot = 10000;
inline constexpr int kMaxBookingHorizonDays = 3650;
inline constexpr int kMaxBookingsPerDay = 100000;
inline constexpr int kMaxMemberWeight = 100;
inline constexpr int kMaxDistributionLead = 100;
inline constexpr int kMaxGroupDescriptionLength = 2000;  // characters
inline constexpr int kMaxUpdateMaskPaths = 100;
inline constexpr absl::Duration kMaxBuffer = absl::Hours(24);
inline constexpr absl::Duration kMaxMinimumNotice = absl::Hours(24 * 365);

// The calendar to create, with `location_id` from the parent and
// `calendar_id` empty when the caller let the server choose it. A
// non-empty `calendar.group` becomes `group_id`; whether that group exists
// is for the store to check.
absl::StatusOr<domain::Calendar> ValidateNewCalendar(
    const v1::CreateCalendarRequest& request);

// `current` with the fields named in the request's update mask replaced by
// the request's values. Keys, group, status, times and version stay as in
// `current`; checking the etag is for the caller.
absl::StatusOr<domain::Calendar> ApplyCalendarUpdate(
    const domain::Calendar& current, const v1::UpdateCalendarRequest& request);

// The group to create, with `location_id` from the parent and `group_id`
// empty when the caller let the server choose it.
absl::StatusOr<domain::Group> ValidateNewGroup(
    const v1::CreateGroupRequest& request);

// `current` with the masked fields (display_name, description) replaced.
absl::StatusOr<domain::Group> ApplyGroupUpdate(
    const domain::Group& current, const v1::UpdateGroupRequest& request);

}  // namespace scheduling::api

#endif  // SCHEDULING_SERVER_API_CALENDAR_VALIDATION_H_
