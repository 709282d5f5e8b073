#include "server/api/status_mapping.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "scheduling/client/error_details.h"
#include "server/domain/errors.h"
#include "server/domain/one_time_link.h"

namespace scheduling::api {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

TEST(ToGrpcStatusTest, CarriesTheReasonAsErrorInfo) {
  grpc::Status status = ToGrpcStatus(domain::FailedPreconditionWithReason(
      domain::kReasonLinkUsed, domain::kLinkInactiveMessage));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(), domain::kLinkInactiveMessage);
  EXPECT_EQ(client::ErrorReason(status), "LINK_USED");
}

TEST(ToGrpcStatusTest, CarriesFieldViolationsAsBadRequest) {
  grpc::Status status = ToGrpcStatus(domain::InvalidArgumentWithViolations(
      {{"token", "is required"},
       {"invitee.email", "must be an e-mail address"}}));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(client::FieldViolations(status),
              ElementsAre(Pair("token", "is required"),
                          Pair("invitee.email", "must be an e-mail address")));
}

TEST(ToGrpcStatusTest, HidesInternalDetailsFromCallers) {
  grpc::Status status =
      ToGrpcStatus(absl::InternalError("SELECT secret FROM table failed"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(status.error_message().find("SELECT"), std::string::npos);
}

TEST(ToGrpcStatusTest, KeepsPlainCodesPlain) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  grpc::Status status = ToGrpcStatus(absl::UnavailableError("database down"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_message(), "database down");
  EXPECT_THAT(client::FieldViolations(status), IsEmpty());
  EXPECT_EQ(client::ErrorReason(status), "");
}

}  // namespace
}  // namespace scheduling::api
