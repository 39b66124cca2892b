#include "parsers_test_util.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/digest.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/nid.h>

#include <fstream>
#include <sstream>

namespace keystorm {

void PrintTo(VerifyError error, std::ostream* os) { *os << VerifyErrorName(error); }

}  // namespace keystorm

namespace keystorm::testing {

Bytes CborHead(int major, uint64_t value, int width) {
  if (width == 0) {
    width = value < 24 ? -1 : value <= 0xff ? 1 : value <= 0xffff ? 2 : value <= 0xffffffff ? 4 : 8;
  }
  uint8_t m = static_cast<uint8_t>(major << 5);
  if (width < 0) return Bytes{static_cast<uint8_t>(m | value)};
  uint8_t ai = width == 1 ? 24 : width == 2 ? 25 : width == 4 ? 26 : 27;
  Bytes out{static_cast<uint8_t>(m | ai)};
  for (int i = width - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(value >> (8 * i)));
  return out;
}

Bytes CborUint(uint64_t v) { return CborHead(0, v); }

Bytes CborInt(int64_t v) {
  return v >= 0 ? CborHead(0, static_cast<uint64_t>(v)) : CborHead(1, static_cast<uint64_t>(-1 - v));
}

Bytes CborBytes(ByteView b) {
  Bytes out = CborHead(2, b.size());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

Bytes CborText(std::string_view s) {
  Bytes out = CborHead(3, s.size());
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

Bytes CborArray(std::initializer_list<Bytes> items) {
  Bytes out = CborHead(4, items.size());
  for (const Bytes& item : items) out.insert(out.end(), item.begin(), item.end());
  return out;
}

Bytes CborMap(const std::vector<std::pair<Bytes, Bytes>>& pairs) {
  Bytes out = CborHead(5, pairs.size());
  for (const auto& [k, v] : pairs) {
    out.insert(out.end(), k.begin(), k.end());
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

Bytes Concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes FromHex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    ADD_FAILURE() << "bad hex digit " << c;
    return 0;
  };
  EXPECT_EQ(hex.size() % 2, 0u) << hex;
  Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(nibble(hex[i]) * 16 + nibble(hex[i + 1])));
  }
  return out;
}

std::string ToHex(ByteView b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t v : b) {
    out.push_back(kDigits[v >> 4]);
    out.push_back(kDigits[v & 15]);
  }
  return out;
}

namespace {

// Splits one line into fields; returns false on an unterminated quote.
bool SplitFields(std::string_view line, std::vector<std::string>* fields) {
  size_t i = 0;
  while (i < line.size()) {
    char c = line[i];
    if (c == ' ' || c == '\t') {
      ++i;
      continue;
    }
    if (c == '#') break;
    std::string field;
    if (c != '"') {
      while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '#') field += line[i++];
      fields->push_back(field);
      continue;
    }
    ++i;
    bool closed = false;
    while (i < line.size()) {
      char d = line[i++];
      if (d == '"') {
        closed = true;
        break;
      }
      if (d != '\\' || i >= line.size()) {
        field += d;
        continue;
      }
      char e = line[i++];
      switch (e) {
        case 'n': field += '\n'; break;
        case 't': field += '\t'; break;
        case 'r': field += '\r'; break;
        case 'x': {
          if (i + 2 > line.size()) return false;
          Bytes b = FromHex(line.substr(i, 2));
          field += static_cast<char>(b[0]);
          i += 2;
          break;
        }
        default: field += e; break;  // \\ and \"
      }
    }
    if (!closed) return false;
    fields->push_back(field);
  }
  return true;
}

}  // namespace

std::vector<VectorLine> ReadVectorFile(std::string_view name) {
  std::string path = std::string(KEYSTORM_SOURCE_DIR) + "/tests/parsers/testdata/" + std::string(name);
  std::ifstream in(path);
  std::vector<VectorLine> lines;
  if (!in) {
    ADD_FAILURE() << "cannot open " << path;
    return lines;
  }
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    VectorLine v{number, {}};
    if (!SplitFields(line, &v.fields)) {
      ADD_FAILURE() << path << ":" << number << ": unterminated quote";
      continue;
    }
    if (!v.fields.empty()) lines.push_back(std::move(v));
  }
  return lines;
}

namespace {

Bytes DigestOf(int hash_nid, ByteView message) {
  const EVP_MD* md = EVP_get_digestbynid(hash_nid);
  EXPECT_NE(md, nullptr);
  Bytes digest(EVP_MAX_MD_SIZE);
  unsigned len = 0;
  EXPECT_TRUE(EVP_Digest(message.data(), message.size(), digest.data(), &len, md, nullptr));
  digest.resize(len);
  return digest;
}

Bytes BnBytes(const BIGNUM* bn) {
  Bytes out(BN_num_bytes(bn));
  BN_bn2bin(bn, out.data());
  return out;
}

bssl::UniquePtr<RSA> GenerateRsa(int bits) {
  bssl::UniquePtr<RSA> rsa(RSA_new());
  bssl::UniquePtr<BIGNUM> e(BN_new());
  EXPECT_TRUE(BN_set_word(e.get(), RSA_F4));
  EXPECT_TRUE(RSA_generate_key_ex(rsa.get(), bits, e.get(), nullptr));
  return rsa;
}

}  // namespace

EcTestKey NewEcKey(int curve_nid) {
  EcTestKey k;
  k.key.reset(EC_KEY_new_by_curve_name(curve_nid));
  EXPECT_TRUE(k.key && EC_KEY_generate_key(k.key.get()));
  const EC_GROUP* group = EC_KEY_get0_group(k.key.get());
  size_t field = (EC_GROUP_get_degree(group) + 7) / 8;
  bssl::UniquePtr<BIGNUM> x(BN_new()), y(BN_new());
  EXPECT_TRUE(EC_POINT_get_affine_coordinates_GFp(group, EC_KEY_get0_public_key(k.key.get()), x.get(),
                                                  y.get(), nullptr));
  k.x.resize(field);
  k.y.resize(field);
  EXPECT_TRUE(BN_bn2bin_padded(k.x.data(), field, x.get()));
  EXPECT_TRUE(BN_bn2bin_padded(k.y.data(), field, y.get()));
  return k;
}

Bytes Ec2CoseKey(int64_t alg, int64_t crv, ByteView x, ByteView y) {
  return CborMap({{CborInt(1), CborInt(2)},
                  {CborInt(3), CborInt(alg)},
                  {CborInt(-1), CborInt(crv)},
                  {CborInt(-2), CborBytes(x)},
                  {CborInt(-3), CborBytes(y)}});
}

Bytes EcdsaSignDer(const EC_KEY* key, int hash_nid, ByteView message) {
  Bytes digest = DigestOf(hash_nid, message);
  Bytes sig(ECDSA_size(key));
  unsigned len = 0;
  EXPECT_TRUE(ECDSA_sign(0, digest.data(), digest.size(), sig.data(), &len, key));
  sig.resize(len);
  return sig;
}

std::pair<Bytes, Bytes> EcdsaSignRaw(const EC_KEY* key, int hash_nid, ByteView message) {
  Bytes digest = DigestOf(hash_nid, message);
  bssl::UniquePtr<ECDSA_SIG> sig(ECDSA_do_sign(digest.data(), digest.size(), key));
  EXPECT_NE(sig, nullptr);
  const BIGNUM *r, *s;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  return {BnBytes(r), BnBytes(s)};
}

const RSA* Rsa2048() {
  static RSA* rsa = GenerateRsa(2048).release();
  return rsa;
}

const RSA* Rsa1024() {
  static RSA* rsa = GenerateRsa(1024).release();
  return rsa;
}

Bytes RsaCoseKey(int64_t alg, ByteView n, ByteView e) {
  return CborMap({{CborInt(1), CborInt(3)},
                  {CborInt(3), CborInt(alg)},
                  {CborInt(-1), CborBytes(n)},
                  {CborInt(-2), CborBytes(e)}});
}

Bytes RsaModulus(const RSA* rsa) { return BnBytes(RSA_get0_n(rsa)); }

Bytes RsaSignPkcs1(const RSA* rsa, int hash_nid, ByteView message) {
  Bytes digest = DigestOf(hash_nid, message);
  Bytes sig(RSA_size(rsa));
  unsigned len = 0;
  EXPECT_TRUE(RSA_sign(hash_nid, digest.data(), digest.size(), sig.data(), &len,
                       const_cast<RSA*>(rsa)));
  sig.resize(len);
  return sig;
}

Bytes RsaSignPss(const RSA* rsa, int hash_nid, ByteView message) {
  Bytes digest = DigestOf(hash_nid, message);
  const EVP_MD* md = EVP_get_digestbynid(hash_nid);
  Bytes sig(RSA_size(rsa));
  size_t len = 0;
  EXPECT_TRUE(RSA_sign_pss_mgf1(const_cast<RSA*>(rsa), &len, sig.data(), sig.size(), digest.data(),
                                digest.size(), md, md, static_cast<int>(digest.size())));
  sig.resize(len);
  return sig;
}

}  // namespace keystorm::testing
