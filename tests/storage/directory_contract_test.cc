// The UserDirectory contract (directory_contract.h).  Every TEST_P here runs
// against every instantiated directory.
#include "keystorm/storage/testing/directory_contract.h"

#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

namespace keystorm::storage::testing {

void DirectoryContractTest::SetUp() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/keystorm-directory-XXXXXX";
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  dir_ = pattern;
  directory_ = GetParam().open(dir_);
  ASSERT_NE(directory_, nullptr) << "the factory could not open a directory in " << dir_;
}

void DirectoryContractTest::TearDown() {
  directory_.reset();
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

void DirectoryContractTest::Reopen() {
  ASSERT_TRUE(GetParam().persistent);
  directory_.reset();
  directory_ = GetParam().open(dir_);
  ASSERT_NE(directory_, nullptr) << "reopen failed";
}

std::string DirectoryFactoryName(const ::testing::TestParamInfo<DirectoryFactory>& info) {
  return info.param.name;
}

namespace {

DirectoryUser MakeUser(std::string name, std::vector<std::string> groups = {"jira-users"}) {
  DirectoryUser u;
  u.name = std::move(name);
  u.display_name = "Display " + u.name;
  u.email = u.name + "@example.com";
  u.groups = std::move(groups);
  u.attributes = {{"department", "finance"}, {"memberOf", "cn=a"}, {"memberOf", "cn=b"}};
  return u;
}

std::optional<DirectoryUser> Find(UserDirectory* directory, std::string_view name) {
  std::optional<DirectoryUser> out;
  Status s = directory->FindByName(name, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

void ExpectSame(const DirectoryUser& want, const std::optional<DirectoryUser>& got) {
  ASSERT_TRUE(got.has_value()) << want.name;
  EXPECT_EQ(got->name, want.name);
  EXPECT_EQ(got->display_name, want.display_name);
  EXPECT_EQ(got->email, want.email);
  EXPECT_EQ(got->groups, want.groups);
  EXPECT_EQ(got->attributes, want.attributes);
}

TEST_P(DirectoryContractTest, UnknownNameIsNotAnError) {
  EXPECT_FALSE(Find(directory(), "nobody").has_value());
}

TEST_P(DirectoryContractTest, EveryFieldRoundTripsAndGroupsComeBackSortedAndUnique) {
  DirectoryUser alice = MakeUser("alice", {"zeta", "alpha", "zeta", "mid"});
  ASSERT_TRUE(directory()->Upsert(alice).ok());
  DirectoryUser want = alice;
  want.groups = {"alpha", "mid", "zeta"};
  ExpectSame(want, Find(directory(), "alice"));
}

TEST_P(DirectoryContractTest, EmptyOptionalFieldsRoundTrip) {
  DirectoryUser bare;
  bare.name = "bare";
  ASSERT_TRUE(directory()->Upsert(bare).ok());
  ExpectSame(bare, Find(directory(), "bare"));
}

TEST_P(DirectoryContractTest, NamesAreComparedByteForByte) {
  ASSERT_TRUE(directory()->Upsert(MakeUser("Alice")).ok());
  EXPECT_FALSE(Find(directory(), "alice").has_value());
  EXPECT_TRUE(Find(directory(), "Alice").has_value());
}

TEST_P(DirectoryContractTest, UpsertReplacesTheWholeUser) {
  ASSERT_TRUE(directory()->Upsert(MakeUser("bob", {"old"})).ok());
  DirectoryUser newer = MakeUser("bob", {"new"});
  newer.attributes.clear();
  newer.email.clear();
  ASSERT_TRUE(directory()->Upsert(newer).ok());
  ExpectSame(newer, Find(directory(), "bob"));
}

TEST_P(DirectoryContractTest, RemoveDeletesAndAnUnknownNameIsNotFound) {
  ASSERT_TRUE(directory()->Upsert(MakeUser("carol")).ok());
  ASSERT_TRUE(directory()->Remove("carol").ok());
  EXPECT_FALSE(Find(directory(), "carol").has_value());
  Status again = directory()->Remove("carol");
  EXPECT_EQ(again.code(), Status::Code::kNotFound) << again.ToString();
}

TEST_P(DirectoryContractTest, ApplyBatchWritesUpsertsAndRemovals) {
  ASSERT_TRUE(directory()->Upsert(MakeUser("leaver")).ok());
  std::vector<DirectoryUser> upserts = {MakeUser("a1"), MakeUser("a2")};
  std::vector<std::string> removals = {"leaver", "never-existed"};
  ASSERT_TRUE(directory()->ApplyBatch(upserts, removals).ok());
  ExpectSame(upserts[0], Find(directory(), "a1"));
  ExpectSame(upserts[1], Find(directory(), "a2"));
  EXPECT_FALSE(Find(directory(), "leaver").has_value());
}

TEST_P(DirectoryContractTest, ApplyBatchWithOneInvalidUserWritesNothing) {
  DirectoryUser before = MakeUser("kept", {"before"});
  ASSERT_TRUE(directory()->Upsert(before).ok());
  std::vector<DirectoryUser> upserts = {MakeUser("kept", {"after"}), MakeUser("fresh"),
                                        MakeUser(std::string(257, 'x'))};
  std::vector<std::string> removals = {"kept-too"};
  Status s = directory()->ApplyBatch(upserts, removals);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
  ExpectSame(before, Find(directory(), "kept"));
  EXPECT_FALSE(Find(directory(), "fresh").has_value());
}

TEST_P(DirectoryContractTest, ANameTwiceInOneBatchIsRefusedAndWritesNothing) {
  std::vector<DirectoryUser> twice = {MakeUser("dup", {"one"}), MakeUser("dup", {"two"})};
  EXPECT_EQ(directory()->ApplyBatch(twice, {}).code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(Find(directory(), "dup").has_value());

  std::vector<DirectoryUser> upsert = {MakeUser("both")};
  std::vector<std::string> removal = {"both"};
  EXPECT_EQ(directory()->ApplyBatch(upsert, removal).code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(Find(directory(), "both").has_value());
}

TEST_P(DirectoryContractTest, LimitsAreRefusedWithInvalidArgument) {
  std::vector<DirectoryUser> bad;
  bad.push_back(MakeUser(""));
  bad.push_back(MakeUser(std::string(257, 'n')));
  bad.push_back(MakeUser("empty-group", {""}));
  bad.push_back(MakeUser("long-group", {std::string(257, 'g')}));
  DirectoryUser many = MakeUser("many-groups", {});
  for (int i = 0; i < 4097; ++i) many.groups.push_back("g" + std::to_string(i));
  bad.push_back(many);
  DirectoryUser mail = MakeUser("long-mail");
  mail.email = std::string(321, 'm');
  bad.push_back(mail);
  DirectoryUser attribute = MakeUser("empty-attribute-name");
  attribute.attributes = {{"", "v"}};
  bad.push_back(attribute);
  for (const DirectoryUser& user : bad) {
    Status s = directory()->Upsert(user);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << user.name.substr(0, 20);
  }
  std::vector<DirectoryUser> listed;
  ASSERT_TRUE(directory()->List("", 100, &listed).ok());
  EXPECT_TRUE(listed.empty());

  DirectoryUser at_limit = MakeUser(std::string(256, 'n'), {std::string(256, 'g')});
  EXPECT_TRUE(directory()->Upsert(at_limit).ok());
}

TEST_P(DirectoryContractTest, ListPagesInNameOrder) {
  std::vector<DirectoryUser> users;
  for (const char* name : {"delta", "alpha", "charlie", "bravo", "echo"}) {
    users.push_back(MakeUser(name));
  }
  ASSERT_TRUE(directory()->ApplyBatch(users, {}).ok());
  std::vector<std::string> seen;
  std::string after;
  for (int page = 0; page < 10; ++page) {
    std::vector<DirectoryUser> out;
    ASSERT_TRUE(directory()->List(after, 2, &out).ok());
    ASSERT_LE(out.size(), 2u);
    if (out.empty()) break;
    for (const DirectoryUser& u : out) seen.push_back(u.name);
    after = out.back().name;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"alpha", "bravo", "charlie", "delta", "echo"}));
  std::vector<DirectoryUser> none;
  ASSERT_TRUE(directory()->List("alpha", 0, &none).ok());
  EXPECT_TRUE(none.empty());
}

TEST_P(DirectoryContractTest, RacingWritersAllLand) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Status s = directory()->Upsert(MakeUser("u" + std::to_string(t) + "-" + std::to_string(i)));
        EXPECT_TRUE(s.ok()) << s.ToString();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::vector<DirectoryUser> all;
  ASSERT_TRUE(directory()->List("", 1000, &all).ok());
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST_P(DirectoryContractTest, AcknowledgedWritesSurviveAReopen) {
  if (!GetParam().persistent) GTEST_SKIP() << "not persistent";
  DirectoryUser kept = MakeUser("kept", {"g2", "g1"});
  std::vector<DirectoryUser> upserts = {kept, MakeUser("gone")};
  ASSERT_TRUE(directory()->ApplyBatch(upserts, {}).ok());
  ASSERT_TRUE(directory()->Remove("gone").ok());
  Reopen();
  kept.groups = {"g1", "g2"};
  ExpectSame(kept, Find(directory(), "kept"));
  EXPECT_FALSE(Find(directory(), "gone").has_value());
}

}  // namespace
}  // namespace keystorm::storage::testing
