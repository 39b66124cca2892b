// The TPM structure parsers on their own: real pubArea/certInfo bytes from
// captures, every truncation, trailing bytes and unknown schemes.
#include "attestation/tpm_structures.h"

#include <gtest/gtest.h>

#include "attestation_test_support.h"

namespace keystorm::testing {
namespace {

using attestation::tpm::Attest;
using attestation::tpm::CertifyInfo;
using attestation::tpm::Public;

Bytes Hex(std::string_view hex) {
  Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// An ECC TPMT_PUBLIC: ECDSA/SHA-256 scheme, P-256, 2-byte coordinates.
const Bytes kEccPublic =
    Hex("0023000b00060472"  // type, nameAlg, objectAttributes
        "0000"              // authPolicy
        "0010"              // symmetric NULL
        "0018000b"          // ECDSA, SHA-256
        "0003"              // NIST P-256
        "0010"              // kdf NULL
        "0002aabb0002ccdd");

TEST(TpmPublic, ParsesEcc) {
  Public p;
  ASSERT_TRUE(attestation::tpm::ParsePublic(kEccPublic, &p));
  EXPECT_EQ(p.type, attestation::tpm::kAlgEcc);
  EXPECT_EQ(p.name_alg, attestation::tpm::kAlgSha256);
  EXPECT_EQ(p.object_attributes, 0x00060472u);
  EXPECT_EQ(p.scheme, 0x0018);
  EXPECT_EQ(p.scheme_hash, attestation::tpm::kAlgSha256);
  EXPECT_EQ(p.ecc_curve, attestation::tpm::kEccNistP256);
  EXPECT_TRUE(Equal(p.ecc_x, Hex("aabb")));
  EXPECT_TRUE(Equal(p.ecc_y, Hex("ccdd")));
}

TEST(TpmPublic, EveryTruncationAndTrailingByteFails) {
  for (size_t n = 0; n < kEccPublic.size(); ++n) {
    Public p;
    EXPECT_FALSE(attestation::tpm::ParsePublic(ByteView(kEccPublic).first(n), &p)) << n;
  }
  Bytes longer = kEccPublic;
  longer.push_back(0);
  Public p;
  EXPECT_FALSE(attestation::tpm::ParsePublic(longer, &p));
}

TEST(TpmPublic, SymmetricAndEcdaaDetailsAreRead) {
  Bytes in =
      Hex("0023000b00060472"
          "0000"
          "00060080"
          "0043"          // AES-128 CFB
          "001a000b0001"  // ECDAA, SHA-256, count 1
          "0003"
          "0020000b"  // P-256, KDF1_SP800_56A with SHA-256
          "00010100010a");
  Public p;
  ASSERT_TRUE(attestation::tpm::ParsePublic(in, &p));
  EXPECT_EQ(p.symmetric, 0x0006);
  EXPECT_EQ(p.symmetric_key_bits, 128);
  EXPECT_EQ(p.symmetric_mode, 0x0043);
  EXPECT_EQ(p.scheme_count, 1);
  EXPECT_EQ(p.kdf, 0x0020);
  EXPECT_EQ(p.kdf_hash, attestation::tpm::kAlgSha256);
}

TEST(TpmPublic, UnknownSchemeTypeOrKdfFails) {
  Public p;
  Bytes unknown_scheme = kEccPublic;
  unknown_scheme[13] = 0x99;  // scheme 0x0099
  EXPECT_FALSE(attestation::tpm::ParsePublic(unknown_scheme, &p));
  Bytes keyedhash = kEccPublic;
  keyedhash[1] = 0x08;  // TPM_ALG_KEYEDHASH
  EXPECT_FALSE(attestation::tpm::ParsePublic(keyedhash, &p));
  Bytes unknown_kdf = kEccPublic;
  unknown_kdf[19] = 0x99;
  EXPECT_FALSE(attestation::tpm::ParsePublic(unknown_kdf, &p));
}

TEST(TpmPublic, RsaFromRealCapture) {
  KEYSTORM_REQUIRE_CORPUS();
  Capture c = LoadCapture("py-reg-tpm-dell-xps-13");
  Public p;
  ASSERT_TRUE(attestation::tpm::ParsePublic(c.att_stmt().Find("pubArea")->bytes, &p));
  EXPECT_EQ(p.type, attestation::tpm::kAlgRsa);
  EXPECT_EQ(p.rsa_key_bits, 2048);
  EXPECT_EQ(p.rsa_exponent, 0u);
  EXPECT_EQ(p.rsa_modulus.size(), 256u);
}

TEST(TpmAttest, CertifyFromRealCapture) {
  KEYSTORM_REQUIRE_CORPUS();
  Capture c = LoadCapture("swa-reg-tpm-ecc");
  const Bytes& cert_info = c.att_stmt().Find("certInfo")->bytes;
  Attest a;
  ASSERT_TRUE(attestation::tpm::ParseAttest(cert_info, &a));
  EXPECT_EQ(a.magic, attestation::tpm::kGeneratedValue);
  EXPECT_EQ(a.type, attestation::tpm::kStAttestCertify);
  EXPECT_EQ(a.extra_data.size(), 20u);  // RS1: SHA-1
  CertifyInfo ci;
  ASSERT_TRUE(attestation::tpm::ParseCertifyInfo(a.attested, &ci));
  EXPECT_EQ(ci.name.size(), 34u);
  for (size_t n = 0; n < cert_info.size(); ++n) {
    Attest t;
    CertifyInfo tc;
    bool whole = attestation::tpm::ParseAttest(ByteView(cert_info).first(n), &t) &&
                 attestation::tpm::ParseCertifyInfo(t.attested, &tc);
    EXPECT_FALSE(whole) << n;
  }
}

TEST(TpmAttest, SizesBeyondTheInputFail) {
  // magic, type, qualifiedSigner claiming 0xffff bytes.
  Bytes in = Hex("ff5443478017ffff00");
  Attest a;
  EXPECT_FALSE(attestation::tpm::ParseAttest(in, &a));
  CertifyInfo ci;
  EXPECT_FALSE(attestation::tpm::ParseCertifyInfo(Hex("0001"), &ci));
  EXPECT_FALSE(attestation::tpm::ParseCertifyInfo(Hex("00000000ff"), &ci));  // trailing byte
  EXPECT_TRUE(attestation::tpm::ParseCertifyInfo(Hex("00000000"), &ci));
}

// tools/fuzz/make_attestation_seeds.py: each seed is what its name says.
TEST(TpmSeeds, ParseAsNamed) {
  for (const auto& [name, bytes] : FuzzSeeds("tpm_structures")) {
    Public p;
    Attest a;
    CertifyInfo ci;
    const bool is_public = attestation::tpm::ParsePublic(bytes, &p);
    const bool is_certify = attestation::tpm::ParseAttest(bytes, &a) &&
                            a.type == attestation::tpm::kStAttestCertify &&
                            attestation::tpm::ParseCertifyInfo(a.attested, &ci);
    if (name.starts_with("pubarea_")) {
      EXPECT_TRUE(is_public) << name;
    } else if (name.starts_with("certinfo_certify")) {
      EXPECT_TRUE(is_certify) << name;
    } else if (name.starts_with("bad_")) {
      EXPECT_FALSE(is_public || is_certify) << name;
    }
  }
}

}  // namespace
}  // namespace keystorm::testing
