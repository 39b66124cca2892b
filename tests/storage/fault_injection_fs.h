// Test-only RocksDB file systems that see every write: one that can be made
// "full" (disk_full_test.cc), one that counts what the WAL holds unsynced
// (unsynced_consume_test.cc).
#ifndef KEYSTORM_TESTS_STORAGE_FAULT_INJECTION_FS_H_
#define KEYSTORM_TESTS_STORAGE_FAULT_INJECTION_FS_H_

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "keystorm/storage/rocks_store.h"

namespace keystorm::storage::testing {

// Hands every writable file RocksDB opens (new, reopened or reused) to
// Wrap, after Admit allows the open.
class WritableFileWrappingFileSystem : public rocksdb::FileSystemWrapper {
 public:
  using FileSystemWrapper::FileSystemWrapper;

  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* r,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& f, const std::string& old,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* r,
                                      rocksdb::IODebugContext* dbg) override;

 protected:
  virtual rocksdb::IOStatus Admit() const { return rocksdb::IOStatus::OK(); }
  virtual void Wrap(const std::string& f, std::unique_ptr<rocksdb::FSWritableFile>* r) = 0;
};

// While full, opening a writable file and every append, flush and sync of an
// open one fail with IOStatus::NoSpace() and write nothing, as ENOSPC would;
// reads are untouched.  Thread-safe (the flag is atomic).
class NoSpaceFileSystem : public WritableFileWrappingFileSystem {
 public:
  using WritableFileWrappingFileSystem::WritableFileWrappingFileSystem;
  const char* Name() const override { return "KeystormNoSpaceFileSystem"; }

  void SetFull(bool full) { full_.store(full); }
  bool full() const { return full_.load(); }
  // How many operations were refused so far.
  int refusals() const { return refusals_.load(); }
  rocksdb::IOStatus Refuse() const {
    refusals_.fetch_add(1);
    return rocksdb::IOStatus::NoSpace("injected: no space left on device");
  }

 protected:
  rocksdb::IOStatus Admit() const override {
    return full() ? Refuse() : rocksdb::IOStatus::OK();
  }
  void Wrap(const std::string& f, std::unique_ptr<rocksdb::FSWritableFile>* r) override;

 private:
  std::atomic<bool> full_{false};
  mutable std::atomic<int> refusals_{0};
};

// Counts, over every WAL file (*.log), the bytes appended, the bytes not yet
// covered by a Sync or Fsync, and the syncs.  What a power cut would lose is
// exactly unsynced_wal_bytes().
class WalSyncCountingFileSystem : public WritableFileWrappingFileSystem {
 public:
  using WritableFileWrappingFileSystem::WritableFileWrappingFileSystem;
  const char* Name() const override { return "KeystormWalSyncCountingFileSystem"; }

  struct FileCounts {
    std::atomic<uint64_t> appended{0};
    std::atomic<uint64_t> synced{0};  // appended as of the last sync
  };

  uint64_t unsynced_wal_bytes() const;
  int wal_syncs() const { return wal_syncs_.load(); }
  void CountSync() const { wal_syncs_.fetch_add(1); }

 protected:
  void Wrap(const std::string& f, std::unique_ptr<rocksdb::FSWritableFile>* r) override;

 private:
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<FileCounts>> files_;  // GUARDED_BY(mu_)
  mutable std::atomic<int> wal_syncs_{0};
};

// An Env over `fs` for StoreConfig::env.  Keep both alive while the store is.
std::unique_ptr<rocksdb::Env> EnvFor(const std::shared_ptr<rocksdb::FileSystem>& fs);

// Opens (creating) the RocksDB store at `path` over `env`, its sweep off;
// null, with the reason as a test failure, if it does not open.
std::unique_ptr<RocksCredentialStore> OpenStoreOver(rocksdb::Env* env, const std::string& path);

}  // namespace keystorm::storage::testing

#endif  // KEYSTORM_TESTS_STORAGE_FAULT_INJECTION_FS_H_
