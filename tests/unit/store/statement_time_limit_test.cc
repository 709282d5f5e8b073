// The max_statement_time a call's remaining time turns into
// (transaction.h): rounded down to a coarse step, so that calls with
// similar deadlines need no new SET on a connection.
#include "gtest/gtest.h"
#include "server/store/transaction.h"

namespace scheduling::store {
namespace {

TEST(StatementTimeLimitTest, NoDeadlineMeansNoLimit) {
  EXPECT_EQ(StatementTimeLimitMicros(absl::InfiniteDuration()), 0);
}

TEST(StatementTimeLimitTest, RoundsDownToAStepThatGrowsWithTheTimeLeft) {
  EXPECT_EQ(StatementTimeLimitMicros(absl::Milliseconds(29999)), 29000000);
  EXPECT_EQ(StatementTimeLimitMicros(absl::Milliseconds(4987)), 4900000);
  EXPECT_EQ(StatementTimeLimitMicros(absl::Milliseconds(4912)), 4900000);
  EXPECT_EQ(StatementTimeLimitMicros(absl::Milliseconds(999)), 990000);
  EXPECT_EQ(StatementTimeLimitMicros(absl::Microseconds(15500)), 10000);
  EXPECT_EQ(StatementTimeLimitMicros(absl::Microseconds(9500)), 9000);
}

TEST(StatementTimeLimitTest, NeverBelowOneMillisecondNorZero) {
  EXPECT_EQ(StatementTimeLimitMicros(absl::Microseconds(300)), 1000);
  EXPECT_EQ(StatementTimeLimitMicros(absl::ZeroDuration()), 1000);
  EXPECT_EQ(StatementTimeLimitMicros(-absl::Seconds(1)), 1000);
}

}  // namespace
}  // namespace scheduling::store
