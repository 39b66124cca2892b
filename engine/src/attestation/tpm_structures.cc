#include "attestation/tpm_structures.h"

#include <openssl/bytestring.h>

namespace keystorm::attestation::tpm {
namespace {

ByteView View(const CBS& cbs) { return ByteView(CBS_data(&cbs), CBS_len(&cbs)); }

// TPM2B_*: a 16-bit size and that many bytes.
bool GetSized(CBS* cbs, ByteView* out) {
  CBS contents;
  if (!CBS_get_u16_length_prefixed(cbs, &contents)) return false;
  *out = View(contents);
  return true;
}

}  // namespace

int SchemeDetailsSize(uint16_t scheme) {
  switch (scheme) {
    case kAlgNull:
    case kAlgRsaes:
      return 0;
    case 0x0014:  // RSASSA
    case 0x0016:  // RSAPSS
    case 0x0017:  // OAEP
    case 0x0018:  // ECDSA
    case 0x0019:  // ECDH
    case 0x001B:  // SM2
    case 0x001C:  // ECSCHNORR
    case 0x001D:  // ECMQV
      return 2;   // TPMS_SCHEME_HASH
    case kAlgEcdaa:
      return 4;  // TPMS_SCHEME_ECDAA: hashAlg, count
    default:
      return -1;
  }
}

int KdfDetailsSize(uint16_t kdf) {
  switch (kdf) {
    case kAlgNull:
      return 0;
    case 0x0007:  // MGF1
    case 0x0020:  // KDF1_SP800_56A
    case 0x0021:  // KDF2
    case 0x0022:  // KDF1_SP800_108
      return 2;
    default:
      return -1;
  }
}

bool ParseAttest(ByteView in, Attest* out) {
  CBS cbs;
  CBS_init(&cbs, in.data(), in.size());
  Attest a;
  if (!CBS_get_u32(&cbs, &a.magic) || !CBS_get_u16(&cbs, &a.type) ||
      !GetSized(&cbs, &a.qualified_signer) || !GetSized(&cbs, &a.extra_data) ||
      !CBS_get_u64(&cbs, &a.clock_info.clock) || !CBS_get_u32(&cbs, &a.clock_info.reset_count) ||
      !CBS_get_u32(&cbs, &a.clock_info.restart_count) || !CBS_get_u8(&cbs, &a.clock_info.safe) ||
      !CBS_get_u64(&cbs, &a.firmware_version)) {
    return false;
  }
  a.attested = View(cbs);
  *out = a;
  return true;
}

bool ParseCertifyInfo(ByteView in, CertifyInfo* out) {
  CBS cbs;
  CBS_init(&cbs, in.data(), in.size());
  CertifyInfo c;
  if (!GetSized(&cbs, &c.name) || !GetSized(&cbs, &c.qualified_name) || CBS_len(&cbs) != 0) {
    return false;
  }
  *out = c;
  return true;
}

bool ParsePublic(ByteView in, Public* out) {
  CBS cbs;
  CBS_init(&cbs, in.data(), in.size());
  Public p;
  if (!CBS_get_u16(&cbs, &p.type) || !CBS_get_u16(&cbs, &p.name_alg) ||
      !CBS_get_u32(&cbs, &p.object_attributes) || !GetSized(&cbs, &p.auth_policy)) {
    return false;
  }
  if (p.type != kAlgRsa && p.type != kAlgEcc) return false;
  // parameters: TPMS_RSA_PARMS or TPMS_ECC_PARMS, both opening with
  // TPMT_SYM_DEF_OBJECT and the asymmetric scheme.
  if (!CBS_get_u16(&cbs, &p.symmetric)) return false;
  if (p.symmetric != kAlgNull &&
      (!CBS_get_u16(&cbs, &p.symmetric_key_bits) || !CBS_get_u16(&cbs, &p.symmetric_mode))) {
    return false;
  }
  if (!CBS_get_u16(&cbs, &p.scheme)) return false;
  const int details = SchemeDetailsSize(p.scheme);
  if (details < 0) return false;
  if (details >= 2 && !CBS_get_u16(&cbs, &p.scheme_hash)) return false;
  if (details == 4 && !CBS_get_u16(&cbs, &p.scheme_count)) return false;
  if (p.type == kAlgRsa) {
    if (!CBS_get_u16(&cbs, &p.rsa_key_bits) || !CBS_get_u32(&cbs, &p.rsa_exponent) ||
        !GetSized(&cbs, &p.rsa_modulus)) {
      return false;
    }
  } else {
    if (!CBS_get_u16(&cbs, &p.ecc_curve) || !CBS_get_u16(&cbs, &p.kdf)) return false;
    const int kdf_details = KdfDetailsSize(p.kdf);
    if (kdf_details < 0) return false;
    if (kdf_details == 2 && !CBS_get_u16(&cbs, &p.kdf_hash)) return false;
    if (!GetSized(&cbs, &p.ecc_x) || !GetSized(&cbs, &p.ecc_y)) return false;
  }
  if (CBS_len(&cbs) != 0) return false;
  *out = p;
  return true;
}

}  // namespace keystorm::attestation::tpm
