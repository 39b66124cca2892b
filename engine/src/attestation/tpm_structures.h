// Private: bounds-checked parsers for the TPM 2.0 structures a `tpm`
// attestation statement carries (TPM 2.0 Library, Part 2 "Structures":
// TPMS_ATTEST §10.12.12, TPMS_CERTIFY_INFO §10.12.3, TPMT_PUBLIC §12.2.4).
//
// Every integer is big-endian; every TPM2B is a 16-bit size and that many
// bytes.  A parse either fills the whole struct and consumed exactly its input,
// or returns false.  ByteViews point into the parsed input and live as long as
// it does.  Nothing allocates; the parsers are thread-safe.
#ifndef KEYSTORM_ENGINE_SRC_ATTESTATION_TPM_STRUCTURES_H_
#define KEYSTORM_ENGINE_SRC_ATTESTATION_TPM_STRUCTURES_H_

#include <cstdint>

#include "keystorm/bytes.h"

namespace keystorm::attestation::tpm {

// TPM_ALG_ID (Part 2 §6.3), the values these structures use.
inline constexpr uint16_t kAlgRsa = 0x0001;
inline constexpr uint16_t kAlgSha1 = 0x0004;
inline constexpr uint16_t kAlgSha256 = 0x000B;
inline constexpr uint16_t kAlgSha384 = 0x000C;
inline constexpr uint16_t kAlgSha512 = 0x000D;
inline constexpr uint16_t kAlgNull = 0x0010;
inline constexpr uint16_t kAlgRsaes = 0x0015;
inline constexpr uint16_t kAlgEcdaa = 0x001A;
inline constexpr uint16_t kAlgEcc = 0x0023;

// TPM_ECC_CURVE (Part 2 §6.4).
inline constexpr uint16_t kEccNistP256 = 0x0003;
inline constexpr uint16_t kEccNistP384 = 0x0004;
inline constexpr uint16_t kEccNistP521 = 0x0005;

// TPM_GENERATED_VALUE and TPM_ST_ATTEST_CERTIFY (Part 2 §6.2, §6.9).
inline constexpr uint32_t kGeneratedValue = 0xff544347;
inline constexpr uint16_t kStAttestCertify = 0x8017;

struct ClockInfo {  // TPMS_CLOCK_INFO
  uint64_t clock = 0;
  uint32_t reset_count = 0;
  uint32_t restart_count = 0;
  uint8_t safe = 0;
};

// TPMS_ATTEST.  `attested` is the TPMU_ATTEST member, whose layout `type`
// selects; ParseCertifyInfo reads it for TPM_ST_ATTEST_CERTIFY.
struct Attest {
  uint32_t magic = 0;
  uint16_t type = 0;
  ByteView qualified_signer;  // TPM2B_NAME contents
  ByteView extra_data;        // TPM2B_DATA contents
  ClockInfo clock_info;
  uint64_t firmware_version = 0;
  ByteView attested;  // the rest of the input
};
bool ParseAttest(ByteView in, Attest* out);

// TPMS_CERTIFY_INFO.  A Name is a TPM_ALG_ID followed by a digest (Part 1 §16).
struct CertifyInfo {
  ByteView name;            // TPM2B_NAME contents
  ByteView qualified_name;  // TPM2B_NAME contents
};
bool ParseCertifyInfo(ByteView in, CertifyInfo* out);

// TPMT_PUBLIC of an RSA or ECC key (the only types a credential key can be).
// Scheme details are kept so that the structure can be written back.
struct Public {
  uint16_t type = 0;  // kAlgRsa or kAlgEcc
  uint16_t name_alg = 0;
  uint32_t object_attributes = 0;
  ByteView auth_policy;  // TPM2B_DIGEST contents
  // TPMT_SYM_DEF_OBJECT: algorithm, then keyBits and mode unless it is NULL.
  uint16_t symmetric = kAlgNull;
  uint16_t symmetric_key_bits = 0;
  uint16_t symmetric_mode = 0;
  // TPMT_RSA_SCHEME / TPMT_ECC_SCHEME: scheme, then its details (a hash
  // algorithm, plus a count for ECDAA; nothing for NULL and RSAES).
  uint16_t scheme = kAlgNull;
  uint16_t scheme_hash = 0;
  uint16_t scheme_count = 0;
  // TPMS_RSA_PARMS.
  uint16_t rsa_key_bits = 0;
  uint32_t rsa_exponent = 0;  // 0 means the default, 65537
  // TPMS_ECC_PARMS.
  uint16_t ecc_curve = 0;
  uint16_t kdf = kAlgNull;  // TPMT_KDF_SCHEME: scheme, then a hash unless NULL
  uint16_t kdf_hash = 0;
  // TPMU_PUBLIC_ID: the RSA modulus, or the ECC point's coordinates.
  ByteView rsa_modulus;
  ByteView ecc_x;
  ByteView ecc_y;
};
bool ParsePublic(ByteView in, Public* out);

// Size in bytes of the details that follow an asymmetric scheme identifier
// (TPMU_ASYM_SCHEME), or -1 for an identifier this parser does not know.
int SchemeDetailsSize(uint16_t scheme);
// Same for a TPMT_KDF_SCHEME identifier.
int KdfDetailsSize(uint16_t kdf);

}  // namespace keystorm::attestation::tpm

#endif  // KEYSTORM_ENGINE_SRC_ATTESTATION_TPM_STRUCTURES_H_
