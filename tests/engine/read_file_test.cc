// ReadWholeFile (read_file.h): every byte of a file, and nullopt for what is
// not a readable file.
#include "keystorm/read_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "keystorm/test/scratch_dir.h"

namespace keystorm {
namespace {

TEST(ReadWholeFileTest, ReadsEveryByteAcrossReads) {
  test::ScratchDir dir("keystorm-read-file");
  ASSERT_FALSE(dir.path().empty());
  // Longer than one internal read, with NULs and a last partial read.
  std::string bytes;
  for (int i = 0; i < 40'000; ++i) bytes.push_back(static_cast<char>(i * 7));
  std::ofstream(dir.Sub("blob"), std::ios::binary) << bytes;
  std::optional<std::string> read = ReadWholeFile(dir.Sub("blob"));
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(*read, bytes);
}

TEST(ReadWholeFileTest, AnEmptyFileIsEmptyNotAnError) {
  test::ScratchDir dir("keystorm-read-file");
  ASSERT_FALSE(dir.path().empty());
  std::ofstream(dir.Sub("empty"));
  std::optional<std::string> read = ReadWholeFile(dir.Sub("empty"));
  ASSERT_TRUE(read.has_value());
  EXPECT_TRUE(read->empty());
}

TEST(ReadWholeFileTest, AMissingFileOrADirectoryIsNothing) {
  test::ScratchDir dir("keystorm-read-file");
  ASSERT_FALSE(dir.path().empty());
  EXPECT_EQ(ReadWholeFile(dir.Sub("missing")), std::nullopt);
  EXPECT_EQ(ReadWholeFile(dir.path()), std::nullopt) << "a directory is not an empty file";
}

TEST(ReadWholeFileTest, AConfiguredFileThatCannotBeReadNamesItsPath) {
  test::ScratchDir dir("keystorm-read-file");
  ASSERT_FALSE(dir.path().empty());
  Result<std::string> missing = ReadConfiguredFile(dir.Sub("policy.toml"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(missing.error().message(), dir.Sub("policy.toml") + ": cannot be read");
  std::ofstream(dir.Sub("present")) << "text";
  Result<std::string> present = ReadConfiguredFile(dir.Sub("present"));
  ASSERT_TRUE(present.has_value());
  EXPECT_EQ(*present, "text");
}

}  // namespace
}  // namespace keystorm
