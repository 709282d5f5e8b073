#include "server/api/field_checks.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace scheduling::api {
namespace {

// Google's Timestamp range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

}  // namespace

bool IsValidTimestamp(const google::protobuf::Timestamp& timestamp) {
  return timestamp.seconds() >= kMinTimestampSeconds &&
         timestamp.seconds() <= kMaxTimestampSeconds &&
         timestamp.nanos() >= 0 && timestamp.nanos() <= 999999999;
}

size_t CodePoints(absl::string_view text) {
  return std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
}

bool HasControlCharacter(absl::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
}

void CheckDisplayName(absl::string_view field, absl::string_view name,
                      Violations& violations) {
  if (absl::StripAsciiWhitespace(name).empty()) {
    violations.Add(field, "is required");
  } else if (CodePoints(name) > kMaxDisplayNameLength) {
    violations.Add(field, absl::StrCat("must be at most ",
                                       kMaxDisplayNameLength, " characters"));
  } else if (HasControlCharacter(name)) {
    violations.Add(field, "must not contain control characters");
  }
}

void CheckEmail(absl::string_view field, absl::string_view email,
                Violations& violations) {
  if (email.empty()) {
    violations.Add(field, "is required");
    return;
  }
  if (email.size() > static_cast<size_t>(kMaxEmailLength)) {
    violations.Add(field, absl::StrCat("must be at most ", kMaxEmailLength,
                                       " characters"));
    return;
  }
  const size_t at = email.rfind('@');
  const bool shaped = at != absl::string_view::npos && at > 0 && at <= 64 &&
                      at + 1 < email.size() && !HasControlCharacter(email) &&
                      !absl::StrContains(email, ' ') &&
                      absl::StrContains(email.substr(at + 1), '.') &&
                      email.back() != '.' && email[at + 1] != '.';
  if (!shaped) violations.Add(field, "must be an e-mail address");
}

}  // namespace scheduling::api
