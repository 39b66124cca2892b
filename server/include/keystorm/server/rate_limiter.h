// Token buckets keyed by a string: per client address, per (address, user),
// per anything a caller can name.  Each key gets `burst` tokens and earns
// `per_second` more, up to `burst`; a request takes one token or is refused.
//
// Throttling, never lock-out.  A refused TryTake only means "not now": the
// bucket refills with time whatever happens, and nothing here counts
// failures towards blocking a user.  Using this for failed logins therefore
// slows an attacker down without letting them lock a victim's account (an
// account lock would be a denial-of-service lever for anyone who knows the
// user name).  Callers answer a refusal with 429 and Retry-After.
//
// Memory is bounded: at most `max_keys` buckets are kept (split evenly over
// the shards); a full shard drops its least recently used bucket.  That one
// has usually refilled completely and so holds nothing worth keeping (a new
// bucket starts full too); under a flood of distinct keys an evicted key may
// start again with a full bucket early: the memory bound wins over precision.
//
// Sharded by key hash (a mutex per shard), so threads that serve different
// clients rarely meet.  The clock is passed in (steady time), which keeps
// tests exact.
#ifndef KEYSTORM_SERVER_RATE_LIMITER_H_
#define KEYSTORM_SERVER_RATE_LIMITER_H_

#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "keystorm/status.h"

namespace keystorm::server {

struct RateLimiterOptions {
  double per_second = 5.0;  // tokens earned per second (> 0)
  double burst = 10.0;      // bucket size, >= 1: requests allowed at once after a rest
  size_t max_keys = 100000; // buckets kept at most, over all shards (>= shards)
  size_t shards = 16;       // >= 1
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // InvalidArgument if an option is out of range.
  static Result<std::unique_ptr<RateLimiter>> Create(RateLimiterOptions options);

  // Takes one token from `key`'s bucket if it has one.  `now` must not go
  // backwards for a key (an earlier time earns nothing).
  bool TryTake(std::string_view key, Clock::time_point now);
  bool TryTake(std::string_view key) { return TryTake(key, Clock::now()); }

  // Whole seconds until `key` would have a token again (0 if it has one):
  // the Retry-After to answer with.
  int SecondsUntilToken(std::string_view key, Clock::time_point now);

  size_t KeyCount() const;  // buckets held now
  const RateLimiterOptions& options() const { return options_; }

 private:
  explicit RateLimiter(RateLimiterOptions options);
  struct Bucket {
    double tokens;
    Clock::time_point updated;
    std::list<std::string>::iterator recency;  // position in Shard::recency
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Bucket> buckets;
    std::list<std::string> recency;  // most recently used first
  };
  Shard& ShardFor(std::string_view key);
  // The bucket for key, refilled up to now; made (full) if absent.
  Bucket& Refilled(Shard& shard, std::string_view key, Clock::time_point now);

  RateLimiterOptions options_;
  size_t max_keys_per_shard_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

// The key of a per-(client address, user) bucket: "address|user".  An IP
// address never contains '|', so the first '|' splits the key unambiguously
// whatever the user name holds ("10.0.0.1" + "1x" and "10.0.0.11" + "x"
// differ, as bare concatenation would not).
std::string AddressUserKey(std::string_view address, std::string_view user);

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_RATE_LIMITER_H_
