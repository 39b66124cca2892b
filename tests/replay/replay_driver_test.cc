// The in-process replay driver: every injected fault gets the code the
// corpus expects from the real engine and store, a wrong expectation is
// reported as a mismatch, and bad options write nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "keystorm/bench/replay_driver.h"
#include "keystorm/corpus/corpus_generator.h"
#include "keystorm/pipeline.h"

namespace keystorm::bench {
namespace {

corpus::ReplayCorpus FaultyCorpus(uint64_t seed) {
  corpus::GeneratorOptions o;
  o.seed = seed;
  o.users = 24;
  o.logins = 900;
  o.storm.peak_rate = 20000;
  o.storm.ramp_s = 0.01;
  EXPECT_TRUE(corpus::ParseFaults("all=0.02", &o).ok());
  Result<corpus::ReplayCorpus> c = corpus::GenerateReplayCorpus(o);
  EXPECT_TRUE(c.has_value());
  return std::move(*c);
}

ReplayOptions QuickOptions() {
  ReplayOptions o;
  o.threads = 2;
  o.batch = 32;
  o.ceiling_seconds = 0.05;
  o.ceiling_repetitions = 1;
  return o;
}

std::string TempDir(const std::string& name) {
  std::string dir = ::testing::TempDir() + "/keystorm_replay_" + name + "_" +
                    std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  return dir;
}

void ExpectEveryFaultAnsweredAsExpected(const ReplayResult& r, size_t logins) {
  EXPECT_EQ(r.logins, logins);
  for (const ReplayMismatch& m : r.mismatches) {
    ADD_FAILURE() << "login " << m.login << " (" << corpus::FaultName(m.fault) << "): expected "
                  << VerifyErrorName(m.expected) << ", got " << m.got;
  }
  // 2% of 900 = 18 logins per fault, each answered with its code.
  for (int f = 1; f < corpus::kFaultCount; ++f) {
    std::string code(VerifyErrorName(corpus::ExpectedVerdict(static_cast<corpus::Fault>(f))));
    auto it = r.verdicts.find(code);
    ASSERT_NE(it, r.verdicts.end()) << code;
    EXPECT_EQ(it->second, 18u) << code;
  }
  EXPECT_EQ(r.verdicts.at("ok"), logins - 8 * 18);
  uint64_t per_second_total = 0;
  for (uint32_t c : r.completions_per_second) per_second_total += c;
  EXPECT_EQ(per_second_total, logins);
  EXPECT_GT(r.ceiling_p256_per_s, 0);
  EXPECT_LE(r.latency.p50_us, r.latency.p99_us);
}

TEST(ReplayDriver, MemoryStoreAnswersEveryFaultWithItsCode) {
  corpus::ReplayCorpus c = FaultyCorpus(31);
  Result<ReplayResult> r = RunReplay(c, QuickOptions());
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  ExpectEveryFaultAnsweredAsExpected(*r, c.logins.size());
  EXPECT_EQ(r->store, "memory");
}

TEST(ReplayDriver, RocksDbStoreAnswersEveryFaultWithItsCodeAtAPacedRate) {
  corpus::ReplayCorpus c = FaultyCorpus(32);
  ReplayOptions o = QuickOptions();
  o.store = ReplayStore::kRocksDb;
  o.db_dir = TempDir("rocks");
  o.rate = 10000;  // paced: the timeline scaled to a 10k/s peak
  o.filler_credentials = 500;
  Result<ReplayResult> r = RunReplay(c, o);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  ExpectEveryFaultAnsweredAsExpected(*r, c.logins.size());
  EXPECT_EQ(r->store, "rocksdb");
  EXPECT_EQ(r->stored_credentials, c.credentials.size() + 500);
  std::filesystem::remove_all(o.db_dir);
}

TEST(ReplayDriver, AWrongExpectationIsAMismatchNamingTheLogin) {
  corpus::ReplayCorpus c = FaultyCorpus(33);
  size_t victim = 0;
  while (c.logins[victim].fault != corpus::Fault::kBadSignature) ++victim;
  c.logins[victim].expected = VerifyError::kOk;  // the corpus now lies
  Result<ReplayResult> r = RunReplay(c, QuickOptions());
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->mismatches.size(), 1u);
  EXPECT_EQ(r->mismatches[0].login, victim);
  EXPECT_EQ(r->mismatches[0].expected, VerifyError::kOk);
  EXPECT_EQ(r->mismatches[0].got, "signature_invalid");
}

TEST(ReplayDriver, ReplayingTheSameCorpusTwiceIntoOneStoreIsRefused) {
  // The second run would find every challenge used: the driver demands a
  // fresh directory instead, and leaves the old store as it was.
  corpus::ReplayCorpus c = FaultyCorpus(34);
  ReplayOptions o = QuickOptions();
  o.store = ReplayStore::kRocksDb;
  o.db_dir = TempDir("twice");
  ASSERT_TRUE(RunReplay(c, o).has_value());
  auto listing = [&] {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(o.db_dir)) {
      names.push_back(e.path().filename().string() + ":" +
                      std::to_string(e.is_regular_file() ? e.file_size() : 0));
    }
    std::sort(names.begin(), names.end());
    return names;
  };
  std::vector<std::string> before = listing();
  Result<ReplayResult> again = RunReplay(c, o);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(again.error().ToString().find("not empty"), std::string::npos);
  EXPECT_EQ(listing(), before);
  std::filesystem::remove_all(o.db_dir);
}

TEST(ReplayDriver, DurationLimitsTheReplayedPartOfTheTimeline) {
  corpus::ReplayCorpus c = FaultyCorpus(35);
  ReplayOptions o = QuickOptions();
  o.rate = c.storm.peak_rate;  // unscaled
  o.duration_s = c.logins[c.logins.size() / 2].arrival_us / 1e6;
  Result<ReplayResult> r = RunReplay(c, o);
  ASSERT_TRUE(r.has_value());
  EXPECT_GT(r->logins, c.logins.size() / 2 - 5);
  EXPECT_LT(r->logins, c.logins.size() / 2 + 5);
  EXPECT_TRUE(r->mismatches.empty());
}

TEST(ReplayDriver, BadOptionsAreRefusedBeforeAnythingIsWritten) {
  corpus::ReplayCorpus c = FaultyCorpus(37);
  ReplayOptions o = QuickOptions();
  o.store = ReplayStore::kRocksDb;
  o.db_dir = TempDir("bad_options");
  o.duration_s = 1;  // without --rate there is no timeline to cut
  Result<ReplayResult> r = RunReplay(c, o);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(o.db_dir));
  o.duration_s = 0;
  o.rate = -1;
  EXPECT_EQ(RunReplay(c, o).error().code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(o.db_dir));
}

// --batch 0 is the pipeline's default bound, and the report says which.
TEST(ReplayDriver, BatchZeroIsThePipelinesDefaultBound) {
  corpus::ReplayCorpus c = FaultyCorpus(39);
  ReplayOptions o = QuickOptions();
  o.batch = 0;
  o.threads = 2;
  Result<ReplayResult> r = RunReplay(c, o);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->max_batch, DefaultMaxBatch(2));
  EXPECT_TRUE(r->mismatches.empty());
  EXPECT_GT(r->pipeline_batches, 0u);
  EXPECT_LE(r->pipeline_jobs, r->logins);
}

TEST(ReplayDriver, LimitReplaysTheFirstLoginsOnly) {
  corpus::ReplayCorpus c = FaultyCorpus(38);
  ReplayOptions o = QuickOptions();
  o.limit = 100;
  Result<ReplayResult> r = RunReplay(c, o);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->logins, 100u);
  EXPECT_TRUE(r->mismatches.empty());
}

TEST(ReplayDriver, JsonCarriesTheReportedFields) {
  corpus::ReplayCorpus c = FaultyCorpus(36);
  Result<ReplayResult> r = RunReplay(c, QuickOptions());
  ASSERT_TRUE(r.has_value());
  std::string json = ReplayJson(*r);
  for (const char* key : {"\"throughput_per_s\"", "\"latency_us\"", "\"p999\"", "\"verdicts\"",
                          "\"mismatches\":0", "\"cpu_user_s\"", "\"ceiling_p256_per_s\"",
                          "\"ratio_to_ceiling\"", "\"machine\"", "\"completions_per_second\""}) {
    EXPECT_NE(json.find(key), std::string::npos) << key;
  }
}

}  // namespace
}  // namespace keystorm::bench
