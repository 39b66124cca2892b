// Test-only: a RocksDB FileSystem that can be made "full".  While full,
// creating or reopening a writable file and every append, flush and sync of
// an open one fail with IOStatus::NoSpace() and write nothing, as ENOSPC
// would; reads are untouched.  Thread-safe (the flag is atomic).
#ifndef KEYSTORM_TESTS_STORAGE_FAULT_INJECTION_FS_H_
#define KEYSTORM_TESTS_STORAGE_FAULT_INJECTION_FS_H_

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <memory>

namespace keystorm::storage::testing {

class NoSpaceFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit NoSpaceFileSystem(const std::shared_ptr<rocksdb::FileSystem>& target)
      : FileSystemWrapper(target) {}
  const char* Name() const override { return "KeystormNoSpaceFileSystem"; }

  void SetFull(bool full) { full_.store(full); }
  bool full() const { return full_.load(); }
  // How many operations were refused so far.
  int refusals() const { return refusals_.load(); }
  rocksdb::IOStatus Refuse() const {
    refusals_.fetch_add(1);
    return rocksdb::IOStatus::NoSpace("injected: no space left on device");
  }

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

 private:
  std::atomic<bool> full_{false};
  mutable std::atomic<int> refusals_{0};
};

// An Env over `fs` for StoreConfig::env.  Keep both alive while the store is.
std::unique_ptr<rocksdb::Env> EnvFor(const std::shared_ptr<NoSpaceFileSystem>& fs);

}  // namespace keystorm::storage::testing

#endif  // KEYSTORM_TESTS_STORAGE_FAULT_INJECTION_FS_H_
