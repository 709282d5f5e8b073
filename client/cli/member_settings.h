// The compact member-settings syntax schedctl accepts and prints, e.g.
//
//   "ann:day=2,week=8; bob:month=30,priority=high,weight=2"
//
// Entries are separated by ';'. Each is a member id, ':', and a
// comma-separated list of key=value settings: `day`, `week` and `month`
// (the member's booking limits; 0 for none), and for round robin
// `priority` (high, medium or low) and `weight` (1 to 100). A member named
// with nothing after the ':' gets the defaults. Spaces around parts are
// ignored.
//
// Thread-safe: free functions over values.
#ifndef SCHEDULING_CLIENT_CLI_MEMBER_SETTINGS_H_
#define SCHEDULING_CLIENT_CLI_MEMBER_SETTINGS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "scheduling/v1/calendar.pb.h"

namespace scheduling::cli {

// Parses `text`; empty or blank means no entries.
absl::StatusOr<std::vector<scheduling::v1::TeamMemberSettings>>
ParseMemberSettings(absl::string_view text);

// Formats entries in the same syntax, leaving out settings at their
// defaults; "-" if there are none.
std::string FormatMemberSettings(const google::protobuf::RepeatedPtrField<
                                 scheduling::v1::TeamMemberSettings>& settings);

}  // namespace scheduling::cli

#endif  // SCHEDULING_CLIENT_CLI_MEMBER_SETTINGS_H_
