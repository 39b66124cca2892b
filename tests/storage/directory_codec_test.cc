// The directory user value encoding: pinned bytes and strict decoding.
#include "keystorm/storage/directory_codec.h"

#include <gtest/gtest.h>

namespace keystorm::storage {
namespace {

DirectoryUser Sample() {
  DirectoryUser u;
  u.name = "alice";
  u.display_name = "Al";
  u.email = "a@x";
  u.groups = {"g1", "g2"};
  u.attributes = {{"k", "v"}};
  return u;
}

TEST(DirectoryCodec, EncodesTheDocumentedBytes) {
  std::string value;
  EncodeDirectoryUserValue(Sample(), &value);
  // version 1, "Al", "a@x", 2 groups "g1" "g2", 1 attribute "k"="v".
  const std::string want("\x01\x02" "Al" "\x03" "a@x" "\x02\x02" "g1" "\x02" "g2"
                         "\x01\x01" "k" "\x01" "v",
                         20);
  EXPECT_EQ(value, want);
}

TEST(DirectoryCodec, DecodesWhatItEncodes) {
  std::string value;
  EncodeDirectoryUserValue(Sample(), &value);
  DirectoryUser out;
  ASSERT_TRUE(DecodeDirectoryUserValue("alice", value, &out).ok());
  EXPECT_EQ(out.name, "alice");
  EXPECT_EQ(out.display_name, "Al");
  EXPECT_EQ(out.email, "a@x");
  EXPECT_EQ(out.groups, Sample().groups);
  EXPECT_EQ(out.attributes, Sample().attributes);
}

TEST(DirectoryCodec, RefusesDamagedValuesAsCorruption) {
  std::string good;
  EncodeDirectoryUserValue(Sample(), &good);
  std::vector<std::string> damaged = {
      "",                         // empty
      "\x02" + good.substr(1),    // unknown version
      good + "x",                 // trailing byte
      good.substr(0, good.size() - 1),  // truncated
  };
  DirectoryUser unsorted = Sample();
  unsorted.groups = {"g2", "g1"};
  std::string unsorted_value;
  EncodeDirectoryUserValue(unsorted, &unsorted_value);
  damaged.push_back(unsorted_value);
  for (const std::string& value : damaged) {
    DirectoryUser out;
    EXPECT_EQ(DecodeDirectoryUserValue("alice", value, &out).code(), Status::Code::kCorruption)
        << value.size();
  }
}

}  // namespace
}  // namespace keystorm::storage
