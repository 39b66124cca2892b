// Private: the small statistics the replay drivers report.
#ifndef KEYSTORM_BENCH_REPLAY_SRC_REPLAY_STATS_H_
#define KEYSTORM_BENCH_REPLAY_SRC_REPLAY_STATS_H_

#include <openssl/sha.h>
#include <sys/time.h>

#include <algorithm>
#include <vector>

#include "keystorm/bench/replay_driver.h"
#include "keystorm/bytes.h"

namespace keystorm::bench {

// A getrusage time as seconds.
inline double Seconds(const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; }

inline double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// Nearest-rank percentiles; sorts *values.
inline LatencySummary Summarize(std::vector<double>* values) {
  LatencySummary s;
  if (values->empty()) return s;
  std::sort(values->begin(), values->end());
  auto pct = [&](double p) {
    size_t rank = static_cast<size_t>(p * static_cast<double>(values->size()));
    return (*values)[std::min(values->size() - 1, rank)];
  };
  s.p50_us = pct(0.50);
  s.p90_us = pct(0.90);
  s.p99_us = pct(0.99);
  s.p999_us = pct(0.999);
  s.max_us = values->back();
  return s;
}

inline Bytes Sha256Of(ByteView data) {
  Bytes out(32);
  SHA256(data.data(), data.size(), out.data());
  return out;
}

}  // namespace keystorm::bench

#endif  // KEYSTORM_BENCH_REPLAY_SRC_REPLAY_STATS_H_
