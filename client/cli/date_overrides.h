// The compact date-override syntax schedctl accepts and prints, e.g.
//
//   "2026-12-24=09:00-12:00,13:00-15:00; 2026-12-25=closed"
//
// Overrides are separated by ';'. Each is a date (YYYY-MM-DD, a real
// calendar date), '=', and either "closed" (any case) or a comma-separated
// list of HH:MM-HH:MM intervals as in the weekly-hours syntax (24:00 may end
// a day; intervals of one date must not overlap). A date appears at most
// once. Spaces around the parts are ignored.
//
// Thread-safe: free functions over values.
#ifndef SCHEDULING_CLIENT_CLI_DATE_OVERRIDES_H_
#define SCHEDULING_CLIENT_CLI_DATE_OVERRIDES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "scheduling/v1/calendar.pb.h"

namespace scheduling::cli {

// Parses `text`, returning the overrides ordered by date, each with its
// intervals ordered by start. An empty or blank `text` means no overrides.
absl::StatusOr<std::vector<scheduling::v1::DateOverride>> ParseDateOverrides(
    absl::string_view text);

// Formats overrides in the same syntax, ordered by date; "none" if there
// are none.
std::string FormatDateOverrides(
    const google::protobuf::RepeatedPtrField<scheduling::v1::DateOverride>&
        overrides);

}  // namespace scheduling::cli

#endif  // SCHEDULING_CLIENT_CLI_DATE_OVERRIDES_H_
