// §8.5 android-safetynet: real captures pass; each check fails on its own on
// responses built here (a SafetyNet service whose certificate the test issues).
#include <gtest/gtest.h>
#include <openssl/base64.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/nid.h>
#include <openssl/x509v3.h>

#include <optional>

#include "attestation/safetynet_jws.h"
#include "attestation_test_support.h"
#include "keystorm/base64url.h"

namespace keystorm::testing {
namespace {

std::string StdBase64(ByteView data) {
  std::string out(((data.size() + 2) / 3) * 4 + 1, '\0');
  size_t n = EVP_EncodeBlock(reinterpret_cast<uint8_t*>(out.data()), data.data(), data.size());
  out.resize(n);
  return out;
}

Bytes DerToRawEcdsa(ByteView der, size_t component) {
  bssl::UniquePtr<ECDSA_SIG> sig(ECDSA_SIG_from_bytes(der.data(), der.size()));
  EXPECT_TRUE(sig);
  Bytes raw(2 * component);
  EXPECT_TRUE(BN_bn2bin_padded(raw.data(), component, sig->r) &&
              BN_bn2bin_padded(raw.data() + component, component, sig->s));
  return raw;
}

class SafetyNetBuilder {
 public:
  explicit SafetyNetBuilder(bool ecdsa = false)
      : cred_key_(NewEcKey(NID_X9_62_prime256v1)),
        ceremony_(cred_key_.get(), -7),
        ca_(MakeCa("Keystorm test GTS CA")),
        leaf_key_(ecdsa ? NewEcKey(NID_X9_62_prime256v1) : RsaKey(1)) {
    alg = ecdsa ? "ES256" : "RS256";
    nonce = StdBase64(Sha256(ceremony_.ToBeSigned()));
    leaf_spec.subject = {{"CN", "attest.android.com"}, {"O", "Google LLC"}};
    leaf_spec.Add("2.5.29.17", false, DerDnsNameSan("attest.android.com"));
  }

  std::string ver = "214815023";
  std::string alg;
  std::string nonce;
  std::optional<int64_t> timestamp_ms = kNow * 1000 - 5000;
  std::optional<bool> cts_profile_match = true;
  CertSpec leaf_spec;
  bool include_ca = true;
  bool corrupt_sig = false;
  EVP_PKEY* signing_key = nullptr;     // default: the leaf's key
  std::optional<std::string> header;   // raw JSON instead of the built one
  std::optional<std::string> payload;  // raw JSON instead of the built one

  const Ceremony& ceremony() const { return ceremony_; }

  std::string Header() const {
    if (header) return *header;
    Cert leaf = BuildCert(leaf_spec, leaf_key_.get(), ca_.key.get(), &ca_.cert);
    std::string x5c = "\"" + StdBase64(leaf.der) + "\"";
    if (include_ca) x5c += ",\"" + StdBase64(ca_.cert.der) + "\"";
    return R"({"alg":")" + alg + R"(","x5c":[)" + x5c + "]}";
  }

  std::string Payload() const {
    if (payload) return *payload;
    std::string p = R"({"nonce":")" + nonce + R"(","apkPackageName":"com.google.android.gms")";
    if (timestamp_ms) p += ",\"timestampMs\":" + std::to_string(*timestamp_ms);
    if (cts_profile_match)
      p += std::string(",\"ctsProfileMatch\":") + (*cts_profile_match ? "true" : "false");
    return p + R"(,"basicIntegrity":true})";
  }

  std::string Response() const {
    std::string signing_input =
        Base64UrlEncode(AsBytes(Header())) + "." + Base64UrlEncode(AsBytes(Payload()));
    EVP_PKEY* key = signing_key ? signing_key : leaf_key_.get();
    Bytes sig = Sign(key, EVP_sha256(), AsBytes(signing_input));
    if (EVP_PKEY_id(key) == EVP_PKEY_EC) sig = DerToRawEcdsa(sig, 32);
    if (corrupt_sig) sig[7] ^= 0x04;
    return signing_input + "." + Base64UrlEncode(sig);
  }

  Cbor Statement() const {
    return CborMap({{"ver", CborText(ver)}, {"response", CborBytes(AsBytes(Response()))}});
  }

  VerifyError Verify(const AttestationPolicy& policy = {}, int64_t time = kNow,
                     AttestationStatementResult* result = nullptr) const {
    return ceremony_.Verify("android-safetynet", Statement(), policy, time, result);
  }

 private:
  bssl::UniquePtr<EVP_PKEY> cred_key_;
  Ceremony ceremony_;
  TestCa ca_;
  bssl::UniquePtr<EVP_PKEY> leaf_key_;
};

// --- Real captures ----------------------------------------------------------

class SafetyNetCapture : public ::testing::TestWithParam<const char*> {};

TEST_P(SafetyNetCapture, Passes) {
  KEYSTORM_REQUIRE_CORPUS();
  CaseVerdict v = RunCorpusCase(GetParam());
  EXPECT_TRUE(v.pass) << GetParam() << ": expected " << v.expected << ", got " << v.got;
  EXPECT_EQ(v.got, "ok");
}

// A real device chained to GlobalSign R2; a ctsProfileMatch:false response
// with the CTS check off; a response checked without its timestamp.
INSTANTIATE_TEST_SUITE_P(Corpus, SafetyNetCapture,
                         ::testing::Values("yubico-reg-android-safetynet-real",
                                           "swa-reg-android-safetynet-cts-skip",
                                           "py-reg-android-safetynet-attstmt-only"));

TEST(SafetyNetCapture, CtsProfileMismatchFailsWhenEnforced) {
  KEYSTORM_REQUIRE_CORPUS();
  CaseVerdict v = RunCorpusCase("swa-reg-android-safetynet-cts-false");
  EXPECT_TRUE(v.pass);
  EXPECT_EQ(v.got, "attestation_invalid");
}

TEST(SafetyNetCapture, TrustPathIsTheJwsX5cAndOutlivesCopies) {
  KEYSTORM_REQUIRE_CORPUS();
  Capture c = LoadCapture("yubico-reg-android-safetynet-real");
  AttestationStatementResult copy;
  {
    AttestationStatementResult result;
    ASSERT_EQ(VerifyStatement("android-safetynet", c.att_stmt(), c.auth_data(), c.client_data_hash,
                              c.policy, c.verification_time, &result),
              VerifyError::kOk);
    EXPECT_EQ(result.type, AttestationType::kBasic);
    copy = result;
  }
  ASSERT_EQ(copy.trust_path.size(), 2u);
  const uint8_t* p = copy.trust_path[0].data();
  bssl::UniquePtr<X509> leaf(d2i_X509(nullptr, &p, static_cast<long>(copy.trust_path[0].size())));
  ASSERT_TRUE(leaf);
  EXPECT_EQ(X509_check_host(leaf.get(), "attest.android.com", 18, 0, nullptr), 1);
}

TEST(SafetyNetCapture, TimestampCheckRefusesTheOldCaptureAtAnotherTime) {
  KEYSTORM_REQUIRE_CORPUS();
  Capture c = LoadCapture("yubico-reg-android-safetynet-real");
  ASSERT_EQ(c.Verify(), VerifyError::kOk);
  c.verification_time += 120;  // the response is now two minutes old
  EXPECT_EQ(c.Verify(), VerifyError::kAttestationInvalid);
  AttestationPolicy no_timestamp;
  no_timestamp.safetynet_check_timestamp = false;
  EXPECT_EQ(c.VerifyWithPolicy(no_timestamp), VerifyError::kOk);
}

TEST(SafetyNetCapture, OtherClientDataHashFails) {
  KEYSTORM_REQUIRE_CORPUS();
  Capture c = LoadCapture("swa-reg-android-safetynet-cts-skip");
  c.client_data_hash[31] ^= 0x01;  // nonce mismatch
  EXPECT_EQ(c.Verify(), VerifyError::kAttestationInvalid);
}

TEST(SafetyNetCapture, TamperedResponseFails) {
  KEYSTORM_REQUIRE_CORPUS();
  Capture c = LoadCapture("swa-reg-android-safetynet-cts-skip");
  Cbor stmt = c.att_stmt();
  Bytes& response = stmt.Find("response")->bytes;
  response[response.size() - 10] ^= 0x01;  // a signature character
  EXPECT_EQ(c.Verify(&stmt), VerifyError::kAttestationInvalid);
  stmt = c.att_stmt();
  stmt.Erase("ver");
  EXPECT_EQ(c.Verify(&stmt), VerifyError::kAttestationInvalid);
}

// --- Responses built by the test --------------------------------------------

TEST(SafetyNetStatement, Rs256Passes) {
  SafetyNetBuilder b;
  AttestationStatementResult result;
  ASSERT_EQ(b.Verify({}, kNow, &result), VerifyError::kOk);
  EXPECT_EQ(result.type, AttestationType::kBasic);
  EXPECT_EQ(result.trust_path.size(), 2u);
}

TEST(SafetyNetStatement, Es256Passes) {
  SafetyNetBuilder b(/*ecdsa=*/true);
  EXPECT_EQ(b.Verify(), VerifyError::kOk);
}

TEST(SafetyNetStatement, WrongHostnameFails) {
  SafetyNetBuilder b;
  b.leaf_spec.subject = {{"CN", "attest.example.com"}};
  b.leaf_spec.extensions.clear();
  b.leaf_spec.Add("2.5.29.17", false, DerDnsNameSan("attest.example.com"));
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(SafetyNetStatement, HostnameOnlyInTheCommonNameWithoutSanPasses) {
  SafetyNetBuilder b;
  b.leaf_spec.extensions.clear();
  EXPECT_EQ(b.Verify(), VerifyError::kOk);
}

TEST(SafetyNetStatement, HostnameInCommonNameButOtherSanFails) {
  SafetyNetBuilder b;
  b.leaf_spec.extensions.clear();
  b.leaf_spec.Add("2.5.29.17", false, DerDnsNameSan("other.android.com"));
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(SafetyNetStatement, NonceMismatchFails) {
  SafetyNetBuilder b;
  b.nonce = StdBase64(Sha256(b.ceremony().auth_data()));
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(SafetyNetStatement, NonceInBase64urlFails) {
  SafetyNetBuilder b;
  // The same digest spelt base64url without padding is not "the Base64 encoding".
  b.nonce = Base64UrlEncode(Sha256(b.ceremony().ToBeSigned()));
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(SafetyNetStatement, CtsProfileMismatchFailsUnlessNotEnforced) {
  SafetyNetBuilder b;
  b.cts_profile_match = false;
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
  AttestationPolicy lenient;
  lenient.safetynet_enforce_cts_profile_match = false;
  EXPECT_EQ(b.Verify(lenient), VerifyError::kOk);
}

TEST(SafetyNetStatement, CtsProfileMissingFailsWhenEnforced) {
  SafetyNetBuilder b;
  b.cts_profile_match.reset();
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(SafetyNetStatement, FutureTimestampFails) {
  SafetyNetBuilder b;
  b.timestamp_ms = (kNow + 2) * 1000;
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
  b.timestamp_ms = kNow * 1000 + 999;  // within the verification time's second
  EXPECT_EQ(b.Verify(), VerifyError::kOk);
}

TEST(SafetyNetStatement, StaleTimestampFails) {
  SafetyNetBuilder b;
  b.timestamp_ms = kNow * 1000 - 60001;
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
  b.timestamp_ms = kNow * 1000 - 60000;  // exactly the window
  EXPECT_EQ(b.Verify(), VerifyError::kOk);
}

TEST(SafetyNetStatement, WindowIsConfigurable) {
  SafetyNetBuilder b;
  b.timestamp_ms = kNow * 1000 - 300000;
  AttestationPolicy wide;
  wide.safetynet_timestamp_window_ms = 600000;
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
  EXPECT_EQ(b.Verify(wide), VerifyError::kOk);
}

TEST(SafetyNetStatement, TimestampCheckOffAcceptsStaleFutureAndMissing) {
  SafetyNetBuilder b;
  AttestationPolicy off;
  off.safetynet_check_timestamp = false;
  b.timestamp_ms = (kNow - 86400) * 1000;
  EXPECT_EQ(b.Verify(off), VerifyError::kOk);
  b.timestamp_ms = (kNow + 86400) * 1000;
  EXPECT_EQ(b.Verify(off), VerifyError::kOk);
  b.timestamp_ms.reset();
  EXPECT_EQ(b.Verify(off), VerifyError::kOk);
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(SafetyNetStatement, BadSignatureFails) {
  SafetyNetBuilder b;
  b.corrupt_sig = true;
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(SafetyNetStatement, SignatureByAnotherKeyFails) {
  SafetyNetBuilder b;
  bssl::UniquePtr<EVP_PKEY> other = RsaKey(2);
  b.signing_key = other.get();
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(SafetyNetStatement, AlgNoneOrHmacOrMismatchedFails) {
  for (const char* alg : {"none", "HS256", "ES256", "RS512"}) {
    SafetyNetBuilder b;  // an RS256 signature
    b.alg = alg;
    EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid) << alg;
  }
}

TEST(SafetyNetStatement, ExpiredLeafFails) {
  SafetyNetBuilder b;
  b.leaf_spec.not_after = kNow - 3600;
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
}

TEST(SafetyNetStatement, LeafWithoutItsIssuerStillVerifies) {
  SafetyNetBuilder b;
  b.include_ca = false;  // chain-internal checks only; trust is R23-R24's
  EXPECT_EQ(b.Verify(), VerifyError::kOk);
}

TEST(SafetyNetStatement, MissingOrEmptyVerFails) {
  SafetyNetBuilder b;
  b.ver = "";
  EXPECT_EQ(b.Verify(), VerifyError::kAttestationInvalid);
  SafetyNetBuilder c;
  Cbor stmt = c.Statement();
  stmt.Erase("ver");
  EXPECT_EQ(c.ceremony().Verify("android-safetynet", stmt), VerifyError::kAttestationInvalid);
  stmt = c.Statement();
  stmt.Set("response", CborText(c.Response()));  // text, not bytes
  EXPECT_EQ(c.ceremony().Verify("android-safetynet", stmt), VerifyError::kAttestationInvalid);
}

// Malformed JWS: each must fail without a crash.
TEST(SafetyNetStatement, MalformedJwsFails) {
  SafetyNetBuilder b;
  const std::string good = b.Response();
  const size_t dot1 = good.find('.'), dot2 = good.rfind('.');
  const std::string header = good.substr(0, dot1), payload = good.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string sig = good.substr(dot2 + 1);
  const std::vector<std::string> bad = {
      "",
      header + "." + payload,                          // two parts
      header + "." + payload + "." + sig + "." + sig,  // four parts
      header + ".." + sig,                             // empty payload
      header + "." + payload + ".",                    // empty signature
      header + "." + payload + "." + sig + "+",        // not base64url
      "e30." + payload + "." + sig,                    // header {}
      Base64UrlEncode(AsBytes("[1]")) + "." + payload + "." + sig,
      Base64UrlEncode(AsBytes("{\"alg\":\"RS256\",\"x5c\":[]}")) + "." + payload + "." + sig,
      Base64UrlEncode(AsBytes("{\"alg\":\"RS256\",\"x5c\":[\"!!\"]}")) + "." + payload + "." + sig,
      Base64UrlEncode(AsBytes("{\"alg\":\"RS256\",\"alg\":\"RS256\",\"x5c\":[\"AAAA\"]}")) + "." +
          payload + "." + sig,
      header + "." + Base64UrlEncode(AsBytes("{\"nonce\":1}")) + "." + sig,
      header + "." + Base64UrlEncode(AsBytes("{\"nonce\":\"a\",\"nonce\":\"b\"}")) + "." + sig,
      header + "." + Base64UrlEncode(AsBytes("{\"nonce\":\"a\",\"timestampMs\":\"1\"}")) + "." +
          sig,
      header + "." + Base64UrlEncode(AsBytes("{\"nonce\":\"a\",\"ctsProfileMatch\":1}")) + "." +
          sig,
      header + "." + Base64UrlEncode(AsBytes("{\"nonce\":\"a\"} x")) + "." + sig,
  };
  for (const std::string& response : bad) {
    Cbor stmt = CborMap({{"ver", CborText("1")}, {"response", CborBytes(AsBytes(response))}});
    EXPECT_EQ(b.ceremony().Verify("android-safetynet", stmt), VerifyError::kAttestationInvalid)
        << response.substr(0, 80);
  }
}

TEST(SafetyNetJws, ParsesFieldsAndBoundsTheInput) {
  SafetyNetBuilder b;
  std::string response = b.Response();
  attestation::safetynet::Jws jws;
  ASSERT_TRUE(attestation::safetynet::ParseJws(AsBytes(response), &jws));
  EXPECT_EQ(jws.alg, "RS256");
  EXPECT_EQ(jws.x5c.size(), 2u);
  EXPECT_EQ(jws.nonce, b.nonce);
  EXPECT_EQ(jws.timestamp_ms, b.timestamp_ms);
  EXPECT_EQ(jws.cts_profile_match, true);
  EXPECT_EQ(jws.basic_integrity, true);
  EXPECT_EQ(AsChars(jws.signing_input), response.substr(0, response.rfind('.')));
  std::string huge(attestation::safetynet::kMaxResponseBytes + 1, 'A');
  EXPECT_FALSE(attestation::safetynet::ParseJws(AsBytes(huge), &jws));
}

TEST(SafetyNetJws, TooManyCertificatesFail) {
  std::string x5c;
  for (size_t i = 0; i <= attestation::safetynet::kMaxCertificates; ++i) {
    x5c += std::string(i ? "," : "") + "\"AAAA\"";
  }
  std::string response = Base64UrlEncode(AsBytes("{\"alg\":\"RS256\",\"x5c\":[" + x5c + "]}")) +
                         "." + Base64UrlEncode(AsBytes("{\"nonce\":\"a\"}")) + ".AAAA";
  attestation::safetynet::Jws jws;
  EXPECT_FALSE(attestation::safetynet::ParseJws(AsBytes(response), &jws));
}

// tools/fuzz/make_attestation_seeds.py: only the bad_ seeds are refused by
// the parser (the others fail later, at the signature).
TEST(SafetyNetSeeds, ParseAsNamed) {
  for (const auto& [name, bytes] : FuzzSeeds("safetynet_jws")) {
    attestation::safetynet::Jws jws;
    EXPECT_EQ(attestation::safetynet::ParseJws(bytes, &jws), !name.starts_with("bad_")) << name;
  }
}

}  // namespace
}  // namespace keystorm::testing
