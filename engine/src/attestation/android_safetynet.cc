// §8.5 Android SafetyNet Attestation Statement Format.
//   attStmt = { ver: text, response: bytes }
// `response` is a JWS (safetynet_jws.h); "verify that the SafetyNet response
// actually came from the SafetyNet service" follows Google's SafetyNet
// documentation: the JWS signature verifies with the leaf of the header's
// x5c, that chain is valid, and the leaf was issued to attest.android.com.
#include <openssl/base64.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/mem.h>
#include <openssl/x509v3.h>

#include <cstdint>
#include <string_view>

#include "attestation/certificate.h"
#include "attestation/formats.h"
#include "attestation/safetynet_jws.h"
#include "attestation/statement_util.h"

namespace keystorm::attestation {
namespace {

constexpr std::string_view kSafetyNetHostname = "attest.android.com";

struct JwsAlgorithm {
  std::string_view name;
  int64_t cose_alg;
  size_t ecdsa_component_size;  // 0 for RSA
};

// RFC 7518 §3.1 names of the algorithms accepted for the JWS signature.
constexpr JwsAlgorithm kJwsAlgorithms[] = {
    {"RS256", -257, 0}, {"RS384", -258, 0}, {"RS512", -259, 0},
    {"PS256", -37, 0},  {"PS384", -38, 0},  {"PS512", -39, 0},
    {"ES256", -7, 32},  {"ES384", -35, 48}, {"ES512", -36, 66},
};

// JWS ECDSA signatures are r ‖ s (RFC 7518 §3.4); VerifyWithEvpKey wants DER.
bool RawEcdsaToDer(ByteView raw, size_t component_size, Bytes* der) {
  if (raw.size() != 2 * component_size) return false;
  bssl::UniquePtr<ECDSA_SIG> sig(ECDSA_SIG_new());
  if (!sig || !BN_bin2bn(raw.data(), component_size, sig->r) ||
      !BN_bin2bn(raw.data() + component_size, component_size, sig->s)) {
    return false;
  }
  uint8_t* out = nullptr;
  size_t out_len = 0;
  if (!ECDSA_SIG_to_bytes(&out, &out_len, sig.get())) return false;
  der->assign(out, out + out_len);
  OPENSSL_free(out);
  return true;
}

// The SafetyNet documentation's authenticity steps: the leaf of x5c signed
// the JWS, the chain is valid at the verification time, and the leaf is
// issued to attest.android.com (SAN dNSName, or CN when there is no SAN).
bool ResponseCameFromSafetyNet(const safetynet::Jws& jws, const AttestationContext& ctx) {
  const JwsAlgorithm* alg = nullptr;
  for (const JwsAlgorithm& a : kJwsAlgorithms) {
    if (a.name == jws.alg) alg = &a;
  }
  if (alg == nullptr) return false;  // "none", HMAC and unknown algorithms
  std::vector<bssl::UniquePtr<X509>> chain;
  for (const Bytes& der : jws.x5c) {
    bssl::UniquePtr<X509> cert = ParseCertificate(der);
    if (!cert) return false;
    chain.push_back(std::move(cert));
  }
  X509* leaf = chain[0].get();
  bssl::UniquePtr<EVP_PKEY> leaf_key(X509_get_pubkey(leaf));
  Bytes der_signature;
  ByteView signature = jws.signature;
  if (alg->ecdsa_component_size != 0) {
    if (!RawEcdsaToDer(jws.signature, alg->ecdsa_component_size, &der_signature)) return false;
    signature = der_signature;
  }
  if (!VerifyWithEvpKey(alg->cose_alg, leaf_key.get(), jws.signing_input, ByteView(), signature)) {
    return false;
  }
  if (X509_check_host(leaf, kSafetyNetHostname.data(), kSafetyNetHostname.size(), 0, nullptr) !=
      1) {
    return false;
  }
  return ChainIsConsistent(chain, ctx.verification_time);
}

// "Verify that the nonce attribute in the payload of response is identical to
// the Base64 encoding of the SHA-256 hash of the concatenation of
// authenticatorData and clientDataHash."
bool NonceMatches(const safetynet::Jws& jws, const AttestationContext& ctx) {
  Bytes digest;
  if (!Hash2(EVP_sha256(), ctx.auth_data->raw, ctx.client_data_hash, &digest)) return false;
  uint8_t encoded[64];  // 44 characters and a NUL for 32 bytes
  const size_t len = EVP_EncodeBlock(encoded, digest.data(), digest.size());
  return jws.nonce == std::string_view(reinterpret_cast<const char*>(encoded), len);
}

// Policy: ctsProfileMatch must be true unless the RP switched that off.
bool CtsProfileIsAcceptable(const safetynet::Jws& jws, const AttestationPolicy& policy) {
  return !policy.safetynet_enforce_cts_profile_match || jws.cts_profile_match.value_or(false);
}

// Policy: timestampMs not after the verification time, nor older than the
// window before it.  The verification time has whole seconds, so a timestamp
// within its second is not "in the future".
bool TimestampIsAcceptable(const safetynet::Jws& jws, const AttestationContext& ctx) {
  const AttestationPolicy& policy = ctx.policy;
  if (!policy.safetynet_check_timestamp) return true;
  if (!jws.timestamp_ms || *jws.timestamp_ms < 0) return false;
  const int64_t timestamp_s = *jws.timestamp_ms / 1000;
  if (timestamp_s > ctx.verification_time) return false;
  // Both sides in seconds since 1970 are far from overflowing when scaled.
  const int64_t age_ms = (ctx.verification_time - timestamp_s) * 1000 - *jws.timestamp_ms % 1000;
  return age_ms <= policy.safetynet_timestamp_window_ms;
}

}  // namespace

VerifyError VerifyAndroidSafetyNet(CborRef att_stmt, const AttestationContext& ctx,
                                   AttestationStatementResult* result) {
  // "Verify that attStmt is valid CBOR conforming to the syntax defined above".
  std::string_view ver;
  ByteView response;
  if (!att_stmt.Find("ver").GetText(&ver) || ver.empty() ||
      !att_stmt.Find("response").GetBytes(&response)) {
    return VerifyError::kAttestationInvalid;
  }
  // "Verify that response is a valid SafetyNet response of version ver": one
  // format exists; ver is reserved for future use.
  safetynet::Jws jws;
  if (!safetynet::ParseJws(response, &jws)) return VerifyError::kAttestationInvalid;
  if (ctx.verification_time < 0 || ctx.verification_time > INT64_MAX / 1000) {
    return VerifyError::kAttestationInvalid;
  }
  if (!ResponseCameFromSafetyNet(jws, ctx) || !NonceMatches(jws, ctx) ||
      !CtsProfileIsAcceptable(jws, ctx.policy) || !TimestampIsAcceptable(jws, ctx)) {
    return VerifyError::kAttestationInvalid;
  }
  // "return ... attestation type Basic and attestation trust path x5c": the
  // certificates live in the JWS as base64, so the result owns their DER.
  auto certs = std::make_shared<std::vector<Bytes>>(std::move(jws.x5c));
  result->type = AttestationType::kBasic;
  result->trust_path.assign(certs->begin(), certs->end());
  result->owned_certificates = std::move(certs);
  return VerifyError::kOk;
}

}  // namespace keystorm::attestation
