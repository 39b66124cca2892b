#include "keystorm/storage/rocks_user_directory.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "keystorm/storage/directory_codec.h"
#include "rocks_util.h"

namespace keystorm::storage {

Status RocksUserDirectory::FindByName(std::string_view name, std::optional<DirectoryUser>* out) {
  out->reset();
  if (name.empty() || name.size() > kMaxDirectoryNameBytes) {
    return Status::InvalidArgument("directory user name is empty or too long");
  }
  std::string value;
  rocksdb::Status s =
      store_->db_->Get(rocksdb::ReadOptions(), store_->cf_[RocksCredentialStore::kDirectory],
                       ToSlice(name), &value);
  if (s.IsNotFound()) return Status::Ok();
  if (!s.ok()) return FromRocks(s, "find directory user");
  DirectoryUser user;
  if (Status d = DecodeDirectoryUserValue(name, value, &user); !d.ok()) return d;
  *out = std::move(user);
  return Status::Ok();
}

Status RocksUserDirectory::Upsert(const DirectoryUser& user) {
  return ApplyBatch(std::span<const DirectoryUser>(&user, 1), {});
}

Status RocksUserDirectory::Remove(std::string_view name) {
  std::lock_guard<std::mutex> lock(write_mu_);
  std::optional<DirectoryUser> existing;
  if (Status s = FindByName(name, &existing); !s.ok()) return s;
  if (!existing) return Status::NotFound("directory user " + std::string(name));
  rocksdb::WriteBatch batch;
  batch.Delete(store_->cf_[RocksCredentialStore::kDirectory], ToSlice(name));
  return store_->Write(&batch);
}

Status RocksUserDirectory::ApplyBatch(std::span<const DirectoryUser> upserts,
                                      std::span<const std::string> removals) {
  std::vector<DirectoryUser> canonical;
  if (Status s = PrepareDirectoryBatch(upserts, removals, &canonical); !s.ok()) return s;
  rocksdb::ColumnFamilyHandle* family = store_->cf_[RocksCredentialStore::kDirectory];
  rocksdb::WriteBatch batch;
  std::string value;
  for (const DirectoryUser& user : canonical) {
    value.clear();
    EncodeDirectoryUserValue(user, &value);
    batch.Put(family, ToSlice(user.name), value);
  }
  for (const std::string& name : removals) batch.Delete(family, ToSlice(name));
  std::lock_guard<std::mutex> lock(write_mu_);
  return store_->Write(&batch);
}

Status RocksUserDirectory::List(std::string_view after, size_t limit,
                                std::vector<DirectoryUser>* out) {
  out->clear();
  if (limit == 0) return Status::Ok();
  std::unique_ptr<rocksdb::Iterator> it(store_->db_->NewIterator(
      rocksdb::ReadOptions(), store_->cf_[RocksCredentialStore::kDirectory]));
  for (it->Seek(ToSlice(after)); it->Valid() && out->size() < limit; it->Next()) {
    std::string_view name = it->key().ToStringView();
    if (name == after) continue;
    DirectoryUser user;
    if (Status d = DecodeDirectoryUserValue(name, it->value().ToStringView(), &user); !d.ok()) {
      out->clear();
      return d;
    }
    out->push_back(std::move(user));
  }
  if (!it->status().ok()) {
    out->clear();
    return FromRocks(it->status(), "list directory users");
  }
  return Status::Ok();
}

}  // namespace keystorm::storage
