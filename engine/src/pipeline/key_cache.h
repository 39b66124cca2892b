// Private: parsed public keys by credential ID, so a COSE key is parsed once
// per credential, not once per login.
//
// Sharded: each shard is a small hash map behind a reader-writer lock; reads
// of different shards never touch the same cache line, and reads of one
// shard share the lock.  An entry also holds the COSE bytes it was parsed
// from and is used only if they equal the stored record's, so a deleted and
// re-registered credential ID can never verify with a stale key.  Bounded:
// a shard that outgrows its share of the capacity is emptied (cheap; the
// keys are re-parsed on their next use).
#ifndef KEYSTORM_ENGINE_SRC_PIPELINE_KEY_CACHE_H_
#define KEYSTORM_ENGINE_SRC_PIPELINE_KEY_CACHE_H_

#include <array>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <functional>
#include <unordered_map>

#include "keystorm/bytes.h"
#include "keystorm/cose_key.h"

namespace keystorm::pipeline {

class KeyCache {
 public:
  explicit KeyCache(size_t capacity) : per_shard_(capacity / kShards + 1) {}

  // The parsed key of `cose` for credential `id`: cached, or parsed now.
  // On a parse failure returns nullptr and sets *error.
  std::shared_ptr<const PublicKey> Get(ByteView id, ByteView cose, VerifyError* error);

 private:
  static constexpr size_t kShards = 64;
  struct Entry {
    Bytes cose;
    std::shared_ptr<const PublicKey> key;
  };
  // Transparent hashing: lookups by string_view allocate nothing.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct alignas(64) Shard {
    std::shared_mutex mu;
    std::unordered_map<std::string, Entry, Hash, std::equal_to<>> map;  // GUARDED_BY(mu)
  };
  size_t per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace keystorm::pipeline

#endif  // KEYSTORM_ENGINE_SRC_PIPELINE_KEY_CACHE_H_
