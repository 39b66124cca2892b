// The generator: one seed, one corpus; kinds and faults dealt exactly; the
// counters behave as each kind of authenticator does; the timeline ramps.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include "keystorm/corpus/corpus_generator.h"
#include "keystorm/corpus/replay_corpus.h"

namespace keystorm::corpus {
namespace {

GeneratorOptions Options(uint64_t seed, size_t users, size_t logins) {
  GeneratorOptions o;
  o.seed = seed;
  o.users = users;
  o.logins = logins;
  return o;
}

Bytes Generate(const GeneratorOptions& o) {
  Result<ReplayCorpus> c = GenerateReplayCorpus(o);
  EXPECT_TRUE(c.has_value()) << c.error().ToString();
  return c ? SerializeReplayCorpus(*c) : Bytes{};
}

TEST(CorpusGenerator, SameSeedSameBytesOtherSeedOtherBytes) {
  GeneratorOptions o = Options(5, 30, 300);
  ASSERT_TRUE(ParseFaults("all=0.01", &o).ok());
  Bytes a = Generate(o), b = Generate(o);
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  o.seed = 6;
  EXPECT_NE(Generate(o), a);
}

TEST(CorpusGenerator, CredentialsDoNotDependOnTheLoginCount) {
  Result<ReplayCorpus> a = GenerateReplayCorpus(Options(9, 20, 10));
  Result<ReplayCorpus> b = GenerateReplayCorpus(Options(9, 20, 500));
  ASSERT_TRUE(a && b);
  for (size_t i = 0; i < 20; ++i) {
    EXPECT_EQ(a->credentials[i].credential_id, b->credentials[i].credential_id);
    EXPECT_EQ(a->credentials[i].private_key, b->credentials[i].private_key);
  }
}

// The committed sample is what today's generator makes from the options in
// corpus/sample/README.md: the format and the generator have not drifted,
// and generation is deterministic across builds and machines.
TEST(CorpusGenerator, CommittedSampleIsReproducible) {
  std::ifstream in(std::string(KEYSTORM_SOURCE_DIR) + "/corpus/sample/storm_small.ksr",
                   std::ios::binary);
  ASSERT_TRUE(in.good());
  Bytes committed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  GeneratorOptions o = Options(2026, 150, 2000);
  o.storm.peak_rate = 1000;
  o.storm.ramp_s = 1;
  ASSERT_TRUE(ParseFaults("all=0.01", &o).ok());
  EXPECT_EQ(Generate(o), committed);
}

TEST(CorpusGenerator, MixIsDealtExactlyWithEachKindsTraits) {
  GeneratorOptions o = Options(3, 200, 0);
  ASSERT_TRUE(ParseMix("platform=60,security-key=30,hello=10", &o).ok());
  o.security_key_eddsa_fraction = 0.5;
  Result<ReplayCorpus> c = GenerateReplayCorpus(o);
  ASSERT_TRUE(c.has_value());
  std::map<AuthenticatorKind, int> kinds;
  std::map<int64_t, int> security_key_algs;
  std::set<Bytes> ids;
  for (const CorpusCredential& cred : c->credentials) {
    ++kinds[cred.kind];
    ids.insert(cred.credential_id);
    switch (cred.kind) {
      case AuthenticatorKind::kPlatform:
        EXPECT_EQ(cred.algorithm, -7);
        EXPECT_TRUE(cred.backup_eligible);
        break;
      case AuthenticatorKind::kSecurityKey:
        ++security_key_algs[cred.algorithm];
        EXPECT_FALSE(cred.backup_eligible);
        break;
      case AuthenticatorKind::kHello:
        EXPECT_EQ(cred.algorithm, -257);
        EXPECT_FALSE(cred.backup_eligible);
        break;
    }
  }
  EXPECT_EQ(kinds[AuthenticatorKind::kPlatform], 120);
  EXPECT_EQ(kinds[AuthenticatorKind::kSecurityKey], 60);
  EXPECT_EQ(kinds[AuthenticatorKind::kHello], 20);
  EXPECT_EQ(ids.size(), 200u);
  // Drawn per key: both algorithms occur, roughly half each.
  EXPECT_GT(security_key_algs[-8], 15);
  EXPECT_GT(security_key_algs[-7], 15);
  EXPECT_EQ(security_key_algs[-7] + security_key_algs[-8], 60);
}

TEST(CorpusGenerator, FaultsAreDealtExactlyWithTheirCodes) {
  GeneratorOptions o = Options(4, 40, 1000);
  ASSERT_TRUE(ParseFaults("bad_signature=0.02,replayed_challenge=0.01,counter_regression=0.015,"
                          "wrong_origin=0.005,wrong_rp_id=0.005,unknown_credential=0.01,"
                          "uv_missing=0.03,malformed_body=0.001",
                          &o)
                  .ok());
  Result<ReplayCorpus> c = GenerateReplayCorpus(o);
  ASSERT_TRUE(c.has_value());
  std::map<Fault, int> faults;
  for (const CorpusLogin& l : c->logins) {
    ++faults[l.fault];
    EXPECT_EQ(l.expected, ExpectedVerdict(l.fault));
  }
  EXPECT_EQ(faults[Fault::kBadSignature], 20);
  EXPECT_EQ(faults[Fault::kReplayedChallenge], 10);
  EXPECT_EQ(faults[Fault::kCounterRegression], 15);
  EXPECT_EQ(faults[Fault::kWrongOrigin], 5);
  EXPECT_EQ(faults[Fault::kWrongRpId], 5);
  EXPECT_EQ(faults[Fault::kUnknownCredential], 10);
  EXPECT_EQ(faults[Fault::kUvMissing], 30);
  EXPECT_EQ(faults[Fault::kMalformedBody], 1);
  EXPECT_EQ(faults[Fault::kNone], 1000 - 96);
}

TEST(CorpusGenerator, FaultCodesAreTheSchemaCodes) {
  EXPECT_EQ(VerifyErrorName(ExpectedVerdict(Fault::kBadSignature)), "signature_invalid");
  EXPECT_EQ(VerifyErrorName(ExpectedVerdict(Fault::kReplayedChallenge)), "challenge_unknown");
  EXPECT_EQ(VerifyErrorName(ExpectedVerdict(Fault::kCounterRegression)), "sign_count_regression");
  EXPECT_EQ(VerifyErrorName(ExpectedVerdict(Fault::kWrongOrigin)), "origin_mismatch");
  EXPECT_EQ(VerifyErrorName(ExpectedVerdict(Fault::kWrongRpId)), "rp_id_mismatch");
  EXPECT_EQ(VerifyErrorName(ExpectedVerdict(Fault::kUnknownCredential)), "unknown_credential");
  EXPECT_EQ(VerifyErrorName(ExpectedVerdict(Fault::kUvMissing)), "user_not_verified");
  EXPECT_EQ(VerifyErrorName(ExpectedVerdict(Fault::kMalformedBody)), "malformed_request");
}

TEST(CorpusGenerator, CountersFollowTheAuthenticatorKind) {
  GeneratorOptions o = Options(8, 10, 600);
  ASSERT_TRUE(ParseFaults("counter_regression=0.02,bad_signature=0.02", &o).ok());
  Result<ReplayCorpus> c = GenerateReplayCorpus(o);
  ASSERT_TRUE(c.has_value());
  std::map<uint32_t, uint32_t> stored;  // credential -> last accepted counter
  for (const CorpusLogin& l : c->logins) {
    const CorpusCredential& cred = c->CredentialOf(l);
    if (cred.kind == AuthenticatorKind::kPlatform) {
      EXPECT_EQ(l.sign_count, 0u);  // synced passkeys never count
      continue;
    }
    if (l.fault == Fault::kCounterRegression) {
      EXPECT_GT(stored[l.credential], 0u);
      EXPECT_LE(l.sign_count, stored[l.credential]);
    } else {
      EXPECT_GT(l.sign_count, stored[l.credential]);
    }
    if (l.expected == VerifyError::kOk) stored[l.credential] = l.sign_count;
  }
}

TEST(CorpusGenerator, TimelineRampsToThePeakAndIsOrdered) {
  GeneratorOptions o = Options(12, 5, 20000);
  o.mix = {100, 0, 0};
  o.storm.peak_rate = 2000;
  o.storm.ramp_s = 5;
  o.storm.start_fraction = 0.1;
  Result<ReplayCorpus> c = GenerateReplayCorpus(o);
  ASSERT_TRUE(c.has_value());
  std::vector<int> per_second(40, 0);
  for (size_t i = 0; i < c->logins.size(); ++i) {
    if (i > 0) {
      EXPECT_GE(c->logins[i].arrival_us, c->logins[i - 1].arrival_us);
    }
    size_t s = c->logins[i].arrival_us / 1000000;
    if (s < per_second.size()) ++per_second[s];
  }
  // First second: ~10-28% of the peak; after the ramp: the peak (Poisson,
  // so wide bounds: sd ~ 45 at 2000/s).
  EXPECT_GT(per_second[0], 150);
  EXPECT_LT(per_second[0], 700);
  EXPECT_LT(per_second[0], per_second[3]);
  EXPECT_GT(per_second[6], 1700);
  EXPECT_LT(per_second[6], 2300);
}

TEST(CorpusGenerator, BadOptionsAreRefusedNamingTheProblem) {
  GeneratorOptions o = Options(1, 10, 10);
  Status st = ParseMix("platform=60,yubikey=40", &o);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(st.ToString().find("yubikey"), std::string::npos);
  EXPECT_EQ(ParseMix("platform=abc", &o).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(ParseFaults("bad_sig=0.1", &o).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(ParseFaults("bad_signature=1.5", &o).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(ParseFaults("bad_signature", &o).code(), Status::Code::kInvalidArgument);

  ASSERT_TRUE(ParseFaults("bad_signature=0.6,uv_missing=0.6", &o).ok());
  EXPECT_EQ(GenerateReplayCorpus(o).error().code(), Status::Code::kInvalidArgument);

  GeneratorOptions platform_only = Options(1, 10, 10);
  ASSERT_TRUE(ParseMix("platform=1", &platform_only).ok());
  ASSERT_TRUE(ParseFaults("counter_regression=0.1", &platform_only).ok());
  Result<ReplayCorpus> r = GenerateReplayCorpus(platform_only);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().ToString().find("counter_regression"), std::string::npos);

  EXPECT_FALSE(GenerateReplayCorpus(Options(1, 0, 10)).has_value());
}

}  // namespace
}  // namespace keystorm::corpus
