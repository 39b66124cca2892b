// ParseAuthenticatorData (authenticator_data.h): layout, AT/ED consistency,
// and the CBOR rules for the credential key and the extensions.
#include "keystorm/authenticator_data.h"

#include <gtest/gtest.h>
#include <openssl/nid.h>

#include <numeric>

#include "parsers_test_util.h"

namespace keystorm {
namespace {

using testing::CborArray;
using testing::CborBytes;
using testing::CborHead;
using testing::CborInt;
using testing::CborMap;
using testing::CborText;
using testing::Concat;

constexpr uint8_t kUP = kFlagUserPresent, kUV = kFlagUserVerified, kAT = kFlagAttestedData,
                  kED = kFlagExtensionData;

Bytes RpIdHash() {
  Bytes h(32);
  std::iota(h.begin(), h.end(), 0xa0);
  return h;
}

Bytes Aaguid() {
  Bytes a(16);
  std::iota(a.begin(), a.end(), 1);
  return a;
}

// rpIdHash ‖ flags ‖ signCount.
Bytes Header(uint8_t flags, uint32_t sign_count = 0) {
  Bytes out = RpIdHash();
  out.push_back(flags);
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<uint8_t>(sign_count >> (8 * i)));
  return out;
}

// aaguid ‖ L (big-endian) ‖ credentialId ‖ credentialPublicKey; `declared_len`
// overrides L.
Bytes Attested(ByteView id, ByteView key, int declared_len = -1) {
  size_t len = declared_len < 0 ? id.size() : static_cast<size_t>(declared_len);
  Bytes l = {static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)};
  return Concat({Aaguid(), l, id, key});
}

Bytes Es256Key() {
  testing::EcTestKey k = testing::NewEcKey(NID_X9_62_prime256v1);
  return testing::Ec2CoseKey(-7, 1, k.x, k.y);
}

Bytes Extensions() { return CborMap({{CborText("credProtect"), CborInt(2)}}); }

VerifyError Parse(const Bytes& raw, AuthenticatorData* out) { return ParseAuthenticatorData(raw, out); }

VerifyError Parse(const Bytes& raw) {
  AuthenticatorData ad;
  return ParseAuthenticatorData(raw, &ad);
}

TEST(AuthenticatorDataTest, MinimalAssertionData) {
  Bytes raw = Header(kUP | kUV | kFlagBackupEligible | kFlagBackupState, 0x01020304);
  AuthenticatorData ad;
  ASSERT_EQ(Parse(raw, &ad), VerifyError::kOk);
  EXPECT_EQ(ad.raw.data(), raw.data());
  EXPECT_EQ(ad.raw.size(), 37u);
  EXPECT_EQ(ad.rp_id_hash.data(), raw.data());
  EXPECT_TRUE(Equal(ad.rp_id_hash, RpIdHash()));
  EXPECT_EQ(ad.sign_count, 0x01020304u);  // big-endian
  EXPECT_TRUE(ad.user_present());
  EXPECT_TRUE(ad.user_verified());
  EXPECT_TRUE(ad.backup_eligible());
  EXPECT_TRUE(ad.backup_state());
  EXPECT_FALSE(ad.attested.has_value());
  EXPECT_TRUE(ad.extensions.empty());
}

TEST(AuthenticatorDataTest, FlagsAreReportedBitByBit) {
  AuthenticatorData ad;
  ASSERT_EQ(Parse(Header(0), &ad), VerifyError::kOk);
  EXPECT_FALSE(ad.user_present() || ad.user_verified() || ad.backup_eligible() || ad.backup_state());
  // RFU bits (0x02, 0x20) are carried, not judged here.
  ASSERT_EQ(Parse(Header(0x22), &ad), VerifyError::kOk);
  EXPECT_EQ(ad.flags, 0x22);
  EXPECT_FALSE(ad.user_present());
}

TEST(AuthenticatorDataTest, ShorterThan37BytesIsMalformed) {
  Bytes full = Header(kUP);
  for (size_t len = 0; len < 37; ++len) {
    Bytes cut(full.begin(), full.begin() + len);
    EXPECT_EQ(Parse(cut), VerifyError::kMalformedAuthenticatorData) << len;
  }
}

TEST(AuthenticatorDataTest, LeftoverBytesWithoutAtOrEdAreMalformed) {
  EXPECT_EQ(Parse(Concat({Header(kUP), Bytes{0x00}})), VerifyError::kMalformedAuthenticatorData);
  // Attested data present but AT clear.
  EXPECT_EQ(Parse(Concat({Header(kUP), Attested(Bytes(16, 1), Es256Key())})),
            VerifyError::kMalformedAuthenticatorData);
  // Extensions present but ED clear.
  EXPECT_EQ(Parse(Concat({Header(kUP), Extensions()})), VerifyError::kMalformedAuthenticatorData);
}

TEST(AuthenticatorDataTest, AttestedCredentialData) {
  Bytes id(20);
  std::iota(id.begin(), id.end(), 100);
  Bytes key = Es256Key();
  Bytes raw = Concat({Header(kUP | kAT, 7), Attested(id, key)});
  AuthenticatorData ad;
  ASSERT_EQ(Parse(raw, &ad), VerifyError::kOk);
  ASSERT_TRUE(ad.attested.has_value());
  EXPECT_TRUE(Equal(ad.attested->aaguid, Aaguid()));
  EXPECT_TRUE(Equal(ad.attested->credential_id, id));
  EXPECT_EQ(ad.attested->credential_id.data(), raw.data() + 55);
  EXPECT_TRUE(Equal(ad.attested->credential_public_key, key));
  EXPECT_EQ(ad.attested->credential_public_key.data(), raw.data() + 55 + id.size());
  EXPECT_EQ(ad.sign_count, 7u);
  EXPECT_TRUE(ad.extensions.empty());
}

TEST(AuthenticatorDataTest, EmptyAndLongCredentialIdsParse) {
  AuthenticatorData ad;
  ASSERT_EQ(Parse(Concat({Header(kUP | kAT), Attested({}, Es256Key())}), &ad), VerifyError::kOk);
  EXPECT_TRUE(ad.attested->credential_id.empty());
  // Longer than 1023 bytes still parses; R25 is a later step.
  ASSERT_EQ(Parse(Concat({Header(kUP | kAT), Attested(Bytes(1024, 5), Es256Key())}), &ad),
            VerifyError::kOk);
  EXPECT_EQ(ad.attested->credential_id.size(), 1024u);
}

TEST(AuthenticatorDataTest, AtWithoutCompleteAttestedDataIsMalformed) {
  Bytes key = Es256Key();
  Bytes id(16, 3);
  // No attested data at all.
  EXPECT_EQ(Parse(Header(kUP | kAT)), VerifyError::kMalformedAuthenticatorData);
  // AAGUID cut short.
  EXPECT_EQ(Parse(Concat({Header(kUP | kAT), ByteView(Aaguid()).first(10)})),
            VerifyError::kMalformedAuthenticatorData);
  // Length prefix cut short.
  EXPECT_EQ(Parse(Concat({Header(kUP | kAT), Aaguid(), Bytes{0x00}})), VerifyError::kMalformedAuthenticatorData);
  // Credential ID length beyond the input.
  EXPECT_EQ(Parse(Concat({Header(kUP | kAT), Attested(id, {}, 17)})), VerifyError::kMalformedAuthenticatorData);
  EXPECT_EQ(Parse(Concat({Header(kUP | kAT), Attested(id, {}, 0xffff)})),
            VerifyError::kMalformedAuthenticatorData);
  // ID present, key missing.
  EXPECT_EQ(Parse(Concat({Header(kUP | kAT), Attested(id, {})})), VerifyError::kMalformedAuthenticatorData);
}

TEST(AuthenticatorDataTest, CredentialKeyMustBeCanonicalCbor) {
  testing::EcTestKey k = testing::NewEcKey(NID_X9_62_prime256v1);
  Bytes id(16, 3);
  // Out of CTAP2 order: alg (3) before kty (1).
  Bytes misordered = CborMap({{CborInt(3), CborInt(-7)},
                              {CborInt(1), CborInt(2)},
                              {CborInt(-1), CborInt(1)},
                              {CborInt(-2), CborBytes(k.x)},
                              {CborInt(-3), CborBytes(k.y)}});
  EXPECT_EQ(Parse(Concat({Header(kUP | kAT), Attested(id, misordered)})), VerifyError::kMalformedCbor);
  // Non-shortest integer inside the key.
  Bytes wide = CborMap({{CborHead(0, 1, 1), CborInt(2)}});
  EXPECT_EQ(Parse(Concat({Header(kUP | kAT), Attested(id, wide)})), VerifyError::kMalformedCbor);
  // Indefinite-length map.
  EXPECT_EQ(Parse(Concat({Header(kUP | kAT), Attested(id, testing::FromHex("bf0102ff"))})),
            VerifyError::kMalformedCbor);
  // Duplicate label.
  Bytes dup = CborMap({{CborInt(1), CborInt(2)}, {CborInt(1), CborInt(2)}});
  EXPECT_EQ(Parse(Concat({Header(kUP | kAT), Attested(id, dup)})), VerifyError::kMalformedCbor);
  // A key whose declared length runs past the end.
  Bytes truncated = testing::Ec2CoseKey(-7, 1, k.x, k.y);
  truncated.pop_back();
  EXPECT_EQ(Parse(Concat({Header(kUP | kAT), Attested(id, truncated)})), VerifyError::kMalformedCbor);
  // Nested deeper than a COSE key may be.
  Bytes deep = CborMap({{CborInt(1), CborArray({CborArray({CborArray({CborArray({CborInt(0)})})})})}});
  EXPECT_EQ(Parse(Concat({Header(kUP | kAT), Attested(id, deep)})), VerifyError::kMalformedCbor);
}

TEST(AuthenticatorDataTest, BytesAfterTheKeyWithoutEdAreMalformed) {
  Bytes raw = Concat({Header(kUP | kAT), Attested(Bytes(16, 3), Es256Key()), Bytes{0x00}});
  EXPECT_EQ(Parse(raw), VerifyError::kMalformedAuthenticatorData);
}

TEST(AuthenticatorDataTest, ExtensionsOnly) {
  Bytes ext = Extensions();
  Bytes raw = Concat({Header(kUP | kED, 9), ext});
  AuthenticatorData ad;
  ASSERT_EQ(Parse(raw, &ad), VerifyError::kOk);
  EXPECT_FALSE(ad.attested.has_value());
  EXPECT_TRUE(Equal(ad.extensions, ext));
  EXPECT_EQ(ad.extensions.data(), raw.data() + 37);
  // An empty map is a map.
  ASSERT_EQ(Parse(Concat({Header(kUP | kED), CborMap({})}), &ad), VerifyError::kOk);
  EXPECT_EQ(ad.extensions.size(), 1u);
}

TEST(AuthenticatorDataTest, AttestedDataAndExtensions) {
  Bytes id(32, 8), key = Es256Key(), ext = Extensions();
  Bytes raw = Concat({Header(kUP | kAT | kED), Attested(id, key), ext});
  AuthenticatorData ad;
  ASSERT_EQ(Parse(raw, &ad), VerifyError::kOk);
  ASSERT_TRUE(ad.attested.has_value());
  EXPECT_TRUE(Equal(ad.attested->credential_public_key, key));
  EXPECT_TRUE(Equal(ad.extensions, ext));
  EXPECT_EQ(ad.extensions.data(), raw.data() + 55 + id.size() + key.size());
  // AT and ED set but the extensions missing.
  EXPECT_EQ(Parse(Concat({Header(kUP | kAT | kED), Attested(id, key)})),
            VerifyError::kMalformedAuthenticatorData);
}

TEST(AuthenticatorDataTest, EdWithoutExtensionsIsMalformed) {
  EXPECT_EQ(Parse(Header(kUP | kED)), VerifyError::kMalformedAuthenticatorData);
}

TEST(AuthenticatorDataTest, ExtensionsMustBeOneCanonicalMap) {
  // Not a map.
  EXPECT_EQ(Parse(Concat({Header(kUP | kED), CborArray({CborInt(1)})})), VerifyError::kMalformedAuthenticatorData);
  EXPECT_EQ(Parse(Concat({Header(kUP | kED), CborText("credProtect")})), VerifyError::kMalformedAuthenticatorData);
  // Out of order, duplicated, or indefinite: CBOR faults.
  Bytes misordered = CborMap({{CborText("b"), CborInt(1)}, {CborText("a"), CborInt(2)}});
  EXPECT_EQ(Parse(Concat({Header(kUP | kED), misordered})), VerifyError::kMalformedCbor);
  Bytes dup = CborMap({{CborText("a"), CborInt(1)}, {CborText("a"), CborInt(2)}});
  EXPECT_EQ(Parse(Concat({Header(kUP | kED), dup})), VerifyError::kMalformedCbor);
  EXPECT_EQ(Parse(Concat({Header(kUP | kED), testing::FromHex("bf616101ff")})), VerifyError::kMalformedCbor);
  // Anything after the map.
  EXPECT_EQ(Parse(Concat({Header(kUP | kED), Extensions(), Bytes{0x00}})), VerifyError::kMalformedCbor);
  EXPECT_EQ(Parse(Concat({Header(kUP | kED), Extensions(), Extensions()})), VerifyError::kMalformedCbor);
}

}  // namespace
}  // namespace keystorm
