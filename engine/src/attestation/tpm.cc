// §8.3 TPM Attestation Statement Format, with §8.3.1 (AIK certificate
// requirements).
//   attStmt = { ver: "2.0", alg, x5c: [ aikCert, * caCert ], sig, certInfo, pubArea }
// certInfo is a TPMS_ATTEST, pubArea a TPMT_PUBLIC (tpm_structures.h).
#include <openssl/bn.h>
#include <openssl/bytestring.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/evp.h>
#include <openssl/nid.h>
#include <openssl/rsa.h>

#include "attestation/certificate.h"
#include "attestation/formats.h"
#include "attestation/statement_util.h"
#include "attestation/tpm_structures.h"

namespace keystorm::attestation {
namespace {

struct TpmStatement {
  int64_t alg = 0;
  ByteView sig;
  ByteView cert_info;
  ByteView pub_area;
  std::vector<ByteView> x5c;
};

// "Verify that attStmt is valid CBOR conforming to the syntax defined above
// and perform CBOR decoding on it to extract the contained fields."
VerifyError DecodeTpmStatement(CborRef att_stmt, TpmStatement* out) {
  std::string_view ver;
  if (!att_stmt.Find("ver").GetText(&ver) || ver != "2.0") return VerifyError::kAttestationInvalid;
  if (!att_stmt.Find("alg").GetInt(&out->alg) || !att_stmt.Find("sig").GetBytes(&out->sig) ||
      !att_stmt.Find("certInfo").GetBytes(&out->cert_info) ||
      !att_stmt.Find("pubArea").GetBytes(&out->pub_area)) {
    return VerifyError::kAttestationInvalid;
  }
  // ECDAA was removed in Level 3: x5c is the only attestation path.
  if (att_stmt.Find("ecdaaKeyId").valid() || !ReadX5c(att_stmt.Find("x5c"), &out->x5c)) {
    return VerifyError::kAttestationInvalid;
  }
  if (!IsImplementedAlgorithm(out->alg)) return VerifyError::kUnsupportedAlgorithm;
  return VerifyError::kOk;
}

// The hash a TPM_ALG_ID names, or nullptr.
const EVP_MD* TpmHash(uint16_t alg) {
  switch (alg) {
    case tpm::kAlgSha1:
      return EVP_sha1();
    case tpm::kAlgSha256:
      return EVP_sha256();
    case tpm::kAlgSha384:
      return EVP_sha384();
    case tpm::kAlgSha512:
      return EVP_sha512();
    default:
      return nullptr;
  }
}

int TpmCurveNid(uint16_t curve) {
  switch (curve) {
    case tpm::kEccNistP256:
      return NID_X9_62_prime256v1;
    case tpm::kEccNistP384:
      return NID_secp384r1;
    case tpm::kEccNistP521:
      return NID_secp521r1;
    default:
      return NID_undef;
  }
}

bool BignumEquals(ByteView big_endian, const BIGNUM* expected) {
  bssl::UniquePtr<BIGNUM> value(BN_bin2bn(big_endian.data(), big_endian.size(), nullptr));
  return value && expected != nullptr && BN_cmp(value.get(), expected) == 0;
}

// "Verify that the public key specified by the parameters and unique fields
// of pubArea is identical to the credentialPublicKey in the
// attestedCredentialData in authenticatorData."
bool PubAreaIsCredentialKey(const tpm::Public& pub, const PublicKey& key) {
  EVP_PKEY* evp = const_cast<EVP_PKEY*>(key.evp());
  if (pub.type == tpm::kAlgRsa) {
    const RSA* rsa = EVP_PKEY_get0_RSA(evp);
    if (rsa == nullptr) return false;
    // An exponent of zero means the default exponent, 2^16 + 1 (Part 2 §12.2.3.5).
    const uint32_t exponent = pub.rsa_exponent == 0 ? 65537 : pub.rsa_exponent;
    const BIGNUM* e = RSA_get0_e(rsa);
    return BignumEquals(pub.rsa_modulus, RSA_get0_n(rsa)) && BN_num_bits(e) <= 32 &&
           BN_get_word(e) == exponent;
  }
  const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(evp);
  if (ec == nullptr) return false;
  const EC_GROUP* group = EC_KEY_get0_group(ec);
  if (EC_GROUP_get_curve_name(group) != TpmCurveNid(pub.ecc_curve)) return false;
  bssl::UniquePtr<BIGNUM> x(BN_new()), y(BN_new());
  if (!x || !y ||
      !EC_POINT_get_affine_coordinates_GFp(group, EC_KEY_get0_public_key(ec), x.get(), y.get(),
                                           nullptr)) {
    return false;
  }
  return BignumEquals(pub.ecc_x, x.get()) && BignumEquals(pub.ecc_y, y.get());
}

// "Validate that certInfo is valid": magic is TPM_GENERATED_VALUE, type is
// TPM_ST_ATTEST_CERTIFY, extraData is the hash of attToBeSigned with the hash
// of "alg", and attested.name is a valid Name for pubArea (nameAlg ‖ H(pubArea)).
bool CertInfoIsValid(const tpm::Attest& cert_info, ByteView pub_area, const tpm::Public& pub,
                     int64_t alg, const AttestationContext& ctx) {
  if (cert_info.magic != tpm::kGeneratedValue) return false;
  if (cert_info.type != tpm::kStAttestCertify) return false;
  // attToBeSigned = authenticatorData ‖ clientDataHash.
  const EVP_MD* alg_hash = CoseAlgorithmDigest(alg);
  Bytes expected_extra_data;
  if (alg_hash == nullptr ||
      !Hash2(alg_hash, ctx.auth_data->raw, ctx.client_data_hash, &expected_extra_data) ||
      !Equal(cert_info.extra_data, expected_extra_data)) {
    return false;
  }
  tpm::CertifyInfo certify;
  if (!tpm::ParseCertifyInfo(cert_info.attested, &certify)) return false;
  // TPMv2 Part 1 §16: Name = nameAlg (big-endian TPM_ALG_ID) ‖ H_nameAlg(pubArea).
  const EVP_MD* name_hash = TpmHash(pub.name_alg);
  Bytes pub_area_digest;
  if (name_hash == nullptr || !Hash2(name_hash, pub_area, ByteView(), &pub_area_digest)) {
    return false;
  }
  return certify.name.size() == 2 + pub_area_digest.size() &&
         certify.name[0] == static_cast<uint8_t>(pub.name_alg >> 8) &&
         certify.name[1] == static_cast<uint8_t>(pub.name_alg) &&
         Equal(certify.name.subspan(2), pub_area_digest);
}

// TPMv2-EK-Profile §3.2.9: the Subject Alternative Name holds a directoryName
// with the TPM manufacturer, model and version attributes.  The attributes
// may share one multi-valued RDN (Windows AIK certificates) or use one each.
// OUT OF SPEC: the profile's "critical when the subject is empty" and its
// vendor-ID registry are not enforced (docs/attestation.md).
bool HasTpmDeviceAttributes(X509* cert) {
  ByteView value;
  bool critical = false;
  if (FindExtension(cert, kOidSubjectAltName, &value, &critical) != Extension::kPresent) {
    return false;
  }
  CBS ext, names;
  CBS_init(&ext, value.data(), value.size());
  if (!CBS_get_asn1(&ext, &names, CBS_ASN1_SEQUENCE) || CBS_len(&ext) != 0) return false;
  while (CBS_len(&names) > 0) {
    CBS general_name;
    unsigned tag = 0;
    if (!CBS_get_any_asn1(&names, &general_name, &tag)) return false;
    // directoryName [4] Name; Name is a CHOICE, so the tag is explicit.
    if (tag != (CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 4)) continue;
    CBS name;
    if (!CBS_get_asn1(&general_name, &name, CBS_ASN1_SEQUENCE) || CBS_len(&general_name) != 0) {
      return false;
    }
    bool manufacturer = false, model = false, version = false;
    while (CBS_len(&name) > 0) {
      CBS rdn;
      if (!CBS_get_asn1(&name, &rdn, CBS_ASN1_SET) || CBS_len(&rdn) == 0) return false;
      while (CBS_len(&rdn) > 0) {
        CBS atv, oid, attr_value;
        if (!CBS_get_asn1(&rdn, &atv, CBS_ASN1_SEQUENCE) ||
            !CBS_get_asn1(&atv, &oid, CBS_ASN1_OBJECT) ||
            !CBS_get_any_asn1(&atv, &attr_value, nullptr) || CBS_len(&atv) != 0) {
          return false;
        }
        if (CBS_len(&attr_value) == 0) continue;
        ByteView id(CBS_data(&oid), CBS_len(&oid));
        manufacturer |= Equal(id, kOidTpmManufacturer);
        model |= Equal(id, kOidTpmModel);
        version |= Equal(id, kOidTpmVersion);
      }
    }
    if (manufacturer && model && version) return true;
  }
  return false;
}

// The Extended Key Usage extension contains tcg-kp-AIKCertificate.
bool HasAikExtendedKeyUsage(X509* cert) {
  ByteView value;
  bool critical = false;
  if (FindExtension(cert, kOidExtKeyUsage, &value, &critical) != Extension::kPresent) return false;
  CBS ext, purposes;
  CBS_init(&ext, value.data(), value.size());
  if (!CBS_get_asn1(&ext, &purposes, CBS_ASN1_SEQUENCE) || CBS_len(&ext) != 0) return false;
  bool found = false;
  while (CBS_len(&purposes) > 0) {
    CBS oid;
    if (!CBS_get_asn1(&purposes, &oid, CBS_ASN1_OBJECT)) return false;
    found |= Equal(ByteView(CBS_data(&oid), CBS_len(&oid)), kOidTcgKpAikCertificate);
  }
  return found;
}

// The Basic Constraints extension is present, once, with cA false (or
// absent, its DEFAULT).  Read here rather than through BoringSSL's extension
// flags, which also fail for unrelated malformed extensions (the FIDO
// conformance tool's AIK certificates carry a malformed authorityKeyIdentifier).
bool HasBasicConstraintsCaFalse(X509* cert) {
  ByteView value;
  bool critical = false;
  if (FindExtension(cert, kOidBasicConstraints, &value, &critical) != Extension::kPresent) {
    return false;
  }
  CBS ext, constraints;
  CBS_init(&ext, value.data(), value.size());
  if (!CBS_get_asn1(&ext, &constraints, CBS_ASN1_SEQUENCE) || CBS_len(&ext) != 0) return false;
  int ca = 0;
  if (CBS_peek_asn1_tag(&constraints, CBS_ASN1_BOOLEAN) && !CBS_get_asn1_bool(&constraints, &ca)) {
    return false;
  }
  uint64_t path_len = 0;
  if (CBS_len(&constraints) > 0 && !CBS_get_asn1_uint64(&constraints, &path_len)) return false;
  return CBS_len(&constraints) == 0 && ca == 0;
}

// §8.3.1 TPM Attestation Statement Certificate Requirements.
bool MeetsTpmCertificateRequirements(X509* aik_cert) {
  // Version MUST be set to 3.
  if (X509_get_version(aik_cert) != X509_VERSION_3) return false;
  // Subject field MUST be set to empty.
  if (X509_NAME_entry_count(X509_get_subject_name(aik_cert)) != 0) return false;
  // The Subject Alternative Name extension MUST be set as defined in
  // [TPMv2-EK-Profile] section 3.2.9.
  if (!HasTpmDeviceAttributes(aik_cert)) return false;
  // The Extended Key Usage extension MUST contain the tcg-kp-AIKCertificate OID.
  if (!HasAikExtendedKeyUsage(aik_cert)) return false;
  // The Basic Constraints extension MUST have the CA component set to false.
  // (Unlike packed, the extension itself must be there: "MUST have".)
  return HasBasicConstraintsCaFalse(aik_cert);
}

// "If x5c is present": sig verifies over certInfo with aikCert's key and alg;
// aikCert meets §8.3.1; an id-fido-gen-ce-aaguid extension equals the AAGUID.
VerifyError VerifyAikCertificate(const TpmStatement& stmt, const AttestationContext& ctx) {
  std::vector<bssl::UniquePtr<X509>> chain;
  for (ByteView der : stmt.x5c) {
    bssl::UniquePtr<X509> cert = ParseCertificate(der);
    if (!cert) return VerifyError::kAttestationInvalid;
    chain.push_back(std::move(cert));
  }
  X509* aik_cert = chain[0].get();
  bssl::UniquePtr<EVP_PKEY> aik_key(X509_get_pubkey(aik_cert));
  if (!VerifyWithEvpKey(stmt.alg, aik_key.get(), stmt.cert_info, ByteView(), stmt.sig)) {
    return VerifyError::kAttestationInvalid;
  }
  if (!MeetsTpmCertificateRequirements(aik_cert)) return VerifyError::kAttestationInvalid;
  std::array<uint8_t, 16> cert_aaguid;
  bool critical = false;
  switch (ReadAaguidExtension(aik_cert, &cert_aaguid, &critical)) {
    case AaguidExtension::kAbsent:
      break;
    case AaguidExtension::kMalformed:
      return VerifyError::kAttestationInvalid;
    case AaguidExtension::kPresent:
      if (cert_aaguid != ctx.auth_data->attested->aaguid) return VerifyError::kAttestationInvalid;
      break;
  }
  if (!ChainIsConsistent(chain, ctx.verification_time)) return VerifyError::kAttestationInvalid;
  return VerifyError::kOk;
}

}  // namespace

VerifyError VerifyTpm(CborRef att_stmt, const AttestationContext& ctx,
                      AttestationStatementResult* result) {
  TpmStatement stmt;
  VerifyError err = DecodeTpmStatement(att_stmt, &stmt);
  if (err != VerifyError::kOk) return err;
  tpm::Public pub;
  if (!tpm::ParsePublic(stmt.pub_area, &pub) || !PubAreaIsCredentialKey(pub, *ctx.credential_key)) {
    return VerifyError::kAttestationInvalid;
  }
  tpm::Attest cert_info;
  if (!tpm::ParseAttest(stmt.cert_info, &cert_info) ||
      !CertInfoIsValid(cert_info, stmt.pub_area, pub, stmt.alg, ctx)) {
    return VerifyError::kAttestationInvalid;
  }
  if ((err = VerifyAikCertificate(stmt, ctx)) != VerifyError::kOk) return err;
  // "return ... attestation type AttCA and attestation trust path x5c."
  result->type = AttestationType::kAttCA;
  result->trust_path = std::move(stmt.x5c);
  result->owned_certificates.reset();
  return VerifyError::kOk;
}

}  // namespace keystorm::attestation
