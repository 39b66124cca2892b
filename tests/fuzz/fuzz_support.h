// Shared helpers for the fuzz targets: invariant checks and the constants the
// seed generator (tools/fuzz/make_seeds.py) uses too.
//
// FUZZ_CHECK aborts with a message: a violated invariant is a crash to
// libFuzzer and a failed replay to ctest.  Only fuzz targets use it; engine
// code never aborts on input.
#ifndef KEYSTORM_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define KEYSTORM_TESTS_FUZZ_FUZZ_SUPPORT_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "keystorm/bytes.h"

#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

namespace keystorm::fuzz {

// True if `inner` lies entirely within `outer` (an empty view always does).
inline bool Inside(ByteView inner, ByteView outer) {
  if (inner.empty()) return true;
  auto i = reinterpret_cast<uintptr_t>(inner.data());
  auto o = reinterpret_cast<uintptr_t>(outer.data());
  return i >= o && i - o <= outer.size() && inner.size() <= outer.size() - (i - o);
}

// Offset of `inner` within `outer`.  REQUIRES: Inside(inner, outer).
inline size_t OffsetIn(ByteView inner, ByteView outer) {
  return reinterpret_cast<uintptr_t>(inner.data()) - reinterpret_cast<uintptr_t>(outer.data());
}

// Appends the shortest CBOR head of major type `major` and argument `value`
// (RFC 8949 §4.2.1); written independently of the engine's reader.
inline void AppendCborHead(Bytes* out, int major, uint64_t value) {
  uint8_t m = static_cast<uint8_t>(major << 5);
  int width = value < 24 ? 0 : value <= 0xff ? 1 : value <= 0xffff ? 2 : value <= 0xffffffff ? 4 : 8;
  if (width == 0) {
    out->push_back(static_cast<uint8_t>(m | value));
    return;
  }
  out->push_back(static_cast<uint8_t>(m | (width == 1 ? 24 : width == 2 ? 25 : width == 4 ? 26 : 27)));
  for (int i = width - 1; i >= 0; --i) out->push_back(static_cast<uint8_t>(value >> (8 * i)));
}

inline void AppendBytes(Bytes* out, ByteView b) { out->insert(out->end(), b.begin(), b.end()); }

// Must equal the constants of tools/fuzz/make_seeds.py (--print-constants).
inline constexpr std::string_view kRpId = "example.com";
inline constexpr std::string_view kOrigin = "https://example.com";
inline constexpr std::string_view kChallenge = "a2V5c3Rvcm0tZnV6ei1jaGFsbGVuZ2U";
inline constexpr std::string_view kCreateClientData =
    R"({"type":"webauthn.create","challenge":"a2V5c3Rvcm0tZnV6ei1jaGFsbGVuZ2U","origin":"https://example.com"})";
inline constexpr std::string_view kDerMessage = "keystorm fuzz_der_signature message";
inline constexpr std::string_view kCoseMessage = "keystorm fuzz_cose_key message";
// RSA-2048 modulus of make_seeds.py's rsa_key(2048, RSA_SEED); e = 65537.
inline constexpr std::string_view kRsaModulusHex =
    "f96d022bfbdbee49d22bd640dc51abd345cafba9157358add45d04ab64dd9a1862c6c381bf9bcc0d6a07913c70fcd4"
    "113a86868a61895e4a62bd4975030a2f41a89202be76fb4cf3599f2ca91636281e8e391735db34932370921e18acf3"
    "fd5f09a6b5fa7306ba1688fe5626580b198b7e41032782406ca390dd43cad0392d592da2b41425fa7c9bbf3a53cbf4"
    "cbc8f67add12f8d910ef2f739c034ea2ea4f1f818c54699d174adbc4b8adf1dda1a3808760230ea9c317655e40e281"
    "2acbb2ee6cd3a801c6fc39007c68a188acec59a8df66027bf8c4e4abbd5360f2ff810b042619e728f0ab6f4eb52db6"
    "5b4853d7fa589a9bf10461b2b7ace75a02ce39d77b";

}  // namespace keystorm::fuzz

#endif  // KEYSTORM_TESTS_FUZZ_FUZZ_SUPPORT_H_
