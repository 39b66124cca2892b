#include "keystorm/corpus/synthetic_authenticator.h"

#include <openssl/bn.h>
#include <openssl/curve25519.h>
#include <openssl/digest.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/nid.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include <array>
#include <cstring>

#include "cbor_encode.h"
#include "keystorm/base64url.h"

namespace keystorm::corpus {
namespace {

constexpr uint8_t kUp = 0x01, kUv = 0x04, kBe = 0x08, kBs = 0x10, kAt = 0x40;

// SplitMix64: deterministic bytes from a seed for IDs.
Bytes SeededBytes(uint64_t seed, uint64_t salt, size_t n) {
  Bytes out;
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + salt;
  while (out.size() < n) {
    x += 0x9E3779B97F4A7C15ull;
    uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    for (int i = 0; i < 8 && out.size() < n; ++i) out.push_back(static_cast<uint8_t>(z >> (8 * i)));
  }
  return out;
}

struct EcInfo {
  int nid;
  int64_t crv;
  size_t field;
  const EVP_MD* (*md)();
};

bool EcFor(int64_t alg, EcInfo* info) {
  switch (alg) {
    case -7: *info = {NID_X9_62_prime256v1, 1, 32, EVP_sha256}; return true;
    case -35: *info = {NID_secp384r1, 2, 48, EVP_sha384}; return true;
    case -36: *info = {NID_secp521r1, 3, 66, EVP_sha512}; return true;
    default: return false;
  }
}

}  // namespace

struct SyntheticAuthenticator::Impl {
  bssl::UniquePtr<EC_KEY> ec;
  bssl::UniquePtr<RSA> rsa;
  uint8_t ed_private[64] = {};
  EcInfo ec_info{};

  Bytes Sign(int64_t alg, ByteView message) const {
    if (ec) {
      uint8_t digest[EVP_MAX_MD_SIZE];
      unsigned digest_len = 0;
      EVP_Digest(message.data(), message.size(), digest, &digest_len, ec_info.md(), nullptr);
      Bytes sig(ECDSA_size(ec.get()));
      unsigned sig_len = 0;
      ECDSA_sign(0, digest, digest_len, sig.data(), &sig_len, ec.get());
      sig.resize(sig_len);
      return sig;
    }
    if (rsa) {
      uint8_t digest[32];
      SHA256(message.data(), message.size(), digest);
      Bytes sig(RSA_size(rsa.get()));
      if (alg == -37) {
        size_t len = 0;
        RSA_sign_pss_mgf1(rsa.get(), &len, sig.data(), sig.size(), digest, 32, EVP_sha256(),
                          EVP_sha256(), -1);
        sig.resize(len);
      } else {
        unsigned len = 0;
        RSA_sign(NID_sha256, digest, 32, sig.data(), &len, rsa.get());
        sig.resize(len);
      }
      return sig;
    }
    Bytes sig(64);
    ED25519_sign(sig.data(), message.data(), message.size(), ed_private);
    return sig;
  }
};

SyntheticAuthenticator::~SyntheticAuthenticator() = default;

std::unique_ptr<SyntheticAuthenticator> SyntheticAuthenticator::Create(int64_t alg, uint64_t seed,
                                                                       bool deterministic_key) {
  std::unique_ptr<SyntheticAuthenticator> a(new SyntheticAuthenticator());
  a->alg_ = alg;
  a->impl_ = std::make_unique<Impl>();
  a->credential_id_ = SeededBytes(seed, 1, 32);
  a->user_handle_ = SeededBytes(seed, 2, 16);
  Bytes& cose = a->cose_key_;
  EcInfo ec_info;
  if (EcFor(alg, &ec_info)) {
    a->impl_->ec_info = ec_info;
    a->impl_->ec.reset(EC_KEY_new_by_curve_name(ec_info.nid));
    EC_KEY* key = a->impl_->ec.get();
    if (deterministic_key) {
      Bytes scalar = SeededBytes(seed, 3, ec_info.field);
      scalar[0] &= 0x7f;  // below the group order for every curve we use
      bssl::UniquePtr<BIGNUM> d(BN_bin2bn(scalar.data(), scalar.size(), nullptr));
      bssl::UniquePtr<EC_POINT> pub(EC_POINT_new(EC_KEY_get0_group(key)));
      EC_POINT_mul(EC_KEY_get0_group(key), pub.get(), d.get(), nullptr, nullptr, nullptr);
      EC_KEY_set_private_key(key, d.get());
      EC_KEY_set_public_key(key, pub.get());
    } else {
      EC_KEY_generate_key(key);
    }
    uint8_t point[1 + 2 * 66];
    size_t point_len = EC_POINT_point2oct(EC_KEY_get0_group(key), EC_KEY_get0_public_key(key),
                                          POINT_CONVERSION_UNCOMPRESSED, point, sizeof(point), nullptr);
    size_t field = (point_len - 1) / 2;
    AppendHead(&cose, 5, 5);
    AppendInt(&cose, 1), AppendInt(&cose, 2);  // kty: EC2
    AppendInt(&cose, 3), AppendInt(&cose, alg);
    AppendInt(&cose, -1), AppendInt(&cose, ec_info.crv);
    AppendInt(&cose, -2), AppendBytes(&cose, ByteView(point + 1, field));
    AppendInt(&cose, -3), AppendBytes(&cose, ByteView(point + 1 + field, field));
  } else if (alg == -8) {
    uint8_t public_key[32];
    if (deterministic_key) {
      Bytes seed_bytes = SeededBytes(seed, 3, 32);
      ED25519_keypair_from_seed(public_key, a->impl_->ed_private, seed_bytes.data());
    } else {
      ED25519_keypair(public_key, a->impl_->ed_private);
    }
    AppendHead(&cose, 5, 4);
    AppendInt(&cose, 1), AppendInt(&cose, 1);  // kty: OKP
    AppendInt(&cose, 3), AppendInt(&cose, -8);
    AppendInt(&cose, -1), AppendInt(&cose, 6);  // Ed25519
    AppendInt(&cose, -2), AppendBytes(&cose, ByteView(public_key, 32));
  } else if (alg == -257 || alg == -37) {
    a->impl_->rsa.reset(RSA_new());
    bssl::UniquePtr<BIGNUM> e(BN_new());
    BN_set_word(e.get(), RSA_F4);
    RSA_generate_key_ex(a->impl_->rsa.get(), 2048, e.get(), nullptr);
    const BIGNUM *n = nullptr, *e_out = nullptr;
    RSA_get0_key(a->impl_->rsa.get(), &n, &e_out, nullptr);
    Bytes n_bytes(BN_num_bytes(n)), e_bytes(BN_num_bytes(e_out));
    BN_bn2bin(n, n_bytes.data());
    BN_bn2bin(e_out, e_bytes.data());
    AppendHead(&cose, 5, 4);
    AppendInt(&cose, 1), AppendInt(&cose, 3);  // kty: RSA
    AppendInt(&cose, 3), AppendInt(&cose, alg);
    AppendInt(&cose, -1), AppendBytes(&cose, n_bytes);
    AppendInt(&cose, -2), AppendBytes(&cose, e_bytes);
  } else {
    return nullptr;
  }
  return a;
}

CredentialRecord SyntheticAuthenticator::Record(uint32_t sign_count, bool backup_eligible) const {
  CredentialRecord r;
  r.id = credential_id_;
  r.user_handle = user_handle_;
  r.public_key_cose = cose_key_;
  r.algorithm = alg_;
  r.sign_count = sign_count;
  r.backup_eligible = backup_eligible;
  r.backup_state = backup_eligible;
  r.attestation_format = "none";
  return r;
}

namespace {

Bytes AuthenticatorData(std::string_view rp_id, uint8_t flags, uint32_t sign_count) {
  Bytes ad(32);
  SHA256(reinterpret_cast<const uint8_t*>(rp_id.data()), rp_id.size(), ad.data());
  ad.push_back(flags);
  for (int shift = 24; shift >= 0; shift -= 8) ad.push_back(static_cast<uint8_t>(sign_count >> shift));
  return ad;
}

std::string ClientDataJson(std::string_view type, std::string_view challenge,
                           std::string_view origin) {
  std::string s = "{\"type\":\"";
  s += type;
  s += "\",\"challenge\":\"";
  s += challenge;
  s += "\",\"origin\":\"";
  s += origin;
  s += "\",\"crossOrigin\":false}";
  return s;
}

void AppendMember(std::string* json, std::string_view name, std::string_view value, bool comma = true) {
  *json += '"';
  *json += name;
  *json += "\":\"";
  *json += value;
  *json += '"';
  if (comma) *json += ',';
}

}  // namespace

std::string SyntheticAuthenticator::AssertionJson(const CeremonyContext& ctx,
                                                  std::string_view challenge, uint32_t sign_count,
                                                  bool backup_eligible) const {
  uint8_t flags = kUp | kUv | (backup_eligible ? kBe | kBs : 0);
  Bytes auth_data = AuthenticatorData(ctx.rp_id, flags, sign_count);
  std::string client_data = ClientDataJson("webauthn.get", challenge, ctx.origin);
  uint8_t hash[32];
  SHA256(reinterpret_cast<const uint8_t*>(client_data.data()), client_data.size(), hash);
  Bytes message = auth_data;
  message.insert(message.end(), hash, hash + 32);
  Bytes sig = impl_->Sign(alg_, message);

  std::string id = Base64UrlEncode(credential_id_);
  std::string json = "{";
  AppendMember(&json, "id", id);
  AppendMember(&json, "rawId", id);
  AppendMember(&json, "type", "public-key");
  json += "\"response\":{";
  AppendMember(&json, "clientDataJSON", Base64UrlEncode(AsBytes(client_data)));
  AppendMember(&json, "authenticatorData", Base64UrlEncode(auth_data));
  AppendMember(&json, "signature", Base64UrlEncode(sig));
  AppendMember(&json, "userHandle", Base64UrlEncode(user_handle_), false);
  json += "},\"clientExtensionResults\":{},";
  AppendMember(&json, "authenticatorAttachment", "platform", false);
  json += "}";
  return json;
}

std::string SyntheticAuthenticator::RegistrationJson(const CeremonyContext& ctx,
                                                     std::string_view challenge,
                                                     bool backup_eligible) const {
  uint8_t flags = kUp | kUv | kAt | (backup_eligible ? kBe | kBs : 0);
  Bytes auth_data = AuthenticatorData(ctx.rp_id, flags, 0);
  auth_data.insert(auth_data.end(), 16, 0);  // AAGUID: none attestation
  auth_data.push_back(static_cast<uint8_t>(credential_id_.size() >> 8));
  auth_data.push_back(static_cast<uint8_t>(credential_id_.size()));
  auth_data.insert(auth_data.end(), credential_id_.begin(), credential_id_.end());
  auth_data.insert(auth_data.end(), cose_key_.begin(), cose_key_.end());
  // {"fmt": "none", "attStmt": {}, "authData": ...} in canonical key order.
  Bytes att;
  AppendHead(&att, 5, 3);
  AppendText(&att, "fmt"), AppendText(&att, "none");
  AppendText(&att, "attStmt"), AppendHead(&att, 5, 0);
  AppendText(&att, "authData"), AppendBytes(&att, auth_data);
  std::string client_data = ClientDataJson("webauthn.create", challenge, ctx.origin);

  std::string id = Base64UrlEncode(credential_id_);
  std::string json = "{";
  AppendMember(&json, "id", id);
  AppendMember(&json, "rawId", id);
  AppendMember(&json, "type", "public-key");
  json += "\"response\":{";
  AppendMember(&json, "clientDataJSON", Base64UrlEncode(AsBytes(client_data)));
  AppendMember(&json, "attestationObject", Base64UrlEncode(att));
  json += "\"transports\":[\"internal\"]},\"clientExtensionResults\":{},";
  AppendMember(&json, "authenticatorAttachment", "platform", false);
  json += "}";
  return json;
}

}  // namespace keystorm::corpus
