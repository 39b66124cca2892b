// The RocksDB credential, counter, user and challenge store: what must never
// be lost or doubled.  Layout and encodings: docs/storage_format.md
// (store_layout.h, record_codec.h).  The engine sees only CredentialStore.
//
// Atomicity.  Every read-modify-write (counter compare-and-set, R26
// insert-if-absent, consume-once, reset) holds lock stripes over the keys it
// touches until its write batch is durable: a single writer per key stripe
// (docs/decisions.md).  Each operation is one WriteBatch, so a registration
// (record + user index + user flag) is all or nothing across column families.
//
// Durability.  With the default (and, in a service, only permitted)
// WriteDurability::kSyncedWal, an OK return means the batch is in a synced
// WAL.  Concurrent callers share fsyncs through RocksDB's group commit.  The
// one exception is ConsumeChallengesUnsynced: its batch reaches the WAL (and
// the memtable, so the challenge is refused at once) without an fsync, and
// the next SyncWrites, or any synced write that begins after it returned,
// makes it durable.  A failed write acknowledges nothing; after a write error (disk full) RocksDB
// refuses further writes until Resume(), while reads keep working.
//
// Thread safety: every method, from any number of threads.  The store may
// run one background thread of its own (the challenge sweep, StoreConfig).
#ifndef KEYSTORM_STORAGE_ROCKS_STORE_H_
#define KEYSTORM_STORAGE_ROCKS_STORE_H_

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "keystorm/credential_store.h"
#include "keystorm/export.h"
#include "keystorm/status.h"
#include "keystorm/storage/store_config.h"

namespace rocksdb {
class Cache;
class ColumnFamilyHandle;
class DB;
class WriteBatch;
}  // namespace rocksdb

namespace keystorm::storage {

class LockStripes;

// A consumed challenge as export and import see it.
struct KEYSTORM_EXPORT ConsumedChallenge {
  Bytes id;
  int64_t expires_at_ms = 0;
  int64_t consumed_at_ms = 0;
};

// A batch of records to import (keystorm store import).
struct KEYSTORM_EXPORT ImportBatch {
  std::vector<UserRecord> users;
  std::vector<CredentialRecord> credentials;
  std::vector<ConsumedChallenge> challenges;
};

// Receives every record of a consistent snapshot (users, then credentials,
// then consumed challenges, each in key order).  A non-OK return stops the
// walk and is returned.
struct KEYSTORM_EXPORT ExportVisitor {
  std::function<Status(const UserRecord&)> user;
  std::function<Status(const CredentialRecord&)> credential;
  std::function<Status(const ConsumedChallenge&)> challenge;
};

struct KEYSTORM_EXPORT ColumnFamilyStats {
  std::string name;
  uint64_t estimated_keys = 0;
  uint64_t exact_keys = 0;  // only when GetStats was asked to count
  uint64_t sst_bytes = 0;
  uint64_t memtable_bytes = 0;
};

struct KEYSTORM_EXPORT StoreStats {
  uint32_t format_version = 0;
  int64_t challenge_horizon_ms = 0;  // consumed challenges expired by then are swept
  bool exact_counts = false;
  std::vector<ColumnFamilyStats> families;
  uint64_t live_wal_bytes = 0;
  uint64_t block_cache_usage_bytes = 0;
  uint64_t block_cache_capacity_bytes = 0;
};

struct KEYSTORM_EXPORT IntegrityReport {
  uint64_t credentials = 0;
  uint64_t user_credential_entries = 0;
  uint64_t users = 0;
  uint64_t consumed_challenges = 0;
};

class KEYSTORM_EXPORT RocksCredentialStore final : public CredentialStore {
 public:
  // Opens the store at config.path.  Refuses (InvalidArgument) a config that
  // ValidateStoreConfig refuses, and (Corruption) a directory that holds
  // another layout version or column families this build does not know.
  // WAL recovery drops a torn last record (with synced writes it was never
  // acknowledged) and refuses (Corruption) to open past damage anywhere else,
  // rather than silently lose acknowledged writes.
  static Result<std::unique_ptr<RocksCredentialStore>> Open(const StoreConfig& config);

  // Stops the sweep thread and closes the database.  Every acknowledged
  // write is already durable; nothing is flushed for correctness.
  ~RocksCredentialStore() override;
  RocksCredentialStore(const RocksCredentialStore&) = delete;
  RocksCredentialStore& operator=(const RocksCredentialStore&) = delete;

  // CredentialStore.  A record that fails to decode makes the whole call
  // Status::Corruption naming it (WARNING: so one corrupt record fails every
  // batch that looks it up; it is an alert, not a verdict).
  Status MultiLookup(std::span<const ByteView> ids,
                     std::vector<std::optional<CredentialRecord>>* out) override;
  // Applies each credential's updates to the pipeline's looked-up record
  // when no write of that credential has come since its lookup (the
  // CounterUpdate hints), and reads it again otherwise: the committer, the
  // one serial stage, then reads nothing for most logins of a storm.
  Status CommitUpdates(std::span<const CounterUpdate> updates,
                       std::vector<CommitOutcome>* outcomes) override;
  uint64_t CredentialWriteEpoch() override;
  Status InsertCredentialIfAbsent(const CredentialRecord& record, bool* inserted) override;
  Status ListForUser(ByteView user_handle, std::vector<CredentialRecord>* out) override;
  Status Delete(ByteView credential_id) override;
  Status InsertUserIfAbsent(const UserRecord& user, UserInsertOutcome* outcome) override;
  Status LookupUserByName(std::string_view name, std::optional<UserRecord>* out) override;
  Status LookupUserByHandle(ByteView user_handle, std::optional<UserRecord>* out) override;
  Status ResetUser(ByteView user_handle, size_t* removed) override;
  Status SetBypass(ByteView user_handle, std::optional<int64_t> until) override;
  Status ConsumeChallenges(std::span<const ChallengeUse> uses, int64_t now_ms,
                           std::vector<ChallengeOutcome>* outcomes) override;
  Status ConsumeChallengesUnsynced(std::span<const ChallengeUse> uses, int64_t now_ms,
                                   std::vector<ChallengeOutcome>* outcomes) override;
  // An fsync of the WAL, or nothing when every unsynced write (up to the
  // mark) is already covered by a synced write that began after it.
  uint64_t WriteMark() override;
  Status SyncWritesUpTo(uint64_t mark) override;
  // One range deletion plus the new horizon, in one synced batch.
  Status SweepExpiredChallenges(int64_t now_ms) override;
  // Export's credential walk (one snapshot).
  Status ForEachCredential(const std::function<Status(const CredentialRecord&)>& visit) override;

  // ---- Tools and operations (keystorm store ...) ----

  // Sizes per column family; exact_counts also walks every key.
  Status GetStats(bool exact_counts, StoreStats* out);

  // Walks everything on one snapshot: every record decodes, every credential
  // has its user index entry and the reverse, every user its name entry and
  // the reverse.  Corruption names the first defect.
  Status CheckIntegrity(IntegrityReport* report);

  // Every user, credential and consumed challenge, from one snapshot.
  Status Export(const ExportVisitor& visitor);

  // Writes the batch in one synced write, or nothing: InvalidArgument if a
  // credential ID, user handle or user name already exists (in the store or
  // twice in the batch).  User flags are kept as they are.
  Status Import(const ImportBatch& batch);

  // Memtables to SST files; then all files compacted (benchmarks measure
  // bytes per credential after it).  Neither is needed for durability.
  Status Flush();
  Status CompactAll();

  // Credentials CommitUpdates has read again because their looked-up
  // record could not be trusted (no hint, or a write since): for tests and
  // metrics.
  uint64_t commit_rereads() const { return commit_rereads_.load(std::memory_order_relaxed); }

  // After the cause of a write error (disk full) is gone: lets writes
  // resume.  Unavailable while RocksDB's own recovery (it polls for free
  // space) is running; an error if RocksDB judged the failure fatal, and
  // then only closing and reopening the store brings writes back.
  Status Resume();

 private:
  // The RocksDB user directory shares this database (its own family) and
  // this write path (rocks_user_directory.h).
  friend class RocksUserDirectory;

  enum Family : size_t {
    kCredentials = 0,
    kUserCredentials,
    kUsers,
    kChallenges,
    kMeta,
    kDirectory,
    kFamilies
  };

  explicit RocksCredentialStore(const StoreConfig& config);
  Status OpenDb();
  Status CheckOrWriteFormat();
  // With the store's durability; `sync` false writes the WAL unsynced (only
  // ConsumeChallengesUnsynced), to be covered by a later synced write.
  Status Write(rocksdb::WriteBatch* batch, bool sync = true);
  Status ConsumeChallengesWith(std::span<const ChallengeUse> uses, int64_t now_ms, bool sync,
                               std::vector<ChallengeOutcome>* outcomes);
  // The user record under `handle`, or nullopt.
  Status ReadUser(ByteView user_handle, std::optional<UserRecord>* out);
  void SweepLoop();
  // Records that `ids` were just written (or may have been: call it after a
  // failed write too), before the stripes over them are released.
  void NoteCredentialWrites(std::span<const ByteView> ids);
  // Whether a record of `id` read after CredentialWriteEpoch() returned
  // `epoch` is still the stored one.  REQUIRES: recent_writes_mu_ held, and
  // the stripe of `id` held (so no write of it is under way).
  bool UnwrittenSince(ByteView id, uint64_t epoch) const;

  StoreConfig config_;
  std::shared_ptr<rocksdb::Cache> cache_;
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* default_cf_ = nullptr;
  std::array<rocksdb::ColumnFamilyHandle*, kFamilies> cf_{};
  std::unique_ptr<LockStripes> stripes_;

  // Consumes hold it shared, a sweep exclusively: a consume never checks the
  // horizon before a sweep and writes after it.
  std::shared_mutex sweep_mu_;
  std::atomic<int64_t> challenge_horizon_ms_{0};  // written under sweep_mu_ exclusive

  // Unsynced writes that have returned, and how many of them a synced write
  // (or SyncWAL) is known to cover: a synced write covers every write that
  // returned before it began, because it syncs every WAL file still unsynced
  // (RocksDB syncs all of `logs_` for a sync=true write, the rotated ones
  // included).  Equal counts: SyncWrites has nothing to do.
  std::atomic<uint64_t> unsynced_writes_{0};
  std::atomic<uint64_t> synced_through_{0};

  // Which credentials were written at which epoch, for the CommitUpdates
  // hints.  The map covers every write with an epoch above
  // recent_writes_floor_; when it holds StoreConfig::recent_credential_writes
  // ids it is emptied and the floor raised, so an older lookup is read again.
  struct IdHash {
    using is_transparent = void;  // find() by string_view, without a copy
    size_t operator()(std::string_view id) const { return std::hash<std::string_view>()(id); }
  };
  std::atomic<uint64_t> credential_epoch_{0};  // written under recent_writes_mu_
  mutable std::mutex recent_writes_mu_;
  std::unordered_map<std::string, uint64_t, IdHash, std::equal_to<>>
      recent_writes_;                  // GUARDED_BY(recent_writes_mu_)
  uint64_t recent_writes_floor_ = 0;  // GUARDED_BY(recent_writes_mu_)
  std::atomic<uint64_t> commit_rereads_{0};

  std::mutex sweeper_mu_;
  std::condition_variable sweeper_cv_;
  bool stopping_ = false;  // GUARDED_BY(sweeper_mu_)
  std::thread sweeper_;
};

}  // namespace keystorm::storage

#endif  // KEYSTORM_STORAGE_ROCKS_STORE_H_
