// Checks shared by the request validators: a collector of field violations
// and the small rules several requests apply to their fields.
//
// Thread-safety: Violations is a plain value; the functions are pure.
#ifndef SCHEDULING_SERVER_API_FIELD_CHECKS_H_
#define SCHEDULING_SERVER_API_FIELD_CHECKS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/timestamp.pb.h"
#include "server/domain/errors.h"

namespace scheduling::api {

inline constexpr int kMaxDisplayNameLength = 200;  // characters
inline constexpr int kMaxEmailLength = 254;        // octets (RFC 5321)

// Every problem found in one request, reported together.
class Violations {
 public:
  void Add(absl::string_view field, absl::string_view description) {
    list_.push_back({std::string(field), std::string(description)});
  }
  bool empty() const { return list_.empty(); }
  const std::vector<domain::FieldViolation>& list() const { return list_; }
  // INVALID_ARGUMENT with every violation. Requires !empty().
  absl::Status ToStatus() const {
    return domain::InvalidArgumentWithViolations(list_);
  }

 private:
  std::vector<domain::FieldViolation> list_;
};

// Within Google's Timestamp range (years 1 to 9999), nanos normalised.
bool IsValidTimestamp(const google::protobuf::Timestamp& timestamp);

// Number of UTF-8 code points (protobuf has already checked the encoding).
size_t CodePoints(absl::string_view text);

bool HasControlCharacter(absl::string_view text);

// A person's or a calendar's name: required, at most kMaxDisplayNameLength
// characters, no control characters.
void CheckDisplayName(absl::string_view field, absl::string_view name,
                      Violations& violations);

// An e-mail address: required, at most kMaxEmailLength octets, one local
// part and a dotted domain, no spaces or control characters.
void CheckEmail(absl::string_view field, absl::string_view email,
                Violations& violations);

}  // namespace scheduling::api

#endif  // SCHEDULING_SERVER_API_FIELD_CHECKS_H_
