#include "client/booking_page/idempotency_cache.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace scheduling::booking_page {
namespace {

using Cache = IdempotencyCache<std::string>;
using State = Cache::State;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

TEST(IdempotencyCacheTest, FirstClaimOwnsThenRetriesGetTheResult) {
  Cache cache({10, absl::Hours(1)});
  EXPECT_EQ(cache.Begin("k", kNow, absl::ZeroDuration()).state, State::kFirst);
  cache.Finish("k", "booked", kNow);
  const Cache::Claim retry = cache.Begin("k", kNow, absl::ZeroDuration());
  EXPECT_EQ(retry.state, State::kDone);
  EXPECT_EQ(retry.value, "booked");
}

TEST(IdempotencyCacheTest, AbandonedClaimLetsTheRetryTryAgain) {
  Cache cache({10, absl::Hours(1)});
  ASSERT_EQ(cache.Begin("k", kNow, absl::ZeroDuration()).state, State::kFirst);
  cache.Abandon("k");
  EXPECT_EQ(cache.Begin("k", kNow, absl::ZeroDuration()).state, State::kFirst);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(IdempotencyCacheTest, ClaimInFlightIsReportedAfterTheWait) {
  Cache cache({10, absl::Hours(1)});
  ASSERT_EQ(cache.Begin("k", kNow, absl::ZeroDuration()).state, State::kFirst);
  EXPECT_EQ(cache.Begin("k", kNow, absl::Milliseconds(20)).state,
            State::kInFlight);
}

TEST(IdempotencyCacheTest, ConcurrentClaimsWaitForTheFirst) {
  Cache cache({10, absl::Hours(1)});
  std::atomic<int> owners{0};
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      Cache::Claim claim = cache.Begin("k", kNow, absl::Seconds(10));
      if (claim.state == State::kFirst) {
        ++owners;
        absl::SleepFor(absl::Milliseconds(50));  // the booking call
        cache.Finish("k", "booked once", kNow);
      } else if (claim.state == State::kDone && claim.value == "booked once") {
        ++done;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(owners.load(), 1);
  EXPECT_EQ(done.load(), 7);
}

TEST(IdempotencyCacheTest, ResultsExpireAfterTheTtl) {
  Cache cache({10, absl::Minutes(30)});
  ASSERT_EQ(cache.Begin("k", kNow, absl::ZeroDuration()).state, State::kFirst);
  cache.Finish("k", "booked", kNow);
  EXPECT_EQ(
      cache.Begin("k", kNow + absl::Minutes(29), absl::ZeroDuration()).state,
      State::kDone);
  EXPECT_EQ(
      cache.Begin("k", kNow + absl::Minutes(31), absl::ZeroDuration()).state,
      State::kFirst);
}

TEST(IdempotencyCacheTest, KeepsAtMostCapacityDroppingLeastRecentlyUsed) {
  Cache cache({3, absl::Hours(1)});
  for (const char* key : {"a", "b", "c"}) {
    ASSERT_EQ(cache.Begin(key, kNow, absl::ZeroDuration()).state,
              State::kFirst);
    cache.Finish(key, key, kNow);
  }
  // Using "a" makes "b" the least recently used.
  ASSERT_EQ(cache.Begin("a", kNow, absl::ZeroDuration()).state, State::kDone);
  ASSERT_EQ(cache.Begin("d", kNow, absl::ZeroDuration()).state, State::kFirst);
  cache.Finish("d", "d", kNow);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.Begin("a", kNow, absl::ZeroDuration()).state, State::kDone);
  EXPECT_EQ(cache.Begin("c", kNow, absl::ZeroDuration()).state, State::kDone);
  EXPECT_EQ(cache.Begin("d", kNow, absl::ZeroDuration()).state, State::kDone);
  EXPECT_EQ(cache.Begin("b", kNow, absl::ZeroDuration()).state, State::kFirst);
}

}  // namespace
}  // namespace scheduling::booking_page
