// Opening and closing the RocksDB store, its write path and its background
// sweep.  The operations live in rocks_credentials.cc, rocks_users.cc,
// rocks_challenges.cc and rocks_tools.cc.
#include "keystorm/storage/rocks_store.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <chrono>

#include "coding.h"
#include "keystorm/storage/store_layout.h"
#include "keystorm/thread_name.h"
#include "lock_stripes.h"
#include "rocks_util.h"

namespace keystorm::storage {

Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return Status::Ok();
  std::string msg = std::string(context) + ": " + s.ToString();
  if (s.IsCorruption()) return Status::Corruption(msg);
  if (s.IsNotFound()) return Status::NotFound(msg);
  if (s.IsInvalidArgument() || s.IsNotSupported()) return Status::InvalidArgument(msg);
  if (s.IsBusy() || s.IsTryAgain() || s.IsShutdownInProgress()) return Status::Unavailable(msg);
  if (s.IsIOError() || s.IsNoSpace()) return Status::IOError(msg);
  return Status::Internal(msg);
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    unsigned char last = static_cast<unsigned char>(s.back());
    if (last != 0xff) {
      s.back() = static_cast<char>(last + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}

namespace {

// Each store instance numbers its credential writes in a range of its own,
// so that a commit hint taken from another instance (or from before a
// reopen of the same path) is never mistaken for one of its own epochs.
uint64_t NextEpochRange() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(uint64_t{1} << 40, std::memory_order_relaxed);
}

}  // namespace

RocksCredentialStore::RocksCredentialStore(const StoreConfig& config)
    : config_(config), stripes_(std::make_unique<LockStripes>()) {
  const uint64_t first = NextEpochRange();
  credential_epoch_.store(first, std::memory_order_relaxed);
  recent_writes_floor_ = first;
}

Result<std::unique_ptr<RocksCredentialStore>> RocksCredentialStore::Open(
    const StoreConfig& config) {
  if (Status s = ValidateStoreConfig(config); !s.ok()) return s;
  std::unique_ptr<RocksCredentialStore> store(new RocksCredentialStore(config));
  if (Status s = store->OpenDb(); !s.ok()) return s;
  if (Status s = store->CheckOrWriteFormat(); !s.ok()) return s;
  if (!config.read_only && config.challenge_sweep_interval_ms > 0) {
    store->sweeper_ = std::thread([raw = store.get()] {
      NameThisThread("ks-sweep");
      raw->SweepLoop();
    });
  }
  return store;
}

Status RocksCredentialStore::OpenDb() {
  RocksOptions options;
  if (Status s = BuildRocksOptions(config_, &options); !s.ok()) return s;
  cache_ = options.cache;

  // A directory with families we do not know is not ours (or is newer).
  std::vector<std::string> existing;
  rocksdb::Status listed = rocksdb::DB::ListColumnFamilies(options.db, config_.path, &existing);
  if (listed.ok()) {
    for (const std::string& name : existing) {
      bool known = name == rocksdb::kDefaultColumnFamilyName;
      for (const char* ours : layout::kColumnFamilies) known = known || name == ours;
      if (!known) {
        return Status::Corruption("store " + config_.path + ": unknown column family '" + name +
                                  "' (another program's database, or a newer layout)");
      }
    }
  }

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, options.default_family);
  for (size_t i = 0; i < layout::kColumnFamilies.size(); ++i) {
    descriptors.emplace_back(layout::kColumnFamilies[i], options.families[i]);
  }
  rocksdb::DBOptions db_options(options.db);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      config_.read_only
          ? rocksdb::DB::OpenForReadOnly(db_options, config_.path, descriptors, &handles, &raw)
          : rocksdb::DB::Open(db_options, config_.path, descriptors, &handles, &raw);
  if (!s.ok()) return FromRocks(s, "open " + config_.path);
  db_.reset(raw);
  default_cf_ = handles[0];
  for (size_t i = 0; i < kFamilies; ++i) cf_[i] = handles[i + 1];
  return Status::Ok();
}

Status RocksCredentialStore::CheckOrWriteFormat() {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), cf_[kMeta], layout::kFormatVersionKey, &value);
  if (s.ok()) {
    coding::Reader r(value);
    uint32_t version = 0;
    if (!r.Fixed32Le(&version) || !r.done()) {
      return Status::Corruption("store " + config_.path + ": malformed format_version");
    }
    if (version != layout::kFormatVersion) {
      return Status::Corruption("store " + config_.path + ": layout version " +
                                std::to_string(version) + ", this build reads " +
                                std::to_string(layout::kFormatVersion));
    }
  } else if (s.IsNotFound()) {
    // New, or created by a process that died before it wrote the version:
    // then every family is still empty.  Anything else is not our store.
    for (rocksdb::ColumnFamilyHandle* cf : cf_) {
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf));
      it->SeekToFirst();
      if (!it->status().ok()) return FromRocks(it->status(), "open: scan");
      if (it->Valid()) {
        return Status::Corruption("store " + config_.path + ": data without a format_version");
      }
    }
    if (config_.read_only) return Status::Ok();  // an empty store reads as empty
    std::string version;
    coding::PutFixed32Le(&version, layout::kFormatVersion);
    rocksdb::WriteBatch batch;
    batch.Put(cf_[kMeta], layout::kFormatVersionKey, version);
    if (Status w = Write(&batch); !w.ok()) return w;
  } else {
    return FromRocks(s, "open: read format_version");
  }

  s = db_->Get(rocksdb::ReadOptions(), cf_[kMeta], layout::kChallengeHorizonKey, &value);
  if (s.ok()) {
    if (value.size() != 8) return Status::Corruption("store: malformed challenge_horizon");
    challenge_horizon_ms_.store(static_cast<int64_t>(coding::DecodeFixed64Be(value.data())));
  } else if (!s.IsNotFound()) {
    return FromRocks(s, "open: read challenge_horizon");
  }
  return Status::Ok();
}

RocksCredentialStore::~RocksCredentialStore() {
  if (sweeper_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(sweeper_mu_);
      stopping_ = true;
    }
    sweeper_cv_.notify_all();
    sweeper_.join();
  }
  if (db_) {
    for (rocksdb::ColumnFamilyHandle* cf : cf_) {
      if (cf != nullptr) (void)db_->DestroyColumnFamilyHandle(cf);
    }
    if (default_cf_ != nullptr) (void)db_->DestroyColumnFamilyHandle(default_cf_);
    (void)db_->Close();
    db_.reset();
  }
}

namespace {

void RaiseTo(std::atomic<uint64_t>* value, uint64_t at_least) {
  uint64_t seen = value->load(std::memory_order_acquire);
  while (seen < at_least && !value->compare_exchange_weak(seen, at_least, std::memory_order_acq_rel)) {
  }
}

}  // namespace

Status RocksCredentialStore::Write(rocksdb::WriteBatch* batch, bool sync) {
  if (config_.read_only) return Status::InvalidArgument("store opened read-only");
  rocksdb::WriteOptions options;
  options.sync = sync && config_.durability == WriteDurability::kSyncedWal;
  options.disableWAL = config_.durability == WriteDurability::kNoWal;
  // Read before the write starts: what it will cover (see synced_through_).
  const uint64_t covers = unsynced_writes_.load(std::memory_order_acquire);
  Status status = FromRocks(db_->Write(options, batch), "write");
  if (!status.ok()) return status;
  if (options.sync) {
    RaiseTo(&synced_through_, covers);
  } else {
    unsynced_writes_.fetch_add(1, std::memory_order_acq_rel);
  }
  return status;
}

uint64_t RocksCredentialStore::WriteMark() {
  return unsynced_writes_.load(std::memory_order_acquire);
}

Status RocksCredentialStore::SyncWritesUpTo(uint64_t mark) {
  if (config_.read_only || config_.durability != WriteDurability::kSyncedWal) return Status::Ok();
  if (synced_through_.load(std::memory_order_acquire) >= mark) return Status::Ok();
  // The sync covers whatever has returned by now, which may be past `mark`.
  const uint64_t covers = unsynced_writes_.load(std::memory_order_acquire);
  if (Status s = FromRocks(db_->SyncWAL(), "sync WAL"); !s.ok()) return s;
  RaiseTo(&synced_through_, covers);
  return Status::Ok();
}

void RocksCredentialStore::SweepLoop() {
  const auto interval = std::chrono::milliseconds(config_.challenge_sweep_interval_ms);
  std::unique_lock<std::mutex> lock(sweeper_mu_);
  while (!stopping_) {
    if (sweeper_cv_.wait_for(lock, interval, [this] { return stopping_; })) break;
    lock.unlock();
    int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    // A failed sweep only delays the cleanup; the next one retries.
    (void)SweepExpiredChallenges(now_ms);
    lock.lock();
  }
}

Status RocksCredentialStore::Flush() {
  rocksdb::FlushOptions options;
  options.wait = true;
  std::vector<rocksdb::ColumnFamilyHandle*> all(cf_.begin(), cf_.end());
  return FromRocks(db_->Flush(options, all), "flush");
}

Status RocksCredentialStore::CompactAll() {
  if (Status s = Flush(); !s.ok()) return s;
  rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (rocksdb::ColumnFamilyHandle* cf : cf_) {
    if (Status s = FromRocks(db_->CompactRange(options, cf, nullptr, nullptr), "compact");
        !s.ok()) {
      return s;
    }
  }
  return Status::Ok();
}

Status RocksCredentialStore::Resume() { return FromRocks(db_->Resume(), "resume"); }

}  // namespace keystorm::storage
