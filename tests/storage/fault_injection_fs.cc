#include "fault_injection_fs.h"

#include <gtest/gtest.h>

namespace keystorm::storage::testing {
namespace {

class NoSpaceFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  NoSpaceFile(std::unique_ptr<rocksdb::FSWritableFile>&& file, const NoSpaceFileSystem* fs)
      : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    if (fs_->full()) return fs_->Refuse();
    return FSWritableFileOwnerWrapper::Append(data, options, dbg);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    if (fs_->full()) return fs_->Refuse();
    return FSWritableFileOwnerWrapper::Append(data, options, info, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     rocksdb::IODebugContext* dbg) override {
    if (fs_->full()) return fs_->Refuse();
    return FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     const rocksdb::DataVerificationInfo& info,
                                     rocksdb::IODebugContext* dbg) override {
    if (fs_->full()) return fs_->Refuse();
    return FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, info, dbg);
  }
  rocksdb::IOStatus Flush(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    if (fs_->full()) return fs_->Refuse();
    return FSWritableFileOwnerWrapper::Flush(options, dbg);
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    if (fs_->full()) return fs_->Refuse();
    return FSWritableFileOwnerWrapper::Sync(options, dbg);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    if (fs_->full()) return fs_->Refuse();
    return FSWritableFileOwnerWrapper::Fsync(options, dbg);
  }

 private:
  const NoSpaceFileSystem* fs_;
};

}  // namespace

rocksdb::IOStatus WritableFileWrappingFileSystem::NewWritableFile(
    const std::string& f, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* r, rocksdb::IODebugContext* dbg) {
  if (rocksdb::IOStatus refused = Admit(); !refused.ok()) return refused;
  rocksdb::IOStatus s = FileSystemWrapper::NewWritableFile(f, options, r, dbg);
  if (s.ok()) Wrap(f, r);
  return s;
}

rocksdb::IOStatus WritableFileWrappingFileSystem::ReopenWritableFile(
    const std::string& f, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* r, rocksdb::IODebugContext* dbg) {
  if (rocksdb::IOStatus refused = Admit(); !refused.ok()) return refused;
  rocksdb::IOStatus s = FileSystemWrapper::ReopenWritableFile(f, options, r, dbg);
  if (s.ok()) Wrap(f, r);
  return s;
}

rocksdb::IOStatus WritableFileWrappingFileSystem::ReuseWritableFile(
    const std::string& f, const std::string& old, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* r, rocksdb::IODebugContext* dbg) {
  if (rocksdb::IOStatus refused = Admit(); !refused.ok()) return refused;
  rocksdb::IOStatus s = FileSystemWrapper::ReuseWritableFile(f, old, options, r, dbg);
  if (s.ok()) Wrap(f, r);
  return s;
}

void NoSpaceFileSystem::Wrap(const std::string&, std::unique_ptr<rocksdb::FSWritableFile>* r) {
  *r = std::make_unique<NoSpaceFile>(std::move(*r), this);
}

namespace {

class WalCountingFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  WalCountingFile(std::unique_ptr<rocksdb::FSWritableFile>&& file,
                  std::shared_ptr<WalSyncCountingFileSystem::FileCounts> counts,
                  const WalSyncCountingFileSystem* fs)
      : FSWritableFileOwnerWrapper(std::move(file)), counts_(std::move(counts)), fs_(fs) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    return Counted(data, FSWritableFileOwnerWrapper::Append(data, options, dbg));
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    return Counted(data, FSWritableFileOwnerWrapper::Append(data, options, info, dbg));
  }
  // What was appended before the sync began is what it covers (an append
  // racing with the sync may or may not be).
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    const uint64_t before = counts_->appended.load();
    return Synced(before, FSWritableFileOwnerWrapper::Sync(options, dbg));
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    const uint64_t before = counts_->appended.load();
    return Synced(before, FSWritableFileOwnerWrapper::Fsync(options, dbg));
  }

 private:
  rocksdb::IOStatus Counted(const rocksdb::Slice& data, rocksdb::IOStatus s) {
    if (s.ok()) counts_->appended.fetch_add(data.size());
    return s;
  }
  rocksdb::IOStatus Synced(uint64_t covered, rocksdb::IOStatus s) {
    if (s.ok()) {
      uint64_t seen = counts_->synced.load();
      while (seen < covered && !counts_->synced.compare_exchange_weak(seen, covered)) {
      }
      fs_->CountSync();
    }
    return s;
  }

  std::shared_ptr<WalSyncCountingFileSystem::FileCounts> counts_;
  const WalSyncCountingFileSystem* fs_;
};

bool IsWal(const std::string& f) { return f.size() > 4 && f.compare(f.size() - 4, 4, ".log") == 0; }

}  // namespace

uint64_t WalSyncCountingFileSystem::unsynced_wal_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t unsynced = 0;
  for (const auto& f : files_) unsynced += f->appended.load() - f->synced.load();
  return unsynced;
}

void WalSyncCountingFileSystem::Wrap(const std::string& f,
                                     std::unique_ptr<rocksdb::FSWritableFile>* r) {
  if (!IsWal(f)) return;
  auto counts = std::make_shared<FileCounts>();
  {
    std::lock_guard<std::mutex> lock(mu_);
    files_.push_back(counts);
  }
  *r = std::make_unique<WalCountingFile>(std::move(*r), std::move(counts), this);
}

std::unique_ptr<rocksdb::Env> EnvFor(const std::shared_ptr<rocksdb::FileSystem>& fs) {
  return rocksdb::NewCompositeEnv(fs);
}

std::unique_ptr<RocksCredentialStore> OpenStoreOver(rocksdb::Env* env, const std::string& path) {
  StoreConfig config;
  config.path = path;
  config.challenge_sweep_interval_ms = 0;
  config.env = env;
  auto opened = RocksCredentialStore::Open(config);
  if (!opened.has_value()) {
    ADD_FAILURE() << "open " << path << ": " << opened.error().ToString();
    return nullptr;
  }
  return std::move(opened.value());
}

}  // namespace keystorm::storage::testing
