#include "client/cli/member_settings.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace scheduling::cli {
namespace {

using scheduling::v1::TeamMemberSettings;

absl::Status Invalid(absl::string_view entry, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("member settings \"", entry, "\": ", why));
}

// Applies one key=value setting to `settings`.
absl::Status ApplySetting(absl::string_view entry, absl::string_view setting,
                          TeamMemberSettings& settings) {
  const std::vector<absl::string_view> parts =
      absl::StrSplit(setting, absl::MaxSplits('=', 1));
  if (parts.size() != 2) return Invalid(entry, "expected key=value");
  const absl::string_view key = absl::StripAsciiWhitespace(parts[0]);
  const absl::string_view value = absl::StripAsciiWhitespace(parts[1]);
  if (key == "priority") {
    TeamMemberSettings::Priority priority;
    if (!TeamMemberSettings::Priority_Parse(absl::AsciiStrToUpper(value),
                                            &priority) ||
        priority == TeamMemberSettings::PRIORITY_UNSPECIFIED) {
      return Invalid(entry, "priority must be high, medium or low");
    }
    settings.set_priority(priority);
    return absl::OkStatus();
  }
  int number = 0;
  if (!absl::SimpleAtoi(value, &number) || number < 0) {
    return Invalid(entry, absl::StrCat(key, " must be a whole number >= 0"));
  }
  if (key == "day") {
    settings.set_max_bookings_per_day(number);
  } else if (key == "week") {
    settings.set_max_bookings_per_week(number);
  } else if (key == "month") {
    settings.set_max_bookings_per_month(number);
  } else if (key == "weight") {
    settings.set_weight(number);
  } else {
    return Invalid(entry,
                   absl::StrCat("unknown setting \"", key,
                                "\"; expected day, week, month, priority or "
                                "weight"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<TeamMemberSettings>> ParseMemberSettings(
    absl::string_view text) {
  std::vector<TeamMemberSettings> all;
  for (absl::string_view raw : absl::StrSplit(text, ';')) {
    const absl::string_view entry = absl::StripAsciiWhitespace(raw);
    if (entry.empty()) continue;
    const std::vector<absl::string_view> parts =
        absl::StrSplit(entry, absl::MaxSplits(':', 1));
    if (parts.size() != 2) return Invalid(entry, "expected member:settings");
    TeamMemberSettings settings;
    settings.set_member(std::string(absl::StripAsciiWhitespace(parts[0])));
    if (settings.member().empty()) return Invalid(entry, "no member");
    for (absl::string_view setting :
         absl::StrSplit(parts[1], ',', absl::SkipWhitespace())) {
      if (absl::Status status = ApplySetting(entry, setting, settings);
          !status.ok()) {
        return status;
      }
    }
    all.push_back(std::move(settings));
  }
  return all;
}

std::string FormatMemberSettings(
    const google::protobuf::RepeatedPtrField<TeamMemberSettings>& settings) {
  if (settings.empty()) return "-";
  std::vector<std::string> entries;
  for (const TeamMemberSettings& entry : settings) {
    std::vector<std::string> parts;
    if (entry.max_bookings_per_day() > 0) {
      parts.push_back(absl::StrCat("day=", entry.max_bookings_per_day()));
    }
    if (entry.max_bookings_per_week() > 0) {
      parts.push_back(absl::StrCat("week=", entry.max_bookings_per_week()));
    }
    if (entry.max_bookings_per_month() > 0) {
      parts.push_back(absl::StrCat("month=", entry.max_bookings_per_month()));
    }
    if (entry.priority() != TeamMemberSettings::PRIORITY_UNSPECIFIED &&
        entry.priority() != TeamMemberSettings::MEDIUM) {
      parts.push_back(absl::StrCat(
          "priority=", absl::AsciiStrToLower(TeamMemberSettings::Priority_Name(
                           entry.priority()))));
    }
    if (entry.weight() > 1) {
      parts.push_back(absl::StrCat("weight=", entry.weight()));
    }
    entries.push_back(
        absl::StrCat(entry.member(), ":", absl::StrJoin(parts, ",")));
  }
  return absl::StrJoin(entries, "; ");
}

}  // namespace scheduling::cli
