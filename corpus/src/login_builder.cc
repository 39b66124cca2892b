#include "keystorm/corpus/login_builder.h"

#include <openssl/bn.h>
#include <openssl/curve25519.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include "cbor_encode.h"
#include "keystorm/base64url.h"
#include "seeded_stream.h"

namespace keystorm::corpus {
namespace {

constexpr uint8_t kUp = 0x01, kUv = 0x04, kBe = 0x08, kBs = 0x10, kAt = 0x40;
constexpr size_t kRsaPrimeBytes = 128;  // RSA-2048, as Windows Hello uses

// ---- ES256 ----

class EcdsaSigner final : public CredentialSigner {
 public:
  explicit EcdsaSigner(bssl::UniquePtr<EC_KEY> key, Bytes scalar)
      : key_(std::move(key)), scalar_(std::move(scalar)) {}
  Bytes Sign(ByteView message) const override {
    uint8_t digest[32];
    SHA256(message.data(), message.size(), digest);
    // The nonce is SHA-256(scalar ‖ digest) below 2^255 (so below the P-256
    // order): deterministic and distinct per message, which is all a
    // synthetic test key needs.  WARNING: BoringSSL exports nonce signing
    // for tests only; never sign with a real key this way.
    uint8_t nonce[32];
    SHA256_CTX ctx;
    SHA256_Init(&ctx);
    SHA256_Update(&ctx, "keystorm/corpus-nonce", 21);
    SHA256_Update(&ctx, scalar_.data(), scalar_.size());
    SHA256_Update(&ctx, digest, sizeof(digest));
    SHA256_Final(nonce, &ctx);
    nonce[0] &= 0x7f;
    nonce[0] |= 0x01;  // never zero
    bssl::UniquePtr<ECDSA_SIG> sig(ECDSA_sign_with_nonce_and_leak_private_key_for_testing(
        digest, sizeof(digest), key_.get(), nonce, sizeof(nonce)));
    uint8_t* der = nullptr;
    size_t der_len = 0;
    if (!sig || !ECDSA_SIG_to_bytes(&der, &der_len, sig.get())) return {};
    Bytes out(der, der + der_len);
    OPENSSL_free(der);
    return out;
  }

 private:
  bssl::UniquePtr<EC_KEY> key_;
  Bytes scalar_;
};

bssl::UniquePtr<EC_KEY> EcKeyFromScalar(ByteView scalar) {
  bssl::UniquePtr<EC_KEY> key(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
  bssl::UniquePtr<BIGNUM> d(BN_bin2bn(scalar.data(), scalar.size(), nullptr));
  if (!key || !d || BN_is_zero(d.get())) return nullptr;
  const EC_GROUP* group = EC_KEY_get0_group(key.get());
  bssl::UniquePtr<EC_POINT> pub(EC_POINT_new(group));
  if (!pub || !EC_POINT_mul(group, pub.get(), d.get(), nullptr, nullptr, nullptr) ||
      !EC_KEY_set_private_key(key.get(), d.get()) || !EC_KEY_set_public_key(key.get(), pub.get())) {
    return nullptr;
  }
  return key;
}

Bytes Es256CoseKey(const EC_KEY* key) {
  uint8_t point[65];
  EC_POINT_point2oct(EC_KEY_get0_group(key), EC_KEY_get0_public_key(key),
                     POINT_CONVERSION_UNCOMPRESSED, point, sizeof(point), nullptr);
  Bytes cose;
  AppendHead(&cose, 5, 5);
  AppendInt(&cose, 1), AppendInt(&cose, 2);  // kty: EC2
  AppendInt(&cose, 3), AppendInt(&cose, -7);
  AppendInt(&cose, -1), AppendInt(&cose, 1);  // P-256
  AppendInt(&cose, -2), AppendBytes(&cose, ByteView(point + 1, 32));
  AppendInt(&cose, -3), AppendBytes(&cose, ByteView(point + 33, 32));
  return cose;
}

// ---- EdDSA ----

class Ed25519Signer final : public CredentialSigner {
 public:
  explicit Ed25519Signer(ByteView seed) {
    uint8_t public_key[32];
    ED25519_keypair_from_seed(public_key, private_key_, seed.data());
  }
  Bytes Sign(ByteView message) const override {
    Bytes sig(64);
    ED25519_sign(sig.data(), message.data(), message.size(), private_key_);
    return sig;
  }

 private:
  uint8_t private_key_[64] = {};
};

Bytes Ed25519CoseKey(ByteView seed) {
  uint8_t public_key[32], private_key[64];
  ED25519_keypair_from_seed(public_key, private_key, seed.data());
  OPENSSL_cleanse(private_key, sizeof(private_key));
  Bytes cose;
  AppendHead(&cose, 5, 4);
  AppendInt(&cose, 1), AppendInt(&cose, 1);  // kty: OKP
  AppendInt(&cose, 3), AppendInt(&cose, -8);
  AppendInt(&cose, -1), AppendInt(&cose, 6);  // Ed25519
  AppendInt(&cose, -2), AppendBytes(&cose, ByteView(public_key, 32));
  return cose;
}

// ---- RS256 ----

// The first probable prime at or above a random odd 1024-bit start whose
// top two bits are set (so that p*q has exactly 2048 bits) and with
// gcd(p-1, 65537) = 1.  Miller-Rabin's witnesses are random, but its answer
// is not (error below 2^-80), so the prime is a function of the stream.
bssl::UniquePtr<BIGNUM> DeterministicPrime(SeededStream* stream, BN_CTX* ctx) {
  Bytes start = stream->Take(kRsaPrimeBytes);
  start[0] |= 0xc0;
  start.back() |= 0x01;
  bssl::UniquePtr<BIGNUM> p(BN_bin2bn(start.data(), start.size(), nullptr));
  if (!p) return nullptr;
  for (;;) {
    int is_prime = 0;
    if (!BN_primality_test(&is_prime, p.get(), BN_prime_checks_for_generation, ctx, 1, nullptr)) {
      return nullptr;
    }
    if (is_prime && BN_mod_word(p.get(), 65537) != 1) return p;
    if (!BN_add_word(p.get(), 2)) return nullptr;
  }
}

bssl::UniquePtr<RSA> RsaFromPrimes(ByteView p_and_q) {
  if (p_and_q.size() != 2 * kRsaPrimeBytes) return nullptr;
  bssl::UniquePtr<BN_CTX> ctx(BN_CTX_new());
  bssl::UniquePtr<BIGNUM> p(BN_bin2bn(p_and_q.data(), kRsaPrimeBytes, nullptr));
  bssl::UniquePtr<BIGNUM> q(BN_bin2bn(p_and_q.data() + kRsaPrimeBytes, kRsaPrimeBytes, nullptr));
  bssl::UniquePtr<BIGNUM> n(BN_new()), e(BN_new()), d(BN_new()), phi(BN_new()), p1(BN_new()),
      q1(BN_new()), dmp1(BN_new()), dmq1(BN_new()), iqmp(BN_new());
  if (!ctx || !p || !q || !n || !e || !d || !phi || !p1 || !q1 || !dmp1 || !dmq1 || !iqmp) {
    return nullptr;
  }
  if (!BN_set_word(e.get(), 65537) || !BN_mul(n.get(), p.get(), q.get(), ctx.get()) ||
      !BN_sub(p1.get(), p.get(), BN_value_one()) || !BN_sub(q1.get(), q.get(), BN_value_one()) ||
      !BN_mul(phi.get(), p1.get(), q1.get(), ctx.get()) ||
      !BN_mod_inverse(d.get(), e.get(), phi.get(), ctx.get()) ||
      !BN_mod(dmp1.get(), d.get(), p1.get(), ctx.get()) ||
      !BN_mod(dmq1.get(), d.get(), q1.get(), ctx.get()) ||
      !BN_mod_inverse(iqmp.get(), q.get(), p.get(), ctx.get())) {
    return nullptr;
  }
  bssl::UniquePtr<RSA> rsa(RSA_new());
  if (!rsa || !RSA_set0_key(rsa.get(), n.release(), e.release(), d.release())) return nullptr;
  if (!RSA_set0_factors(rsa.get(), p.release(), q.release())) return nullptr;
  if (!RSA_set0_crt_params(rsa.get(), dmp1.release(), dmq1.release(), iqmp.release())) {
    return nullptr;
  }
  if (!RSA_check_key(rsa.get())) return nullptr;
  return rsa;
}

class RsaSigner final : public CredentialSigner {
 public:
  explicit RsaSigner(bssl::UniquePtr<RSA> rsa) : rsa_(std::move(rsa)) {}
  Bytes Sign(ByteView message) const override {
    uint8_t digest[32];
    SHA256(message.data(), message.size(), digest);
    Bytes sig(RSA_size(rsa_.get()));
    unsigned len = 0;
    if (!RSA_sign(NID_sha256, digest, sizeof(digest), sig.data(), &len, rsa_.get())) return {};
    sig.resize(len);
    return sig;
  }

 private:
  bssl::UniquePtr<RSA> rsa_;
};

Bytes Rs256CoseKey(const RSA* rsa) {
  const BIGNUM *n = nullptr, *e = nullptr;
  RSA_get0_key(rsa, &n, &e, nullptr);
  Bytes n_bytes(BN_num_bytes(n)), e_bytes(BN_num_bytes(e));
  BN_bn2bin(n, n_bytes.data());
  BN_bn2bin(e, e_bytes.data());
  Bytes cose;
  AppendHead(&cose, 5, 4);
  AppendInt(&cose, 1), AppendInt(&cose, 3);  // kty: RSA
  AppendInt(&cose, 3), AppendInt(&cose, -257);
  AppendInt(&cose, -1), AppendBytes(&cose, n_bytes);
  AppendInt(&cose, -2), AppendBytes(&cose, e_bytes);
  return cose;
}

// ---- JSON ----

void AppendMember(std::string* json, std::string_view name, std::string_view value,
                  bool comma = true) {
  *json += '"';
  *json += name;
  *json += "\":\"";
  *json += value;
  *json += '"';
  if (comma) *json += ',';
}

std::string_view Attachment(const CorpusCredential& c) {
  return c.kind == AuthenticatorKind::kSecurityKey ? "cross-platform" : "platform";
}

std::string AssertionJsonFrom(const CorpusCredential& credential, ByteView auth_data,
                              std::string_view client_data, ByteView signature,
                              bool malformed_body) {
  std::string id = Base64UrlEncode(credential.credential_id);
  std::string auth_data_text = Base64UrlEncode(auth_data);
  // '*' is outside the base64url alphabet: the envelope is refused before
  // anything else is looked at.
  if (malformed_body) auth_data_text.insert(auth_data_text.size() / 2, "*");
  std::string json = "{";
  AppendMember(&json, "id", id);
  AppendMember(&json, "rawId", id);
  AppendMember(&json, "type", "public-key");
  json += "\"response\":{";
  AppendMember(&json, "clientDataJSON", Base64UrlEncode(AsBytes(client_data)));
  AppendMember(&json, "authenticatorData", auth_data_text);
  AppendMember(&json, "signature", Base64UrlEncode(signature));
  AppendMember(&json, "userHandle", Base64UrlEncode(credential.user_handle), false);
  json += "},\"clientExtensionResults\":{},";
  AppendMember(&json, "authenticatorAttachment", Attachment(credential), false);
  json += "}";
  return json;
}

Bytes SignedMessage(ByteView auth_data, std::string_view client_data) {
  Bytes message(auth_data.begin(), auth_data.end());
  uint8_t hash[32];
  SHA256(reinterpret_cast<const uint8_t*>(client_data.data()), client_data.size(), hash);
  message.insert(message.end(), hash, hash + 32);
  return message;
}

}  // namespace

Result<CorpusCredential> NewCorpusCredential(AuthenticatorKind kind, int64_t algorithm,
                                             uint64_t seed) {
  SeededStream stream(seed);
  CorpusCredential c;
  c.kind = kind;
  c.algorithm = algorithm;
  c.credential_id = stream.Take(32);
  c.user_handle = stream.Take(16);
  stream.Fill(c.registration_challenge.data(), c.registration_challenge.size());
  c.backup_eligible = kind == AuthenticatorKind::kPlatform;
  switch (algorithm) {
    case -7: {
      c.private_key = stream.Take(32);
      c.private_key[0] &= 0x7f;  // below the P-256 order
      c.private_key[0] |= 0x01;  // and not zero
      bssl::UniquePtr<EC_KEY> key = EcKeyFromScalar(c.private_key);
      if (!key) return Status::Internal("cannot derive a P-256 key");
      c.cose_key = Es256CoseKey(key.get());
      break;
    }
    case -8:
      c.private_key = stream.Take(32);
      c.cose_key = Ed25519CoseKey(c.private_key);
      break;
    case -257: {
      bssl::UniquePtr<BN_CTX> ctx(BN_CTX_new());
      bssl::UniquePtr<BIGNUM> p, q;
      do {
        p = DeterministicPrime(&stream, ctx.get());
        q = DeterministicPrime(&stream, ctx.get());
        if (!p || !q) return Status::Internal("prime search failed");
      } while (BN_cmp(p.get(), q.get()) == 0);
      c.private_key.resize(2 * kRsaPrimeBytes);
      BN_bn2bin_padded(c.private_key.data(), kRsaPrimeBytes, p.get());
      BN_bn2bin_padded(c.private_key.data() + kRsaPrimeBytes, kRsaPrimeBytes, q.get());
      bssl::UniquePtr<RSA> rsa = RsaFromPrimes(c.private_key);
      if (!rsa) return Status::Internal("cannot build an RSA key");
      c.cose_key = Rs256CoseKey(rsa.get());
      break;
    }
    default:
      return Status::InvalidArgument("corpus credentials are ES256 (-7), EdDSA (-8) or RS256 (-257)");
  }
  return c;
}

Result<std::unique_ptr<CredentialSigner>> CredentialSigner::Create(
    const CorpusCredential& credential) {
  switch (credential.algorithm) {
    case -7: {
      bssl::UniquePtr<EC_KEY> key;
      if (credential.private_key.size() != 32 || !(key = EcKeyFromScalar(credential.private_key))) {
        return Status::InvalidArgument("ES256 private key must be a 32-byte scalar");
      }
      return std::unique_ptr<CredentialSigner>(
          new EcdsaSigner(std::move(key), credential.private_key));
    }
    case -8:
      if (credential.private_key.size() != 32) {
        return Status::InvalidArgument("EdDSA private key must be a 32-byte seed");
      }
      return std::unique_ptr<CredentialSigner>(new Ed25519Signer(credential.private_key));
    case -257: {
      bssl::UniquePtr<RSA> rsa = RsaFromPrimes(credential.private_key);
      if (!rsa) return Status::InvalidArgument("RS256 private key must be two 1024-bit primes");
      return std::unique_ptr<CredentialSigner>(new RsaSigner(std::move(rsa)));
    }
    default:
      return Status::InvalidArgument("unsupported corpus algorithm");
  }
}

Bytes AssertionAuthenticatorData(std::string_view rp_id, uint8_t flags, uint32_t sign_count) {
  Bytes ad(32);
  SHA256(reinterpret_cast<const uint8_t*>(rp_id.data()), rp_id.size(), ad.data());
  ad.push_back(flags);
  for (int shift = 24; shift >= 0; shift -= 8) ad.push_back(static_cast<uint8_t>(sign_count >> shift));
  return ad;
}

uint8_t HonestAssertionFlags(const CorpusCredential& credential) {
  return kUp | kUv | (credential.backup_eligible ? kBe | kBs : 0);
}

std::string AssertionClientData(std::string_view challenge_base64url, std::string_view origin) {
  std::string s = "{\"type\":\"webauthn.get\",\"challenge\":\"";
  s += challenge_base64url;
  s += "\",\"origin\":\"";
  s += origin;
  s += "\",\"crossOrigin\":false}";
  return s;
}

Bytes LoginAuthenticatorData(const ReplayCorpus& corpus, const CorpusLogin& login) {
  uint8_t flags = HonestAssertionFlags(corpus.CredentialOf(login));
  if (login.flags & kLoginNoUv) flags &= static_cast<uint8_t>(~kUv);
  std::string_view rp_id = (login.flags & kLoginWrongRpId) ? kForeignRpId : corpus.rp_id;
  return AssertionAuthenticatorData(rp_id, flags, login.sign_count);
}

std::string LoginClientData(const ReplayCorpus& corpus, const CorpusLogin& login) {
  std::string_view origin = (login.flags & kLoginWrongOrigin) ? kForeignOrigin : corpus.origin;
  return AssertionClientData(Base64UrlEncode(login.challenge), origin);
}

std::string LoginAssertionJson(const ReplayCorpus& corpus, const CorpusLogin& login) {
  return AssertionJsonFrom(corpus.CredentialOf(login), LoginAuthenticatorData(corpus, login),
                           LoginClientData(corpus, login), login.signature,
                           login.flags & kLoginMalformedBody);
}

std::string ResignedAssertionJson(const ReplayCorpus& corpus, const CorpusLogin& login,
                                  const CredentialSigner& signer,
                                  std::string_view challenge_base64url) {
  Bytes auth_data = LoginAuthenticatorData(corpus, login);
  std::string_view origin = (login.flags & kLoginWrongOrigin) ? kForeignOrigin : corpus.origin;
  std::string client_data = AssertionClientData(challenge_base64url, origin);
  Bytes signature = signer.Sign(SignedMessage(auth_data, client_data));
  if ((login.flags & kLoginCorruptSignature) && !signature.empty()) {
    signature[signature.size() / 2] ^= 0x01;
  }
  return AssertionJsonFrom(corpus.CredentialOf(login), auth_data, client_data, signature,
                           login.flags & kLoginMalformedBody);
}

std::string RegistrationJson(const ReplayCorpus& corpus, const CorpusCredential& credential) {
  uint8_t flags = kUp | kUv | kAt | (credential.backup_eligible ? kBe | kBs : 0);
  Bytes auth_data = AssertionAuthenticatorData(corpus.rp_id, flags, 0);
  auth_data.insert(auth_data.end(), 16, 0);  // AAGUID: none attestation
  auth_data.push_back(static_cast<uint8_t>(credential.credential_id.size() >> 8));
  auth_data.push_back(static_cast<uint8_t>(credential.credential_id.size()));
  auth_data.insert(auth_data.end(), credential.credential_id.begin(), credential.credential_id.end());
  auth_data.insert(auth_data.end(), credential.cose_key.begin(), credential.cose_key.end());
  Bytes att;  // {"fmt": "none", "attStmt": {}, "authData": ...}, canonical order
  AppendHead(&att, 5, 3);
  AppendText(&att, "fmt"), AppendText(&att, "none");
  AppendText(&att, "attStmt"), AppendHead(&att, 5, 0);
  AppendText(&att, "authData"), AppendBytes(&att, auth_data);
  std::string client_data = "{\"type\":\"webauthn.create\",\"challenge\":\"";
  client_data += Base64UrlEncode(credential.registration_challenge);
  client_data += "\",\"origin\":\"";
  client_data += corpus.origin;
  client_data += "\",\"crossOrigin\":false}";

  std::string id = Base64UrlEncode(credential.credential_id);
  std::string json = "{";
  AppendMember(&json, "id", id);
  AppendMember(&json, "rawId", id);
  AppendMember(&json, "type", "public-key");
  json += "\"response\":{";
  AppendMember(&json, "clientDataJSON", Base64UrlEncode(AsBytes(client_data)));
  AppendMember(&json, "attestationObject", Base64UrlEncode(att));
  json += credential.kind == AuthenticatorKind::kSecurityKey ? "\"transports\":[\"usb\"]},"
                                                             : "\"transports\":[\"internal\"]},";
  json += "\"clientExtensionResults\":{},";
  AppendMember(&json, "authenticatorAttachment", Attachment(credential), false);
  json += "}";
  return json;
}

}  // namespace keystorm::corpus
