// Fuzzes Base64UrlDecode / Base64UrlEncode.
//
// Invariants:
//   - Decode agrees (accept/reject and bytes) with an independent reference
//     decoder written from RFC 4648 §5 and the padding rule of base64url.h;
//   - on failure *out keeps its original contents; on success the bytes are
//     appended and fit Base64UrlDecodedSize;
//   - Encode emits only the URL-safe alphabet, no '=', ceil(4n/3) characters;
//   - decode(encode(decode(x))) == decode(x) and encode is a fixed point:
//     encode(decode(encode(d))) == encode(d); decode(encode(raw)) == raw;
//   - an accepted unpadded input stays accepted, with the same bytes, when
//     padded to a multiple of four.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "keystorm/base64url.h"

namespace keystorm {
namespace {

int SextetOf(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

// Reference: '=' only at the end, at most two, only when the total length is
// a multiple of four; the unpadded length is never 1 mod 4; leftover low bits
// of the last character are ignored.
std::optional<Bytes> ReferenceDecode(std::string_view in) {
  size_t pad = 0;
  while (pad < in.size() && in[in.size() - 1 - pad] == '=') ++pad;
  if (pad > 2 || (pad > 0 && in.size() % 4 != 0)) return std::nullopt;
  in.remove_suffix(pad);
  if (in.size() % 4 == 1) return std::nullopt;
  Bytes out;
  for (size_t i = 0; i < in.size(); i += 4) {
    size_t n = std::min<size_t>(4, in.size() - i);
    uint32_t group = 0;
    for (size_t j = 0; j < 4; ++j) {
      int v = j < n ? SextetOf(in[i + j]) : 0;
      if (v < 0) return std::nullopt;
      group = (group << 6) | static_cast<uint32_t>(v);
    }
    out.push_back(static_cast<uint8_t>(group >> 16));
    if (n >= 3) out.push_back(static_cast<uint8_t>(group >> 8));
    if (n == 4) out.push_back(static_cast<uint8_t>(group));
  }
  return out;
}

void CheckEncoding(ByteView raw) {
  std::string enc = Base64UrlEncode(raw);
  FUZZ_CHECK(enc.size() == (raw.size() * 4 + 2) / 3);
  for (char c : enc) FUZZ_CHECK(SextetOf(c) >= 0);
  Bytes back;
  FUZZ_CHECK(Base64UrlDecode(enc, &back));
  FUZZ_CHECK(Equal(back, raw));
  FUZZ_CHECK(Base64UrlEncode(back) == enc);
}

}  // namespace
}  // namespace keystorm

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace keystorm;
  std::string_view text(reinterpret_cast<const char*>(data), size);

  const Bytes prefix = {'x', 'y', 'z'};
  Bytes out = prefix;
  bool ok = Base64UrlDecode(text, &out);
  std::optional<Bytes> expected = ReferenceDecode(text);
  FUZZ_CHECK(ok == expected.has_value());
  if (!ok) {
    FUZZ_CHECK(out == prefix);
  } else {
    FUZZ_CHECK(out.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), out.begin()));
    ByteView decoded = ByteView(out).subspan(prefix.size());
    FUZZ_CHECK(Equal(decoded, *expected));
    FUZZ_CHECK(decoded.size() <= Base64UrlDecodedSize(size));
    CheckEncoding(decoded);
    if (size % 4 != 0 && (size == 0 || text.back() != '=')) {
      std::string padded(text);
      padded.append(4 - size % 4, '=');
      Bytes again;
      FUZZ_CHECK(Base64UrlDecode(padded, &again));
      FUZZ_CHECK(Equal(again, decoded));
    }
  }
  // Arbitrary bytes survive an encode/decode round trip.
  CheckEncoding(ByteView(data, size));
  return 0;
}
