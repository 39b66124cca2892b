#include "keystorm/base64url.h"

#include <array>

namespace keystorm {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// 0-63 for alphabet characters, 0xFF for anything else.
constexpr std::array<uint8_t, 256> kDecode = [] {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) v = 0xFF;
  for (uint8_t i = 0; i < 64; ++i) t[static_cast<uint8_t>(kAlphabet[i])] = i;
  return t;
}();

}  // namespace

bool Base64UrlDecode(std::string_view in, Bytes* out) {
  // Padding: tolerated, but only as many '=' as complete the last quantum.
  size_t pad = 0;
  while (pad < in.size() && in[in.size() - 1 - pad] == '=') ++pad;
  if (pad > 0) {
    if (pad > 2 || in.size() % 4 != 0) return false;
    in.remove_suffix(pad);
    if ((in.size() % 4 == 2 && pad != 2) || (in.size() % 4 == 3 && pad != 1)) return false;
  }
  if (in.size() % 4 == 1) return false;  // six bits cannot end a byte string

  size_t start = out->size();
  out->reserve(start + in.size() / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (char ch : in) {
    uint8_t v = kDecode[static_cast<uint8_t>(ch)];
    if (v == 0xFF) {
      out->resize(start);
      return false;
    }
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  // Leftover low bits of the last character are ignored, not required to be
  // zero (RFC 4648 §3.5 allows either): real clients and fixtures send
  // non-canonical ids such as "aaa".  Identity comparisons are made on the
  // decoded bytes, never on the text.
  return true;
}

std::string Base64UrlEncode(ByteView in) {
  std::string out;
  out.reserve((in.size() * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (in[i] << 16) | (in[i + 1] << 8) | in[i + 2];
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  size_t rest = in.size() - i;
  if (rest == 1) {
    uint32_t v = in[i] << 16;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
  } else if (rest == 2) {
    uint32_t v = (in[i] << 16) | (in[i + 1] << 8);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
  }
  return out;
}

}  // namespace keystorm
