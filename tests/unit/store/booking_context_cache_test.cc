#include "server/store/booking_context_cache.h"

#include <memory>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"

namespace scheduling::store {
namespace {

absl::Time Day(int day, int hour = 0) {
  return absl::FromCivil(absl::CivilHour(2026, 12, day, hour),
                         absl::UTCTimeZone());
}

std::shared_ptr<const domain::BookingContext> SomeContext() {
  return std::make_shared<const domain::BookingContext>();
}

TEST(BookingContextCacheTest, FindsWhatWasStoredUnderTheSameStamp) {
  BookingContextCache cache;
  const BookingStamp stamp{3, 7, 11};
  auto context = SomeContext();
  cache.Store(1, stamp, {Day(1), Day(10)}, context);
  EXPECT_EQ(cache.Find(1, stamp, {Day(2), Day(9)}), context);
  EXPECT_EQ(cache.Find(1, stamp, {Day(1), Day(10)}), context);
}

TEST(BookingContextCacheTest, AnyChangedRevisionMisses) {
  BookingContextCache cache;
  cache.Store(1, {3, 7, 11}, {Day(1), Day(10)}, SomeContext());
  EXPECT_EQ(cache.Find(1, {4, 7, 11}, {Day(2), Day(9)}), nullptr);
  EXPECT_EQ(cache.Find(1, {3, 8, 11}, {Day(2), Day(9)}), nullptr);
  EXPECT_EQ(cache.Find(1, {3, 7, 12}, {Day(2), Day(9)}), nullptr);
  EXPECT_EQ(cache.Find(2, {3, 7, 11}, {Day(2), Day(9)}), nullptr);
}

TEST(BookingContextCacheTest, AWindowBeyondTheOneReadMisses) {
  BookingContextCache cache;
  const BookingStamp stamp{1, 1, 0};
  cache.Store(1, stamp, {Day(2), Day(10)}, SomeContext());
  EXPECT_EQ(cache.Find(1, stamp, {Day(1, 23), Day(9)}), nullptr);
  EXPECT_EQ(cache.Find(1, stamp, {Day(3), Day(10, 1)}), nullptr);
}

TEST(BookingContextCacheTest, StoringAgainReplacesTheEntry) {
  BookingContextCache cache;
  cache.Store(1, {1, 1, 0}, {Day(2), Day(10)}, SomeContext());
  auto newer = SomeContext();
  cache.Store(1, {1, 2, 0}, {Day(2), Day(10)}, newer);
  EXPECT_EQ(cache.Find(1, {1, 1, 0}, {Day(3), Day(4)}), nullptr);
  EXPECT_EQ(cache.Find(1, {1, 2, 0}, {Day(3), Day(4)}), newer);
}

TEST(BookingContextCacheTest, DropsTheLeastRecentlyUsedWhenFull) {
  BookingContextCache cache(/*capacity=*/2);
  const BookingStamp stamp{1, 1, 0};
  const domain::TimeInterval window{Day(1), Day(2)};
  cache.Store(1, stamp, window, SomeContext());
  cache.Store(2, stamp, window, SomeContext());
  ASSERT_NE(cache.Find(1, stamp, window), nullptr);  // 2 is now the oldest
  cache.Store(3, stamp, window, SomeContext());
  EXPECT_NE(cache.Find(1, stamp, window), nullptr);
  EXPECT_EQ(cache.Find(2, stamp, window), nullptr);
  EXPECT_NE(cache.Find(3, stamp, window), nullptr);
}

TEST(BookingContextCacheTest, CapacityZeroKeepsNothing) {
  BookingContextCache cache(/*capacity=*/0);
  cache.Store(1, {1, 1, 0}, {Day(1), Day(2)}, SomeContext());
  EXPECT_EQ(cache.Find(1, {1, 1, 0}, {Day(1), Day(2)}), nullptr);
}

TEST(BookingContextCacheTest, WindowToReadCoversWholeUtcDays) {
  const domain::TimeInterval read =
      BookingContextCache::WindowToRead({Day(3, 13), Day(5, 1)});
  EXPECT_EQ(read.start, Day(3));
  EXPECT_EQ(read.end, Day(6));
  const domain::TimeInterval aligned =
      BookingContextCache::WindowToRead({Day(3), Day(5)});
  EXPECT_EQ(aligned.start, Day(3));
  EXPECT_EQ(aligned.end, Day(5));
  // Before the epoch too.
  const absl::Time old =
      absl::FromCivil(absl::CivilHour(1960, 1, 1, 5), absl::UTCTimeZone());
  EXPECT_EQ(
      BookingContextCache::WindowToRead({old, old + absl::Hours(1)}).start,
      old - absl::Hours(5));
}

}  // namespace
}  // namespace scheduling::store
