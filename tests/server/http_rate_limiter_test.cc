// Token buckets on an injected clock: burst, refill, independence of keys,
// bounded memory, Retry-After, and that a refused key is only slowed down.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "keystorm/server/rate_limiter.h"

namespace keystorm::server::testing {
namespace {

using Clock = RateLimiter::Clock;
using std::chrono::milliseconds;

std::unique_ptr<RateLimiter> Make(RateLimiterOptions options) {
  auto limiter = RateLimiter::Create(options);
  EXPECT_TRUE(limiter.has_value()) << limiter.error().ToString();
  return std::move(limiter.value());
}

TEST(RateLimiterTest, AllowsTheBurstThenRefuses) {
  auto limiter = Make({.per_second = 1, .burst = 3});
  Clock::time_point t0{};
  EXPECT_TRUE(limiter->TryTake("1.2.3.4", t0));
  EXPECT_TRUE(limiter->TryTake("1.2.3.4", t0));
  EXPECT_TRUE(limiter->TryTake("1.2.3.4", t0));
  EXPECT_FALSE(limiter->TryTake("1.2.3.4", t0));
}

TEST(RateLimiterTest, RefillsWithTimeUpToTheBurst) {
  auto limiter = Make({.per_second = 2, .burst = 2});
  Clock::time_point t0{};
  ASSERT_TRUE(limiter->TryTake("k", t0));
  ASSERT_TRUE(limiter->TryTake("k", t0));
  ASSERT_FALSE(limiter->TryTake("k", t0));
  EXPECT_FALSE(limiter->TryTake("k", t0 + milliseconds(400)));  // 0.8 token
  EXPECT_TRUE(limiter->TryTake("k", t0 + milliseconds(500)));   // 1.0
  // A long rest earns no more than the burst.
  Clock::time_point later = t0 + std::chrono::hours(1);
  EXPECT_TRUE(limiter->TryTake("k", later));
  EXPECT_TRUE(limiter->TryTake("k", later));
  EXPECT_FALSE(limiter->TryTake("k", later));
}

TEST(RateLimiterTest, KeysAreIndependent) {
  auto limiter = Make({.per_second = 1, .burst = 1});
  Clock::time_point t0{};
  EXPECT_TRUE(limiter->TryTake("10.0.0.1|alice", t0));
  EXPECT_FALSE(limiter->TryTake("10.0.0.1|alice", t0));
  EXPECT_TRUE(limiter->TryTake("10.0.0.1|bob", t0));
  EXPECT_TRUE(limiter->TryTake("10.0.0.2|alice", t0));
}

TEST(RateLimiterTest, AddressUserKeysCannotCollide) {
  EXPECT_EQ(AddressUserKey("2001:db8::1", "alice"), "2001:db8::1|alice");
  // Without the separator these two would both be "10.0.0.11x".
  EXPECT_NE(AddressUserKey("10.0.0.1", "1x"), AddressUserKey("10.0.0.11", "x"));
  auto limiter = Make({.per_second = 1, .burst = 1});
  Clock::time_point t0{};
  ASSERT_TRUE(limiter->TryTake(AddressUserKey("10.0.0.1", "alice"), t0));
  EXPECT_FALSE(limiter->TryTake(AddressUserKey("10.0.0.1", "alice"), t0));
  EXPECT_TRUE(limiter->TryTake(AddressUserKey("10.0.0.1", "alice2"), t0));
}

TEST(RateLimiterTest, ARefusedKeyIsThrottledNotLockedOut) {
  auto limiter = Make({.per_second = 1, .burst = 1});
  Clock::time_point t0{};
  ASSERT_TRUE(limiter->TryTake("victim", t0));
  // A thousand refused attempts (an attacker hammering) ...
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(limiter->TryTake("victim", t0));
  // ... do not push the next allowed attempt further out.
  EXPECT_TRUE(limiter->TryTake("victim", t0 + std::chrono::seconds(1)));
}

TEST(RateLimiterTest, RetryAfterIsTheWholeSecondsUntilATokenIsEarned) {
  auto limiter = Make({.per_second = 0.5, .burst = 1});
  Clock::time_point t0{};
  EXPECT_EQ(limiter->SecondsUntilToken("k", t0), 0);
  ASSERT_TRUE(limiter->TryTake("k", t0));
  EXPECT_EQ(limiter->SecondsUntilToken("k", t0), 2);
  EXPECT_EQ(limiter->SecondsUntilToken("k", t0 + milliseconds(1500)), 1);
}

TEST(RateLimiterTest, MemoryIsBoundedByEvictingTheLeastRecentlyUsed) {
  auto limiter = Make({.per_second = 1, .burst = 1, .max_keys = 4, .shards = 1});
  Clock::time_point t0{};
  for (int i = 0; i < 100; ++i) limiter->TryTake("key" + std::to_string(i), t0);
  EXPECT_EQ(limiter->KeyCount(), 4u);
  // The most recent keys are still remembered (and so still empty).
  EXPECT_FALSE(limiter->TryTake("key99", t0));
  // The evicted ones start again full.
  EXPECT_TRUE(limiter->TryTake("key0", t0));
}

TEST(RateLimiterTest, BadOptionsAreRefused) {
  EXPECT_FALSE(RateLimiter::Create({.per_second = 0}).has_value());
  EXPECT_FALSE(RateLimiter::Create({.per_second = 1, .burst = 0.5}).has_value());
  EXPECT_FALSE(RateLimiter::Create({.shards = 0}).has_value());
  auto too_few = RateLimiter::Create({.max_keys = 2, .shards = 4});
  ASSERT_FALSE(too_few.has_value());
  EXPECT_EQ(too_few.error().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace keystorm::server::testing
