#include "client/booking_page/outcome.h"

#include <string>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace scheduling::booking_page {
namespace {

grpc::Status WithReason(grpc::StatusCode code, const std::string& reason) {
  google::rpc::Status details;
  details.set_code(code);
  google::rpc::ErrorInfo info;
  info.set_reason(reason);
  info.set_domain("scheduling.example");
  details.add_details()->PackFrom(info);
  return grpc::Status(code, "message", details.SerializeAsString());
}

TEST(ClassifyFailureTest, InactiveLinksAreGone) {
  for (const char* reason :
       {"LINK_USED", "LINK_EXPIRED", "LINK_REVOKED", "CALENDAR_INACTIVE"}) {
    const Outcome outcome = ClassifyFailure(
        WithReason(grpc::StatusCode::FAILED_PRECONDITION, reason), false);
    EXPECT_EQ(outcome, Outcome::kGone) << reason;
    EXPECT_EQ(HttpStatusOf(outcome), 410);
  }
}

TEST(ClassifyFailureTest, UnknownTokensAreNotFound) {
  EXPECT_EQ(
      ClassifyFailure(grpc::Status(grpc::StatusCode::NOT_FOUND, ""), true),
      Outcome::kNotFound);
  EXPECT_EQ(ClassifyFailure(
                grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, ""), true),
            Outcome::kNotFound);
  EXPECT_EQ(HttpStatusOf(Outcome::kNotFound), 404);
  // When the request carried more than the token, the input was wrong.
  EXPECT_EQ(ClassifyFailure(
                grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, ""), false),
            Outcome::kInvalidInput);
}

TEST(ClassifyFailureTest, BookingRefusals) {
  EXPECT_EQ(ClassifyFailure(WithReason(grpc::StatusCode::FAILED_PRECONDITION,
                                       "SLOT_UNAVAILABLE"),
                            false),
            Outcome::kSlotTaken);
  EXPECT_EQ(ClassifyFailure(WithReason(grpc::StatusCode::FAILED_PRECONDITION,
                                       "INVITEE_MISMATCH"),
                            false),
            Outcome::kInviteeMismatch);
  EXPECT_EQ(HttpStatusOf(Outcome::kSlotTaken), 409);
}

TEST(ClassifyFailureTest, OutagesAskToRetryAndTheRestIsAGatewayError) {
  for (const grpc::StatusCode code :
       {grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::DEADLINE_EXCEEDED,
        grpc::StatusCode::RESOURCE_EXHAUSTED}) {
    EXPECT_EQ(ClassifyFailure(grpc::Status(code, ""), true),
              Outcome::kUnavailable);
  }
  EXPECT_EQ(HttpStatusOf(Outcome::kUnavailable), 503);
  for (const grpc::StatusCode code :
       {grpc::StatusCode::UNAUTHENTICATED, grpc::StatusCode::PERMISSION_DENIED,
        grpc::StatusCode::INTERNAL}) {
    EXPECT_EQ(ClassifyFailure(grpc::Status(code, ""), true), Outcome::kFailed);
  }
  EXPECT_EQ(ClassifyFailure(
                grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, ""), true),
            Outcome::kFailed);
  EXPECT_EQ(HttpStatusOf(Outcome::kFailed), 502);
}

}  // namespace
}  // namespace scheduling::booking_page
