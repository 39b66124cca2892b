#include "keystorm/server/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace keystorm::server {

Result<std::unique_ptr<RateLimiter>> RateLimiter::Create(RateLimiterOptions options) {
  if (!(options.per_second > 0) || !std::isfinite(options.per_second)) {
    return Status::InvalidArgument("rate limiter: per_second must be a positive number");
  }
  if (!(options.burst >= 1) || !std::isfinite(options.burst)) {
    return Status::InvalidArgument("rate limiter: burst must be at least 1");
  }
  if (options.shards == 0 || options.max_keys < options.shards) {
    return Status::InvalidArgument("rate limiter: need shards >= 1 and max_keys >= shards");
  }
  return std::unique_ptr<RateLimiter>(new RateLimiter(options));
}

RateLimiter::RateLimiter(RateLimiterOptions options)
    : options_(options), max_keys_per_shard_(options.max_keys / options.shards) {
  shards_.reserve(options.shards);
  for (size_t i = 0; i < options.shards; ++i) shards_.push_back(std::make_unique<Shard>());
}

RateLimiter::Shard& RateLimiter::ShardFor(std::string_view key) {
  return *shards_[std::hash<std::string_view>{}(key) % shards_.size()];
}

RateLimiter::Bucket& RateLimiter::Refilled(Shard& shard, std::string_view key,
                                           Clock::time_point now) {
  // C++20 has no heterogeneous lookup for unordered_map by default: one
  // string per call, on a path that is already per request, not per byte.
  std::string owned(key);
  auto it = shard.buckets.find(owned);
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= max_keys_per_shard_) {
      shard.buckets.erase(shard.recency.back());
      shard.recency.pop_back();
    }
    shard.recency.push_front(owned);
    it = shard.buckets.emplace(std::move(owned), Bucket{options_.burst, now, shard.recency.begin()})
             .first;
    return it->second;
  }
  Bucket& bucket = it->second;
  shard.recency.splice(shard.recency.begin(), shard.recency, bucket.recency);
  if (now > bucket.updated) {
    double earned = std::chrono::duration<double>(now - bucket.updated).count() * options_.per_second;
    bucket.tokens = std::min(options_.burst, bucket.tokens + earned);
    bucket.updated = now;
  }
  return bucket;
}

bool RateLimiter::TryTake(std::string_view key, Clock::time_point now) {
  Shard& shard = ShardFor(key);
  std::lock_guard<std::mutex> lock(shard.mu);
  Bucket& bucket = Refilled(shard, key, now);
  if (bucket.tokens < 1.0) return false;
  bucket.tokens -= 1.0;
  return true;
}

int RateLimiter::SecondsUntilToken(std::string_view key, Clock::time_point now) {
  Shard& shard = ShardFor(key);
  std::lock_guard<std::mutex> lock(shard.mu);
  Bucket& bucket = Refilled(shard, key, now);
  if (bucket.tokens >= 1.0) return 0;
  return static_cast<int>(std::ceil((1.0 - bucket.tokens) / options_.per_second));
}

size_t RateLimiter::KeyCount() const {
  size_t count = 0;
  for (const auto& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard->mu);
    count += shard->buckets.size();
  }
  return count;
}

std::string AddressUserKey(std::string_view address, std::string_view user) {
  std::string key;
  key.reserve(address.size() + 1 + user.size());
  key.append(address).append("|").append(user);
  return key;
}

}  // namespace keystorm::server
