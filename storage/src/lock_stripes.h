// Private: the RocksDB store's write serialisation.  Every read-modify-write
// (counter compare-and-set, insert-if-absent, consume-once, reset) holds the
// stripes of every key it reads and writes until its synced write returns,
// so it is atomic against any other such operation on those keys: a single
// writer per key stripe (docs/decisions.md, "Credential store: atomic
// read-modify-write").  Plain reads take no lock.
//
// A StripeSet is locked all at once, in ascending stripe order, and never
// extended while held, so two sets can never deadlock.
#ifndef KEYSTORM_STORAGE_SRC_LOCK_STRIPES_H_
#define KEYSTORM_STORAGE_SRC_LOCK_STRIPES_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string_view>
#include <vector>

#include "keystorm/bytes.h"

namespace keystorm::storage {

// Which kind of key a stripe is taken for; mixed into the hash so that a
// credential ID and a user handle with equal bytes map independently.
enum class StripeDomain : uint8_t { kCredential = 1, kUser, kUserName, kChallenge };

class LockStripes {
 public:
  static constexpr size_t kStripes = 4096;

  static uint16_t StripeOf(StripeDomain domain, ByteView key) {
    uint64_t h = std::hash<std::string_view>{}(AsChars(key));
    h ^= static_cast<uint64_t>(domain) * 0x9e3779b97f4a7c15ULL;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 32;
    return static_cast<uint16_t>(h % kStripes);
  }

  // Holds a set of stripes; unlocks them on destruction.
  class Guard {
   public:
    // Sorts and deduplicates `stripes`, then locks them in ascending order.
    Guard(LockStripes* owner, std::vector<uint16_t> stripes)
        : owner_(owner), held_(std::move(stripes)) {
      std::sort(held_.begin(), held_.end());
      held_.erase(std::unique(held_.begin(), held_.end()), held_.end());
      for (uint16_t s : held_) owner_->stripes_[s].mu.lock();
    }
    ~Guard() {
      for (auto it = held_.rbegin(); it != held_.rend(); ++it) owner_->stripes_[*it].mu.unlock();
    }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

    // True if `stripe` is among those held.
    bool Holds(uint16_t stripe) const {
      return std::binary_search(held_.begin(), held_.end(), stripe);
    }

   private:
    LockStripes* owner_;
    std::vector<uint16_t> held_;
  };

 private:
  struct alignas(64) Stripe {
    std::mutex mu;
  };
  std::array<Stripe, kStripes> stripes_;
};

}  // namespace keystorm::storage

#endif  // KEYSTORM_STORAGE_SRC_LOCK_STRIPES_H_
