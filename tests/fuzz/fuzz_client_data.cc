// Fuzzes ParseClientData (clientDataJSON, §5.8.1).
//
// Invariants:
//   - the verdict is kOk or kMalformedClientData, and the same when the
//     input is parsed again with the reused JsonScratch;
//   - accepted input (after a stripped BOM) is valid UTF-8 by an independent
//     validator, and so are the type/challenge/origin/topOrigin strings;
//   - an accepted document stays accepted, with the same members, behind a
//     BOM, and is rejected with a non-space byte appended.
#include <cstdint>
#include <optional>
#include <string>

#include "fuzz_support.h"
#include "keystorm/client_data.h"
#include "keystorm/json_scratch.h"

namespace keystorm {
namespace {

// RFC 3629 UTF-8: no overlongs, no surrogates, nothing above U+10FFFF.
bool IsUtf8(ByteView s) {
  size_t i = 0;
  while (i < s.size()) {
    uint8_t c = s[i];
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      n = 1, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    for (size_t k = 1; k <= n; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

// An owned copy: the parser's views die at the next parse.
struct Owned {
  std::string type, challenge, origin;
  bool cross_origin;
  std::optional<std::string> top_origin;
  bool operator==(const Owned&) const = default;
};

Owned Copy(const CollectedClientData& c) {
  Owned o{std::string(c.type), std::string(c.challenge), std::string(c.origin), c.cross_origin,
          std::nullopt};
  if (c.top_origin) o.top_origin = std::string(*c.top_origin);
  return o;
}

}  // namespace
}  // namespace keystorm

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace keystorm;
  static JsonScratch* scratch = new JsonScratch();
  ByteView input(data, size);

  CollectedClientData c;
  VerifyError err = ParseClientData(input, scratch, &c);
  FUZZ_CHECK(err == VerifyError::kOk || err == VerifyError::kMalformedClientData);
  std::optional<Owned> first;
  if (err == VerifyError::kOk) first = Copy(c);

  CollectedClientData again;
  FUZZ_CHECK(ParseClientData(input, scratch, &again) == err);
  if (err != VerifyError::kOk) return 0;
  FUZZ_CHECK(Copy(again) == *first);

  static constexpr uint8_t kBom[] = {0xef, 0xbb, 0xbf};
  bool has_bom = size >= 3 && std::equal(kBom, kBom + 3, data);
  FUZZ_CHECK(IsUtf8(has_bom ? input.subspan(3) : input));
  FUZZ_CHECK(IsUtf8(AsBytes(first->type)) && IsUtf8(AsBytes(first->challenge)) &&
             IsUtf8(AsBytes(first->origin)));
  if (first->top_origin) FUZZ_CHECK(IsUtf8(AsBytes(*first->top_origin)));

  if (!has_bom) {
    Bytes with_bom(kBom, kBom + 3);
    with_bom.insert(with_bom.end(), data, data + size);
    CollectedClientData b;
    FUZZ_CHECK(ParseClientData(with_bom, scratch, &b) == VerifyError::kOk);
    FUZZ_CHECK(Copy(b) == *first);
  }
  Bytes trailing(data, data + size);
  trailing.push_back('x');
  CollectedClientData t;
  FUZZ_CHECK(ParseClientData(trailing, scratch, &t) == VerifyError::kMalformedClientData);
  return 0;
}
