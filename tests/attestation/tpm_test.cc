// §8.3 tpm: real captures pass; each requirement of the verification
// procedure and of §8.3.1 fails on its own, on statements built here (a TPM
// that signs what the test says) or on real captures with one member changed.
#include <gtest/gtest.h>
#include <openssl/nid.h>

#include <optional>

#include "attestation/tpm_structures.h"
#include "attestation_test_support.h"

namespace keystorm::testing {
namespace {

constexpr int64_t kRS256 = -257, kRS1 = -65535, kES256 = -7;
const char* const kTcgKpAik = "2.23.133.8.3";

void PutU16(Bytes* out, uint16_t v) {
  out->push_back(static_cast<uint8_t>(v >> 8));
  out->push_back(static_cast<uint8_t>(v));
}
void PutU32(Bytes* out, uint32_t v) {
  PutU16(out, static_cast<uint16_t>(v >> 16));
  PutU16(out, static_cast<uint16_t>(v));
}
void PutSized(Bytes* out, ByteView b) {
  PutU16(out, static_cast<uint16_t>(b.size()));
  out->insert(out->end(), b.begin(), b.end());
}

// A TPMT_PUBLIC for `key` as a Windows TPM writes it.
Bytes PubAreaFor(EVP_PKEY* key, uint32_t rsa_exponent = 0) {
  Bytes p;
  if (const RSA* rsa = EVP_PKEY_get0_RSA(key)) {
    PutU16(&p, attestation::tpm::kAlgRsa);
    PutU16(&p, attestation::tpm::kAlgSha256);
    PutU32(&p, 0x00060472);
    PutSized(&p, ByteView());
    PutU16(&p, attestation::tpm::kAlgNull);  // symmetric
    PutU16(&p, attestation::tpm::kAlgNull);  // scheme
    PutU16(&p, 2048);
    PutU32(&p, rsa_exponent);
    Bytes n(BN_num_bytes(RSA_get0_n(rsa)));
    BN_bn2bin(RSA_get0_n(rsa), n.data());
    PutSized(&p, n);
    return p;
  }
  const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(key);
  bssl::UniquePtr<BIGNUM> x(BN_new()), y(BN_new());
  EC_POINT_get_affine_coordinates_GFp(EC_KEY_get0_group(ec), EC_KEY_get0_public_key(ec), x.get(),
                                      y.get(), nullptr);
  Bytes xb(32), yb(32);
  BN_bn2bin_padded(xb.data(), 32, x.get());
  BN_bn2bin_padded(yb.data(), 32, y.get());
  PutU16(&p, attestation::tpm::kAlgEcc);
  PutU16(&p, attestation::tpm::kAlgSha256);
  PutU32(&p, 0x00060472);
  PutSized(&p, ByteView());
  PutU16(&p, attestation::tpm::kAlgNull);  // symmetric
  PutU16(&p, 0x0018);                      // ECDSA
  PutU16(&p, attestation::tpm::kAlgSha256);
  PutU16(&p, attestation::tpm::kEccNistP256);
  PutU16(&p, attestation::tpm::kAlgNull);  // kdf
  PutSized(&p, xb);
  PutSized(&p, yb);
  return p;
}

CertSpec DefaultAikSpec() {
  CertSpec spec;  // version 3, empty subject
  spec.Add("2.5.29.19", true, DerBasicConstraints(false));
  spec.Add("2.5.29.37", false, DerExtendedKeyUsage({kTcgKpAik}));
  spec.Add("2.5.29.17", true,
           DerDirectoryNameSan({{"2.23.133.2.1", "id:FFFFF1D0"},
                                {"2.23.133.2.2", "Keystorm test TPM"},
                                {"2.23.133.2.3", "id:00010002"}}));
  return spec;
}

// A TPM for one synthetic registration.  Tests change the parts, then Verify.
class TpmBuilder {
 public:
  // RSA credential and RSA AIK (RS256), or EC credential and EC AIK (ES256).
  explicit TpmBuilder(bool rsa = true)
      : cred_key_(rsa ? RsaKey(0) : NewEcKey(NID_X9_62_prime256v1)),
        ceremony_(cred_key_.get(), rsa ? kRS256 : kES256),
        aik_key_(rsa ? RsaKey(1) : NewEcKey(NID_X9_62_prime256v1)),
        ca_(MakeCa("Keystorm test TPM CA")) {
    alg = rsa ? kRS256 : kES256;
    pub_area = PubAreaFor(cred_key_.get());
    aik_spec = DefaultAikSpec();
  }

  std::string ver = "2.0";
  int64_t alg = kRS256;
  Bytes pub_area;
  uint32_t magic = attestation::tpm::kGeneratedValue;
  uint16_t type = attestation::tpm::kStAttestCertify;
  std::optional<Bytes> extra_data;  // default: H_alg(authData ‖ clientDataHash)
  std::optional<Bytes> name;        // default: nameAlg ‖ SHA-256(pubArea)
  Bytes cert_info_trailer;          // bytes after TPMS_CERTIFY_INFO
  CertSpec aik_spec;
  bool corrupt_sig = false;
  EVP_PKEY* signing_key = nullptr;  // default: the AIK's own key

  const Ceremony& ceremony() const { return ceremony_; }

  const EVP_MD* AlgHash() const { return alg == kRS1 ? EVP_sha1() : EVP_sha256(); }

  Bytes CertInfo() const {
    Bytes c;
    PutU32(&c, magic);
    PutU16(&c, type);
    PutSized(&c, Bytes{0x00, 0x0b, 1, 2, 3});  // qualifiedSigner: ignored
    Bytes tbs = ceremony_.ToBeSigned();
    Bytes digest(EVP_MD_size(AlgHash()));
    EVP_Digest(tbs.data(), tbs.size(), digest.data(), nullptr, AlgHash(), nullptr);
    PutSized(&c, extra_data.value_or(digest));
    for (int i = 0; i < 17; ++i) c.push_back(static_cast<uint8_t>(i));  // clockInfo
    for (int i = 0; i < 8; ++i) c.push_back(0x77);                      // firmwareVersion
    Bytes default_name{0x00, 0x0b};
    Bytes pub_digest = Sha256(pub_area);
    default_name.insert(default_name.end(), pub_digest.begin(), pub_digest.end());
    PutSized(&c, name.value_or(default_name));
    PutSized(&c, Bytes{0x00, 0x0b});  // qualifiedName: ignored
    c.insert(c.end(), cert_info_trailer.begin(), cert_info_trailer.end());
    return c;
  }

  Cbor Statement() const {
    Cert aik = BuildCert(aik_spec, aik_key_.get(), ca_.key.get(), &ca_.cert);
    Bytes cert_info = CertInfo();
    Bytes sig = Sign(signing_key ? signing_key : aik_key_.get(), AlgHash(), cert_info);
    if (corrupt_sig) sig[sig.size() / 2] ^= 0x01;
    return CborMap({{"ver", CborText(ver)},
                    {"alg", CborInt(alg)},
                    {"x5c", CborArray({CborBytes(aik.der), CborBytes(ca_.cert.der)})},
                    {"sig", CborBytes(sig)},
                    {"certInfo", CborBytes(cert_info)},
                    {"pubArea", CborBytes(pub_area)}});
  }

  VerifyError Verify(AttestationStatementResult* result = nullptr) const {
    return ceremony_.Verify("tpm", Statement(), {}, kNow, result);
  }

 private:
  bssl::UniquePtr<EVP_PKEY> cred_key_;
  Ceremony ceremony_;
  bssl::UniquePtr<EVP_PKEY> aik_key_;
  TestCa ca_;
};

void RemoveExtension(CertSpec* spec, std::string_view oid) {
  std::erase_if(spec->extensions, [&](const CertSpec::Extension& e) { return e.oid == oid; });
}

// --- Real captures ----------------------------------------------------------

class TpmCapture : public ::testing::TestWithParam<const char*> {};

TEST_P(TpmCapture, Passes) {
  KEYSTORM_REQUIRE_CORPUS();
  CaseVerdict v = RunCorpusCase(GetParam());
  EXPECT_TRUE(v.pass) << GetParam() << ": expected " << v.expected << ", got " << v.got;
  EXPECT_EQ(v.got, "ok");
}

// Windows Hello TPMs (RSA and ECC credentials, RS1 and RS256 AIK signatures,
// single- and multi-valued SAN RDNs), the FIDO conformance tool, the W3C
// vector (ES256 AIK) and a chain to a configured anchor (windows-hello).
INSTANTIATE_TEST_SUITE_P(
    Corpus, TpmCapture,
    ::testing::Values("py-reg-tpm-dell-xps-13", "py-reg-tpm-ecc-webauthn-io",
                      "py-reg-tpm-lenovo-carbon-x1", "swa-reg-tpm-ecc", "swa-reg-tpm-rsa-sha1",
                      "swa-reg-tpm-a4de", "swa-reg-tpm-aaguid-ext-match",
                      "swa-reg-tpm-san-non-compliant", "swa-reg-tpm-san-spec-compliant",
                      "swa-reg-tpm-sha256-localhost44329", "w3c-tpm-es256-reg",
                      "yubico-reg-thinkpad-tpm", "yubico-reg-windows-hello-tpm"));

TEST(TpmCapture, AaguidExtensionMismatchFails) {
  KEYSTORM_REQUIRE_CORPUS();
  CaseVerdict v = RunCorpusCase("swa-reg-tpm-aaguid-ext-mismatch");
  EXPECT_EQ(v.got, "attestation_invalid");
}

TEST(TpmCapture, ReportsAttCaAndTheX5cTrustPath) {
  KEYSTORM_REQUIRE_CORPUS();
  Capture c = LoadCapture("py-reg-tpm-dell-xps-13");
  AttestationStatementResult result;
  ASSERT_EQ(VerifyStatement("tpm", c.att_stmt(), c.auth_data(), c.client_data_hash, {},
                            c.verification_time, &result),
            VerifyError::kOk);
  EXPECT_EQ(result.type, AttestationType::kAttCA);
  ASSERT_EQ(result.trust_path.size(), 2u);
  EXPECT_TRUE(Equal(result.trust_path[0], c.att_stmt().Find("x5c")->items[0].bytes));
}

// Mutations of one member of a real capture.
TEST(TpmCapture, VersionOtherThan20Fails) {
  KEYSTORM_REQUIRE_CORPUS();
  Capture c = LoadCapture("py-reg-tpm-dell-xps-13");
  ASSERT_EQ(c.Verify(), VerifyError::kOk);
  Cbor stmt = c.att_stmt();
  stmt.Set("ver", CborText("1.2"));
  EXPECT_EQ(c.Verify(&stmt), VerifyError::kAttestationInvalid);
  stmt.Erase("ver");
  EXPECT_EQ(c.Verify(&stmt), VerifyError::kAttestationInvalid);
}

TEST(TpmCapture, UnknownAlgIsUnsupported) {
  KEYSTORM_REQUIRE_CORPUS();
  Capture c = LoadCapture("py-reg-tpm-dell-xps-13");
  Cbor stmt = c.att_stmt();
  stmt.Set("alg", CborInt(-999));
  EXPECT_EQ(c.Verify(&stmt), VerifyError::kUnsupportedAlgorithm);
}

TEST(TpmCapture, AlgOfAnotherHashFails) {
  KEYSTORM_REQUIRE_CORPUS();
  Capture c = LoadCapture("py-reg-tpm-dell-xps-13");  // RS1: extraData is SHA-1
  Cbor stmt = c.att_stmt();
  stmt.Set("alg", CborInt(kRS256));
  EXPECT_EQ(c.Verify(&stmt), VerifyError::kAttestationInvalid);
}

TEST(TpmCapture, MissingMembersFail) {
  KEYSTORM_REQUIRE_CORPUS();
  Capture c = LoadCapture("swa-reg-tpm-ecc");
  for (const char* member : {"x5c", "sig", "certInfo", "pubArea", "alg"}) {
    Cbor stmt = c.att_stmt();
    stmt.Erase(member);
    EXPECT_EQ(c.Verify(&stmt), VerifyError::kAttestationInvalid) << member;
  }
  Cbor stmt = c.att_stmt();
  stmt.Set("ecdaaKeyId", CborBytes(Bytes(32, 1)));
  EXPECT_EQ(c.Verify(&stmt), VerifyError::kAttestationInvalid);
}

TEST(TpmCapture, MagicChangedFails) {
  KEYSTORM_REQUIRE_CORPUS();
  Capture c = LoadCapture("swa-reg-tpm-ecc");
  Cbor stmt = c.att_stmt();
  stmt.Find("certInfo")->bytes[3] ^= 0x01;
  EXPECT_EQ(c.Verify(&stmt), VerifyError::kAttestationInvalid);
}

TEST(TpmCapture, PubAreaUniqueChangedFails) {
  KEYSTORM_REQUIRE_CORPUS();
  Capture c = LoadCapture("swa-reg-tpm-ecc");
  Cbor stmt = c.att_stmt();
  stmt.Find("pubArea")->bytes.back() ^= 0x01;
  EXPECT_EQ(c.Verify(&stmt), VerifyError::kAttestationInvalid);
}

TEST(TpmCapture, OtherClientDataHashFails) {
  KEYSTORM_REQUIRE_CORPUS();
  Capture c = LoadCapture("swa-reg-tpm-ecc");
  c.client_data_hash[0] ^= 0x01;  // extraData no longer matches
  EXPECT_EQ(c.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmCapture, ExpiredAtVerificationTimeFails) {
  KEYSTORM_REQUIRE_CORPUS();
  Capture c = LoadCapture("py-reg-tpm-dell-xps-13");  // AIK valid 2021-06-21 .. 2025-03-21
  c.verification_time = 1767225600;                   // 2026-01-01
  EXPECT_EQ(c.Verify(), VerifyError::kAttestationInvalid);
}

// --- Statements built by the test -------------------------------------------

TEST(TpmStatement, RsaCredentialWithRs256Passes) {
  TpmBuilder b(/*rsa=*/true);
  AttestationStatementResult result;
  ASSERT_EQ(b.Verify(&result), VerifyError::kOk);
  EXPECT_EQ(result.type, AttestationType::kAttCA);
  EXPECT_EQ(result.trust_path.size(), 2u);
}

TEST(TpmStatement, EccCredentialWithEs256Passes) {
  TpmBuilder b(/*rsa=*/false);
  EXPECT_EQ(b.Verify(), VerifyError::kOk);
}

TEST(TpmStatement, Rs1Passes) {
  TpmBuilder b;
  b.alg = kRS1;
  EXPECT_EQ(b.Verify(), VerifyError::kOk);
}

TEST(TpmStatement, ExplicitExponent65537Passes) {
  TpmBuilder b;
  // Same key, exponent written out instead of 0 ("default").
  b.pub_area[16] = 0x00;
  b.pub_area[17] = 0x01;
  b.pub_area[18] = 0x00;
  b.pub_area[19] = 0x01;
  EXPECT_EQ(b.Verify(), VerifyError::kOk);
}

TEST(TpmStatement, WrongMagicFails) {
  TpmBuilder b;
  b.magic = 0xff544348;
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmStatement, WrongTypeFails) {
  TpmBuilder b;
  b.type = 0x8018;  // TPM_ST_ATTEST_QUOTE
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmStatement, ExtraDataMismatchFails) {
  TpmBuilder b;
  b.extra_data = Sha256(b.ceremony().auth_data());  // the hash of authData alone
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmStatement, ExtraDataWithTheWrongHashFails) {
  TpmBuilder b;
  Bytes tbs = b.ceremony().ToBeSigned();
  Bytes sha1(20);
  SHA1(tbs.data(), tbs.size(), sha1.data());
  b.extra_data = sha1;  // alg is RS256
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmStatement, PubAreaKeyNotTheCredentialKeyFails) {
  TpmBuilder b;
  b.pub_area = PubAreaFor(RsaKey(2).get());  // name recomputed over it: only the key differs
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmStatement, PubAreaEccKeyNotTheCredentialKeyFails) {
  TpmBuilder b(/*rsa=*/false);
  b.pub_area = PubAreaFor(NewEcKey(NID_X9_62_prime256v1).get());
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmStatement, PubAreaExponentMismatchFails) {
  TpmBuilder b;
  b.pub_area = PubAreaFor(RsaKey(0).get(), /*rsa_exponent=*/3);
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmStatement, PubAreaCurveMismatchFails) {
  TpmBuilder b(/*rsa=*/false);
  // curveID is the u16 after symmetric (2), scheme (2) and its hash (2).
  const size_t curve_at = 2 + 2 + 4 + 2 + 2 + 2 + 2;
  ASSERT_EQ(b.pub_area[curve_at + 1], attestation::tpm::kEccNistP256);
  b.pub_area[curve_at + 1] = attestation::tpm::kEccNistP384;
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmStatement, PubAreaTypeOtherThanCredentialFails) {
  TpmBuilder b(/*rsa=*/false);
  b.pub_area = PubAreaFor(RsaKey(0).get());  // an RSA pubArea for an EC credential
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmStatement, PubAreaTrailingByteFails) {
  TpmBuilder b;
  b.pub_area.push_back(0);
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmStatement, NameMismatchFails) {
  TpmBuilder b;
  Bytes name{0x00, 0x0b};
  Bytes digest = Sha256(b.ceremony().auth_data());
  name.insert(name.end(), digest.begin(), digest.end());
  b.name = name;
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmStatement, NameWithAnotherAlgorithmIdFails) {
  TpmBuilder b;
  Bytes name{0x00, 0x0c};  // SHA-384's id over a SHA-256 digest
  Bytes digest = Sha256(b.pub_area);
  name.insert(name.end(), digest.begin(), digest.end());
  b.name = name;
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmStatement, CertInfoTrailingBytesFail) {
  TpmBuilder b;
  b.cert_info_trailer = {0x00};
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmStatement, BadSignatureFails) {
  TpmBuilder b;
  b.corrupt_sig = true;
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmStatement, SignatureByAnotherKeyFails) {
  TpmBuilder b;
  bssl::UniquePtr<EVP_PKEY> other = RsaKey(2);
  b.signing_key = other.get();
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmStatement, AlgOfAnotherKeyTypeFails) {
  TpmBuilder b;  // RSA AIK
  b.alg = kES256;
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmStatement, UnknownAlgIsUnsupported) {
  TpmBuilder b;
  b.alg = -260;  // ED256 (ECDAA), gone in Level 3
  EXPECT_EQ(b.Verify(), VerifyError::kUnsupportedAlgorithm);
}

TEST(TpmStatement, VersionOtherThan20Fails) {
  TpmBuilder b;
  b.ver = "2.1";
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

// §8.3.1, one requirement at a time.
TEST(TpmAikCertificate, Version1Fails) {
  TpmBuilder b;
  b.aik_spec.version = 1;
  b.aik_spec.extensions.clear();  // a v1 certificate has none
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmAikCertificate, NonEmptySubjectFails) {
  TpmBuilder b;
  b.aik_spec.subject = {{"CN", "not empty"}};
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmAikCertificate, MissingSubjectAltNameFails) {
  TpmBuilder b;
  RemoveExtension(&b.aik_spec, "2.5.29.17");
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmAikCertificate, SubjectAltNameWithoutModelFails) {
  TpmBuilder b;
  RemoveExtension(&b.aik_spec, "2.5.29.17");
  b.aik_spec.Add("2.5.29.17", true,
                 DerDirectoryNameSan({{"2.23.133.2.1", "id:FFFFF1D0"}, {"2.23.133.2.3", "id:1"}}));
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmAikCertificate, SubjectAltNameWithDnsNameOnlyFails) {
  TpmBuilder b;
  RemoveExtension(&b.aik_spec, "2.5.29.17");
  b.aik_spec.Add("2.5.29.17", true, DerDnsNameSan("tpm.example.com"));
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmAikCertificate, MissingExtendedKeyUsageFails) {
  TpmBuilder b;
  RemoveExtension(&b.aik_spec, "2.5.29.37");
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmAikCertificate, ExtendedKeyUsageWithoutAikPurposeFails) {
  TpmBuilder b;
  RemoveExtension(&b.aik_spec, "2.5.29.37");
  b.aik_spec.Add("2.5.29.37", false, DerExtendedKeyUsage({"1.3.6.1.5.5.7.3.2"}));
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmAikCertificate, ExtendedKeyUsageAmongOthersPasses) {
  TpmBuilder b;
  RemoveExtension(&b.aik_spec, "2.5.29.37");
  b.aik_spec.Add("2.5.29.37", false, DerExtendedKeyUsage({"1.3.6.1.4.1.311.21.36", kTcgKpAik}));
  EXPECT_EQ(b.Verify(), VerifyError::kOk);
}

TEST(TpmAikCertificate, CaTrueFails) {
  TpmBuilder b;
  RemoveExtension(&b.aik_spec, "2.5.29.19");
  b.aik_spec.Add("2.5.29.19", true, DerBasicConstraints(true));
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmAikCertificate, MissingBasicConstraintsFails) {
  TpmBuilder b;
  RemoveExtension(&b.aik_spec, "2.5.29.19");
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmAikCertificate, AaguidExtensionEqualToAuthDataPasses) {
  TpmBuilder b;
  b.aik_spec.Add("1.3.6.1.4.1.45724.1.1.4", false, DerOctetString(b.ceremony().aaguid()));
  EXPECT_EQ(b.Verify(), VerifyError::kOk);
}

TEST(TpmAikCertificate, AaguidExtensionMismatchFails) {
  TpmBuilder b;
  b.aik_spec.Add("1.3.6.1.4.1.45724.1.1.4", false, DerOctetString(Bytes(16, 0x11)));
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(TpmAikCertificate, ExpiredFails) {
  TpmBuilder b;
  b.aik_spec.not_before = kNow - 100 * 86400;
  b.aik_spec.not_after = kNow - 86400;
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

}  // namespace
}  // namespace keystorm::testing
