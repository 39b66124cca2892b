// The RocksDB directory's own behaviour beyond the contract: a store from
// before the `directory` family opens and gains it, and a damaged directory
// value is Corruption naming the user, never a guess.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "keystorm/storage/rocks_store.h"
#include "keystorm/storage/rocks_user_directory.h"
#include "raw_db.h"
#include "store_test_util.h"

namespace keystorm::storage::testing {
namespace {

Result<std::unique_ptr<RocksCredentialStore>> OpenStore(const std::string& path) {
  StoreConfig config;
  config.path = path;
  config.challenge_sweep_interval_ms = 0;
  return RocksCredentialStore::Open(config);
}

TEST(RocksDirectoryTest, AStoreFromBeforeTheDirectoryFamilyOpensAndGainsIt) {
  ScratchDir dir;
  const std::string path = dir.Sub("db");
  {
    // Layout version 1 as it was before the directory: five families.
    rocksdb::DBOptions options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    families.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
    for (const char* name : {layout::kCredentialsCf, layout::kUserCredentialsCf,
                             layout::kUsersCf, layout::kChallengesCf, layout::kMetaCf}) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, path, families, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::WriteOptions sync;
    sync.sync = true;
    ASSERT_TRUE(db->Put(sync, handles[5], layout::kFormatVersionKey, std::string("\x01\0\0\0", 4))
                    .ok());
    for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    ASSERT_TRUE(db->Close().ok());
  }
  DirectoryUser alice;
  alice.name = "alice";
  alice.groups = {"jira-users"};
  {
    auto store = OpenStore(path);
    ASSERT_TRUE(store) << store.error().ToString();
    RocksUserDirectory directory(store.value().get());
    ASSERT_TRUE(directory.Upsert(alice).ok());
  }
  auto store = OpenStore(path);
  ASSERT_TRUE(store) << store.error().ToString();
  RocksUserDirectory directory(store.value().get());
  std::optional<DirectoryUser> found;
  ASSERT_TRUE(directory.FindByName("alice", &found).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(found->groups, alice.groups);
}

TEST(RocksDirectoryTest, ADamagedValueIsCorruptionNamingTheUser) {
  ScratchDir dir;
  const std::string path = dir.Sub("db");
  {
    auto store = OpenStore(path);
    ASSERT_TRUE(store) << store.error().ToString();
    DirectoryUser bob;
    bob.name = "bob";
    ASSERT_TRUE(RocksUserDirectory(store.value().get()).Upsert(bob).ok());
  }
  {
    RawDb raw(path);
    ASSERT_TRUE(raw.status().ok()) << raw.status().ToString();
    ASSERT_TRUE(raw.Put(layout::kDirectoryCf, "bob", std::string("\x01\x05", 2)).ok());
  }
  auto store = OpenStore(path);
  ASSERT_TRUE(store) << store.error().ToString();
  RocksUserDirectory directory(store.value().get());
  std::optional<DirectoryUser> found;
  Status s = directory.FindByName("bob", &found);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.ToString().find("626f62"), std::string::npos) << s.ToString();  // hex of "bob"
  EXPECT_FALSE(found);
  std::vector<DirectoryUser> listed;
  EXPECT_EQ(directory.List("", 10, &listed).code(), Status::Code::kCorruption);
  EXPECT_TRUE(listed.empty());
}

}  // namespace
}  // namespace keystorm::storage::testing
