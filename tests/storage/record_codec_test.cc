// The value and key encodings of docs/storage_format.md: pinned bytes
// (testdata/record_v1.txt), round trips, and strict refusal of anything else.
#include "keystorm/storage/record_codec.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "keystorm/storage/store_layout.h"
#include "store_test_util.h"

namespace keystorm::storage::testing {
namespace {

std::string Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    out.push_back(kHex[static_cast<uint8_t>(c) >> 4]);
    out.push_back(kHex[static_cast<uint8_t>(c) & 15]);
  }
  return out;
}

std::string Unhex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// name -> value bytes, from "name hex" lines ('#' starts a comment).
std::map<std::string, std::string> LoadVectors() {
  std::map<std::string, std::string> out;
  std::ifstream in(std::string(KEYSTORM_SOURCE_DIR) + "/tests/storage/testdata/record_v1.txt");
  EXPECT_TRUE(in.good()) << "testdata/record_v1.txt missing";
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name, hex;
    fields >> name >> hex;
    out[name] = Unhex(hex);
  }
  return out;
}

CredentialRecord FullCredential() { return MakeCredential("cred-id", "user-handle", 0x01020304); }

CredentialRecord MinimalCredential() {
  CredentialRecord r;
  r.id = B("i");
  r.user_handle = B("u");
  r.public_key_cose = B("k");
  r.algorithm = -257;
  r.sign_count = 0xFFFFFFFF;
  r.created_at = -1;
  r.last_used_at = 1;
  return r;
}

UserRecord BypassUser() {
  UserRecord u = MakeUser("user-handle", "alice");
  u.must_reregister = true;
  u.bypass_until = 1'800'000'000;
  return u;
}

TEST(RecordCodec, BytesMatchThePinnedVectors) {
  auto vectors = LoadVectors();
  std::string v;
  EncodeCredentialValue(FullCredential(), &v);
  EXPECT_EQ(Hex(v), Hex(vectors["credential_full"]));
  v.clear();
  EncodeCredentialValue(MinimalCredential(), &v);
  EXPECT_EQ(Hex(v), Hex(vectors["credential_minimal"]));
  v.clear();
  EncodeUserValue(BypassUser(), &v);
  EXPECT_EQ(Hex(v), Hex(vectors["user_bypass"]));
  v.clear();
  EncodeUserValue(MakeUser("h", "bob"), &v);
  EXPECT_EQ(Hex(v), Hex(vectors["user_plain"]));
  v.clear();
  EncodeNameIndexValue(B("user-handle"), &v);
  EXPECT_EQ(Hex(v), Hex(vectors["name_index"]));
  v.clear();
  EncodeConsumedChallengeValue(1'800'000'000'000, &v);
  EXPECT_EQ(Hex(v), Hex(vectors["consumed_challenge"]));
  EXPECT_EQ(Hex(layout::UserCredentialKey(B("user-handle"), B("cred-id"))),
            Hex(vectors["key_user_credential"]));
  EXPECT_EQ(Hex(layout::ChallengeKey(1'800'000'000'000, B("rnd"))), Hex(vectors["key_challenge"]));

  // And the pinned bytes decode to the records.
  CredentialRecord r;
  ASSERT_TRUE(DecodeCredentialValue(B("cred-id"), vectors["credential_full"], &r).ok());
  EXPECT_TRUE(SameRecord(r, FullCredential()));
  ASSERT_TRUE(DecodeCredentialValue(B("i"), vectors["credential_minimal"], &r).ok());
  EXPECT_TRUE(SameRecord(r, MinimalCredential()));
  UserRecord u;
  ASSERT_TRUE(DecodeUserValue(B("user-handle"), vectors["user_bypass"], &u).ok());
  EXPECT_TRUE(SameUser(u, BypassUser()));
}

TEST(RecordCodec, EveryTruncationAndAnyTrailingByteIsCorruption) {
  std::string v;
  EncodeCredentialValue(FullCredential(), &v);
  CredentialRecord r;
  for (size_t n = 0; n < v.size(); ++n) {
    Status s = DecodeCredentialValue(B("cred-id"), v.substr(0, n), &r);
    EXPECT_EQ(s.code(), Status::Code::kCorruption) << "prefix of " << n << " bytes";
  }
  Status s = DecodeCredentialValue(B("cred-id"), v + '\0', &r);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find("trailing"), std::string_view::npos) << s.ToString();
  EXPECT_NE(s.message().find(Hex("cred-id")), std::string_view::npos) << "names the key";

  std::string u;
  EncodeUserValue(BypassUser(), &u);
  UserRecord user;
  for (size_t n = 0; n < u.size(); ++n) {
    EXPECT_EQ(DecodeUserValue(B("h"), u.substr(0, n), &user).code(), Status::Code::kCorruption);
  }
}

TEST(RecordCodec, UnknownVersionReservedBitsAndOverlongNumbersAreCorruption) {
  std::string v;
  EncodeCredentialValue(MinimalCredential(), &v);
  CredentialRecord r;
  std::string newer = v;
  newer[0] = 2;
  Status s = DecodeCredentialValue(B("i"), newer, &r);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find("version 2"), std::string_view::npos) << s.ToString();

  // Layout of the minimal record: version, 01 'u', 01 'k', zigzag(-257) as
  // two bytes, 4 counter bytes, then the flags byte at offset 11.
  std::string flags = v;
  ASSERT_EQ(static_cast<uint8_t>(flags[11]), 0);
  flags[11] = 0x08;
  EXPECT_EQ(DecodeCredentialValue(B("i"), flags, &r).code(), Status::Code::kCorruption);

  // The user handle length written with a redundant continuation byte.
  std::string overlong = v.substr(0, 1) + std::string("\x81\x00", 2) + v.substr(2);
  EXPECT_EQ(DecodeCredentialValue(B("i"), overlong, &r).code(), Status::Code::kCorruption);

  // A length beyond the field's limit, even with the bytes present.
  std::string big(1, 1);
  big += std::string("\x41", 1) + std::string(65, 'h');  // 65-byte user handle
  EXPECT_EQ(DecodeCredentialValue(B("i"), big, &r).code(), Status::Code::kCorruption);

  EXPECT_EQ(DecodeCredentialValue(B("i"), "", &r).code(), Status::Code::kCorruption);
}

TEST(RecordCodec, RoundTripsAcrossFieldExtremes) {
  CredentialRecord r = MakeCredential(std::string(1023, '\xff'), std::string(64, '\0'), 0);
  r.public_key_cose.assign(16384, 0x42);
  r.algorithm = INT64_MIN;
  r.created_at = INT64_MAX;
  r.last_used_at = INT64_MIN;
  r.transports.assign(16, std::string(64, 't'));
  r.attestation_format = std::string(64, 'f');
  ASSERT_TRUE(ValidateCredentialRecord(r).ok());
  std::string v;
  EncodeCredentialValue(r, &v);
  CredentialRecord back;
  ASSERT_TRUE(DecodeCredentialValue(r.id, v, &back).ok());
  EXPECT_TRUE(SameRecord(back, r));
  r.transports.push_back("x");
  EXPECT_EQ(ValidateCredentialRecord(r).code(), Status::Code::kInvalidArgument);
}

TEST(StoreLayout, UserPrefixesNeverOverlap) {
  std::string alice = layout::UserCredentialPrefix(B("alice"));
  std::string key = layout::UserCredentialKey(B("alice2"), B("id"));
  EXPECT_NE(key.compare(0, alice.size(), alice), 0)
      << "alice's prefix must not cover alice2's keys";
  ByteView handle, id;
  ASSERT_TRUE(layout::SplitUserCredentialKey(key, &handle, &id));
  EXPECT_EQ(AsChars(handle), "alice2");
  EXPECT_EQ(AsChars(id), "id");
  EXPECT_FALSE(layout::SplitUserCredentialKey(std::string("\x05"
                                                          "abc",
                                                          4),
                                              &handle, &id));
}

TEST(StoreLayout, ChallengeKeysSortByExpiry) {
  EXPECT_LT(layout::ChallengeKey(255, B("\xff\xff")), layout::ChallengeKey(256, B("\x00")));
  EXPECT_LT(layout::ChallengeKey(999, B("zzz")), layout::ChallengeKeyBound(1000));
  int64_t expiry = 0;
  ByteView id;
  const std::string key = layout::ChallengeKey(1234, B("abc"));  // id views into it
  ASSERT_TRUE(layout::SplitChallengeKey(key, &expiry, &id));
  EXPECT_EQ(expiry, 1234);
  EXPECT_EQ(AsChars(id), "abc");
}

}  // namespace
}  // namespace keystorm::storage::testing
