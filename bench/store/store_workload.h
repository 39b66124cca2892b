// Generated credentials for the store benchmarks: credential i is a pure
// function of (seed, i), so a benchmark can pick any stored credential at
// random without keeping 10M IDs in memory, and check what it reads.
//
// Shapes follow real passkeys: 32-byte credential IDs, 16-byte user
// handles (two credentials per user), a 77-byte COSE P-256 key, two
// transports, a random AAGUID.
#ifndef KEYSTORM_BENCH_STORE_STORE_WORKLOAD_H_
#define KEYSTORM_BENCH_STORE_STORE_WORKLOAD_H_

#include <cstdint>

#include "keystorm/credential_store.h"

namespace keystorm::bench {

inline uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

inline void FillBytes(uint64_t seed, uint8_t* out, size_t n) {
  for (size_t i = 0; i < n; i += 8) {
    uint64_t v = SplitMix64(seed + i);
    for (size_t j = 0; j < 8 && i + j < n; ++j) out[i + j] = static_cast<uint8_t>(v >> (8 * j));
  }
}

inline Bytes GeneratedId(uint64_t seed, uint64_t i) {
  Bytes id(32);
  FillBytes(SplitMix64(seed) ^ (i * 0x100000001b3ULL), id.data(), id.size());
  return id;
}

inline CredentialRecord GeneratedCredential(uint64_t seed, uint64_t i) {
  CredentialRecord r;
  r.id = GeneratedId(seed, i);
  r.user_handle.resize(16);
  FillBytes(SplitMix64(seed + 1) ^ (i / 2), r.user_handle.data(), 16);
  r.public_key_cose.resize(77);
  FillBytes(SplitMix64(seed + 2) ^ i, r.public_key_cose.data(), 77);
  r.public_key_cose[0] = 0xa5;  // a CBOR map of 5, like a real key
  r.algorithm = -7;
  r.sign_count = static_cast<uint32_t>(i % 1000);
  r.backup_eligible = true;
  r.backup_state = true;
  FillBytes(SplitMix64(seed + 3) ^ (i % 64), r.aaguid.data(), r.aaguid.size());
  r.transports = {"internal", "hybrid"};
  r.attestation_format = "none";
  r.created_at = 1'760'000'000 + static_cast<int64_t>(i);
  return r;
}

}  // namespace keystorm::bench

#endif  // KEYSTORM_BENCH_STORE_STORE_WORKLOAD_H_
