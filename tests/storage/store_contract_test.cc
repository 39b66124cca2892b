// The CredentialStore contract (store_contract.h).  Every TEST_P here runs
// against every instantiated store.
#include "keystorm/storage/testing/store_contract.h"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "store_test_util.h"

namespace keystorm::storage::testing {

void StoreContractTest::SetUp() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/keystorm-contract-XXXXXX";
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  dir_ = pattern;
  store_ = GetParam().open(dir_);
  ASSERT_NE(store_, nullptr) << "the factory could not open a store in " << dir_;
}

void StoreContractTest::TearDown() {
  store_.reset();
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

void StoreContractTest::Reopen() {
  ASSERT_TRUE(GetParam().persistent);
  store_.reset();
  store_ = GetParam().open(dir_);
  ASSERT_NE(store_, nullptr) << "reopen failed";
}

std::string StoreFactoryName(const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

namespace {

constexpr int64_t kNow = 1'800'000'000'000;  // unix ms, an injected clock

std::optional<CredentialRecord> Lookup(CredentialStore* store, const Bytes& id) {
  std::vector<ByteView> ids = {id};
  std::vector<std::optional<CredentialRecord>> out;
  Status s = store->MultiLookup(ids, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return s.ok() && out.size() == 1 ? out[0] : std::nullopt;
}

void Insert(CredentialStore* store, const CredentialRecord& r) {
  bool inserted = false;
  Status s = store->InsertCredentialIfAbsent(r, &inserted);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(inserted);
}

CommitOutcome CommitOne(CredentialStore* store, const CounterUpdate& u) {
  std::vector<CommitOutcome> outcomes;
  Status s = store->CommitUpdates(std::span<const CounterUpdate>(&u, 1), &outcomes);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return s.ok() ? outcomes.at(0) : CommitOutcome::kNotFound;
}

CounterUpdate Update(const Bytes& id, uint32_t count, bool accept_regression = false) {
  CounterUpdate u;
  u.credential_id = id;
  u.sign_count = count;
  u.used_at = 1'790'000'000;
  u.uv_initialized = true;
  u.accept_regression = accept_regression;
  return u;
}

ChallengeOutcome ConsumeOne(CredentialStore* store, const Bytes& id, int64_t expires, int64_t now) {
  ChallengeUse use{id, expires};
  std::vector<ChallengeOutcome> out;
  Status s = store->ConsumeChallenges(std::span<const ChallengeUse>(&use, 1), now, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return s.ok() ? out.at(0) : ChallengeOutcome::kExpired;
}

// ---- credentials ----

TEST_P(StoreContractTest, LookupOfAnUnknownIdIsEmpty) {
  EXPECT_FALSE(Lookup(store(), B("nope")).has_value());
}

TEST_P(StoreContractTest, InsertedRecordRoundTripsEveryField) {
  CredentialRecord r = MakeCredential("cred-1", "user-1", 42);
  r.transports = {};
  r.backup_state = true;
  r.last_used_at = 123;
  Insert(store(), r);
  auto got = Lookup(store(), r.id);
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(SameRecord(*got, r));
}

TEST_P(StoreContractTest, MultiLookupAnswersInOrderWithMissesAndRepeats) {
  Insert(store(), MakeCredential("a", "u"));
  Insert(store(), MakeCredential("b", "u"));
  Bytes a = B("a"), b = B("b"), x = B("x");
  std::vector<ByteView> ids = {b, x, a, b};
  std::vector<std::optional<CredentialRecord>> out;
  ASSERT_TRUE(store()->MultiLookup(ids, &out).ok());
  ASSERT_EQ(out.size(), 4u);
  ASSERT_TRUE(out[0] && out[2] && out[3]);
  EXPECT_FALSE(out[1].has_value());
  EXPECT_EQ(out[0]->id, b);
  EXPECT_EQ(out[2]->id, a);
  EXPECT_EQ(out[3]->id, b);
}

// R26 / matrix REG-02: an attacker registering the victim's credential ID on
// their own account changes nothing.
TEST_P(StoreContractTest, DuplicateIdIsRefusedForAnyUserAndLeavesTheOriginal) {
  CredentialRecord victim = MakeCredential("shared-id", "victim", 7);
  Insert(store(), victim);
  for (const char* user : {"attacker", "victim"}) {
    CredentialRecord again = MakeCredential("shared-id", user, 0);
    again.public_key_cose = B("attacker-key");
    bool inserted = true;
    ASSERT_TRUE(store()->InsertCredentialIfAbsent(again, &inserted).ok());
    EXPECT_FALSE(inserted) << user;
  }
  auto got = Lookup(store(), victim.id);
  ASSERT_TRUE(got);
  EXPECT_TRUE(SameRecord(*got, victim));
  std::vector<CredentialRecord> attacker;
  ASSERT_TRUE(store()->ListForUser(B("attacker"), &attacker).ok());
  EXPECT_TRUE(attacker.empty());
}

// §7.2 step 22 as the matrix's CTR rows put it, applied at commit time.
TEST_P(StoreContractTest, CounterRuleAtCommit) {
  struct Case {
    uint32_t stored, received;
    bool warn;
    CommitOutcome outcome;
    uint32_t stored_after;
  };
  const Case cases[] = {
      {5, 6, false, CommitOutcome::kApplied, 6},     // CTR-01
      {5, 5, false, CommitOutcome::kRegression, 5},  // equal is a regression
      {5, 4, false, CommitOutcome::kRegression, 5},
      {5, 0, false, CommitOutcome::kRegression, 5},  // 0 after non-zero
      {0, 1, false, CommitOutcome::kApplied, 1},
      {0xFFFFFFFF, 0, false, CommitOutcome::kRegression, 0xFFFFFFFF},  // CTR-07: no wrap
      {5, 3, true, CommitOutcome::kRegressionAccepted, 5},             // warn: never lowered
      {5, 7, true, CommitOutcome::kApplied, 7},
  };
  int n = 0;
  for (const Case& c : cases) {
    std::string id = "ctr-" + std::to_string(n++);
    CredentialRecord r = MakeCredential(id, "u", c.stored);
    r.uv_initialized = false;
    Insert(store(), r);
    EXPECT_EQ(CommitOne(store(), Update(r.id, c.received, c.warn)), c.outcome)
        << c.stored << " -> " << c.received;
    auto got = Lookup(store(), r.id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->sign_count, c.stored_after) << c.stored << " -> " << c.received;
    bool written =
        c.outcome == CommitOutcome::kApplied || c.outcome == CommitOutcome::kRegressionAccepted;
    // A refused update writes nothing at all; an accepted one writes flags
    // and the time of use.
    EXPECT_EQ(got->uv_initialized, written);
    EXPECT_EQ(got->last_used_at, written ? 1'790'000'000 : 0);
  }
}

// A synced passkey reports 0 with stored 0: nothing changes, nothing is written.
TEST_P(StoreContractTest, ZeroWithZeroAndNoFlagChangeWritesNothing) {
  CredentialRecord r = MakeCredential("passkey", "u", 0);
  Insert(store(), r);
  CounterUpdate u = Update(r.id, 0);
  u.backup_state = r.backup_state;
  u.uv_initialized = r.uv_initialized;
  EXPECT_EQ(CommitOne(store(), u), CommitOutcome::kUnchanged);
  auto got = Lookup(store(), r.id);
  ASSERT_TRUE(got);
  EXPECT_TRUE(SameRecord(*got, r));  // last_used_at untouched too
  // A flag change with 0/0 is written.
  u.backup_state = !r.backup_state;
  EXPECT_EQ(CommitOne(store(), u), CommitOutcome::kApplied);
  EXPECT_EQ(Lookup(store(), r.id)->backup_state, !r.backup_state);
}

TEST_P(StoreContractTest, UvInitializedNeverGoesBackToFalse) {
  CredentialRecord r = MakeCredential("uv", "u", 1);
  r.uv_initialized = true;
  Insert(store(), r);
  CounterUpdate u = Update(r.id, 2);
  u.uv_initialized = false;
  EXPECT_EQ(CommitOne(store(), u), CommitOutcome::kApplied);
  EXPECT_TRUE(Lookup(store(), r.id)->uv_initialized);
}

// Two assertions of one credential in one batch: the later one is checked
// against the counter the earlier one stored (matrix CON-01, in one batch).
TEST_P(StoreContractTest, UpdatesOfOneCredentialInOneBatchApplyInOrder) {
  CredentialRecord r = MakeCredential("batch", "u", 9);
  Insert(store(), r);
  std::vector<CounterUpdate> reversed = {Update(r.id, 11), Update(r.id, 10)};
  std::vector<CommitOutcome> out;
  ASSERT_TRUE(store()->CommitUpdates(reversed, &out).ok());
  EXPECT_EQ(out, (std::vector<CommitOutcome>{CommitOutcome::kApplied, CommitOutcome::kRegression}));
  std::vector<CounterUpdate> ordered = {Update(r.id, 12), Update(r.id, 13), Update(r.id, 13)};
  ASSERT_TRUE(store()->CommitUpdates(ordered, &out).ok());
  EXPECT_EQ(out, (std::vector<CommitOutcome>{CommitOutcome::kApplied, CommitOutcome::kApplied,
                                             CommitOutcome::kRegression}));
  EXPECT_EQ(Lookup(store(), r.id)->sign_count, 13u);
}

TEST_P(StoreContractTest, CommitForAnUnknownOrDeletedCredentialIsNotFound) {
  CredentialRecord r = MakeCredential("gone", "u", 1);
  Insert(store(), r);
  ASSERT_TRUE(store()->Delete(r.id).ok());
  std::vector<CounterUpdate> updates = {Update(r.id, 2), Update(B("never"), 1)};
  std::vector<CommitOutcome> out;
  ASSERT_TRUE(store()->CommitUpdates(updates, &out).ok());
  EXPECT_EQ(out, (std::vector<CommitOutcome>{CommitOutcome::kNotFound, CommitOutcome::kNotFound}));
  EXPECT_FALSE(Lookup(store(), r.id).has_value());  // not resurrected
}

// ---- the commit's hints (CounterUpdate::looked_up) ----
//
// A store may apply an update to the record the caller looked up instead of
// reading it again, but only while nothing has written that credential
// since: every test below hands the store a hint made stale by a write
// between the lookup and the commit, and the verdict must be the one
// against what is stored.

struct Hinted {
  CredentialRecord record;
  uint64_t epoch = 0;
};

// CredentialWriteEpoch() and then a lookup, as the pipeline takes them.
Hinted LookUpWithEpoch(CredentialStore* store, const Bytes& id) {
  Hinted h;
  h.epoch = store->CredentialWriteEpoch();
  std::optional<CredentialRecord> found = Lookup(store, id);
  EXPECT_TRUE(found.has_value());
  if (found) h.record = *found;
  return h;
}

CounterUpdate HintedUpdate(const Hinted& h, uint32_t count) {
  CounterUpdate u = Update(h.record.id, count);
  u.looked_up = &h.record;
  u.looked_up_at_epoch = h.epoch;
  return u;
}

TEST_P(StoreContractTest, AFreshHintGivesTheSameOutcomesAsNone) {
  CredentialRecord r = MakeCredential("fresh", "u", 5);
  Insert(store(), r);
  Hinted h = LookUpWithEpoch(store(), r.id);
  EXPECT_EQ(CommitOne(store(), HintedUpdate(h, 5)), CommitOutcome::kRegression);
  EXPECT_EQ(CommitOne(store(), HintedUpdate(h, 6)), CommitOutcome::kApplied);
  std::optional<CredentialRecord> stored = Lookup(store(), r.id);
  ASSERT_TRUE(stored);
  CredentialRecord expected = r;
  expected.sign_count = 6;
  expected.last_used_at = Update(r.id, 6).used_at;
  EXPECT_TRUE(SameRecord(*stored, expected)) << "the commit wrote more than the update";
}

TEST_P(StoreContractTest, AHintOlderThanACommitOfItsCredentialDoesNotWin) {
  CredentialRecord r = MakeCredential("stale", "u", 5);
  Insert(store(), r);
  Hinted h = LookUpWithEpoch(store(), r.id);  // counter 5
  EXPECT_EQ(CommitOne(store(), Update(r.id, 6)), CommitOutcome::kApplied);
  // The same counter again, from a lookup that saw 5: a cloned key.
  EXPECT_EQ(CommitOne(store(), HintedUpdate(h, 6)), CommitOutcome::kRegression);
  // And a higher one is applied on top of 6, not of the hint's 5.
  EXPECT_EQ(CommitOne(store(), HintedUpdate(h, 7)), CommitOutcome::kApplied);
  EXPECT_EQ(Lookup(store(), r.id)->sign_count, 7u);
  // Flags likewise: a stale hint's backup_state is not the stored one.
  CounterUpdate flags = HintedUpdate(h, 8);
  flags.backup_state = false;
  EXPECT_EQ(CommitOne(store(), flags), CommitOutcome::kApplied);
  EXPECT_EQ(Lookup(store(), r.id)->sign_count, 8u);
}

TEST_P(StoreContractTest, AHintOlderThanADeleteOrAResetResurrectsNothing) {
  UserInsertOutcome outcome{};
  ASSERT_TRUE(store()->InsertUserIfAbsent(MakeUser("h-erin", "erin"), &outcome).ok());
  CredentialRecord deleted = MakeCredential("del", "h-erin", 1);
  CredentialRecord reset = MakeCredential("res", "h-erin", 1);
  Insert(store(), deleted);
  Insert(store(), reset);
  Hinted hd = LookUpWithEpoch(store(), deleted.id);
  Hinted hr = LookUpWithEpoch(store(), reset.id);
  ASSERT_TRUE(store()->Delete(deleted.id).ok());
  EXPECT_EQ(CommitOne(store(), HintedUpdate(hd, 2)), CommitOutcome::kNotFound);
  EXPECT_FALSE(Lookup(store(), deleted.id).has_value());
  size_t removed = 0;
  ASSERT_TRUE(store()->ResetUser(B("h-erin"), &removed).ok());
  EXPECT_EQ(CommitOne(store(), HintedUpdate(hr, 2)), CommitOutcome::kNotFound);
  EXPECT_FALSE(Lookup(store(), reset.id).has_value());
  std::vector<CredentialRecord> list;
  ASSERT_TRUE(store()->ListForUser(B("h-erin"), &list).ok());
  EXPECT_TRUE(list.empty());
}

TEST_P(StoreContractTest, AHintOlderThanADeleteAndARegistrationKeepsTheNewRecord) {
  CredentialRecord old_record = MakeCredential("reused", "h-old", 7);
  Insert(store(), old_record);
  Hinted h = LookUpWithEpoch(store(), old_record.id);
  ASSERT_TRUE(store()->Delete(old_record.id).ok());
  CredentialRecord new_record = MakeCredential("reused", "h-new", 0);
  new_record.public_key_cose = B("another-key");
  Insert(store(), new_record);
  // Counter 8 against the stale 7 would be applied to the old record.
  EXPECT_EQ(CommitOne(store(), HintedUpdate(h, 8)), CommitOutcome::kApplied);
  std::optional<CredentialRecord> stored = Lookup(store(), new_record.id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->user_handle, new_record.user_handle);
  EXPECT_EQ(stored->public_key_cose, new_record.public_key_cose);
  EXPECT_EQ(stored->sign_count, 8u);
}

TEST_P(StoreContractTest, AHintForAnotherCredentialIsNotWrittenUnderThisOne) {
  CredentialRecord mine = MakeCredential("mine", "u", 1);
  CredentialRecord other = MakeCredential("other", "v", 1);
  Insert(store(), mine);
  Insert(store(), other);
  Hinted h = LookUpWithEpoch(store(), other.id);
  CounterUpdate u = Update(mine.id, 2);
  u.looked_up = &h.record;  // a caller's mistake: the record of "other"
  u.looked_up_at_epoch = h.epoch;
  EXPECT_EQ(CommitOne(store(), u), CommitOutcome::kApplied);
  std::optional<CredentialRecord> stored = Lookup(store(), mine.id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->public_key_cose, mine.public_key_cose);
  EXPECT_EQ(stored->user_handle, mine.user_handle);
  EXPECT_EQ(stored->sign_count, 2u);
}

TEST_P(StoreContractTest, TheWriteEpochGrowsWithEveryCredentialWrite) {
  const uint64_t start = store()->CredentialWriteEpoch();
  if (start == 0) GTEST_SKIP() << "this store keeps no write epoch (always re-reads)";
  CredentialRecord r = MakeCredential("epoch", "u", 1);
  Insert(store(), r);
  const uint64_t inserted = store()->CredentialWriteEpoch();
  EXPECT_GT(inserted, start);
  EXPECT_EQ(CommitOne(store(), Update(r.id, 2)), CommitOutcome::kApplied);
  const uint64_t committed = store()->CredentialWriteEpoch();
  EXPECT_GT(committed, inserted);
  EXPECT_EQ(CommitOne(store(), Update(r.id, 2)), CommitOutcome::kRegression);  // writes nothing
  EXPECT_EQ(store()->CredentialWriteEpoch(), committed);
  ASSERT_TRUE(store()->Delete(r.id).ok());
  EXPECT_GT(store()->CredentialWriteEpoch(), committed);
}

// Every thread's accepted counter values, together and sorted; a value
// accepted twice (by two threads, or twice by one) fails the test.
std::vector<uint32_t> AcceptedOnceEach(const std::vector<std::vector<uint32_t>>& accepted) {
  std::vector<uint32_t> all;
  for (const auto& a : accepted) all.insert(all.end(), a.begin(), a.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end())
      << "a counter value was accepted twice";
  return all;
}

// Matrix CON-01: many threads commit counters of one credential at once.
// Every value is accepted at most once, and the stored counter is the
// largest accepted.  Without the store's per-credential atomicity two
// threads read the same stored counter and both accept the next value.
TEST_P(StoreContractTest, CountersRaceAcrossThreadsWithoutDoubleAcceptance) {
  constexpr int kThreads = 8;
  constexpr uint32_t kMax = 150;
  CredentialRecord r = MakeCredential("raced", "u", 0);
  Insert(store(), r);
  std::vector<std::vector<uint32_t>> accepted(kThreads);
  std::atomic<int> errors{0};
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (uint32_t c = 1; c <= kMax; ++c) {
        // Threads also send values out of order (odd threads count down in
        // pairs: 2, 1, 4, 3 ...), the CON-01 "10 and 11 in reverse order".
        uint32_t value = (t % 2 == 1) ? (c % 2 == 1 ? c + 1 : c - 1) : c;
        if (value > kMax) value = kMax;
        CounterUpdate u = Update(r.id, value);
        std::vector<CommitOutcome> out;
        Status s = store()->CommitUpdates(std::span<const CounterUpdate>(&u, 1), &out);
        if (!s.ok()) {
          errors.fetch_add(1);
          continue;
        }
        if (out[0] == CommitOutcome::kApplied) accepted[t].push_back(value);
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  std::vector<uint32_t> all = AcceptedOnceEach(accepted);
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(Lookup(store(), r.id)->sign_count, all.back());
  EXPECT_EQ(all.back(), kMax);
  for (const auto& a : accepted) {
    EXPECT_TRUE(std::is_sorted(a.begin(), a.end()) &&
                std::adjacent_find(a.begin(), a.end()) == a.end());
  }
}

// CON-01 with the pipeline's hints: every thread looks the credential up
// (epoch first), then commits the looked-up counter plus one against that
// lookup, as two workers of a cloned key would.  Racing threads read the
// same counter, so most hints are stale by the time they commit; a value
// must still be accepted at most once, and the stored counter must be the
// largest accepted.  The epoch read, the lookup and the commit each take a
// turn, so every interleaving of the three steps across threads can occur
// but no two store calls overlap: inside RocksDB a read that overlaps a
// write synchronises in Debian's uninstrumented librocksdb, which
// ThreadSanitizer cannot see.  (A commit landing inside a lookup is
// pipeline_overlap_test's ACommitBetweenTheLookupAndItsCommitIsNotOverlooked.)
TEST_P(StoreContractTest, CountersRaceWithLookupHintsWithoutDoubleAcceptance) {
  constexpr int kThreads = 8;
  constexpr int kRounds = 100;
  CredentialRecord r = MakeCredential("raced-hinted", "u", 0);
  Insert(store(), r);
  std::vector<std::vector<uint32_t>> accepted(kThreads);
  std::atomic<int> errors{0};
  std::mutex turn;
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int round = 0; round < kRounds; ++round) {
        uint64_t epoch = 0;
        {
          std::lock_guard<std::mutex> lock(turn);
          epoch = store()->CredentialWriteEpoch();
        }
        std::vector<ByteView> ids = {r.id};
        std::vector<std::optional<CredentialRecord>> found;
        Status looked;
        {
          std::lock_guard<std::mutex> lock(turn);
          looked = store()->MultiLookup(ids, &found);
        }
        if (!looked.ok() || !found[0]) {
          errors.fetch_add(1);
          continue;
        }
        CounterUpdate u = Update(r.id, found[0]->sign_count + 1);
        u.looked_up = &*found[0];
        u.looked_up_at_epoch = epoch;
        std::vector<CommitOutcome> out;
        Status committed;
        {
          std::lock_guard<std::mutex> lock(turn);
          committed = store()->CommitUpdates(std::span<const CounterUpdate>(&u, 1), &out);
        }
        if (!committed.ok()) {
          errors.fetch_add(1);
          continue;
        }
        if (out[0] == CommitOutcome::kApplied) accepted[t].push_back(u.sign_count);
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  std::vector<uint32_t> all = AcceptedOnceEach(accepted);
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(Lookup(store(), r.id)->sign_count, all.back());
  // Each accepted value is the one after the stored one, so they are 1..n.
  EXPECT_EQ(all.back(), all.size());
}

// Matrix CON-03: two users register one credential ID at the same moment;
// exactly one wins, and the record is the winner's.
TEST_P(StoreContractTest, DuplicateRegistrationRaceHasExactlyOneWinner) {
  constexpr int kRounds = 40;
  constexpr int kThreads = 4;
  for (int round = 0; round < kRounds; ++round) {
    std::string id = "race-" + std::to_string(round);
    std::barrier start(kThreads);
    std::vector<int> won(kThreads, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        CredentialRecord r = MakeCredential(id, "user-" + std::to_string(t));
        start.arrive_and_wait();
        bool inserted = false;
        if (store()->InsertCredentialIfAbsent(r, &inserted).ok() && inserted) won[t] = 1;
      });
    }
    for (std::thread& th : threads) th.join();
    int winners = 0, winner = -1;
    for (int t = 0; t < kThreads; ++t) {
      winners += won[t];
      if (won[t]) winner = t;
    }
    ASSERT_EQ(winners, 1) << "round " << round;
    auto got = Lookup(store(), B(id));
    ASSERT_TRUE(got);
    EXPECT_EQ(got->user_handle, B("user-" + std::to_string(winner)));
    for (int t = 0; t < kThreads; ++t) {
      std::vector<CredentialRecord> list;
      ASSERT_TRUE(store()->ListForUser(B("user-" + std::to_string(t)), &list).ok());
      size_t mine = std::count_if(list.begin(), list.end(),
                                  [&](const CredentialRecord& c) { return c.id == B(id); });
      EXPECT_EQ(mine, t == winner ? 1u : 0u);
    }
  }
}

TEST_P(StoreContractTest, ListForUserIsPerUserAndInIdOrder) {
  for (const char* id : {"c", "a", "b"}) Insert(store(), MakeCredential(id, "alice"));
  Insert(store(), MakeCredential("z", "bob"));
  Insert(store(), MakeCredential("y", "alice2"));  // a handle that extends "alice"
  std::vector<CredentialRecord> list;
  ASSERT_TRUE(store()->ListForUser(B("alice"), &list).ok());
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].id, B("a"));
  EXPECT_EQ(list[1].id, B("b"));
  EXPECT_EQ(list[2].id, B("c"));
  ASSERT_TRUE(store()->ListForUser(B("nobody"), &list).ok());
  EXPECT_TRUE(list.empty());
}

TEST_P(StoreContractTest, DeleteRemovesOneCredentialEverywhere) {
  Insert(store(), MakeCredential("keep", "alice"));
  Insert(store(), MakeCredential("drop", "alice"));
  ASSERT_TRUE(store()->Delete(B("drop")).ok());
  EXPECT_FALSE(Lookup(store(), B("drop")).has_value());
  std::vector<CredentialRecord> list;
  ASSERT_TRUE(store()->ListForUser(B("alice"), &list).ok());
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].id, B("keep"));
  EXPECT_EQ(store()->Delete(B("drop")).code(), Status::Code::kNotFound);
  // The ID is free again (deleted, then registered anew, possibly elsewhere).
  Insert(store(), MakeCredential("drop", "bob"));
  EXPECT_EQ(Lookup(store(), B("drop"))->user_handle, B("bob"));
}

// ---- accounts and administration ----

TEST_P(StoreContractTest, UsersAreFoundByNameAndByHandle) {
  UserRecord alice = MakeUser("handle-alice", "alice");
  UserInsertOutcome outcome{};
  ASSERT_TRUE(store()->InsertUserIfAbsent(alice, &outcome).ok());
  EXPECT_EQ(outcome, UserInsertOutcome::kInserted);
  std::optional<UserRecord> got;
  ASSERT_TRUE(store()->LookupUserByName("alice", &got).ok());
  ASSERT_TRUE(got);
  EXPECT_TRUE(SameUser(*got, alice));
  ASSERT_TRUE(store()->LookupUserByHandle(B("handle-alice"), &got).ok());
  ASSERT_TRUE(got);
  EXPECT_TRUE(SameUser(*got, alice));
  ASSERT_TRUE(store()->LookupUserByName("Alice", &got).ok());  // byte-exact
  EXPECT_FALSE(got);
  ASSERT_TRUE(store()->LookupUserByHandle(B("nobody"), &got).ok());
  EXPECT_FALSE(got);

  ASSERT_TRUE(store()->InsertUserIfAbsent(MakeUser("other-handle", "alice"), &outcome).ok());
  EXPECT_EQ(outcome, UserInsertOutcome::kNameTaken);
  ASSERT_TRUE(store()->InsertUserIfAbsent(MakeUser("handle-alice", "alice-2"), &outcome).ok());
  EXPECT_EQ(outcome, UserInsertOutcome::kHandleTaken);
  ASSERT_TRUE(store()->LookupUserByName("alice-2", &got).ok());
  EXPECT_FALSE(got);  // a refused insert writes nothing
}

TEST_P(StoreContractTest, ResetRemovesEveryCredentialAndMarksTheUser) {
  UserInsertOutcome outcome{};
  ASSERT_TRUE(store()->InsertUserIfAbsent(MakeUser("h-carol", "carol"), &outcome).ok());
  for (const char* id : {"k1", "k2", "k3"}) Insert(store(), MakeCredential(id, "h-carol"));
  Insert(store(), MakeCredential("other", "h-dave"));
  size_t removed = 0;
  ASSERT_TRUE(store()->ResetUser(B("h-carol"), &removed).ok());
  EXPECT_EQ(removed, 3u);
  std::vector<CredentialRecord> list;
  ASSERT_TRUE(store()->ListForUser(B("h-carol"), &list).ok());
  EXPECT_TRUE(list.empty());
  EXPECT_FALSE(Lookup(store(), B("k2")).has_value());
  EXPECT_TRUE(Lookup(store(), B("other")).has_value());
  std::optional<UserRecord> user;
  ASSERT_TRUE(store()->LookupUserByHandle(B("h-carol"), &user).ok());
  ASSERT_TRUE(user);
  EXPECT_TRUE(user->must_reregister);

  // The next registration ends the reset, atomically with the insert.
  Insert(store(), MakeCredential("k-new", "h-carol"));
  ASSERT_TRUE(store()->LookupUserByHandle(B("h-carol"), &user).ok());
  EXPECT_FALSE(user->must_reregister);
  EXPECT_EQ(store()->ResetUser(B("h-nobody"), &removed).code(), Status::Code::kNotFound);
}

TEST_P(StoreContractTest, BypassIsSetWithAnExpiryAndCleared) {
  UserInsertOutcome outcome{};
  ASSERT_TRUE(store()->InsertUserIfAbsent(MakeUser("h-erin", "erin"), &outcome).ok());
  ASSERT_TRUE(store()->SetBypass(B("h-erin"), 1'800'000'000).ok());
  std::optional<UserRecord> user;
  ASSERT_TRUE(store()->LookupUserByName("erin", &user).ok());
  EXPECT_EQ(user->bypass_until, std::optional<int64_t>(1'800'000'000));
  ASSERT_TRUE(store()->SetBypass(B("h-erin"), std::nullopt).ok());
  ASSERT_TRUE(store()->LookupUserByName("erin", &user).ok());
  EXPECT_FALSE(user->bypass_until.has_value());
  EXPECT_EQ(store()->SetBypass(B("h-nobody"), 1).code(), Status::Code::kNotFound);
}

// ---- challenges ----

TEST_P(StoreContractTest, ChallengeIsConsumedOnceThenRefused) {
  Bytes id = B("challenge-random-part-0001");
  EXPECT_EQ(ConsumeOne(store(), id, kNow + 300'000, kNow), ChallengeOutcome::kConsumed);
  EXPECT_EQ(ConsumeOne(store(), id, kNow + 300'000, kNow + 1), ChallengeOutcome::kAlreadyUsed);
  // Twice in one call: the first consumes, the second is a replay.
  Bytes other = B("challenge-random-part-0002");
  std::vector<ChallengeUse> uses = {{other, kNow + 1000}, {other, kNow + 1000}};
  std::vector<ChallengeOutcome> out;
  ASSERT_TRUE(store()->ConsumeChallenges(uses, kNow, &out).ok());
  EXPECT_EQ(out, (std::vector<ChallengeOutcome>{ChallengeOutcome::kConsumed,
                                                ChallengeOutcome::kAlreadyUsed}));
}

// A group's outcomes come back in the caller's order, whatever order the
// store works in (the RocksDB store sorts a group by key).
TEST_P(StoreContractTest, GroupOutcomesFollowTheCallersOrder) {
  Bytes spent = B("challenge-group-spent"), fresh = B("challenge-group-fresh"),
        stale = B("challenge-group-stale"), last = B("challenge-group-last");
  ASSERT_EQ(ConsumeOne(store(), spent, kNow + 1000, kNow), ChallengeOutcome::kConsumed);
  // Expiries lead the RocksDB key, so this order is not the key order.
  std::vector<ChallengeUse> uses = {{fresh, kNow + 3000}, {spent, kNow + 1000},
                                    {stale, kNow - 1},    {fresh, kNow + 3000},
                                    {last, kNow + 2000}};
  std::vector<ChallengeOutcome> out;
  ASSERT_TRUE(store()->ConsumeChallenges(uses, kNow, &out).ok());
  EXPECT_EQ(out, (std::vector<ChallengeOutcome>{
                     ChallengeOutcome::kConsumed, ChallengeOutcome::kAlreadyUsed,
                     ChallengeOutcome::kExpired, ChallengeOutcome::kAlreadyUsed,
                     ChallengeOutcome::kConsumed}));
  EXPECT_EQ(ConsumeOne(store(), last, kNow + 2000, kNow + 1), ChallengeOutcome::kAlreadyUsed);
}

TEST_P(StoreContractTest, ExpiredChallengeIsRefusedAndNotRecorded) {
  Bytes id = B("challenge-expired");
  EXPECT_EQ(ConsumeOne(store(), id, kNow, kNow), ChallengeOutcome::kExpired);  // expiry == now
  EXPECT_EQ(ConsumeOne(store(), id, kNow - 1, kNow), ChallengeOutcome::kExpired);
}

// A swept challenge stays refused even if the clock later steps back.
TEST_P(StoreContractTest, SweepForgetsExpiredChallengesButTheyStayRefused) {
  Bytes old_id = B("challenge-old"), live_id = B("challenge-live");
  ASSERT_EQ(ConsumeOne(store(), old_id, kNow + 1000, kNow), ChallengeOutcome::kConsumed);
  ASSERT_EQ(ConsumeOne(store(), live_id, kNow + 600'000, kNow), ChallengeOutcome::kConsumed);
  ASSERT_TRUE(store()->SweepExpiredChallenges(kNow + 2000).ok());
  // The clock steps back to before old_id's expiry: still refused.
  EXPECT_EQ(ConsumeOne(store(), old_id, kNow + 1000, kNow), ChallengeOutcome::kExpired);
  EXPECT_EQ(ConsumeOne(store(), live_id, kNow + 600'000, kNow + 3000),
            ChallengeOutcome::kAlreadyUsed);
  // An older sweep time changes nothing.
  ASSERT_TRUE(store()->SweepExpiredChallenges(kNow).ok());
  EXPECT_EQ(ConsumeOne(store(), live_id, kNow + 600'000, kNow + 3000),
            ChallengeOutcome::kAlreadyUsed);
}

// `threads` callers consume challenge `id` at once, through ConsumeChallenges
// or ConsumeChallengesUnsynced; how many got kConsumed and kAlreadyUsed.
struct RaceCount {
  int consumed = 0;
  int replayed = 0;
};
RaceCount RaceToConsume(CredentialStore* store, const Bytes& id, int threads, bool unsynced) {
  std::atomic<int> consumed{0}, replayed{0};
  std::barrier start(threads);
  std::vector<std::thread> racers;
  for (int t = 0; t < threads; ++t) {
    racers.emplace_back([&] {
      start.arrive_and_wait();
      ChallengeUse use{id, kNow + 300'000};
      std::span<const ChallengeUse> uses(&use, 1);
      std::vector<ChallengeOutcome> out;
      Status s = unsynced ? store->ConsumeChallengesUnsynced(uses, kNow, &out)
                          : store->ConsumeChallenges(uses, kNow, &out);
      if (!s.ok()) return;
      (out[0] == ChallengeOutcome::kConsumed ? consumed : replayed).fetch_add(1);
    });
  }
  for (std::thread& th : racers) th.join();
  return RaceCount{consumed.load(), replayed.load()};
}

// Matrix CON-02: copies of one response race; exactly one consumes.
TEST_P(StoreContractTest, RacingConsumersConsumeAChallengeExactlyOnce) {
  constexpr int kThreads = 32;  // the matrix's 32 copies of one response
  constexpr int kRounds = 10;
  for (int round = 0; round < kRounds; ++round) {
    RaceCount race = RaceToConsume(store(), B("raced-challenge-" + std::to_string(round)), kThreads,
                                   /*unsynced=*/false);
    ASSERT_EQ(race.consumed, 1) << "round " << round;
    ASSERT_EQ(race.replayed, kThreads - 1);
  }
}

// ConsumeChallengesUnsynced keeps single use among live callers, racing or
// not, whether or not SyncWrites has run; SyncWrites succeeds with and
// without anything pending.
TEST_P(StoreContractTest, UnsyncedConsumeIsSingleUseAtOnce) {
  Bytes id = B("challenge-unsynced");
  ChallengeUse use{id, kNow + 300'000};
  std::vector<ChallengeOutcome> out;
  ASSERT_TRUE(store()->ConsumeChallengesUnsynced(std::span<const ChallengeUse>(&use, 1), kNow, &out).ok());
  EXPECT_EQ(out, std::vector<ChallengeOutcome>{ChallengeOutcome::kConsumed});
  ASSERT_TRUE(store()->ConsumeChallengesUnsynced(std::span<const ChallengeUse>(&use, 1), kNow, &out).ok());
  EXPECT_EQ(out, std::vector<ChallengeOutcome>{ChallengeOutcome::kAlreadyUsed});
  EXPECT_EQ(ConsumeOne(store(), id, kNow + 300'000, kNow + 1), ChallengeOutcome::kAlreadyUsed);
  ASSERT_TRUE(store()->SyncWrites().ok());
  ASSERT_TRUE(store()->SyncWrites().ok());
  EXPECT_EQ(ConsumeOne(store(), id, kNow + 300'000, kNow + 2), ChallengeOutcome::kAlreadyUsed);

  EXPECT_EQ(RaceToConsume(store(), B("challenge-unsynced-raced"), 16, /*unsynced=*/true).consumed, 1);
}

// ---- limits ----

TEST_P(StoreContractTest, OutOfBoundsInputIsInvalidArgumentAndWritesNothing) {
  bool inserted = true;
  CredentialRecord big = MakeCredential(std::string(1024, 'x'), "u");
  EXPECT_EQ(store()->InsertCredentialIfAbsent(big, &inserted).code(),
            Status::Code::kInvalidArgument);
  EXPECT_FALSE(inserted);
  CredentialRecord no_user = MakeCredential("id", "");
  EXPECT_EQ(store()->InsertCredentialIfAbsent(no_user, &inserted).code(),
            Status::Code::kInvalidArgument);
  CredentialRecord long_handle = MakeCredential("id", std::string(65, 'h'));
  EXPECT_EQ(store()->InsertCredentialIfAbsent(long_handle, &inserted).code(),
            Status::Code::kInvalidArgument);
  EXPECT_FALSE(Lookup(store(), B("id")).has_value());
  UserInsertOutcome outcome{};
  EXPECT_EQ(store()->InsertUserIfAbsent(MakeUser("h", std::string("\xff\xfe", 2)), &outcome).code(),
            Status::Code::kInvalidArgument);  // names are UTF-8
  std::vector<ChallengeOutcome> out;
  Bytes long_id(65, 1);
  ChallengeUse use{long_id, kNow + 1};
  EXPECT_EQ(store()->ConsumeChallenges(std::span<const ChallengeUse>(&use, 1), kNow, &out).code(),
            Status::Code::kInvalidArgument);
  CounterUpdate bad = Update(Bytes(), 1);
  std::vector<CommitOutcome> commit;
  EXPECT_EQ(store()->CommitUpdates(std::span<const CounterUpdate>(&bad, 1), &commit).code(),
            Status::Code::kInvalidArgument);
}

// ---- persistence ----

TEST_P(StoreContractTest, EverythingAcknowledgedSurvivesAReopen) {
  if (!GetParam().persistent) GTEST_SKIP() << "not a persistent store";
  UserInsertOutcome outcome{};
  ASSERT_TRUE(store()->InsertUserIfAbsent(MakeUser("h-frank", "frank"), &outcome).ok());
  ASSERT_TRUE(store()->SetBypass(B("h-frank"), 99).ok());
  CredentialRecord r = MakeCredential("persist", "h-frank", 3);
  Insert(store(), r);
  ASSERT_EQ(CommitOne(store(), Update(r.id, 4)), CommitOutcome::kApplied);
  Insert(store(), MakeCredential("deleted", "h-frank"));
  ASSERT_TRUE(store()->Delete(B("deleted")).ok());
  Bytes challenge = B("persisted-challenge");
  ASSERT_EQ(ConsumeOne(store(), challenge, kNow + 300'000, kNow), ChallengeOutcome::kConsumed);
  ASSERT_TRUE(store()->SweepExpiredChallenges(kNow - 10).ok());

  Reopen();
  auto got = Lookup(store(), r.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->sign_count, 4u);
  EXPECT_FALSE(Lookup(store(), B("deleted")).has_value());
  std::optional<UserRecord> user;
  ASSERT_TRUE(store()->LookupUserByName("frank", &user).ok());
  ASSERT_TRUE(user);
  EXPECT_EQ(user->bypass_until, std::optional<int64_t>(99));
  EXPECT_EQ(ConsumeOne(store(), challenge, kNow + 300'000, kNow + 1),
            ChallengeOutcome::kAlreadyUsed);
  // The sweep horizon survives too.
  EXPECT_EQ(ConsumeOne(store(), B("older"), kNow - 20, kNow - 30), ChallengeOutcome::kExpired);
  std::vector<CredentialRecord> list;
  ASSERT_TRUE(store()->ListForUser(B("h-frank"), &list).ok());
  ASSERT_EQ(list.size(), 1u);
}

}  // namespace
}  // namespace keystorm::storage::testing
