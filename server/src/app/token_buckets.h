// Token buckets keyed by a string (client address, or address + user):
// each key may spend `burst` requests at once and earns `rate` per second.
// An empty bucket throttles; nothing is ever locked out for good.  Memory is
// bounded: past `max_keys` buckets, full (idle) ones are dropped first.
#ifndef KEYSTORM_SERVER_APP_TOKEN_BUCKETS_H_
#define KEYSTORM_SERVER_APP_TOKEN_BUCKETS_H_

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace keystorm::server {

class TokenBuckets {
 public:
  TokenBuckets(double rate, double burst, size_t max_keys = 100'000)
      : rate_(rate), burst_(burst), max_keys_(max_keys) {}

  // 0 when a token was taken; else the whole seconds until one is due.
  int Take(std::string_view key, std::chrono::steady_clock::time_point now);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point updated;
  };
  void Prune(std::chrono::steady_clock::time_point now);

  const double rate_;
  const double burst_;
  const size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_APP_TOKEN_BUCKETS_H_
