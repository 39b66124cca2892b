#include "pipeline/key_cache.h"

#include <functional>
#include <mutex>
#include <string_view>

namespace keystorm::pipeline {

std::shared_ptr<const PublicKey> KeyCache::Get(ByteView id, ByteView cose, VerifyError* error) {
  std::string_view key_text = AsChars(id);
  // The shard index uses the high bits so that it is independent of the
  // bucket index the map derives from the same hash.
  Shard& shard = shards_[(Hash{}(key_text) >> 40) % kShards];
  {
    std::shared_lock<std::shared_mutex> lock(shard.mu);
    auto it = shard.map.find(key_text);
    if (it != shard.map.end() && Equal(it->second.cose, cose)) return it->second.key;
  }
  std::unique_ptr<PublicKey> parsed;
  *error = PublicKey::Parse(cose, &parsed);
  if (*error != VerifyError::kOk) return nullptr;
  std::shared_ptr<const PublicKey> key(std::move(parsed));
  std::unique_lock<std::shared_mutex> lock(shard.mu);
  if (shard.map.size() >= per_shard_) shard.map.clear();
  shard.map[std::string(key_text)] = Entry{Bytes(cose.begin(), cose.end()), key};
  return key;
}

}  // namespace keystorm::pipeline
