// Private: a SplitMix64 stream, the corpus generator's only randomness.  It
// is specified bit for bit (unlike std::*_distribution, whose output differs
// between standard libraries), so one seed gives one corpus everywhere.
#ifndef KEYSTORM_CORPUS_SRC_SEEDED_STREAM_H_
#define KEYSTORM_CORPUS_SRC_SEEDED_STREAM_H_

#include <cstdint>

#include "keystorm/bytes.h"

namespace keystorm::corpus {

class SeededStream {
 public:
  explicit SeededStream(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    state_ += 0x9E3779B97F4A7C15ull;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, 1), 53 bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // Uniform in [0, n); n > 0.  The modulo bias (< n / 2^64) is irrelevant here.
  uint64_t Below(uint64_t n) { return Next() % n; }

  void Fill(uint8_t* out, size_t n) {
    for (size_t i = 0; i < n; i += 8) {
      uint64_t v = Next();
      for (size_t j = 0; j < 8 && i + j < n; ++j) out[i + j] = static_cast<uint8_t>(v >> (8 * j));
    }
  }
  Bytes Take(size_t n) {
    Bytes out(n);
    Fill(out.data(), n);
    return out;
  }

 private:
  uint64_t state_;
};

// An independent stream's seed for item `index` of a `purpose`: items can be
// made in any order, and adding one kind of item leaves the others unchanged.
inline uint64_t SubSeed(uint64_t seed, uint64_t purpose, uint64_t index) {
  SeededStream s(seed ^ (purpose * 0xD6E8FEB86659FD93ull));
  s.Next();
  return s.Next() ^ (index * 0x9E3779B97F4A7C15ull);
}

}  // namespace keystorm::corpus

#endif  // KEYSTORM_CORPUS_SRC_SEEDED_STREAM_H_
