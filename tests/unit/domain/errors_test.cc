#include "server/domain/errors.h"

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace scheduling::domain {

// Lets failed expectations print violations readably. Static, so that
// another test file may define its own.
static void PrintTo(const FieldViolation& violation, std::ostream* os) {
  *os << violation.field << ": " << violation.description;
}

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(ErrorsTest, FailedPreconditionCarriesReasonAndMessage) {
  const absl::Status status =
      FailedPreconditionWithReason("LINK_USED", "The link is used.");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), "The link is used.");
  EXPECT_EQ(ErrorReason(status), "LINK_USED");
  EXPECT_THAT(FieldViolations(status), IsEmpty());
}

TEST(ErrorsTest, StatusWithoutReasonHasNone) {
  EXPECT_EQ(ErrorReason(absl::OkStatus()), std::nullopt);
  EXPECT_EQ(ErrorReason(absl::FailedPreconditionError("no reason")),
            std::nullopt);
  EXPECT_EQ(ErrorReason(InvalidField("name", "is required")), std::nullopt);
}

TEST(ErrorsTest, InvalidFieldCarriesOneViolation) {
  const absl::Status status = InvalidField("calendar.slug", "is required");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("calendar.slug"));
  EXPECT_THAT(status.message(), HasSubstr("is required"));
  EXPECT_THAT(FieldViolations(status),
              ElementsAre(FieldViolation{"calendar.slug", "is required"}));
}

TEST(ErrorsTest, ViolationsKeepTheirOrder) {
  const std::vector<FieldViolation> violations = {
      {"calendar.weekly_hours[2].end_time", "must be after start_time"},
      {"calendar.time_zone", "unknown time zone"},
      {"calendar.duration", "must be positive"},
  };
  const absl::Status status = InvalidArgumentWithViolations(violations);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(status), violations);
  for (const FieldViolation& violation : violations) {
    EXPECT_THAT(status.message(), HasSubstr(violation.field));
  }
}

TEST(ErrorsTest, ViolationsRoundTripArbitraryBytes) {
  const std::vector<FieldViolation> violations = {
      {std::string("a\0b", 3), "has: colons; and semicolons"},
      {"", ""},
      {"unicode", "caf\xc3\xa9 \xff"},
      {"long", std::string(70000, 'x')},
  };
  EXPECT_EQ(FieldViolations(InvalidArgumentWithViolations(violations)),
            violations);
}

TEST(ErrorsTest, StatusWithoutViolationsHasNone) {
  EXPECT_THAT(FieldViolations(absl::OkStatus()), IsEmpty());
  EXPECT_THAT(FieldViolations(absl::InvalidArgumentError("plain")), IsEmpty());
}

TEST(ErrorsTest, ReasonSurvivesCopy) {
  const absl::Status original =
      FailedPreconditionWithReason(kReasonSlotUnavailable, "taken");
  const absl::Status copy = original;
  EXPECT_EQ(ErrorReason(copy), kReasonSlotUnavailable);
}

}  // namespace
}  // namespace scheduling::domain
