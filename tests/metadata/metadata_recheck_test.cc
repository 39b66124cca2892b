// After a BLOB revokes a model: the re-check finds every stored credential
// of it (memory and RocksDB stores) and audits each one, and the batched
// pipeline refuses their next login with attestation_revoked.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "keystorm/base64url.h"
#include "keystorm/metadata.h"
#include "keystorm/metadata_recheck.h"
#include "keystorm/pipeline.h"
#include "keystorm/storage/memory_store.h"
#include "keystorm/storage/rocks_store.h"
#include "keystorm/test/test_authenticator.h"
#include "keystorm/test/scratch_dir.h"
#include "keystorm/test/test_mds.h"

namespace keystorm {
namespace {

using test::kMdsNextUpdate;
using test::kTestAaguid;
using test::kVerificationTime;
using test::MdsEntryJson;
using test::MdsEntrySpec;
using test::MdsPayloadJson;
using test::TestMds;

constexpr Aaguid kOtherAaguid = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

// A BLOB (serial `no`) with kTestAaguid's latest status `status` and
// kOtherAaguid certified.
std::shared_ptr<const MetadataBlob> Blob(const TestMds& mds, int64_t no, const std::string& status) {
  MdsEntrySpec tested;
  tested.aaguid = test::AaguidText(kTestAaguid);
  tested.reports = {{"FIDO_CERTIFIED_L1", "2024-01-01"}, {status, "2025-06-30"}};
  MdsEntrySpec other;
  other.aaguid = test::AaguidText(kOtherAaguid);
  Result<std::shared_ptr<const MetadataBlob>> blob = MetadataBlob::Load(
      mds.Sign(MdsPayloadJson(no, kMdsNextUpdate, {MdsEntryJson(tested), MdsEntryJson(other)})),
      *mds.RootAnchors(), kVerificationTime);
  EXPECT_TRUE(blob.has_value()) << blob.error().ToString();
  return blob.has_value() ? *blob : nullptr;
}

CredentialRecord Record(uint8_t id, uint8_t user, const Aaguid& aaguid) {
  CredentialRecord r;
  r.id = Bytes{0xc0, id};
  r.user_handle = Bytes{0x0a, user};
  r.public_key_cose = test::TestKey::Cached(-7).CoseKey();
  r.algorithm = -7;
  r.aaguid = aaguid;
  return r;
}

void Insert(CredentialStore* store, const CredentialRecord& r) {
  bool inserted = false;
  ASSERT_TRUE(store->InsertCredentialIfAbsent(r, &inserted).ok());
  ASSERT_TRUE(inserted);
}

// Two credentials of the revoked model (two users), one of another model,
// one without a model.
void Populate(CredentialStore* store) {
  Insert(store, Record(1, 1, kTestAaguid));
  Insert(store, Record(2, 2, kTestAaguid));
  Insert(store, Record(3, 1, kOtherAaguid));
  Insert(store, Record(4, 3, Aaguid{}));
}

std::vector<std::string> SortedLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::string ExpectedEvent(uint8_t id, uint8_t user) {
  return "{\"event\":\"credential_authenticator_revoked\",\"credential_id\":\"" +
         Base64UrlEncode(Bytes{0xc0, id}) + "\",\"user_handle\":\"" +
         Base64UrlEncode(Bytes{0x0a, user}) + "\",\"aaguid\":\"" + test::AaguidText(kTestAaguid) +
         "\",\"status\":\"USER_KEY_REMOTE_COMPROMISE\",\"effective_date\":\"2025-06-30\"}";
}

void ExpectTwoRevokedOfFour(CredentialStore* store, const MetadataBlob& blob) {
  std::ostringstream out;
  JsonLinesAuditSink sink(&out);
  RecheckCounts counts;
  Status s = RecheckStoredCredentials(blob, store, &sink, &counts);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(counts.credentials_scanned, 4u);
  EXPECT_EQ(counts.credentials_revoked, 2u);
  EXPECT_EQ(SortedLines(out.str()),
            (std::vector<std::string>{ExpectedEvent(1, 1), ExpectedEvent(2, 2)}));
}

class MetadataRecheckTest : public ::testing::Test {
 protected:
  TestMds mds_;
};

TEST_F(MetadataRecheckTest, AuditsEveryCredentialOfARevokedModelInTheMemoryStore) {
  storage::MemoryCredentialStore store;
  Populate(&store);
  ExpectTwoRevokedOfFour(&store, *Blob(mds_, 1, "USER_KEY_REMOTE_COMPROMISE"));
  EXPECT_EQ(store.size(), 4u) << "the re-check writes nothing";
}

TEST_F(MetadataRecheckTest, AuditsEveryCredentialOfARevokedModelInTheRocksStore) {
  test::ScratchDir scratch("keystorm-metadata-recheck");
  ASSERT_FALSE(scratch.path().empty());
  storage::StoreConfig config;
  config.path = scratch.Sub("db");
  {
    auto store = storage::RocksCredentialStore::Open(config);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    Populate(store->get());
    ExpectTwoRevokedOfFour(store->get(), *Blob(mds_, 1, "USER_KEY_REMOTE_COMPROMISE"));
  }
}

TEST_F(MetadataRecheckTest, FindsNothingWhenTheLatestStatusIsNotRevoking) {
  storage::MemoryCredentialStore store;
  Populate(&store);
  std::ostringstream out;
  JsonLinesAuditSink sink(&out);
  RecheckCounts counts;
  ASSERT_TRUE(RecheckStoredCredentials(*Blob(mds_, 1, "UPDATE_AVAILABLE"), &store, &sink, &counts).ok());
  EXPECT_EQ(counts.credentials_scanned, 4u);
  EXPECT_EQ(counts.credentials_revoked, 0u);
  EXPECT_EQ(out.str(), "");
}

class FailingSink final : public AuditSink {
 public:
  Status Emit(const AuditEvent&) override { return Status::IOError("audit log full"); }
};

TEST_F(MetadataRecheckTest, AFailingSinkFailsTheRecheck) {
  storage::MemoryCredentialStore store;
  Populate(&store);
  FailingSink sink;
  RecheckCounts counts;
  Status s = RecheckStoredCredentials(*Blob(mds_, 1, "REVOKED"), &store, &sink, &counts);
  EXPECT_EQ(s.code(), Status::Code::kIOError) << s.ToString();
  EXPECT_EQ(counts.credentials_revoked, 0u);
}

TEST_F(MetadataRecheckTest, AStoreWithoutEnumerationSaysSo) {
  struct Bare final : CredentialStore {
    Status MultiLookup(std::span<const ByteView>, std::vector<std::optional<CredentialRecord>>*) override {
      return Status::Ok();
    }
    Status CommitUpdates(std::span<const CounterUpdate>, std::vector<CommitOutcome>*) override {
      return Status::Ok();
    }
    Status InsertCredentialIfAbsent(const CredentialRecord&, bool*) override { return Status::Ok(); }
    Status ListForUser(ByteView, std::vector<CredentialRecord>*) override { return Status::Ok(); }
    Status Delete(ByteView) override { return Status::Ok(); }
  } bare;
  std::ostringstream out;
  JsonLinesAuditSink sink(&out);
  RecheckCounts counts;
  EXPECT_EQ(RecheckStoredCredentials(*Blob(mds_, 1, "REVOKED"), &bare, &sink, &counts).code(),
            Status::Code::kUnavailable);
}

// ---- the batched pipeline ---------------------------------------------------

class PipelineRevocationTest : public ::testing::Test {
 protected:
  static RelyingPartyConfig Rp() {
    RelyingPartyConfig rp;
    rp.rp_id = test::kRpId;
    rp.origins = {test::kOrigin};
    return rp;
  }

  // Registers the authenticator's packed credential (kTestAaguid) through
  // the pipeline, with whatever metadata is loaded then.
  void RegisterThroughPipeline(Pipeline* pipeline) {
    test::RegistrationOptions options;
    options.attestation = test::AttestationShape::kPackedFull;
    RegistrationJob job;
    job.response_json = authenticator_.Register(options).Json();
    job.expected.challenge = test::kChallenge;
    job.expected.verification_time = kVerificationTime;
    job.expected.requirements.metadata = metadata_.Current();
    job.user_handle = authenticator_.user_handle();
    job.now = kVerificationTime;
    RegistrationOutcome out = pipeline->SubmitRegistration(std::move(job)).get();
    ASSERT_TRUE(out.status.ok()) << out.status.ToString();
    ASSERT_EQ(out.verdict, VerifyError::kOk) << VerifyErrorName(out.verdict);
    ASSERT_EQ(out.credential.aaguid, kTestAaguid);
  }

  AssertionOutcome AssertThroughPipeline(Pipeline* pipeline, uint32_t sign_count) {
    test::AssertionOptions options;
    options.sign_count = sign_count;
    AssertionJob job;
    job.response_json = authenticator_.Assert(options).Json();
    job.expected.challenge = test::kChallenge;
    job.expected.user_handle = authenticator_.user_handle();
    job.expected.requirements.metadata = metadata_.Current();
    return pipeline->SubmitAssertion(std::move(job)).get();
  }

  uint32_t StoredSignCount() {
    std::vector<ByteView> ids = {authenticator_.credential_id()};
    std::vector<std::optional<CredentialRecord>> out;
    EXPECT_TRUE(store_.MultiLookup(ids, &out).ok());
    return out[0] ? out[0]->sign_count : 0;
  }

  Verifier verifier_{Rp()};
  storage::MemoryCredentialStore store_;
  test::TestAuthenticator authenticator_{-7, 7};
  ReloadableMetadata metadata_;
  TestMds mds_;
};

TEST_F(PipelineRevocationTest, ACredentialRegisteredBeforeTheBlobIsRefusedAtItsNextLogin) {
  Pipeline pipeline(&verifier_, &store_, PipelineOptions{.workers = 2});
  ASSERT_TRUE(metadata_.Install(Blob(mds_, 1, "FIDO_CERTIFIED_L2")).ok());
  RegisterThroughPipeline(&pipeline);
  AssertionOutcome first = AssertThroughPipeline(&pipeline, 1);
  ASSERT_TRUE(first.status.ok()) << first.status.ToString();
  EXPECT_EQ(first.verdict, VerifyError::kOk) << VerifyErrorName(first.verdict);
  EXPECT_EQ(StoredSignCount(), 1u);

  ASSERT_TRUE(metadata_.Install(Blob(mds_, 2, "ATTESTATION_KEY_COMPROMISE")).ok());
  AssertionOutcome second = AssertThroughPipeline(&pipeline, 2);
  ASSERT_TRUE(second.status.ok()) << second.status.ToString();
  EXPECT_EQ(second.verdict, VerifyError::kAttestationRevoked) << VerifyErrorName(second.verdict);
  EXPECT_EQ(StoredSignCount(), 1u) << "a refused login writes nothing";

  // A later BLOB that lifts the revocation lets it in again.
  ASSERT_TRUE(metadata_.Install(Blob(mds_, 3, "FIDO_CERTIFIED_L2")).ok());
  AssertionOutcome third = AssertThroughPipeline(&pipeline, 3);
  EXPECT_EQ(third.verdict, VerifyError::kOk) << VerifyErrorName(third.verdict);
}

TEST_F(PipelineRevocationTest, RegistrationOfARevokedModelIsRefused) {
  Pipeline pipeline(&verifier_, &store_, PipelineOptions{.workers = 1});
  ASSERT_TRUE(metadata_.Install(Blob(mds_, 1, "REVOKED")).ok());
  test::RegistrationOptions options;
  options.attestation = test::AttestationShape::kPackedFull;
  RegistrationJob job;
  job.response_json = authenticator_.Register(options).Json();
  job.expected.challenge = test::kChallenge;
  job.expected.verification_time = kVerificationTime;
  job.expected.requirements.metadata = metadata_.Current();
  job.user_handle = authenticator_.user_handle();
  RegistrationOutcome out = pipeline.SubmitRegistration(std::move(job)).get();
  EXPECT_EQ(out.verdict, VerifyError::kAttestationRevoked) << VerifyErrorName(out.verdict);
  EXPECT_EQ(store_.size(), 0u);
}

}  // namespace
}  // namespace keystorm
