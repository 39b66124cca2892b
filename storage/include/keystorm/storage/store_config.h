// How a RocksDB store is opened: where, how durably, how much memory.
//
// Durability is not a tuning knob.  Registrations, counter updates and
// challenge consumptions are acknowledged only after their batch is in a
// synced WAL (one fsync per batch; RocksDB's group commit shares one fsync
// among concurrent batches).  ValidateStoreConfig refuses anything that
// would acknowledge an unsynced write, and RocksCredentialStore::Open calls
// it, so a service cannot start with such a configuration (matrix STO-06).
#ifndef KEYSTORM_STORAGE_STORE_CONFIG_H_
#define KEYSTORM_STORAGE_STORE_CONFIG_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "keystorm/export.h"
#include "keystorm/status.h"

namespace rocksdb {
class Env;
}  // namespace rocksdb

namespace keystorm::storage {

enum class WriteDurability : uint8_t {
  kSyncedWal,    // fsync before acknowledging: survives process kill and power loss
  kUnsyncedWal,  // survives a process kill, not power loss.  Testing only.
  kNoWal,        // survives nothing but a clean close.  Testing only.
};

struct KEYSTORM_EXPORT StoreConfig {
  std::string path;  // the database directory
  bool create_if_missing = true;
  // Tools (stats, export) open read-only: no write, no lock on the files.
  bool read_only = false;

  WriteDurability durability = WriteDurability::kSyncedWal;
  // Must be set for any durability other than kSyncedWal; never set it in a
  // service.  Exists so that unit tests and fills of benchmark stores can
  // skip the fsync, visibly.
  bool testing_only_allow_unsynced = false;

  // Memory.  One LRU block cache is shared by every column family and also
  // holds index and filter blocks, so it bounds the read-side memory.
  size_t block_cache_bytes = size_t{256} << 20;
  int bloom_bits_per_key = 10;                   // ~1% false positives; 0 disables the filters
  size_t write_buffer_bytes = size_t{64} << 20;  // per memtable, credentials family
  int max_background_jobs = 2;
  // How many recently written credential ids the store remembers, so that
  // a commit can trust the record the pipeline looked up when that
  // credential was not written since (rocks_store.h, CommitUpdates).  When
  // full, the memory is emptied and every older lookup is read again.
  // About 100 bytes each for 16-64-byte credential ids (ids may be up to
  // 1,023 bytes, so at most about 70 MB at the default).
  size_t recent_credential_writes = size_t{1} << 16;

  // Consumed challenges expired at or before now are swept every this many
  // milliseconds by a store thread.  0: no thread; the owner calls
  // SweepExpiredChallenges (tests use an injected clock that way).
  int64_t challenge_sweep_interval_ms = 60'000;

  // Extra RocksDB DBOptions, "name=value;name=value" (GetDBOptionsFromString)
  // for tuning.  Refused if they would weaken durability or recovery
  // (manual_wal_flush, unordered_write, wal_recovery_mode that skips records).
  std::string rocksdb_db_options;

  // Not owned; must outlive the store.  nullptr: the default environment.
  // Tests pass a fault-injecting one (disk full).
  rocksdb::Env* env = nullptr;
};

// OK, or InvalidArgument saying what is wrong.
KEYSTORM_EXPORT Status ValidateStoreConfig(const StoreConfig& config);

}  // namespace keystorm::storage

#endif  // KEYSTORM_STORAGE_STORE_CONFIG_H_
