#include "keystorm/authenticator_data.h"

#include <openssl/bytestring.h>

#include <cstring>

#include "keystorm/cbor.h"

namespace keystorm {
namespace {

ByteView View(const CBS& cbs) { return ByteView(CBS_data(&cbs), CBS_len(&cbs)); }

// Length of the single canonical CBOR item at the front of `cbs`, or 0.
size_t CanonicalItemLength(const CBS& cbs, const CborLimits& limits) {
  CborDocument doc;
  size_t consumed = 0;
  if (!doc.ParsePrefix(View(cbs), limits, &consumed)) return 0;
  return consumed;
}

}  // namespace

VerifyError ParseAuthenticatorData(ByteView raw, AuthenticatorData* out) {
  AuthenticatorData ad;
  ad.raw = raw;
  CBS cbs, rp_id_hash;
  CBS_init(&cbs, raw.data(), raw.size());
  uint8_t flags;
  uint32_t sign_count;
  // rpIdHash (32) ‖ flags (1) ‖ signCount (4, big-endian).
  if (!CBS_get_bytes(&cbs, &rp_id_hash, 32) || !CBS_get_u8(&cbs, &flags) ||
      !CBS_get_u32(&cbs, &sign_count)) {
    return VerifyError::kMalformedAuthenticatorData;
  }
  ad.rp_id_hash = View(rp_id_hash);
  ad.flags = flags;
  ad.sign_count = sign_count;

  if (flags & kFlagAttestedData) {
    // aaguid (16) ‖ credentialIdLength (2) ‖ credentialId ‖ credentialPublicKey.
    CBS aaguid, credential_id;
    if (!CBS_get_bytes(&cbs, &aaguid, 16) || !CBS_get_u16_length_prefixed(&cbs, &credential_id)) {
      return VerifyError::kMalformedAuthenticatorData;
    }
    AttestedCredentialData acd;
    std::memcpy(acd.aaguid.data(), CBS_data(&aaguid), 16);
    acd.credential_id = View(credential_id);
    if (CBS_len(&cbs) == 0) return VerifyError::kMalformedAuthenticatorData;
    CborLimits key_limits;
    key_limits.max_depth = 4;
    key_limits.max_items = 64;
    size_t key_len = CanonicalItemLength(cbs, key_limits);
    if (key_len == 0) return VerifyError::kMalformedCbor;
    acd.credential_public_key = ByteView(CBS_data(&cbs), key_len);
    if (!CBS_skip(&cbs, key_len)) return VerifyError::kMalformedAuthenticatorData;
    ad.attested = acd;
  }

  if (flags & kFlagExtensionData) {
    if (CBS_len(&cbs) == 0) return VerifyError::kMalformedAuthenticatorData;
    CborDocument doc;
    CborLimits ext_limits;
    if (!doc.Parse(View(cbs), ext_limits)) return VerifyError::kMalformedCbor;
    if (!doc.root().is_map()) return VerifyError::kMalformedAuthenticatorData;
    ad.extensions = View(cbs);
    CBS_skip(&cbs, CBS_len(&cbs));
  }

  // Nothing may follow: leftover bytes mean AT/ED lie about the content.
  if (CBS_len(&cbs) != 0) return VerifyError::kMalformedAuthenticatorData;
  *out = ad;
  return VerifyError::kOk;
}

}  // namespace keystorm
