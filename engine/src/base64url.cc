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

  // Whole quanta first (four characters, three bytes) into storage sized
  // once: the byte-at-a-time push_back this replaced was a measurable share
  // of a login's CPU, since every response carries five base64url fields.
  const size_t start = out->size();
  const size_t rest = in.size() % 4;
  const size_t whole = in.size() - rest;
  out->resize(start + whole / 4 * 3 + (rest == 0 ? 0 : rest - 1));
  uint8_t* dst = out->data() + start;
  const auto* src = reinterpret_cast<const uint8_t*>(in.data());
  for (size_t i = 0; i < whole; i += 4, dst += 3) {
    const uint8_t a = kDecode[src[i]], b = kDecode[src[i + 1]], c = kDecode[src[i + 2]],
                  d = kDecode[src[i + 3]];
    if (((a | b | c | d) & 0xC0) != 0) {  // 0xFF marks a non-alphabet character
      out->resize(start);
      return false;
    }
    const uint32_t v = (uint32_t{a} << 18) | (uint32_t{b} << 12) | (uint32_t{c} << 6) | d;
    dst[0] = static_cast<uint8_t>(v >> 16);
    dst[1] = static_cast<uint8_t>(v >> 8);
    dst[2] = static_cast<uint8_t>(v);
  }
  if (rest != 0) {
    uint32_t v = 0;
    for (size_t k = 0; k < rest; ++k) {
      const uint8_t x = kDecode[src[whole + k]];
      if (x == 0xFF) {
        out->resize(start);
        return false;
      }
      v = (v << 6) | x;
    }
    // 2 characters: 12 bits, one byte; 3 characters: 18 bits, two bytes.
    if (rest == 2) {
      dst[0] = static_cast<uint8_t>(v >> 4);
    } else {
      dst[0] = static_cast<uint8_t>(v >> 10);
      dst[1] = static_cast<uint8_t>(v >> 2);
    }
  }
  // Leftover low bits of the last character are ignored, not required to be
  // zero (RFC 4648 §3.5 allows either): real clients and fixtures send
  // non-canonical ids such as "aaa".  Identity comparisons are made on the
  // decoded bytes, never on the text.
  return true;
}

std::string Base64UrlEncode(ByteView in) {
  std::string out((in.size() * 4 + 2) / 3, '\0');
  char* dst = out.data();
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3, dst += 4) {
    const uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8) | in[i + 2];
    dst[0] = kAlphabet[(v >> 18) & 63];
    dst[1] = kAlphabet[(v >> 12) & 63];
    dst[2] = kAlphabet[(v >> 6) & 63];
    dst[3] = kAlphabet[v & 63];
  }
  const size_t rest = in.size() - i;
  if (rest == 1) {
    const uint32_t v = uint32_t{in[i]} << 16;
    dst[0] = kAlphabet[(v >> 18) & 63];
    dst[1] = kAlphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    const uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8);
    dst[0] = kAlphabet[(v >> 18) & 63];
    dst[1] = kAlphabet[(v >> 12) & 63];
    dst[2] = kAlphabet[(v >> 6) & 63];
  }
  return out;
}

}  // namespace keystorm
