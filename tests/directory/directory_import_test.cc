// Directory files: both formats, idempotence, counts, --replace, and that a
// file with any error writes nothing and names every bad line.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "keystorm/storage/directory_file.h"
#include "keystorm/storage/memory_user_directory.h"
#include "keystorm/storage/rocks_store.h"
#include "keystorm/storage/rocks_user_directory.h"

namespace keystorm::storage {
namespace {

using Format = DirectoryFileFormat;

std::optional<DirectoryUser> Find(UserDirectory* directory, std::string_view name) {
  std::optional<DirectoryUser> out;
  EXPECT_TRUE(directory->FindByName(name, &out).ok());
  return out;
}

size_t CountUsers(UserDirectory* directory) {
  std::vector<DirectoryUser> all;
  EXPECT_TRUE(directory->List("", 100000, &all).ok());
  return all.size();
}

DirectoryImportReport Import(UserDirectory* directory, std::string_view text, Format format,
                             DirectoryImportOptions options = {}) {
  DirectoryImportReport report;
  Status s = ImportDirectoryFile(directory, text, format, options, &report);
  EXPECT_TRUE(s.ok()) << s.ToString()
                      << (report.errors.empty() ? "" : " first: " + report.errors[0].message);
  return report;
}

std::vector<size_t> ErrorLines(const DirectoryImportReport& report) {
  std::vector<size_t> lines;
  for (const DirectoryFileError& e : report.errors) lines.push_back(e.line);
  return lines;
}

constexpr std::string_view kJsonLines =
    R"({"name":"alice","display_name":"Alice A.","email":"alice@example.com","groups":["jira-users","admins","jira-users"],"attributes":{"department":"Finance","memberOf":["cn=a","cn=b"]}}
{"name":"bob"}

{"name":"carol","groups":[]}
)";

TEST(DirectoryImportTest, JsonLinesCreateAndEveryFieldArrives) {
  MemoryUserDirectory directory;
  DirectoryImportReport report = Import(&directory, kJsonLines, Format::kJsonLines);
  EXPECT_EQ(report.created, 3u);
  EXPECT_EQ(report.updated + report.unchanged + report.removed, 0u);
  EXPECT_TRUE(report.applied);
  auto alice = Find(&directory, "alice");
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->display_name, "Alice A.");
  EXPECT_EQ(alice->email, "alice@example.com");
  EXPECT_EQ(alice->groups, (std::vector<std::string>{"admins", "jira-users"}));
  EXPECT_EQ(alice->attributes,
            (std::vector<std::pair<std::string, std::string>>{
                {"department", "Finance"}, {"memberOf", "cn=a"}, {"memberOf", "cn=b"}}));
}

TEST(DirectoryImportTest, JsonLinesMayStartWithAByteOrderMarkAndUseCrLf) {
  MemoryUserDirectory directory;
  DirectoryImportReport report =
      Import(&directory, "\xEF\xBB\xBF{\"name\":\"bom\"}\r\n{\"name\":\"crlf\"}\r\n",
             Format::kJsonLines);
  EXPECT_EQ(report.created, 2u);
  EXPECT_TRUE(Find(&directory, "bom"));
  EXPECT_TRUE(Find(&directory, "crlf"));
}

TEST(DirectoryImportTest, ImportingTheSameFileTwiceChangesNothing) {
  MemoryUserDirectory directory;
  Import(&directory, kJsonLines, Format::kJsonLines);
  DirectoryImportReport again = Import(&directory, kJsonLines, Format::kJsonLines);
  EXPECT_EQ(again.created, 0u);
  EXPECT_EQ(again.updated, 0u);
  EXPECT_EQ(again.unchanged, 3u);
}

TEST(DirectoryImportTest, ChangedUsersAreUpdatedAndReplaceRemovesTheRest) {
  MemoryUserDirectory directory;
  Import(&directory, kJsonLines, Format::kJsonLines);
  constexpr std::string_view kNext = R"({"name":"alice","groups":["admins"]}
{"name":"dave"}
{"name":"bob"}
)";
  DirectoryImportOptions replace;
  replace.replace = true;
  DirectoryImportReport report = Import(&directory, kNext, Format::kJsonLines, replace);
  EXPECT_EQ(report.created, 1u);    // dave
  EXPECT_EQ(report.updated, 1u);    // alice
  EXPECT_EQ(report.unchanged, 1u);  // bob
  EXPECT_EQ(report.removed, 1u);    // carol
  EXPECT_FALSE(Find(&directory, "carol"));
  EXPECT_EQ(Find(&directory, "alice")->groups, (std::vector<std::string>{"admins"}));
  EXPECT_EQ(CountUsers(&directory), 3u);
}

TEST(DirectoryImportTest, DryRunReportsAndWritesNothing) {
  MemoryUserDirectory directory;
  DirectoryImportOptions dry;
  dry.dry_run = true;
  DirectoryImportReport report = Import(&directory, kJsonLines, Format::kJsonLines, dry);
  EXPECT_EQ(report.created, 3u);
  EXPECT_FALSE(report.applied);
  EXPECT_EQ(CountUsers(&directory), 0u);
}

TEST(DirectoryImportTest, MalformedJsonLinesNameEveryBadLineAndWriteNothing) {
  MemoryUserDirectory directory;
  Import(&directory, R"({"name":"alice","groups":["before"]})", Format::kJsonLines);
  constexpr std::string_view kBad = R"({"name":"alice","groups":["after"]}
{"name":"bob",
{"display_name":"no name"}
{"name":"carol","groups":"not-an-array"}
{"name":"dave","colour":"blue"}
{"name":"erin","name":"erin2"}
{"name":"alice"}
{"name":""}
{"name":"frank","attributes":{"a":1}}
{"name":"gina"}
)";
  DirectoryImportReport report;
  Status s = ImportDirectoryFile(&directory, kBad, Format::kJsonLines, {}, &report);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(ErrorLines(report), (std::vector<size_t>{2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_NE(report.errors[5].message.find("already on line 1"), std::string::npos)
      << report.errors[5].message;
  EXPECT_FALSE(report.applied);
  // Nothing of the file arrived, not even its good lines.
  EXPECT_EQ(Find(&directory, "alice")->groups, (std::vector<std::string>{"before"}));
  EXPECT_FALSE(Find(&directory, "gina"));
  EXPECT_EQ(CountUsers(&directory), 1u);
}

constexpr std::string_view kCsv =
    "\xEF\xBB\xBFname,display_name,email,groups,department,memberOf,memberOf\r\n"
    "alice,\"Anders, Alice\",alice@example.com,jira-users; admins,Finance,cn=a,cn=b\r\n"
    "bob,\"Bob \"\"the builder\"\"\",,,,,\r\n"
    "\r\n"
    "carol,\"Carol\nSecond line\",carol@example.com,jira-users,,cn=c,\r\n";

TEST(DirectoryImportTest, CsvWithQuotingLineBreaksBomAndAttributes) {
  MemoryUserDirectory directory;
  DirectoryImportReport report = Import(&directory, kCsv, Format::kCsv);
  EXPECT_EQ(report.created, 3u);
  auto alice = Find(&directory, "alice");
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->display_name, "Anders, Alice");
  EXPECT_EQ(alice->groups, (std::vector<std::string>{"admins", "jira-users"}));
  EXPECT_EQ(alice->attributes,
            (std::vector<std::pair<std::string, std::string>>{
                {"department", "Finance"}, {"memberOf", "cn=a"}, {"memberOf", "cn=b"}}));
  auto bob = Find(&directory, "bob");
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->display_name, "Bob \"the builder\"");
  EXPECT_TRUE(bob->groups.empty());
  EXPECT_TRUE(bob->attributes.empty());
  auto carol = Find(&directory, "carol");
  ASSERT_TRUE(carol);
  EXPECT_EQ(carol->display_name, "Carol\nSecond line");
  EXPECT_EQ(Import(&directory, kCsv, Format::kCsv).unchanged, 3u);
}

TEST(DirectoryImportTest, MalformedCsvNamesEveryBadLineAndWritesNothing) {
  MemoryUserDirectory directory;
  constexpr std::string_view kBad =
      "name,groups\n"
      "alice,jira-users\n"       // 2: good
      "bob\n"                    // 3: too few fields
      "carol,a,b\n"              // 4: too many
      "da\"ve,x\n"               // 5: a quote inside a bare field
      "\"multi\nline\",x,y\n"    // 6-7: too many fields, reported at 6
      "alice,other\n"            // 8: alice twice
      ",nameless\n";             // 9: empty name
  DirectoryImportReport report;
  Status s = ImportDirectoryFile(&directory, kBad, Format::kCsv, {}, &report);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(ErrorLines(report), (std::vector<size_t>{3, 4, 5, 6, 8, 9}));
  EXPECT_EQ(CountUsers(&directory), 0u);
}

TEST(DirectoryImportTest, CsvHeaderProblemsAreLineOne) {
  MemoryUserDirectory directory;
  for (std::string_view text : {std::string_view("display_name,email\nA,a@x\n"),
                                std::string_view("name,name\nx,y\n"),
                                std::string_view("name,\nx,y\n"), std::string_view("")}) {
    DirectoryImportReport report;
    EXPECT_EQ(ImportDirectoryFile(&directory, text, Format::kCsv, {}, &report).code(),
              Status::Code::kInvalidArgument)
        << text;
    EXPECT_EQ(ErrorLines(report), std::vector<size_t>{1}) << text;
  }
  EXPECT_EQ(ErrorLines([&] {
              DirectoryImportReport r;
              (void)ImportDirectoryFile(&directory, "name\n\"open\n", Format::kCsv, {}, &r);
              return r;
            }()),
            std::vector<size_t>{2});
  EXPECT_EQ(CountUsers(&directory), 0u);
}

TEST(DirectoryImportTest, ExportImportsBackUnchanged) {
  MemoryUserDirectory source;
  Import(&source, kJsonLines, Format::kJsonLines);
  std::ostringstream exported;
  size_t count = 0;
  ASSERT_TRUE(ExportDirectoryJsonLines(&source, &exported, &count).ok());
  EXPECT_EQ(count, 3u);
  MemoryUserDirectory copy;
  EXPECT_EQ(Import(&copy, exported.str(), Format::kJsonLines).created, 3u);
  EXPECT_EQ(Import(&source, exported.str(), Format::kJsonLines).unchanged, 3u);
}

// The RocksDB directory: a refused file leaves the database as it was, also
// across a reopen.
TEST(DirectoryImportTest, RocksDirectoryKeepsNothingOfARefusedFile) {
  const char* base = std::getenv("TMPDIR");
  std::string dir = std::string(base && *base ? base : "/tmp") + "/keystorm-import-XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  StoreConfig config;
  config.path = dir + "/db";
  config.challenge_sweep_interval_ms = 0;
  {
    auto store = RocksCredentialStore::Open(config);
    ASSERT_TRUE(store) << store.error().ToString();
    RocksUserDirectory directory(store.value().get());
    Import(&directory, kJsonLines, Format::kJsonLines);
    DirectoryImportReport report;
    Status s = ImportDirectoryFile(&directory, "{\"name\":\"new\"}\n{\"name\":\"bob\",x}\n",
                                   Format::kJsonLines, {}, &report);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(ErrorLines(report), std::vector<size_t>{2});
  }
  {
    auto store = RocksCredentialStore::Open(config);
    ASSERT_TRUE(store) << store.error().ToString();
    RocksUserDirectory directory(store.value().get());
    EXPECT_EQ(CountUsers(&directory), 3u);
    EXPECT_FALSE(Find(&directory, "new"));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace keystorm::storage
