#include "fault_injection_fs.h"

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

rocksdb::IOStatus NoSpaceFileSystem::NewWritableFile(const std::string& f,
                                                     const rocksdb::FileOptions& options,
                                                     std::unique_ptr<rocksdb::FSWritableFile>* r,
                                                     rocksdb::IODebugContext* dbg) {
  if (full()) return Refuse();
  rocksdb::IOStatus s = FileSystemWrapper::NewWritableFile(f, options, r, dbg);
  if (s.ok()) *r = std::make_unique<NoSpaceFile>(std::move(*r), this);
  return s;
}

rocksdb::IOStatus NoSpaceFileSystem::ReopenWritableFile(const std::string& f,
                                                        const rocksdb::FileOptions& options,
                                                        std::unique_ptr<rocksdb::FSWritableFile>* r,
                                                        rocksdb::IODebugContext* dbg) {
  if (full()) return Refuse();
  rocksdb::IOStatus s = FileSystemWrapper::ReopenWritableFile(f, options, r, dbg);
  if (s.ok()) *r = std::make_unique<NoSpaceFile>(std::move(*r), this);
  return s;
}

rocksdb::IOStatus NoSpaceFileSystem::ReuseWritableFile(const std::string& f, const std::string& old,
                                                       const rocksdb::FileOptions& options,
                                                       std::unique_ptr<rocksdb::FSWritableFile>* r,
                                                       rocksdb::IODebugContext* dbg) {
  if (full()) return Refuse();
  rocksdb::IOStatus s = FileSystemWrapper::ReuseWritableFile(f, old, options, r, dbg);
  if (s.ok()) *r = std::make_unique<NoSpaceFile>(std::move(*r), this);
  return s;
}

std::unique_ptr<rocksdb::Env> EnvFor(const std::shared_ptr<NoSpaceFileSystem>& fs) {
  return rocksdb::NewCompositeEnv(fs);
}

}  // namespace keystorm::storage::testing
