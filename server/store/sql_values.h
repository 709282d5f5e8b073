// Conversions between domain values and their SQL column forms.
//
// Thread-safety: pure functions.
#ifndef SCHEDULING_SERVER_STORE_SQL_VALUES_H_
#define SCHEDULING_SERVER_STORE_SQL_VALUES_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/domain/calendar.h"

namespace scheduling::store {

// `time` at the microsecond precision DATETIME(6) keeps: what the caller
// is told must be what a later read returns.
absl::Time TruncateToMicros(absl::Time time);

// DATETIME(6) text in UTC: "2026-11-24 18:00:00.000000".
std::string ToSqlDateTime(absl::Time time);
// Parses DATETIME(6) text as UTC; INTERNAL if it is not one.
absl::StatusOr<absl::Time> FromSqlDateTime(absl::string_view text);

// The weekly_hours column: "1:540-1020,2:540-1020" (weekday 1 = Monday).
std::string EncodeWeeklyHours(const std::vector<domain::OpenInterval>& hours);
absl::StatusOr<std::vector<domain::OpenInterval>> DecodeWeeklyHours(
    absl::string_view text);

// Comma-separated ids (team members): "alice,bob".
std::string EncodeIdList(const std::vector<std::string>& ids);
std::vector<std::string> DecodeIdList(absl::string_view text);

// Durations as comma-separated whole minutes: "30,60".
std::string EncodeMinutesList(const std::vector<absl::Duration>& durations);
absl::StatusOr<std::vector<absl::Duration>> DecodeMinutesList(
    absl::string_view text);

// Date overrides: "2026-12-24=540-720,780-900;2026-12-25=" (no intervals:
// closed that day).
std::string EncodeDateOverrides(
    const std::vector<domain::DateOverride>& overrides);
absl::StatusOr<std::vector<domain::DateOverride>> DecodeDateOverrides(
    absl::string_view text);

// Member settings: "ann:2:10:40:1:3,bob:0:5:0:2:1", each a member, its
// limits per day, week and month, its priority (1 high, 2 medium, 3 low)
// and its weight.
std::string EncodeMemberSettings(
    const std::vector<domain::MemberSettings>& settings);
absl::StatusOr<std::vector<domain::MemberSettings>> DecodeMemberSettings(
    absl::string_view text);

// String maps (link metadata) as URL-encoded "key=value&key=value": any
// bytes survive, and the column stays readable in a SQL console.
std::string EncodeStringMap(const std::map<std::string, std::string>& map);
absl::StatusOr<std::map<std::string, std::string>> DecodeStringMap(
    absl::string_view text);

}  // namespace scheduling::store

#endif  // SCHEDULING_SERVER_STORE_SQL_VALUES_H_
