// The corpus file: round trip, and every kind of damage is refused with
// Corruption (or InvalidArgument for another version), never misread.
#include <gtest/gtest.h>

#include "keystorm/corpus/corpus_generator.h"
#include "keystorm/corpus/replay_corpus.h"

namespace keystorm::corpus {
namespace {

ReplayCorpus SmallCorpus() {
  GeneratorOptions o;
  o.seed = 11;
  o.users = 12;
  o.logins = 60;
  o.mix = {50, 40, 10};
  EXPECT_TRUE(ParseFaults("all=0.02", &o).ok());
  Result<ReplayCorpus> c = GenerateReplayCorpus(o);
  EXPECT_TRUE(c.has_value());
  return std::move(*c);
}

TEST(CorpusFormat, RoundTripGivesTheSameBytesAndFields) {
  ReplayCorpus c = SmallCorpus();
  Bytes bytes = SerializeReplayCorpus(c);
  Result<ReplayCorpus> back = ParseReplayCorpus(bytes);
  ASSERT_TRUE(back.has_value()) << back.error().ToString();
  EXPECT_EQ(SerializeReplayCorpus(*back), bytes);
  ASSERT_EQ(back->credentials.size(), c.credentials.size());
  ASSERT_EQ(back->logins.size(), c.logins.size());
  ASSERT_EQ(back->unregistered.size(), c.unregistered.size());
  EXPECT_EQ(back->rp_id, c.rp_id);
  EXPECT_EQ(back->storm.peak_rate, c.storm.peak_rate);
  for (size_t i = 0; i < c.credentials.size(); ++i) {
    EXPECT_EQ(back->credentials[i].cose_key, c.credentials[i].cose_key);
    EXPECT_EQ(back->credentials[i].private_key, c.credentials[i].private_key);
    EXPECT_EQ(back->credentials[i].algorithm, c.credentials[i].algorithm);
    EXPECT_EQ(back->credentials[i].kind, c.credentials[i].kind);
  }
  for (size_t i = 0; i < c.logins.size(); ++i) {
    EXPECT_EQ(back->logins[i].arrival_us, c.logins[i].arrival_us);
    EXPECT_EQ(back->logins[i].fault, c.logins[i].fault);
    EXPECT_EQ(back->logins[i].expected, c.logins[i].expected);
    EXPECT_EQ(back->logins[i].signature, c.logins[i].signature);
    EXPECT_EQ(back->logins[i].challenge, c.logins[i].challenge);
  }
}

TEST(CorpusFormat, EveryFlippedByteIsRefused) {
  Bytes bytes = SerializeReplayCorpus(SmallCorpus());
  // Every byte is covered by the magic, a length, a structure check or the
  // checksum; try a spread of positions across the whole file.
  for (size_t pos = 0; pos < bytes.size(); pos += 97) {
    Bytes damaged = bytes;
    damaged[pos] ^= 0x20;
    Result<ReplayCorpus> r = ParseReplayCorpus(damaged);
    EXPECT_FALSE(r.has_value()) << "byte " << pos;
    if (!r.has_value() && pos >= 10) {
      EXPECT_EQ(r.error().code(), Status::Code::kCorruption) << "byte " << pos;
    }
  }
}

TEST(CorpusFormat, TruncationAndTrailingBytesAreCorruption) {
  Bytes bytes = SerializeReplayCorpus(SmallCorpus());
  for (size_t keep : {size_t{0}, size_t{5}, size_t{10}, bytes.size() / 2, bytes.size() - 1}) {
    Result<ReplayCorpus> r = ParseReplayCorpus(ByteView(bytes.data(), keep));
    ASSERT_FALSE(r.has_value()) << keep;
    EXPECT_EQ(r.error().code(), Status::Code::kCorruption) << keep;
  }
  Bytes longer = bytes;
  longer.push_back(0);
  Result<ReplayCorpus> r = ParseReplayCorpus(longer);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), Status::Code::kCorruption);
}

TEST(CorpusFormat, AnotherVersionIsInvalidArgumentNamingIt) {
  Bytes bytes = SerializeReplayCorpus(SmallCorpus());
  bytes[9] = 2;  // version, big-endian u16 after the 8-byte magic
  Result<ReplayCorpus> r = ParseReplayCorpus(bytes);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(r.error().ToString().find("version 2"), std::string::npos);
}

TEST(CorpusFormat, MissingFileIsIOError) {
  Result<ReplayCorpus> r = ReadReplayCorpusFile("/nonexistent/keystorm/corpus.ksr");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), Status::Code::kIOError);
}

}  // namespace
}  // namespace keystorm::corpus
