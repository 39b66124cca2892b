// What only the RocksDB store has to show: its configuration gate (STO-06),
// its refusal of foreign or newer data, corruption reported as such, WAL
// recovery (STO-05), the integrity walk, statistics and read-only opening.
#include "keystorm/storage/rocks_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "keystorm/storage/store_layout.h"
#include "keystorm/test/thread_names.h"
#include "raw_db.h"
#include "store_test_util.h"

namespace keystorm::storage::testing {
namespace {

namespace fs = std::filesystem;

StoreConfig Config(const std::string& path) {
  StoreConfig config;
  config.path = path;
  config.challenge_sweep_interval_ms = 0;
  config.block_cache_bytes = 8 << 20;
  config.write_buffer_bytes = 4 << 20;
  return config;
}

std::unique_ptr<RocksCredentialStore> MustOpen(const StoreConfig& config) {
  auto store = RocksCredentialStore::Open(config);
  EXPECT_TRUE(store.has_value()) << store.error().ToString();
  return store.has_value() ? std::move(store.value()) : nullptr;
}

// A store that remembers at most `recent_writes` written credential ids
// (StoreConfig::recent_credential_writes), for the commit-hint tests.
std::unique_ptr<RocksCredentialStore> OpenRemembering(const std::string& path,
                                                      size_t recent_writes) {
  StoreConfig config = Config(path);
  config.recent_credential_writes = recent_writes;
  return MustOpen(config);
}

void Insert(CredentialStore* store, const CredentialRecord& r) {
  bool inserted = false;
  ASSERT_TRUE(store->InsertCredentialIfAbsent(r, &inserted).ok());
  ASSERT_TRUE(inserted);
}

Status LookupStatus(CredentialStore* store, std::vector<Bytes> ids,
                    std::vector<std::optional<CredentialRecord>>* out) {
  std::vector<ByteView> views(ids.begin(), ids.end());
  return store->MultiLookup(views, out);
}

// Copies a live store's directory while no write is in flight: what a
// kill -9 at that instant would leave (every acknowledged write is synced).
void CrashImage(const std::string& from, const std::string& to) {
  fs::create_directories(to);
  for (const auto& entry : fs::directory_iterator(from)) {
    fs::copy(entry.path(), to + "/" + entry.path().filename().string());
  }
}

std::string NewestWal(const std::string& dir) {
  std::vector<std::string> logs;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".log") logs.push_back(entry.path().string());
  }
  std::sort(logs.begin(), logs.end());
  return logs.empty() ? "" : logs.back();
}

// STO-06: a configuration that would acknowledge unsynced writes is refused.
TEST(RocksStoreConfig, RefusesAnythingThatWouldAckUnsyncedWrites) {
  ScratchDir dir;
  StoreConfig config = Config(dir.Sub("db"));
  EXPECT_TRUE(ValidateStoreConfig(config).ok());

  auto refused = [&](StoreConfig c, std::string_view why) {
    Status s = ValidateStoreConfig(c);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << why;
    auto store = RocksCredentialStore::Open(c);
    EXPECT_FALSE(store.has_value()) << why;
  };
  StoreConfig c = config;
  c.durability = WriteDurability::kUnsyncedWal;
  refused(c, "sync=false");
  c.durability = WriteDurability::kNoWal;
  refused(c, "disableWAL");
  c = config;
  c.rocksdb_db_options = "manual_wal_flush=true";
  refused(c, "manual_wal_flush");
  c.rocksdb_db_options = "allow_mmap_writes=true";
  refused(c, "allow_mmap_writes");
  c.rocksdb_db_options = "wal_recovery_mode=kSkipAnyCorruptedRecords";
  refused(c, "skip corrupted records");
  c.rocksdb_db_options = "unordered_write=true";
  refused(c, "unordered_write");
  c.rocksdb_db_options = "paranoid_checks=false";
  refused(c, "paranoid_checks");
  c.rocksdb_db_options = "no_such_option=1";
  refused(c, "unknown option");
  c = config;
  c.path.clear();
  refused(c, "no path");
  EXPECT_FALSE(fs::exists(config.path)) << "a refused open creates nothing";

  // Unsynced only with the testing flag, and harmless tuning is fine.
  c = config;
  c.durability = WriteDurability::kUnsyncedWal;
  c.testing_only_allow_unsynced = true;
  EXPECT_TRUE(ValidateStoreConfig(c).ok());
  c = config;
  c.rocksdb_db_options = "max_open_files=512;wal_recovery_mode=kPointInTimeRecovery";
  EXPECT_TRUE(ValidateStoreConfig(c).ok());
}

TEST(RocksStoreOpen, RefusesAnotherLayoutVersion) {
  ScratchDir dir;
  StoreConfig config = Config(dir.Sub("db"));
  MustOpen(config).reset();
  {
    RawDb raw(config.path);
    ASSERT_TRUE(raw.status().ok());
    ASSERT_TRUE(
        raw.Put(layout::kMetaCf, layout::kFormatVersionKey, std::string("\x02\0\0\0", 4)).ok());
  }
  auto store = RocksCredentialStore::Open(config);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), Status::Code::kCorruption);
  EXPECT_NE(store.error().message().find("layout version 2"), std::string_view::npos)
      << store.error().ToString();
}

TEST(RocksStoreOpen, RefusesForeignColumnFamiliesAndDataWithoutAVersion) {
  ScratchDir dir;
  { RawDb raw(dir.Sub("foreign"), {"something_else"}); }
  auto store = RocksCredentialStore::Open(Config(dir.Sub("foreign")));
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), Status::Code::kCorruption);

  {
    RawDb raw(dir.Sub("unversioned"));
    ASSERT_TRUE(raw.Put(layout::kCredentialsCf, "id", "value").ok());
  }
  store = RocksCredentialStore::Open(Config(dir.Sub("unversioned")));
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), Status::Code::kCorruption);

  // Created but never versioned (killed during its first open): still empty,
  // so it is simply a new store.
  { RawDb raw(dir.Sub("fresh")); }
  EXPECT_NE(MustOpen(Config(dir.Sub("fresh"))), nullptr);
}

// A corrupt record is a clear Status::Corruption naming the credential, for
// every operation that reads it; nothing is written on the way.
TEST(RocksStoreCorruption, CorruptRecordIsReportedAsCorruption) {
  ScratchDir dir;
  StoreConfig config = Config(dir.Sub("db"));
  {
    auto store = MustOpen(config);
    Insert(store.get(), MakeCredential("good", "u", 1));
    Insert(store.get(), MakeCredential("bad", "u", 1));
  }
  {
    RawDb raw(config.path);
    std::string value;
    ASSERT_TRUE(raw.db()
                    ->Get(rocksdb::ReadOptions(), raw.Family(layout::kCredentialsCf), "bad", &value)
                    .ok());
    value.resize(value.size() - 3);  // truncated
    ASSERT_TRUE(raw.Put(layout::kCredentialsCf, "bad", value).ok());
  }
  auto store = MustOpen(config);
  std::vector<std::optional<CredentialRecord>> out;
  Status s = LookupStatus(store.get(), {B("good"), B("bad")}, &out);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find("626164"), std::string_view::npos) << "names the id: " << s.ToString();
  EXPECT_TRUE(LookupStatus(store.get(), {B("good")}, &out).ok());

  CounterUpdate u;
  u.credential_id = B("bad");
  u.sign_count = 5;
  std::vector<CommitOutcome> outcomes;
  EXPECT_EQ(store->CommitUpdates(std::span<const CounterUpdate>(&u, 1), &outcomes).code(),
            Status::Code::kCorruption);
  std::vector<CredentialRecord> list;
  EXPECT_EQ(store->ListForUser(B("u"), &list).code(), Status::Code::kCorruption);
  IntegrityReport report;
  EXPECT_EQ(store->CheckIntegrity(&report).code(), Status::Code::kCorruption);
  EXPECT_EQ(store->Delete(B("bad")).code(), Status::Code::kCorruption);
}

// Damage below the records (an SST block) surfaces as Corruption too: on
// open, or on the first read of the block.  Never as "not found".
TEST(RocksStoreCorruption, DamagedTableFileIsCorruption) {
  ScratchDir dir;
  StoreConfig config = Config(dir.Sub("db"));
  std::vector<Bytes> ids;
  {
    auto store = MustOpen(config);
    for (int i = 0; i < 200; ++i) {
      CredentialRecord r = MakeCredential("id-" + std::to_string(i), "u");
      ids.push_back(r.id);
      Insert(store.get(), r);
    }
    ASSERT_TRUE(store->Flush().ok());
  }
  int damaged = 0;
  for (const auto& entry : fs::directory_iterator(config.path)) {
    if (entry.path().extension() != ".sst") continue;
    std::fstream f(entry.path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);  // inside the first data block
    char junk[16];
    std::fill(std::begin(junk), std::end(junk), '\x5a');
    f.write(junk, sizeof(junk));
    ++damaged;
  }
  ASSERT_GT(damaged, 0);
  auto store = RocksCredentialStore::Open(config);
  if (!store.has_value()) {
    EXPECT_EQ(store.error().code(), Status::Code::kCorruption) << store.error().ToString();
    return;
  }
  std::vector<std::optional<CredentialRecord>> out;
  Status s = LookupStatus(store.value().get(), ids, &out);
  EXPECT_EQ(s.code(), Status::Code::kCorruption) << s.ToString();
}

// STO-05: a torn WAL tail (power loss mid-write of an unacknowledged batch)
// is dropped and everything acknowledged is there; damage in the middle of
// the log refuses to open instead of silently losing acknowledged writes.
TEST(RocksStoreRecovery, TornWalTailIsDroppedAndMidLogDamageRefusesToOpen) {
  ScratchDir dir;
  StoreConfig config = Config(dir.Sub("db"));
  auto store = MustOpen(config);
  for (int i = 0; i < 50; ++i) Insert(store.get(), MakeCredential("wal-" + std::to_string(i), "u"));
  CrashImage(config.path, dir.Sub("torn"));
  CrashImage(config.path, dir.Sub("damaged"));
  store.reset();

  std::string wal = NewestWal(dir.Sub("torn"));
  ASSERT_FALSE(wal.empty());
  {
    // Half a record header and some payload: a write cut short.
    std::ofstream f(wal, std::ios::binary | std::ios::app);
    f.write("\x12\x34\x56\x78\x40\x00\x01\x99\x99", 9);
  }
  auto torn = MustOpen(Config(dir.Sub("torn")));
  ASSERT_NE(torn, nullptr);
  IntegrityReport report;
  ASSERT_TRUE(torn->CheckIntegrity(&report).ok());
  EXPECT_EQ(report.credentials, 50u);

  std::string damaged_wal = NewestWal(dir.Sub("damaged"));
  {
    std::fstream f(damaged_wal, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(damaged_wal) / 2));
    f.write("\xff\xff\xff\xff", 4);
  }
  auto damaged = RocksCredentialStore::Open(Config(dir.Sub("damaged")));
  ASSERT_FALSE(damaged.has_value()) << "opened past damage in the middle of the WAL";
  EXPECT_EQ(damaged.error().code(), Status::Code::kCorruption) << damaged.error().ToString();
}

TEST(RocksStoreIntegrity, FindsACredentialWithoutItsIndexEntryAndTheReverse) {
  ScratchDir dir;
  StoreConfig config = Config(dir.Sub("db"));
  {
    auto store = MustOpen(config);
    UserInsertOutcome outcome{};
    ASSERT_TRUE(store->InsertUserIfAbsent(MakeUser("h", "name"), &outcome).ok());
    Insert(store.get(), MakeCredential("a", "h"));
    Insert(store.get(), MakeCredential("b", "h"));
    IntegrityReport report;
    ASSERT_TRUE(store->CheckIntegrity(&report).ok());
    EXPECT_EQ(report.credentials, 2u);
    EXPECT_EQ(report.user_credential_entries, 2u);
    EXPECT_EQ(report.users, 1u);
  }
  {
    RawDb raw(config.path);
    ASSERT_TRUE(
        raw.Delete(layout::kUserCredentialsCf, layout::UserCredentialKey(B("h"), B("a"))).ok());
  }
  {
    auto store = MustOpen(config);
    IntegrityReport report;
    Status s = store->CheckIntegrity(&report);
    EXPECT_EQ(s.code(), Status::Code::kCorruption);
    EXPECT_NE(s.message().find("no user_credentials entry"), std::string_view::npos)
        << s.ToString();
  }
  {
    RawDb raw(config.path);
    ASSERT_TRUE(
        raw.Put(layout::kUserCredentialsCf, layout::UserCredentialKey(B("h"), B("a")), "").ok());
    ASSERT_TRUE(
        raw.Put(layout::kUserCredentialsCf, layout::UserCredentialKey(B("h"), B("ghost")), "")
            .ok());
  }
  auto store = MustOpen(config);
  IntegrityReport report;
  Status s = store->CheckIntegrity(&report);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find("no matching credential"), std::string_view::npos) << s.ToString();
}

TEST(RocksStoreStats, CountsWhatIsStored) {
  ScratchDir dir;
  auto store = MustOpen(Config(dir.Sub("db")));
  UserInsertOutcome outcome{};
  ASSERT_TRUE(store->InsertUserIfAbsent(MakeUser("h1", "one"), &outcome).ok());
  ASSERT_TRUE(store->InsertUserIfAbsent(MakeUser("h2", "two"), &outcome).ok());
  for (int i = 0; i < 10; ++i) Insert(store.get(), MakeCredential("s-" + std::to_string(i), "h1"));
  std::vector<ChallengeOutcome> consumed;
  Bytes c1 = B("c1"), c2 = B("c2"), c3 = B("c3");
  std::vector<ChallengeUse> uses = {{c1, 2000}, {c2, 2000}, {c3, 3000}};
  ASSERT_TRUE(store->ConsumeChallenges(uses, 1000, &consumed).ok());
  StoreStats stats;
  ASSERT_TRUE(store->GetStats(true, &stats).ok());
  EXPECT_EQ(stats.format_version, 1u);
  std::map<std::string, uint64_t> exact;
  for (const auto& f : stats.families) exact[f.name] = f.exact_keys;
  EXPECT_EQ(exact[layout::kCredentialsCf], 10u);
  EXPECT_EQ(exact[layout::kUserCredentialsCf], 10u);
  EXPECT_EQ(exact[layout::kUsersCf], 4u);  // two records, two names
  EXPECT_EQ(exact[layout::kChallengesCf], 3u);
  EXPECT_GT(stats.block_cache_capacity_bytes, 0u);
  EXPECT_GT(stats.live_wal_bytes, 0u);

  // A sweep is one range deletion: the expired two go, the live one stays.
  ASSERT_TRUE(store->SweepExpiredChallenges(2500).ok());
  ASSERT_TRUE(store->GetStats(true, &stats).ok());
  for (const auto& f : stats.families) exact[f.name] = f.exact_keys;
  EXPECT_EQ(exact[layout::kChallengesCf], 1u);
  EXPECT_EQ(stats.challenge_horizon_ms, 2500);
}

TEST(RocksStoreOpen, ReadOnlyOpenReadsAndRefusesWrites) {
  ScratchDir dir;
  StoreConfig config = Config(dir.Sub("db"));
  auto writer = MustOpen(config);
  Insert(writer.get(), MakeCredential("ro", "u", 3));
  StoreConfig ro = config;
  ro.read_only = true;
  auto reader = MustOpen(ro);
  ASSERT_NE(reader, nullptr);
  std::vector<std::optional<CredentialRecord>> out;
  ASSERT_TRUE(LookupStatus(reader.get(), {B("ro")}, &out).ok());
  ASSERT_TRUE(out[0].has_value());
  EXPECT_EQ(out[0]->sign_count, 3u);
  bool inserted = true;
  EXPECT_FALSE(reader->InsertCredentialIfAbsent(MakeCredential("new", "u"), &inserted).ok());
  EXPECT_FALSE(inserted);
}

// The sweep thread, when configured, runs on its own.
TEST(RocksStoreSweep, BackgroundSweepRuns) {
  ScratchDir dir;
  StoreConfig config = Config(dir.Sub("db"));
  config.challenge_sweep_interval_ms = 20;
  auto store = MustOpen(config);
  std::vector<ChallengeOutcome> out;
  Bytes id = B("short-lived");
  std::vector<ChallengeUse> uses = {{id, 1000}};  // expired long ago by the wall clock
  ASSERT_TRUE(store->ConsumeChallenges(uses, 500, &out).ok());
  ASSERT_EQ(out[0], ChallengeOutcome::kConsumed);
  StoreStats stats;
  for (int i = 0; i < 6000 && stats.challenge_horizon_ms == 0; ++i) {  // up to a minute
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_TRUE(store->GetStats(false, &stats).ok());
  }
  EXPECT_GT(stats.challenge_horizon_ms, 1'700'000'000'000);
  EXPECT_TRUE(keystorm::test::ThreadNamedAppears("ks-sweep"));  // as top -H shows it
}

// The committer reads a credential again only when its looked-up record
// may be stale (CommitUpdates, rocks_store.h): counted by commit_rereads().
CounterUpdate HintedUpdate(const CredentialRecord& looked_up, uint64_t epoch, uint32_t count) {
  CounterUpdate u;
  u.credential_id = looked_up.id;
  u.sign_count = count;
  u.uv_initialized = true;
  u.used_at = 1'790'000'000;
  u.looked_up = &looked_up;
  u.looked_up_at_epoch = epoch;
  return u;
}

struct Looked {
  uint64_t epoch = 0;
  CredentialRecord record;
};

Looked LookUp(RocksCredentialStore* store, const Bytes& id) {
  Looked l;
  l.epoch = store->CredentialWriteEpoch();
  std::vector<std::optional<CredentialRecord>> out;
  EXPECT_TRUE(LookupStatus(store, {id}, &out).ok());
  EXPECT_TRUE(out.at(0).has_value());
  if (out.at(0)) l.record = *out[0];
  return l;
}

CommitOutcome Commit(RocksCredentialStore* store, const CounterUpdate& u) {
  std::vector<CommitOutcome> outcomes;
  EXPECT_TRUE(store->CommitUpdates(std::span<const CounterUpdate>(&u, 1), &outcomes).ok());
  return outcomes.empty() ? CommitOutcome::kNotFound : outcomes[0];
}

TEST(RocksStoreCommitHints, AnUnwrittenLookupIsNotReadAgain) {
  ScratchDir dir;
  auto store = MustOpen(Config(dir.Sub("db")));
  ASSERT_TRUE(store);
  Insert(store.get(), MakeCredential("a", "u", 0));
  Insert(store.get(), MakeCredential("b", "u", 5));

  // A synced passkey (0 with 0) and a security key, each from a lookup made
  // after its last write: nothing is read.
  Looked a = LookUp(store.get(), B("a"));
  Looked b = LookUp(store.get(), B("b"));
  EXPECT_EQ(Commit(store.get(), HintedUpdate(a.record, a.epoch, 0)), CommitOutcome::kUnchanged);
  EXPECT_EQ(Commit(store.get(), HintedUpdate(b.record, b.epoch, 6)), CommitOutcome::kApplied);
  EXPECT_EQ(store->commit_rereads(), 0u);

  // "b" was written by that commit: its old lookup is read again, and the
  // verdict is against the stored 6.  "a" was not written: still trusted.
  EXPECT_EQ(Commit(store.get(), HintedUpdate(b.record, b.epoch, 6)), CommitOutcome::kRegression);
  EXPECT_EQ(store->commit_rereads(), 1u);
  EXPECT_EQ(Commit(store.get(), HintedUpdate(a.record, a.epoch, 0)), CommitOutcome::kUnchanged);
  EXPECT_EQ(store->commit_rereads(), 1u);

  // No hint, or epoch 0: read, as before the hints.
  CounterUpdate plain = HintedUpdate(a.record, a.epoch, 0);
  plain.looked_up = nullptr;
  EXPECT_EQ(Commit(store.get(), plain), CommitOutcome::kUnchanged);
  EXPECT_EQ(Commit(store.get(), HintedUpdate(a.record, 0, 0)), CommitOutcome::kUnchanged);
  EXPECT_EQ(store->commit_rereads(), 3u);
}

// When the memory of recent writes is full it is emptied, and every lookup
// older than that is read again, written or not.
TEST(RocksStoreCommitHints, AForgottenWriteMakesOlderLookupsBeReadAgain) {
  ScratchDir dir;
  auto store = OpenRemembering(dir.Sub("db"), 2);
  ASSERT_TRUE(store);
  for (const char* id : {"x", "w1", "w2", "w3"}) Insert(store.get(), MakeCredential(id, "u", 1));
  Looked x = LookUp(store.get(), B("x"));
  for (const char* id : {"w1", "w2", "w3"}) {
    Looked w = LookUp(store.get(), B(id));
    EXPECT_EQ(Commit(store.get(), HintedUpdate(w.record, w.epoch, 2)), CommitOutcome::kApplied);
  }
  const uint64_t before = store->commit_rereads();
  EXPECT_EQ(Commit(store.get(), HintedUpdate(x.record, x.epoch, 2)), CommitOutcome::kApplied);
  EXPECT_EQ(store->commit_rereads(), before + 1) << "a lookup older than the floor was trusted";
  // A lookup made since is trusted again.
  Looked again = LookUp(store.get(), B("w1"));
  EXPECT_EQ(Commit(store.get(), HintedUpdate(again.record, again.epoch, 3)), CommitOutcome::kApplied);
  EXPECT_EQ(store->commit_rereads(), before + 1);

  StoreConfig none = Config(dir.Sub("db"));
  none.recent_credential_writes = 0;
  EXPECT_EQ(ValidateStoreConfig(none).code(), Status::Code::kInvalidArgument);
}

// The floor's boundary: the map is emptied by the write right after the
// one that overtook the lookup, so that write is gone from the map and
// only the floor says the lookup is stale.
TEST(RocksStoreCommitHints, ALookupOvertakenJustBeforeTheMapWasEmptiedIsReadAgain) {
  ScratchDir dir;
  auto store = OpenRemembering(dir.Sub("db"), 1);
  ASSERT_TRUE(store);
  Insert(store.get(), MakeCredential("x", "u", 5));
  Insert(store.get(), MakeCredential("y", "u", 5));
  Looked x = LookUp(store.get(), B("x"));  // counter 5
  EXPECT_EQ(Commit(store.get(), HintedUpdate(x.record, x.epoch, 6)), CommitOutcome::kApplied);
  Looked y = LookUp(store.get(), B("y"));
  EXPECT_EQ(Commit(store.get(), HintedUpdate(y.record, y.epoch, 6)), CommitOutcome::kApplied);
  // x's 6 again, from the lookup that saw 5: a repeat.
  EXPECT_EQ(Commit(store.get(), HintedUpdate(x.record, x.epoch, 6)), CommitOutcome::kRegression);
}

// A write of more credentials than the map holds (a reset, an import)
// keeps none of them: every earlier lookup is read again.
TEST(RocksStoreCommitHints, AWriteLargerThanTheMapMakesEveryEarlierLookupBeReadAgain) {
  ScratchDir dir;
  auto store = OpenRemembering(dir.Sub("db"), 2);
  ASSERT_TRUE(store);
  UserInsertOutcome outcome{};
  ASSERT_TRUE(store->InsertUserIfAbsent(MakeUser("h-big", "big"), &outcome).ok());
  for (const char* id : {"r1", "r2", "r3"}) Insert(store.get(), MakeCredential(id, "h-big", 1));
  Insert(store.get(), MakeCredential("kept", "other", 1));
  Looked r1 = LookUp(store.get(), B("r1"));
  Looked kept = LookUp(store.get(), B("kept"));
  size_t removed = 0;
  ASSERT_TRUE(store->ResetUser(B("h-big"), &removed).ok());
  ASSERT_EQ(removed, 3u);
  EXPECT_EQ(Commit(store.get(), HintedUpdate(r1.record, r1.epoch, 2)), CommitOutcome::kNotFound);
  const uint64_t before = store->commit_rereads();
  EXPECT_EQ(Commit(store.get(), HintedUpdate(kept.record, kept.epoch, 2)), CommitOutcome::kApplied);
  EXPECT_EQ(store->commit_rereads(), before + 1) << "a lookup from before the reset was trusted";
}

// Epochs are per store instance: a hint taken from another instance, or
// from before a reopen of the same path, is never trusted.
TEST(RocksStoreCommitHints, AHintFromAnotherInstanceIsReadAgain) {
  ScratchDir dir;
  auto first = MustOpen(Config(dir.Sub("a")));
  auto second = MustOpen(Config(dir.Sub("b")));
  ASSERT_TRUE(first && second);
  Insert(first.get(), MakeCredential("same", "u", 1));
  Insert(second.get(), MakeCredential("same", "u", 1));
  Looked from_first = LookUp(first.get(), B("same"));
  Looked from_second = LookUp(second.get(), B("same"));
  EXPECT_EQ(Commit(second.get(), HintedUpdate(from_first.record, from_first.epoch, 2)),
            CommitOutcome::kApplied);
  EXPECT_EQ(second->commit_rereads(), 1u);
  EXPECT_EQ(Commit(first.get(), HintedUpdate(from_second.record, from_second.epoch, 2)),
            CommitOutcome::kApplied);
  EXPECT_EQ(first->commit_rereads(), 1u);
  // Reopened: the hint from before is not trusted either.
  second.reset();
  second = MustOpen(Config(dir.Sub("b")));
  ASSERT_TRUE(second);
  EXPECT_EQ(Commit(second.get(), HintedUpdate(from_second.record, from_second.epoch, 3)),
            CommitOutcome::kApplied);
  EXPECT_EQ(second->commit_rereads(), 1u);
}

// CON-01 with hints while the map of recent writes keeps being emptied:
// eight threads, four credentials, room for three ids.  Each thread
// commits the counter it looked up plus one; a value must be accepted at
// most once per credential, and the stored counter is the largest.  Every
// store call takes a turn, so any interleaving of the steps across threads
// can occur but no two calls overlap inside RocksDB, whose synchronisation
// ThreadSanitizer cannot see in Debian's uninstrumented librocksdb (see
// store_contract_test.cc, CountersRaceWithLookupHintsWithoutDoubleAcceptance).
TEST(RocksStoreCommitHints, RacingHintedCommitsWhileTheMapIsEmptiedAcceptEachValueOnce) {
  ScratchDir dir;
  auto store = OpenRemembering(dir.Sub("db"), 3);
  ASSERT_TRUE(store);
  constexpr int kThreads = 8, kCredentials = 4, kRounds = 60;
  std::vector<Bytes> ids;
  for (int c = 0; c < kCredentials; ++c) {
    ids.push_back(B("race-" + std::to_string(c)));
    Insert(store.get(), MakeCredential("race-" + std::to_string(c), "u", 0));
  }
  std::vector<std::vector<std::vector<uint32_t>>> accepted(
      kThreads, std::vector<std::vector<uint32_t>>(kCredentials));
  std::atomic<int> errors{0};
  std::mutex commit_turn;  // one store call at a time
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        const int c = round % kCredentials;  // every thread on the same one at once
        uint64_t epoch = 0;
        {
          std::lock_guard<std::mutex> turn(commit_turn);
          epoch = store->CredentialWriteEpoch();
        }
        std::vector<std::optional<CredentialRecord>> found;
        Status looked;
        {
          std::lock_guard<std::mutex> turn(commit_turn);
          looked = LookupStatus(store.get(), {ids[c]}, &found);
        }
        std::this_thread::yield();  // let another thread's commit come between
        if (!looked.ok() || !found[0]) {
          errors.fetch_add(1);
          continue;
        }
        CounterUpdate u = HintedUpdate(*found[0], epoch, found[0]->sign_count + 1);
        std::vector<CommitOutcome> out;
        Status committed;
        {
          std::lock_guard<std::mutex> turn(commit_turn);
          committed = store->CommitUpdates(std::span<const CounterUpdate>(&u, 1), &out);
        }
        if (!committed.ok()) {
          errors.fetch_add(1);
          continue;
        }
        if (out[0] == CommitOutcome::kApplied) accepted[t][c].push_back(u.sign_count);
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  for (int c = 0; c < kCredentials; ++c) {
    std::vector<uint32_t> all;
    for (int t = 0; t < kThreads; ++t) all.insert(all.end(), accepted[t][c].begin(), accepted[t][c].end());
    std::sort(all.begin(), all.end());
    EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end())
        << "credential " << c << ": a counter value was accepted twice";
    ASSERT_FALSE(all.empty());
    std::vector<std::optional<CredentialRecord>> stored;
    ASSERT_TRUE(LookupStatus(store.get(), {ids[c]}, &stored).ok());
    EXPECT_EQ(stored[0]->sign_count, all.back());
    EXPECT_EQ(all.back(), all.size());
  }
}

}  // namespace
}  // namespace keystorm::storage::testing
