// StoreConfig -> RocksDB options, and the durability gate (STO-06).
#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include <algorithm>

#include "keystorm/storage/store_layout.h"
#include "rocks_util.h"

namespace keystorm::storage {
namespace {

// Settings fixed by us: tuning strings cannot change them.
void ApplyFixedDbOptions(const StoreConfig& config, rocksdb::DBOptions* db) {
  db->create_if_missing = config.create_if_missing;
  db->create_missing_column_families = true;
  db->paranoid_checks = true;
  db->manual_wal_flush = false;
  db->unordered_write = false;
  if (config.env != nullptr) db->env = config.env;
}

Status ParseDbOptions(const StoreConfig& config, rocksdb::DBOptions* db) {
  if (config.rocksdb_db_options.empty()) return Status::Ok();
  rocksdb::ConfigOptions parse;
  parse.ignore_unknown_options = false;
  rocksdb::DBOptions parsed;
  rocksdb::Status s =
      rocksdb::GetDBOptionsFromString(parse, *db, config.rocksdb_db_options, &parsed);
  if (!s.ok()) return Status::InvalidArgument("rocksdb_db_options: " + s.ToString());
  *db = parsed;
  return Status::Ok();
}

rocksdb::ColumnFamilyOptions FamilyOptions(const StoreConfig& config,
                                           const std::shared_ptr<rocksdb::Cache>& cache, bool bloom,
                                           size_t write_buffer) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  // Index and filter blocks live in the block cache, so its size bounds the
  // read-side memory even at 10M credentials; L0's stay pinned.
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  table.format_version = 5;
  if (bloom && config.bloom_bits_per_key > 0) {
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(config.bloom_bits_per_key, false));
  }
  rocksdb::ColumnFamilyOptions cf;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf.write_buffer_size = write_buffer;
  cf.compression = rocksdb::kLZ4Compression;
  cf.bottommost_compression = rocksdb::kZSTD;
  cf.level_compaction_dynamic_level_bytes = true;
  return cf;
}

}  // namespace

Status ValidateStoreConfig(const StoreConfig& config) {
  if (config.path.empty()) return Status::InvalidArgument("store path is empty");
  if (!config.read_only && config.durability != WriteDurability::kSyncedWal &&
      !config.testing_only_allow_unsynced) {
    return Status::InvalidArgument(
        "store durability must be kSyncedWal: registrations, counters and consumed challenges "
        "may not be acknowledged before they are synced");
  }
  if (config.bloom_bits_per_key < 0 || config.bloom_bits_per_key > 32) {
    return Status::InvalidArgument("bloom_bits_per_key must be 0..32");
  }
  if (config.write_buffer_bytes < (size_t{1} << 20)) {
    return Status::InvalidArgument("write_buffer_bytes must be at least 1 MiB");
  }
  if (config.max_background_jobs < 1) return Status::InvalidArgument("max_background_jobs < 1");
  if (config.recent_credential_writes < 1) {
    return Status::InvalidArgument("recent_credential_writes must be at least 1");
  }
  if (config.challenge_sweep_interval_ms < 0) {
    return Status::InvalidArgument("challenge_sweep_interval_ms < 0");
  }
  rocksdb::DBOptions db;
  if (Status s = ParseDbOptions(config, &db); !s.ok()) return s;
  if (db.manual_wal_flush) {
    return Status::InvalidArgument(
        "rocksdb_db_options: manual_wal_flush loses acknowledged writes");
  }
  if (db.allow_mmap_writes) {
    // SyncWAL, which makes unsynced challenge spends durable, refuses it.
    return Status::InvalidArgument("rocksdb_db_options: allow_mmap_writes is not supported");
  }
  if (db.unordered_write) {
    return Status::InvalidArgument("rocksdb_db_options: unordered_write is not supported");
  }
  if (db.wal_recovery_mode == rocksdb::WALRecoveryMode::kSkipAnyCorruptedRecords) {
    return Status::InvalidArgument(
        "rocksdb_db_options: kSkipAnyCorruptedRecords can drop acknowledged writes silently");
  }
  if (!db.paranoid_checks) {
    return Status::InvalidArgument("rocksdb_db_options: paranoid_checks must stay on");
  }
  return Status::Ok();
}

Status BuildRocksOptions(const StoreConfig& config, RocksOptions* out) {
  rocksdb::DBOptions& db = out->db;
  // A torn last record (power loss mid-write) is dropped: with synced writes
  // it was never acknowledged.  Damage anywhere else refuses to open rather
  // than silently recovering to a point before acknowledged writes
  // (kPointInTimeRecovery would); an operator may choose that mode through
  // rocksdb_db_options, visibly.
  db.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  db.max_background_jobs = config.max_background_jobs;
  // Families with few writes (meta, users) would otherwise pin old WAL files.
  db.max_total_wal_size = 4 * config.write_buffer_bytes;
  db.keep_log_file_num = 4;
  db.max_log_file_size = 8 << 20;
  db.bytes_per_sync = 1 << 20;
  if (Status s = ParseDbOptions(config, &db); !s.ok()) return s;
  ApplyFixedDbOptions(config, &db);

  out->cache = rocksdb::NewLRUCache(config.block_cache_bytes);
  const size_t big = config.write_buffer_bytes;
  const size_t small = std::max<size_t>(big / 8, 1 << 20);
  out->default_family = FamilyOptions(config, out->cache, false, 1 << 20);
  out->families.clear();
  for (const char* name : layout::kColumnFamilies) {
    std::string_view n(name);
    if (n == layout::kCredentialsCf) {
      out->families.push_back(FamilyOptions(config, out->cache, true, big));
    } else if (n == layout::kUserCredentialsCf) {
      // Read by prefix scans only: a whole-key filter would never be asked.
      out->families.push_back(FamilyOptions(config, out->cache, false, small));
    } else if (n == layout::kChallengesCf) {
      // Mostly misses (a challenge is looked up before its first use): the
      // filter answers most of them without a block read, and the memtable's
      // own whole-key bloom answers them without a skip-list search.  The
      // ledger memtable takes one new key per login, so at storm rates the
      // search for a key that is not there was the ledger's largest CPU cost.
      rocksdb::ColumnFamilyOptions cf = FamilyOptions(config, out->cache, true, small);
      cf.memtable_whole_key_filtering = true;
      cf.memtable_prefix_bloom_size_ratio = 0.05;
      out->families.push_back(cf);
    } else {
      out->families.push_back(FamilyOptions(config, out->cache, true, small));
    }
  }
  return Status::Ok();
}

}  // namespace keystorm::storage
