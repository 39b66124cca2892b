// MetadataBlob::Load and ReloadableMetadata: a BLOB signed by a test MDS
// PKI loads; each broken one is refused with a Status naming the check, and
// the metadata in force stays.
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <fstream>

#include "keystorm/base64url.h"
#include "keystorm/metadata.h"
#include "keystorm/trust_store.h"
#include "keystorm/test/test_certificates.h"
#include "keystorm/test/scratch_dir.h"
#include "keystorm/test/test_mds.h"

namespace keystorm {
namespace {

using test::kMdsNextUpdate;
using test::kVerificationTime;
using test::MdsEntryJson;
using test::MdsEntrySpec;
using test::MdsPayloadJson;
using test::TestMds;

constexpr char kAaguidA[] = "11111111-2222-3333-4444-555555555555";
constexpr char kAaguidB[] = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
constexpr char kKeyId[] = "0123456789abcdef0123456789abcdef01234567";

Aaguid ParseAaguidOrDie(std::string_view text) {
  Aaguid aaguid{};
  EXPECT_TRUE(ParseAaguid(text, &aaguid)) << text;
  return aaguid;
}

MdsEntrySpec Entry(std::string aaguid, std::vector<std::pair<std::string, std::string>> reports) {
  MdsEntrySpec spec;
  spec.aaguid = std::move(aaguid);
  spec.reports = std::move(reports);
  return spec;
}

std::string TwoEntryPayload(int64_t no = 7, std::string_view next_update = kMdsNextUpdate) {
  return MdsPayloadJson(no, next_update,
                        {MdsEntryJson(Entry(kAaguidA, {{"FIDO_CERTIFIED_L1", "2024-05-01"}})),
                         MdsEntryJson(Entry(kAaguidB, {{"FIDO_CERTIFIED_L1", "2024-05-01"},
                                                       {"REVOKED", "2025-03-01"}}))});
}

class MetadataBlobTest : public ::testing::Test {
 protected:
  Result<std::shared_ptr<const MetadataBlob>> Load(std::string_view jwt,
                                                   int64_t now = kVerificationTime) {
    return MetadataBlob::Load(jwt, *mds_.RootAnchors(), now);
  }
  // Loads and expects a refusal whose message contains `why`.
  void ExpectRefused(std::string_view jwt, std::string_view why, int64_t now = kVerificationTime) {
    Result<std::shared_ptr<const MetadataBlob>> blob = Load(jwt, now);
    ASSERT_FALSE(blob.has_value()) << "accepted; expected a refusal mentioning " << why;
    EXPECT_EQ(blob.error().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(blob.error().message().find(why), std::string_view::npos) << blob.error().ToString();
  }

  TestMds mds_;
};

TEST_F(MetadataBlobTest, LoadsASignedBlobAndIndexesItsEntries) {
  Result<std::shared_ptr<const MetadataBlob>> blob = Load(mds_.Sign(TwoEntryPayload()));
  ASSERT_TRUE(blob.has_value()) << blob.error().ToString();
  const MetadataBlob& b = **blob;
  EXPECT_EQ(b.serial(), 7);
  EXPECT_EQ(b.next_update(), kMdsNextUpdate);
  EXPECT_EQ(b.entries().size(), 2u);
  EXPECT_EQ(b.revoked_count(), 1u);
  EXPECT_FALSE(b.IsRevoked(ParseAaguidOrDie(kAaguidA)));
  EXPECT_TRUE(b.IsRevoked(ParseAaguidOrDie(kAaguidB)));
  const MetadataEntry* revoked = b.FindByAaguid(ParseAaguidOrDie(kAaguidB));
  ASSERT_NE(revoked, nullptr);
  EXPECT_EQ(revoked->latest().status, "REVOKED");
  EXPECT_EQ(revoked->latest().effective_date, "2025-03-01");
  EXPECT_EQ(b.FindByAaguid(ParseAaguidOrDie("00000000-0000-0000-0000-000000000001")), nullptr);
}

TEST_F(MetadataBlobTest, VerifiesEveryAllowedSignatureAlgorithm) {
  for (int64_t alg : {-257, -37, -7}) {
    TestMds mds(alg, 1);
    Result<std::shared_ptr<const MetadataBlob>> blob =
        MetadataBlob::Load(mds.Sign(TwoEntryPayload()), *mds.RootAnchors(), kVerificationTime);
    EXPECT_TRUE(blob.has_value()) << alg << ": " << blob.error().ToString();
  }
}

TEST_F(MetadataBlobTest, IgnoresSurroundingWhitespace) {
  EXPECT_TRUE(Load("\n  " + mds_.Sign(TwoEntryPayload()) + "\r\n").has_value());
}

// ---- the envelope and its signature -----------------------------------------

TEST_F(MetadataBlobTest, RefusesABadSignature) {
  std::string jwt = mds_.Sign(TwoEntryPayload());
  // Flip one bit of the signature (not the last character, whose low bits
  // may be unused).
  size_t pos = jwt.rfind('.') + 5;
  jwt[pos] = jwt[pos] == 'A' ? 'B' : 'A';
  ExpectRefused(jwt, "signature does not verify");
}

TEST_F(MetadataBlobTest, RefusesAPayloadChangedAfterSigning) {
  std::string jwt = mds_.Sign(TwoEntryPayload(7));
  std::string other = mds_.Sign(TwoEntryPayload(8));
  // The header and signature of one BLOB around the payload of another.
  size_t a1 = jwt.find('.'), a2 = jwt.rfind('.');
  size_t b1 = other.find('.'), b2 = other.rfind('.');
  std::string spliced = jwt.substr(0, a1) + other.substr(b1, b2 - b1) + jwt.substr(a2);
  ExpectRefused(spliced, "signature does not verify");
}

TEST_F(MetadataBlobTest, RefusesAChainToAnotherRoot) {
  TestMds stranger(-257, 2);
  ExpectRefused(stranger.Sign(TwoEntryPayload()), "does not chain to the MDS root");
}

TEST_F(MetadataBlobTest, RefusesAChainWithoutItsIntermediate) {
  std::string header = "{\"alg\":\"RS256\",\"x5c\":[\"" +
                       test::StandardBase64(mds_.signing_certificate()) + "\"]}";
  ExpectRefused(mds_.SignWithHeader(header, TwoEntryPayload()), "does not chain to the MDS root");
}

TEST_F(MetadataBlobTest, RefusesAChainOutsideItsValidity) {
  // The test certificates end in 2040.
  ExpectRefused(mds_.Sign(TwoEntryPayload(7, "2099-01-01")), "does not chain to the MDS root",
                2240611200 /* 2041-01-01 */);
}

TEST_F(MetadataBlobTest, RefusesAnAlgorithmOtherThanTheThree) {
  std::string header = mds_.HeaderJson();
  for (std::string_view alg : {"none", "HS256", "RS384", "EdDSA"}) {
    std::string changed = header;
    changed.replace(changed.find("RS256"), 5, alg);
    ExpectRefused(mds_.SignWithHeader(changed, TwoEntryPayload()), "is not RS256, PS256 or ES256");
  }
}

TEST_F(MetadataBlobTest, RefusesAnAlgMismatchingTheKey) {
  std::string header = mds_.HeaderJson();
  header.replace(header.find("RS256"), 5, "ES256");
  ExpectRefused(mds_.SignWithHeader(header, TwoEntryPayload()), "signature does not verify");
}

TEST_F(MetadataBlobTest, RefusesMalformedEnvelopes) {
  std::string jwt = mds_.Sign(TwoEntryPayload());
  size_t first = jwt.find('.');
  ExpectRefused("", "not a compact JWS");
  ExpectRefused(jwt.substr(0, jwt.rfind('.')), "not a compact JWS");
  ExpectRefused(jwt + ".x", "not a compact JWS");
  ExpectRefused(jwt.substr(0, jwt.rfind('.') + 1), "signature is not base64url");
  ExpectRefused("!" + jwt.substr(1), "header is not base64url");
  ExpectRefused(jwt.substr(0, first + 1) + "*" + jwt.substr(first + 2), "payload is not base64url");
  ExpectRefused(jwt + "=", "signature is not base64url");
}

TEST_F(MetadataBlobTest, RefusesMalformedHeaders) {
  std::string cert = "\"" + test::StandardBase64(mds_.signing_certificate()) + "\"";
  struct Case {
    std::string header, why;
  };
  for (const Case& c : std::vector<Case>{
           {"not json", "header is not one JSON object"},
           {"[]", "header is not one JSON object"},
           {"{\"alg\":\"RS256\",\"alg\":\"RS256\",\"x5c\":[" + cert + "]}",
            "header is not one JSON object"},
           {"{\"x5c\":[" + cert + "]}", "no string alg"},
           {"{\"alg\":\"RS256\"}", "no x5c array"},
           {"{\"alg\":\"RS256\",\"x5c\":[]}", "1 to 8 certificates"},
           {"{\"alg\":\"RS256\",\"x5c\":[\"***\"]}", "not a standard base64 string"},
           {"{\"alg\":\"RS256\",\"x5c\":[17]}", "not a standard base64 string"},
           {"{\"alg\":\"RS256\",\"x5c\":[\"AAAA\"]}", "x5c[0] is not a DER certificate"},
           {"{\"alg\":\"RS256\",\"crit\":[\"b64\"],\"x5c\":[" + cert + "]}", "crit"},
       }) {
    ExpectRefused(mds_.SignWithHeader(c.header, TwoEntryPayload()), c.why);
  }
}

// ---- the payload ------------------------------------------------------------

TEST_F(MetadataBlobTest, RefusesMalformedPayloads) {
  std::string good_entry = MdsEntryJson(Entry(kAaguidA, {{"FIDO_CERTIFIED", "2024-01-01"}}));
  struct Case {
    std::string payload, why;
  };
  for (const Case& c : std::vector<Case>{
           {"not json", "not one JSON object"},
           {"{\"no\":1,\"no\":2}", "not one JSON object"},
           {"{\"no\":1,\"nextUpdate\":\"2030-02-01\",\"entries\":[]}", "legalHeader"},
           {"{\"legalHeader\":\"x\",\"nextUpdate\":\"2030-02-01\",\"entries\":[]}", "no is missing"},
           {"{\"legalHeader\":\"x\",\"no\":-1,\"nextUpdate\":\"2030-02-01\",\"entries\":[]}",
            "no is missing"},
           {"{\"legalHeader\":\"x\",\"no\":\"1\",\"nextUpdate\":\"2030-02-01\",\"entries\":[]}",
            "no is missing"},
           {"{\"legalHeader\":\"x\",\"no\":1,\"nextUpdate\":\"2030-02-30\",\"entries\":[]}",
            "nextUpdate"},
           {"{\"legalHeader\":\"x\",\"no\":1,\"nextUpdate\":\"30-02-01\",\"entries\":[]}",
            "nextUpdate"},
           {"{\"legalHeader\":\"x\",\"no\":1,\"nextUpdate\":\"2030-02-01\"}", "entries"},
           {"{\"legalHeader\":\"x\",\"no\":1,\"nextUpdate\":\"2030-02-01\",\"entries\":{}}",
            "entries"},
           {MdsPayloadJson(1, kMdsNextUpdate, {"17"}), "entries[0] is not an object"},
           {MdsPayloadJson(1, kMdsNextUpdate, {good_entry, good_entry}), "appears in two entries"},
       }) {
    ExpectRefused(mds_.Sign(c.payload), c.why);
  }
}

TEST_F(MetadataBlobTest, RefusesMalformedEntries) {
  auto with = [](auto edit) {
    MdsEntrySpec spec = Entry(kAaguidA, {{"FIDO_CERTIFIED", "2024-01-01"}});
    edit(&spec);
    return MdsPayloadJson(1, kMdsNextUpdate, {MdsEntryJson(spec)});
  };
  struct Case {
    std::string payload, why;
  };
  for (const Case& c : std::vector<Case>{
           {with([](MdsEntrySpec* s) { s->aaguid.reset(); }), "identifies no authenticator"},
           {with([](MdsEntrySpec* s) { s->aaguid = "11111111-2222-3333-4444"; }),
            "aaguid is not a UUID"},
           {with([](MdsEntrySpec* s) { s->key_identifiers = {"abc"}; }), "not 40 hex digits"},
           {with([](MdsEntrySpec* s) { s->key_identifiers = {std::string(40, 'g')}; }),
            "not 40 hex digits"},
           {with([](MdsEntrySpec* s) { s->attestation_roots = {Bytes{1, 2, 3}}; }),
            "not base64 of one DER certificate"},
           {with([](MdsEntrySpec* s) { s->reports.clear(); }), "statusReports is empty"},
           {with([](MdsEntrySpec* s) { s->reports = {{"", "2024-01-01"}}; }),
            "without a string status"},
           {with([](MdsEntrySpec* s) { s->reports = {{"REVOKED", "2024-13-01"}}; }),
            "effectiveDate is not YYYY-MM-DD"},
       }) {
    ExpectRefused(mds_.Sign(c.payload), c.why);
  }
  // Members of the wrong type, written by hand.
  std::string reports = "\"statusReports\":[{\"status\":\"FIDO_CERTIFIED\"}]";
  for (const Case& c : std::vector<Case>{
           {"{\"aaguid\":17," + reports + "}", "aaguid is not a UUID"},
           {"{\"aaid\":1," + reports + "}", "aaid is not a string"},
           {"{\"attestationCertificateKeyIdentifiers\":\"" + std::string(kKeyId) + "\"," + reports +
                "}",
            "attestationCertificateKeyIdentifiers is not an array"},
           {"{\"aaguid\":\"" + std::string(kAaguidA) + "\",\"metadataStatement\":[]," + reports + "}",
            "metadataStatement is not an object"},
           {"{\"aaguid\":\"" + std::string(kAaguidA) + "\",\"metadataStatement\":{}," + reports + "}",
            "attestationRootCertificates is not an array"},
           {"{\"aaguid\":\"" + std::string(kAaguidA) + "\"}", "statusReports is missing"},
           {"{\"aaguid\":\"" + std::string(kAaguidA) + "\",\"statusReports\":[{\"status\":3}]}",
            "without a string status"},
       }) {
    ExpectRefused(mds_.Sign(MdsPayloadJson(1, kMdsNextUpdate, {c.payload})), c.why);
  }
}

TEST_F(MetadataBlobTest, RefusesAnExpiredBlob) {
  ExpectRefused(mds_.Sign(TwoEntryPayload(7, test::kMdsExpiredNextUpdate)), "expired");
  // nextUpdate today (UTC) is still good: kVerificationTime is 2030-01-01.
  EXPECT_TRUE(Load(mds_.Sign(TwoEntryPayload(7, "2030-01-01"))).has_value());
  EXPECT_TRUE(Load(mds_.Sign(TwoEntryPayload(7, "2030-01-01")), kVerificationTime + 86399)
                  .has_value());
  ExpectRefused(mds_.Sign(TwoEntryPayload(7, "2030-01-01")), "expired", kVerificationTime + 86400);
}

TEST_F(MetadataBlobTest, AcceptsUnknownStatusesAndUafEntriesWithoutRevokingThem) {
  MdsEntrySpec uaf;
  uaf.aaguid.reset();
  uaf.with_statement = false;
  std::string uaf_entry = MdsEntryJson(uaf);
  uaf_entry.insert(1, "\"aaid\":\"4e4e#4005\",");
  Result<std::shared_ptr<const MetadataBlob>> blob = Load(mds_.Sign(MdsPayloadJson(
      1, kMdsNextUpdate,
      {uaf_entry, MdsEntryJson(Entry(kAaguidA, {{"SOME_FUTURE_STATUS", "2026-01-01"}}))})));
  ASSERT_TRUE(blob.has_value()) << blob.error().ToString();
  EXPECT_EQ((*blob)->revoked_count(), 0u);
  EXPECT_FALSE((*blob)->IsRevoked(ParseAaguidOrDie(kAaguidA)));
}

// ---- the latest status report decides ---------------------------------------

class LatestStatusTest : public MetadataBlobTest,
                         public ::testing::WithParamInterface<std::string> {
 protected:
  bool RevokedWith(std::vector<std::pair<std::string, std::string>> reports) {
    Result<std::shared_ptr<const MetadataBlob>> blob =
        Load(mds_.Sign(MdsPayloadJson(1, kMdsNextUpdate, {MdsEntryJson(Entry(kAaguidA, reports))})));
    EXPECT_TRUE(blob.has_value()) << blob.error().ToString();
    if (!blob.has_value()) return false;
    bool revoked = (*blob)->IsRevoked(ParseAaguidOrDie(kAaguidA));
    EXPECT_EQ(revoked, (*blob)->revoked_count() == 1);
    return revoked;
  }
};

TEST_P(LatestStatusTest, ARevokingStatusRevokesWhenItIsTheLatest) {
  const std::string& status = GetParam();
  EXPECT_TRUE(RevokedWith({{status, "2025-01-01"}}));
  EXPECT_TRUE(RevokedWith({{"FIDO_CERTIFIED_L1", "2024-01-01"}, {status, "2025-01-01"}}));
  // Array order does not matter; the date does.
  EXPECT_TRUE(RevokedWith({{status, "2025-01-01"}, {"FIDO_CERTIFIED_L1", "2024-01-01"}}));
}

TEST_P(LatestStatusTest, ALaterNonRevokingStatusLiftsIt) {
  const std::string& status = GetParam();
  EXPECT_FALSE(RevokedWith({{status, "2024-01-01"}, {"UPDATE_AVAILABLE", "2025-01-01"}}));
  EXPECT_FALSE(RevokedWith({{"UPDATE_AVAILABLE", "2025-01-01"}, {status, "2024-01-01"}}));
}

TEST_P(LatestStatusTest, OnEqualDatesTheLaterInTheArrayDecides) {
  const std::string& status = GetParam();
  EXPECT_TRUE(RevokedWith({{"FIDO_CERTIFIED", "2025-01-01"}, {status, "2025-01-01"}}));
  EXPECT_FALSE(RevokedWith({{status, "2025-01-01"}, {"FIDO_CERTIFIED", "2025-01-01"}}));
}

TEST_P(LatestStatusTest, AReportWithoutADateCountsAsTheOldest) {
  const std::string& status = GetParam();
  EXPECT_FALSE(RevokedWith({{status, ""}, {"FIDO_CERTIFIED", "2020-01-01"}}));
  EXPECT_TRUE(RevokedWith({{"FIDO_CERTIFIED", ""}, {status, "2020-01-01"}}));
}

INSTANTIATE_TEST_SUITE_P(RevokingStatuses, LatestStatusTest,
                         ::testing::Values("REVOKED", "USER_VERIFICATION_BYPASS",
                                           "ATTESTATION_KEY_COMPROMISE",
                                           "USER_KEY_REMOTE_COMPROMISE",
                                           "USER_KEY_PHYSICAL_COMPROMISE"));

TEST(RevokingStatusTest, OnlyTheFiveCompromiseStatusesRevoke) {
  for (std::string_view status :
       {"NOT_FIDO_CERTIFIED", "FIDO_CERTIFIED", "FIDO_CERTIFIED_L1", "FIDO_CERTIFIED_L3plus",
        "UPDATE_AVAILABLE", "SELF_ASSERTION_SUBMITTED", "revoked", ""}) {
    EXPECT_FALSE(IsRevokingStatus(status)) << status;
  }
}

// ---- U2F key identifiers ----------------------------------------------------

TEST_F(MetadataBlobTest, IndexesU2fKeyIdentifiersInAnyCase) {
  MdsEntrySpec u2f;
  u2f.aaguid.reset();
  u2f.key_identifiers = {"ABCDEF0123456789ABCDEF0123456789ABCDEF01", kKeyId};
  u2f.reports = {{"ATTESTATION_KEY_COMPROMISE", "2025-01-01"}};
  Result<std::shared_ptr<const MetadataBlob>> blob =
      Load(mds_.Sign(MdsPayloadJson(1, kMdsNextUpdate, {MdsEntryJson(u2f)})));
  ASSERT_TRUE(blob.has_value()) << blob.error().ToString();
  const MetadataEntry* entry = (*blob)->FindByKeyIdentifier("abcdef0123456789abcdef0123456789abcdef01");
  ASSERT_NE(entry, nullptr);
  EXPECT_TRUE(entry->revoked);
  EXPECT_EQ((*blob)->FindByKeyIdentifier(std::string(kKeyId)), entry);
  EXPECT_EQ((*blob)->FindByKeyIdentifier(std::string(40, '0')), nullptr);
  // No AAGUID: nothing is revoked by AAGUID, the zero one included.
  EXPECT_FALSE((*blob)->IsRevoked(Aaguid{}));
}

TEST(AttestationKeyIdentifierTest, IsSha1OfTheSubjectPublicKey) {
  test::TestKey key = test::TestKey::Cached(-7, 42);
  Bytes cert = test::TestCertificateAuthority().Issue(test::CertificateOptions{}, key);
  Bytes point = key.EcPoint();
  uint8_t digest[20];
  SHA1(point.data(), point.size(), digest);
  std::string hex;
  for (uint8_t b : digest) {
    static constexpr char kHex[] = "0123456789abcdef";
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  EXPECT_EQ(AttestationKeyIdentifier(cert), hex);
  EXPECT_EQ(AttestationKeyIdentifier(Bytes{0x30, 0x00}), "");
}

// ---- ReloadableMetadata -----------------------------------------------------

class ReloadableMetadataTest : public MetadataBlobTest {
 protected:
  Status LoadInto(ReloadableMetadata* holder, std::string_view jwt) {
    return holder->Load(jwt, *mds_.RootAnchors(), kVerificationTime);
  }
};

TEST_F(ReloadableMetadataTest, StartsEmptyAndSwapsInANewerBlob) {
  ReloadableMetadata holder;
  EXPECT_EQ(holder.Current(), nullptr);
  ASSERT_TRUE(LoadInto(&holder, mds_.Sign(TwoEntryPayload(7))).ok());
  std::shared_ptr<const MetadataBlob> first = holder.Current();
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(LoadInto(&holder, mds_.Sign(TwoEntryPayload(8))).ok());
  EXPECT_EQ(holder.Current()->serial(), 8);
  EXPECT_EQ(first->serial(), 7) << "a ceremony's blob stays valid after a swap";
  // The same serial again is a harmless re-load.
  EXPECT_TRUE(LoadInto(&holder, mds_.Sign(TwoEntryPayload(8))).ok());
}

TEST_F(ReloadableMetadataTest, RefusedBlobsLeaveTheLoadedOneInForce) {
  ReloadableMetadata holder;
  ASSERT_TRUE(LoadInto(&holder, mds_.Sign(TwoEntryPayload(7))).ok());
  std::shared_ptr<const MetadataBlob> loaded = holder.Current();

  std::string bad_signature = mds_.Sign(TwoEntryPayload(9));
  bad_signature[bad_signature.rfind('.') + 3] ^= 1;
  Status s = LoadInto(&holder, bad_signature);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(holder.Current(), loaded);

  s = LoadInto(&holder, mds_.Sign(TwoEntryPayload(9, test::kMdsExpiredNextUpdate)));
  EXPECT_NE(s.message().find("expired"), std::string_view::npos) << s.ToString();
  EXPECT_EQ(holder.Current(), loaded);

  s = LoadInto(&holder, mds_.Sign(TwoEntryPayload(6)));
  EXPECT_NE(s.message().find("rollback"), std::string_view::npos) << s.ToString();
  EXPECT_EQ(holder.Current(), loaded);

  s = LoadInto(&holder, TestMds(-257, 3).Sign(TwoEntryPayload(9)));
  EXPECT_NE(s.message().find("does not chain"), std::string_view::npos) << s.ToString();
  EXPECT_EQ(holder.Current(), loaded);

  s = LoadInto(&holder, "not a blob");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(holder.Current(), loaded);
}

TEST_F(ReloadableMetadataTest, ReadersSeeWholeBlobsInSerialOrderWhileInstallsRace) {
  std::vector<std::shared_ptr<const MetadataBlob>> blobs;
  for (int64_t no = 1; no <= 16; ++no) {
    Result<std::shared_ptr<const MetadataBlob>> blob = Load(mds_.Sign(TwoEntryPayload(no)));
    ASSERT_TRUE(blob.has_value()) << blob.error().ToString();
    blobs.push_back(*blob);
  }
  ReloadableMetadata holder;
  std::atomic<bool> done{false};
  std::atomic<int> out_of_order{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      int64_t last = 0;
      while (!done.load()) {
        std::shared_ptr<const MetadataBlob> current = holder.Current();
        if (!current) continue;
        if (current->serial() < last || current->entries().size() != 2) ++out_of_order;
        last = current->serial();
      }
    });
  }
  // Two installers racing over the same blobs in opposite orders: whatever
  // interleaving, no older serial replaces a newer one.
  std::thread up([&] {
    for (const auto& blob : blobs) (void)holder.Install(blob);
  });
  std::thread down([&] {
    for (auto it = blobs.rbegin(); it != blobs.rend(); ++it) (void)holder.Install(*it);
  });
  up.join();
  down.join();
  done = true;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(out_of_order.load(), 0);
  EXPECT_EQ(holder.Current()->serial(), 16);
}

TEST_F(ReloadableMetadataTest, LoadFileReadsTheBlobAndTheRootPem) {
  test::ScratchDir scratch("keystorm-mds-load-file");
  ASSERT_FALSE(scratch.path().empty());
  std::filesystem::path dir = scratch.path();
  std::ofstream(dir / "blob.jwt") << mds_.Sign(TwoEntryPayload(7)) << "\n";
  std::ofstream(dir / "root.pem") << mds_.RootPem();
  std::ofstream(dir / "empty.pem") << "no certificate here\n";

  ReloadableMetadata holder;
  Status s = holder.LoadFile(dir / "blob.jwt", dir / "root.pem", kVerificationTime);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(holder.Current()->serial(), 7);

  s = holder.LoadFile(dir / "missing.jwt", dir / "root.pem", kVerificationTime);
  EXPECT_EQ(s.code(), Status::Code::kIOError) << s.ToString();
  s = holder.LoadFile(dir / "blob.jwt", dir / "empty.pem", kVerificationTime);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
  EXPECT_EQ(holder.Current()->serial(), 7);
}

}  // namespace
}  // namespace keystorm

namespace keystorm {
namespace {

TEST(MetadataDateTest, UnixSecondsOfMidnightUtc) {
  EXPECT_EQ(MetadataDateToUnixSeconds("1970-01-01"), 0);
  EXPECT_EQ(MetadataDateToUnixSeconds("2030-02-01"), 1896134400);
  EXPECT_EQ(MetadataDateToUnixSeconds("2024-02-29"), 1709164800);  // a leap day
  EXPECT_EQ(MetadataDateToUnixSeconds("2024-03-01"), 1709251200);
  EXPECT_EQ(MetadataDateToUnixSeconds("2023-02-29"), std::nullopt);
  EXPECT_EQ(MetadataDateToUnixSeconds("2030-2-01"), std::nullopt);
  EXPECT_EQ(MetadataDateToUnixSeconds(""), std::nullopt);
}

}  // namespace
}  // namespace keystorm
