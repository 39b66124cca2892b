// The KeyDescription parser on its own.
#include "attestation/android_key_description.h"

#include <gtest/gtest.h>

#include "attestation_test_support.h"

namespace keystorm::testing {
namespace {

using attestation::android::KeyDescription;
using attestation::android::ParseKeyDescription;

TEST(KeyDescription, ParsesWhatTheTestsBuild) {
  KeyDescriptionSpec spec;
  spec.challenge = Bytes(32, 0x5a);
  spec.software_enforced.all_applications = true;
  spec.software_enforced.origin = 2;
  spec.tee_enforced.purpose = std::vector<uint64_t>{2, 3};
  Bytes der = DerKeyDescription(spec);
  KeyDescription kd;
  ASSERT_TRUE(ParseKeyDescription(der, &kd));
  EXPECT_EQ(kd.attestation_version, 300u);
  EXPECT_EQ(kd.attestation_security_level, 1u);
  EXPECT_TRUE(Equal(kd.attestation_challenge, spec.challenge));
  EXPECT_TRUE(kd.unique_id.empty());
  EXPECT_TRUE(kd.software_enforced.all_applications);
  EXPECT_EQ(kd.software_enforced.origin, 2u);
  EXPECT_FALSE(kd.software_enforced.has_purpose);
  EXPECT_FALSE(kd.tee_enforced.all_applications);
  EXPECT_EQ(kd.tee_enforced.origin, 0u);
  EXPECT_EQ(kd.tee_enforced.purpose, (std::vector<uint64_t>{2, 3}));
}

TEST(KeyDescription, EveryTruncationAndTrailingByteFails) {
  KeyDescriptionSpec spec;
  spec.challenge = Bytes(32, 1);
  Bytes der = DerKeyDescription(spec);
  KeyDescription kd;
  for (size_t n = 0; n < der.size(); ++n) {
    EXPECT_FALSE(ParseKeyDescription(ByteView(der).first(n), &kd)) << n;
  }
  der.push_back(0);
  EXPECT_FALSE(ParseKeyDescription(der, &kd));
}

// DER with short-form lengths, for hand-made malformations.
Bytes Tlv(Bytes tag, const Bytes& content) {
  EXPECT_LT(content.size(), 128u);
  tag.push_back(static_cast<uint8_t>(content.size()));
  tag.insert(tag.end(), content.begin(), content.end());
  return tag;
}
Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
const Bytes kOriginTag = {0xbf, 0x85, 0x3e};  // [702] constructed, high tag number

// A KeyDescription with empty softwareEnforced and the given teeEnforced contents.
Bytes WithTeeList(const Bytes& tee_contents) {
  return Tlv({0x30}, Cat({Tlv({0x02}, {0x00}), Tlv({0x0a}, {0x00}), Tlv({0x02}, {0x00}),
                          Tlv({0x0a}, {0x00}), Tlv({0x04}, {}), Tlv({0x04}, {}), Tlv({0x30}, {}),
                          Tlv({0x30}, tee_contents)}));
}

TEST(KeyDescription, HandMadeOriginParses) {
  KeyDescription kd;
  ASSERT_TRUE(ParseKeyDescription(WithTeeList(Tlv(kOriginTag, Tlv({0x02}, {0x00}))), &kd));
  EXPECT_EQ(kd.tee_enforced.origin, 0u);
}

TEST(KeyDescription, RepeatedMembersFail) {
  const Bytes origin = Tlv(kOriginTag, Tlv({0x02}, {0x00}));
  const Bytes purpose = Tlv({0xa1}, Tlv({0x31}, Tlv({0x02}, {0x02})));
  const Bytes all_apps = Tlv({0xbf, 0x84, 0x58}, Tlv({0x05}, {}));  // [600]
  KeyDescription kd;
  EXPECT_FALSE(ParseKeyDescription(WithTeeList(Cat({origin, origin})), &kd));
  EXPECT_FALSE(ParseKeyDescription(WithTeeList(Cat({purpose, purpose})), &kd));
  EXPECT_FALSE(ParseKeyDescription(WithTeeList(Cat({all_apps, all_apps})), &kd));
  ASSERT_TRUE(ParseKeyDescription(WithTeeList(Cat({purpose, all_apps, origin})), &kd));
  EXPECT_TRUE(kd.tee_enforced.all_applications);
}

TEST(KeyDescription, NegativeOrNonDerIntegersFail) {
  KeyDescription kd;
  EXPECT_FALSE(ParseKeyDescription(WithTeeList(Tlv(kOriginTag, Tlv({0x02}, {0xff}))), &kd));
  EXPECT_FALSE(ParseKeyDescription(WithTeeList(Tlv(kOriginTag, Tlv({0x02}, {0x00, 0x00}))), &kd));
  EXPECT_FALSE(
      ParseKeyDescription(WithTeeList(Tlv(kOriginTag, Tlv({0x02}, Bytes(10, 0x7f)))), &kd));
  // A long-form length where the short form fits (BER, not DER).
  Bytes ber = WithTeeList({});
  ber.insert(ber.begin() + 1, 0x81);
  EXPECT_FALSE(ParseKeyDescription(ber, &kd));
  // allApplications holding something other than NULL.
  EXPECT_FALSE(ParseKeyDescription(WithTeeList(Tlv({0xbf, 0x84, 0x58}, Tlv({0x02}, {0x00}))), &kd));
}

TEST(KeyDescription, UntaggedListMemberFails) {
  KeyDescription kd;
  EXPECT_FALSE(ParseKeyDescription(WithTeeList(Tlv({0x02}, {0x00})), &kd));
  // An implicitly tagged (primitive) member is not a KeyMint member either.
  EXPECT_FALSE(ParseKeyDescription(WithTeeList(Tlv({0x81}, {0x02})), &kd));
}

TEST(KeyDescription, UnknownMembersAreSkipped) {
  KeyDescription kd;
  const Bytes creation = Tlv({0xbf, 0x85, 0x3d}, Tlv({0x02}, {0x01, 0x02}));  // [701]
  ASSERT_TRUE(ParseKeyDescription(WithTeeList(creation), &kd));
  EXPECT_FALSE(kd.tee_enforced.origin.has_value());
}

TEST(KeyDescription, FromRealCaptures) {
  KEYSTORM_REQUIRE_CORPUS();
  for (const char* id : {"swa-reg-android-key-pixel8a", "w3c-android-key-es256-reg"}) {
    Capture c = LoadCapture(id);
    const Bytes& leaf = c.att_stmt().Find("x5c")->items[0].bytes;
    const uint8_t* p = leaf.data();
    bssl::UniquePtr<X509> cert(d2i_X509(nullptr, &p, static_cast<long>(leaf.size())));
    ASSERT_TRUE(cert);
    bssl::UniquePtr<ASN1_OBJECT> oid(OBJ_txt2obj("1.3.6.1.4.1.11129.2.1.17", 1));
    X509_EXTENSION* ext = X509_get_ext(cert.get(), X509_get_ext_by_OBJ(cert.get(), oid.get(), -1));
    ASSERT_NE(ext, nullptr);
    const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(ext);
    KeyDescription kd;
    ASSERT_TRUE(ParseKeyDescription(
        ByteView(ASN1_STRING_get0_data(value), static_cast<size_t>(ASN1_STRING_length(value))),
        &kd))
        << id;
    EXPECT_TRUE(Equal(kd.attestation_challenge, c.client_data_hash)) << id;
  }
}

// tools/fuzz/make_attestation_seeds.py: only the bad_ seeds are refused.
TEST(KeyDescriptionSeeds, ParseAsNamed) {
  for (const auto& [name, bytes] : FuzzSeeds("android_key_description")) {
    KeyDescription kd;
    EXPECT_EQ(ParseKeyDescription(bytes, &kd), !name.starts_with("bad_")) << name;
  }
}

}  // namespace
}  // namespace keystorm::testing
