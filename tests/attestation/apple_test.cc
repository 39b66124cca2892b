// §8.8 apple: real captures pass; nonce, key binding and the extension's
// shape each fail on their own on certificates issued here.
#include <gtest/gtest.h>
#include <openssl/bytestring.h>
#include <openssl/mem.h>
#include <openssl/nid.h>

#include "attestation_test_support.h"

namespace keystorm::testing {
namespace {

const char* const kAppleNonceOid = "1.2.840.113635.100.8.2";

// SEQUENCE { [1] EXPLICIT OCTET STRING nonce }, or the nonce without [1] when
// `tagged` is false.
Bytes DerAppleNonce(ByteView nonce, bool tagged = true) {
  bssl::ScopedCBB cbb;
  CBB seq, wrapper;
  EXPECT_TRUE(CBB_init(cbb.get(), 64) && CBB_add_asn1(cbb.get(), &seq, CBS_ASN1_SEQUENCE));
  CBB* parent = &seq;
  if (tagged) {
    EXPECT_TRUE(CBB_add_asn1(&seq, &wrapper, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 1));
    parent = &wrapper;
  }
  EXPECT_TRUE(CBB_add_asn1_octet_string(parent, nonce.data(), nonce.size()));
  uint8_t* data = nullptr;
  size_t len = 0;
  EXPECT_TRUE(CBB_finish(cbb.get(), &data, &len));
  Bytes out(data, data + len);
  OPENSSL_free(data);
  return out;
}

class AppleBuilder {
 public:
  AppleBuilder()
      : cred_key_(NewEcKey(NID_X9_62_prime256v1)),
        ceremony_(cred_key_.get(), -7),
        ca_(MakeCa("Keystorm test Apple WebAuthn CA")) {
    leaf_spec.subject = {{"CN", "credential"}, {"OU", "AAA Certification"}, {"O", "Apple Inc."}};
    nonce = Sha256(ceremony_.ToBeSigned());
  }

  Bytes nonce;
  bool with_extension = true;
  bool tagged = true;
  int extension_count = 1;
  CertSpec leaf_spec;
  EVP_PKEY* leaf_key = nullptr;  // default: the credential key

  Cbor Statement() const {
    CertSpec spec = leaf_spec;
    for (int i = 0; with_extension && i < extension_count; ++i) {
      spec.Add(kAppleNonceOid, false, DerAppleNonce(nonce, tagged));
    }
    Cert leaf = BuildCert(spec, leaf_key ? leaf_key : cred_key_.get(), ca_.key.get(), &ca_.cert);
    return CborMap({{"x5c", CborArray({CborBytes(leaf.der), CborBytes(ca_.cert.der)})}});
  }

  VerifyError Verify(AttestationStatementResult* result = nullptr) const {
    return ceremony_.Verify("apple", Statement(), {}, kNow, result);
  }

  const Ceremony& ceremony() const { return ceremony_; }

 private:
  bssl::UniquePtr<EVP_PKEY> cred_key_;
  Ceremony ceremony_;
  TestCa ca_;
};

class AppleCapture : public ::testing::TestWithParam<const char*> {};

TEST_P(AppleCapture, Passes) {
  KEYSTORM_REQUIRE_CORPUS();
  CaseVerdict v = RunCorpusCase(GetParam());
  EXPECT_TRUE(v.pass) << GetParam() << ": expected " << v.expected << ", got " << v.got;
  EXPECT_EQ(v.got, "ok");
}

// iOS and macOS devices, a synced passkey, and the W3C vector chained to its
// anchor.
INSTANTIATE_TEST_SUITE_P(Corpus, AppleCapture,
                         ::testing::Values("swa-reg-apple", "fido2net-reg-apple",
                                           "py-reg-apple-passkey", "w3c-apple-es256-reg",
                                           "yubico-reg-apple-attestation-ios",
                                           "yubico-reg-apple-attestation-macos"));

TEST(AppleCapture, OtherAuthenticatorDataFails) {
  KEYSTORM_REQUIRE_CORPUS();
  Capture c = LoadCapture("swa-reg-apple");
  ASSERT_EQ(c.Verify(), VerifyError::kOk);
  c.client_data_hash[0] ^= 0x01;  // nonceToHash changes
  EXPECT_EQ(c.Verify(), VerifyError::kAttestationInvalid);
}

TEST(AppleCapture, MissingX5cFails) {
  KEYSTORM_REQUIRE_CORPUS();
  Capture c = LoadCapture("swa-reg-apple");
  Cbor stmt = c.att_stmt();
  stmt.Erase("x5c");
  EXPECT_EQ(c.Verify(&stmt), VerifyError::kAttestationInvalid);
  stmt.Set("x5c", CborArray({}));
  EXPECT_EQ(c.Verify(&stmt), VerifyError::kAttestationInvalid);
}

TEST(AppleStatement, Passes) {
  AppleBuilder b;
  AttestationStatementResult result;
  ASSERT_EQ(b.Verify(&result), VerifyError::kOk);
  EXPECT_EQ(result.type, AttestationType::kAnonCA);
  EXPECT_EQ(result.trust_path.size(), 2u);
}

TEST(AppleStatement, NonceMismatchFails) {
  AppleBuilder b;
  b.nonce = Sha256(b.ceremony().auth_data());
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(AppleStatement, KeyMismatchFails) {
  AppleBuilder b;
  bssl::UniquePtr<EVP_PKEY> other = NewEcKey(NID_X9_62_prime256v1);
  b.leaf_key = other.get();
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(AppleStatement, MissingExtensionFails) {
  AppleBuilder b;
  b.with_extension = false;
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(AppleStatement, RepeatedExtensionFails) {
  AppleBuilder b;
  b.extension_count = 2;
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(AppleStatement, ExtensionWithoutTheExplicitTagFails) {
  AppleBuilder b;
  b.tagged = false;
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(AppleStatement, ExpiredCredentialCertificateFails) {
  AppleBuilder b;
  b.leaf_spec.not_before = kNow + 60;
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

}  // namespace
}  // namespace keystorm::testing
