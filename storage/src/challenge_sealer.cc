#include "keystorm/storage/challenge_sealer.h"

#include <openssl/digest.h>
#include <openssl/hmac.h>
#include <openssl/mem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <set>
#include <string_view>

namespace keystorm::storage {
namespace {

constexpr uint8_t kVersion = 1;
constexpr size_t kOffKeyId = 1;
constexpr size_t kOffCeremony = 5;
constexpr size_t kOffBinding = 6;
constexpr size_t kOffExpiry = 7;
constexpr size_t kOffUserHash = 15;
constexpr size_t kUserHashBytes = 16;
constexpr size_t kOffRandom = 31;
constexpr size_t kOffTag = 63;
constexpr size_t kTagBytes = 32;
static_assert(kOffTag + kTagBytes == kSealedChallengeBytes);
static_assert(kOffRandom + kChallengeRandomBytes == kOffTag);

constexpr int64_t kMaxTtlMs = 3'600'000;
constexpr std::string_view kUserHashDomain = "keystorm/challenge-user/v1";

void UserHash(ByteView user_handle, uint8_t out[kUserHashBytes]) {
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, kUserHashDomain.data(), kUserHashDomain.size());
  SHA256_Update(&ctx, user_handle.data(), user_handle.size());
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256_Final(digest, &ctx);
  std::copy(digest, digest + kUserHashBytes, out);
}

bool Tag(const ChallengeKey& key, const uint8_t* message, uint8_t out[kTagBytes]) {
  unsigned int len = 0;
  return HMAC(EVP_sha256(), key.secret.data(), key.secret.size(), message, kOffTag, out, &len) !=
             nullptr &&
         len == kTagBytes;
}

void PutU32Be(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}
void PutU64Be(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (56 - 8 * i));
}
uint32_t GetU32Be(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
uint64_t GetU64Be(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

const char* ChallengeCheckName(ChallengeCheck check) {
  switch (check) {
    case ChallengeCheck::kOk:
      return "ok";
    case ChallengeCheck::kMalformed:
      return "malformed";
    case ChallengeCheck::kUnknownKey:
      return "unknown_key";
    case ChallengeCheck::kBadTag:
      return "bad_tag";
    case ChallengeCheck::kExpired:
      return "expired";
    case ChallengeCheck::kWrongCeremony:
      return "wrong_ceremony";
    case ChallengeCheck::kWrongUser:
      return "wrong_user";
    case ChallengeCheck::kAlreadyUsed:
      return "already_used";
  }
  return "unknown";
}

Result<ChallengeSealer> ChallengeSealer::Create(std::vector<ChallengeKey> keys, int64_t ttl_ms) {
  if (ttl_ms <= 0 || ttl_ms > kMaxTtlMs) {
    return Status::InvalidArgument("challenge ttl must be in (0, 1 hour]");
  }
  std::set<uint32_t> ids;
  size_t issuing = keys.size();
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!ids.insert(keys[i].id).second) {
      return Status::InvalidArgument("challenge key id " + std::to_string(keys[i].id) + " repeats");
    }
    if (!keys[i].retired_at_ms) {
      if (issuing != keys.size())
        return Status::InvalidArgument("more than one issuing challenge key");
      issuing = i;
    }
  }
  if (issuing == keys.size()) return Status::InvalidArgument("no issuing challenge key");
  return ChallengeSealer(std::move(keys), issuing, ttl_ms);
}

ChallengeSealer::~ChallengeSealer() {
  for (ChallengeKey& key : keys_) OPENSSL_cleanse(key.secret.data(), key.secret.size());
}

const ChallengeKey* ChallengeSealer::FindKey(uint32_t id) const {
  for (const ChallengeKey& key : keys_) {
    if (key.id == id) return &key;
  }
  return nullptr;
}

Result<Bytes> ChallengeSealer::Issue(CeremonyKind ceremony, ByteView user_handle,
                                     int64_t now_ms) const {
  if (now_ms < 0 || now_ms > INT64_MAX - ttl_ms_)
    return Status::InvalidArgument("clock out of range");
  const ChallengeKey& key = keys_[issuing_];
  Bytes out(kSealedChallengeBytes, 0);
  uint8_t* p = out.data();
  p[0] = kVersion;
  PutU32Be(p + kOffKeyId, key.id);
  p[kOffCeremony] = static_cast<uint8_t>(ceremony);
  p[kOffBinding] = user_handle.empty() ? 0 : 1;
  PutU64Be(p + kOffExpiry, static_cast<uint64_t>(now_ms + ttl_ms_));
  if (!user_handle.empty()) UserHash(user_handle, p + kOffUserHash);
  if (RAND_bytes(p + kOffRandom, kChallengeRandomBytes) != 1) {
    return Status::Internal("challenge: CSPRNG failed");
  }
  if (!Tag(key, p, p + kOffTag)) return Status::Internal("challenge: HMAC failed");
  return out;
}

ChallengeCheck ChallengeSealer::Open(ByteView challenge, CeremonyKind expected,
                                     ByteView user_handle, int64_t now_ms,
                                     OpenedChallenge* out) const {
  if (challenge.size() != kSealedChallengeBytes || challenge[0] != kVersion) {
    return ChallengeCheck::kMalformed;
  }
  const uint8_t* p = challenge.data();
  const ChallengeKey* key = FindKey(GetU32Be(p + kOffKeyId));
  if (key == nullptr) return ChallengeCheck::kUnknownKey;
  uint8_t tag[kTagBytes];
  if (!Tag(*key, p, tag) || CRYPTO_memcmp(tag, p + kOffTag, kTagBytes) != 0) {
    return ChallengeCheck::kBadTag;
  }
  // From here on the bytes are ours, as we issued them.
  uint64_t expiry = GetU64Be(p + kOffExpiry);
  if (expiry > static_cast<uint64_t>(INT64_MAX)) return ChallengeCheck::kMalformed;
  const int64_t expires_at = static_cast<int64_t>(expiry);
  if (expires_at <= now_ms) return ChallengeCheck::kExpired;
  if (key->retired_at_ms && expires_at > *key->retired_at_ms + ttl_ms_) {
    return ChallengeCheck::kExpired;
  }
  if (p[kOffCeremony] != static_cast<uint8_t>(expected)) return ChallengeCheck::kWrongCeremony;
  const uint8_t binding = p[kOffBinding];
  if (binding > 1) return ChallengeCheck::kMalformed;
  if (binding == 1) {
    if (user_handle.empty()) return ChallengeCheck::kWrongUser;
    uint8_t want[kUserHashBytes];
    UserHash(user_handle, want);
    if (CRYPTO_memcmp(want, p + kOffUserHash, kUserHashBytes) != 0)
      return ChallengeCheck::kWrongUser;
  }
  out->key_id = key->id;
  out->ceremony = expected;
  out->user_bound = binding == 1;
  out->expires_at_ms = expires_at;
  std::copy(p + kOffRandom, p + kOffRandom + kChallengeRandomBytes, out->random.begin());
  return ChallengeCheck::kOk;
}

Result<ChallengeSealer> ChallengeSealer::Rotated(const ChallengeKey& next, int64_t now_ms) const {
  std::vector<ChallengeKey> keys;
  for (size_t i = 0; i < keys_.size(); ++i) {
    ChallengeKey key = keys_[i];
    if (i == issuing_) key.retired_at_ms = now_ms;
    // Every challenge of a key retired at R has expired by R + ttl.
    if (key.retired_at_ms && *key.retired_at_ms + ttl_ms_ < now_ms) {
      OPENSSL_cleanse(key.secret.data(), key.secret.size());
      continue;
    }
    keys.push_back(key);
  }
  ChallengeKey issuing = next;
  issuing.retired_at_ms.reset();
  keys.push_back(issuing);
  auto sealer = Create(std::move(keys), ttl_ms_);
  return sealer;
}

}  // namespace keystorm::storage
