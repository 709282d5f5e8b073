#include "server/domain/errors.h"

#include <cstdint>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace scheduling::domain {
namespace {

constexpr char kReasonPayload[] = "scheduling.v1/error-reason";
constexpr char kViolationsPayload[] = "scheduling.v1/field-violations";

// Violations are encoded as length-prefixed strings so that any bytes may
// appear in a description.
void AppendLengthPrefixed(std::string& out, absl::string_view text) {
  const uint32_t size = static_cast<uint32_t>(text.size());
  for (int shift = 0; shift < 32; shift += 8) {
    out.push_back(static_cast<char>((size >> shift) & 0xff));
  }
  out.append(text.data(), text.size());
}

bool ReadLengthPrefixed(absl::string_view& in, std::string* text) {
  if (in.size() < 4) return false;
  uint32_t size = 0;
  for (int i = 0; i < 4; ++i) {
    size |= static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << (8 * i);
  }
  in.remove_prefix(4);
  if (in.size() < size) return false;
  text->assign(in.data(), size);
  in.remove_prefix(size);
  return true;
}

}  // namespace

absl::Status InvalidArgumentWithViolations(
    const std::vector<FieldViolation>& violations) {
  std::vector<std::string> summaries;
  std::string encoded;
  for (const FieldViolation& violation : violations) {
    summaries.push_back(
        absl::StrCat(violation.field, ": ", violation.description));
    AppendLengthPrefixed(encoded, violation.field);
    AppendLengthPrefixed(encoded, violation.description);
  }
  absl::Status status = absl::InvalidArgumentError(
      absl::StrCat("invalid request: ", absl::StrJoin(summaries, "; ")));
  status.SetPayload(kViolationsPayload, absl::Cord(encoded));
  return status;
}

absl::Status InvalidField(absl::string_view field,
                          absl::string_view description) {
  return InvalidArgumentWithViolations(
      {FieldViolation{std::string(field), std::string(description)}});
}

absl::Status FailedPreconditionWithReason(absl::string_view reason,
                                          absl::string_view message) {
  absl::Status status = absl::FailedPreconditionError(message);
  status.SetPayload(kReasonPayload, absl::Cord(reason));
  return status;
}

std::optional<std::string> ErrorReason(const absl::Status& status) {
  auto payload = status.GetPayload(kReasonPayload);
  if (!payload.has_value()) return std::nullopt;
  return std::string(*payload);
}

std::vector<FieldViolation> FieldViolations(const absl::Status& status) {
  std::vector<FieldViolation> violations;
  auto payload = status.GetPayload(kViolationsPayload);
  if (!payload.has_value()) return violations;
  const std::string encoded(*payload);
  absl::string_view in = encoded;
  while (!in.empty()) {
    FieldViolation violation;
    if (!ReadLengthPrefixed(in, &violation.field) ||
        !ReadLengthPrefixed(in, &violation.description)) {
      break;
    }
    violations.push_back(std::move(violation));
  }
  return violations;
}

absl::Status UnknownLinkToken() {
  return absl::NotFoundError("no one-time link has this token");
}

absl::Status UnknownManageToken() {
  return absl::NotFoundError("no booking has this manage token");
}

}  // namespace scheduling::domain
