// Accounts and administration in the RocksDB store: users by name and by
// handle, reset (remove everything, must re-register) and bypass.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "keystorm/storage/record_codec.h"
#include "keystorm/storage/rocks_store.h"
#include "keystorm/storage/store_layout.h"
#include "lock_stripes.h"
#include "rocks_util.h"

namespace keystorm::storage {

Status RocksCredentialStore::ReadUser(ByteView user_handle, std::optional<UserRecord>* out) {
  out->reset();
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), cf_[kUsers], layout::UserKey(user_handle), &value);
  if (s.IsNotFound()) return Status::Ok();
  if (!s.ok()) return FromRocks(s, "read user");
  UserRecord user;
  if (Status d = DecodeUserValue(user_handle, value, &user); !d.ok()) return d;
  *out = std::move(user);
  return Status::Ok();
}

Status RocksCredentialStore::InsertUserIfAbsent(const UserRecord& user,
                                                UserInsertOutcome* outcome) {
  if (Status s = ValidateUserRecord(user); !s.ok()) return s;
  LockStripes::Guard guard(stripes_.get(),
                           {LockStripes::StripeOf(StripeDomain::kUser, user.user_handle),
                            LockStripes::StripeOf(StripeDomain::kUserName, AsBytes(user.name))});
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), cf_[kUsers], layout::NameKey(user.name), &value);
  if (s.ok()) {
    *outcome = UserInsertOutcome::kNameTaken;
    return Status::Ok();
  }
  if (!s.IsNotFound()) return FromRocks(s, "insert user");
  s = db_->Get(rocksdb::ReadOptions(), cf_[kUsers], layout::UserKey(user.user_handle), &value);
  if (s.ok()) {
    *outcome = UserInsertOutcome::kHandleTaken;
    return Status::Ok();
  }
  if (!s.IsNotFound()) return FromRocks(s, "insert user");

  rocksdb::WriteBatch batch;
  value.clear();
  EncodeUserValue(user, &value);
  batch.Put(cf_[kUsers], layout::UserKey(user.user_handle), value);
  value.clear();
  EncodeNameIndexValue(user.user_handle, &value);
  batch.Put(cf_[kUsers], layout::NameKey(user.name), value);
  if (Status w = Write(&batch); !w.ok()) return w;
  *outcome = UserInsertOutcome::kInserted;
  return Status::Ok();
}

Status RocksCredentialStore::LookupUserByHandle(ByteView user_handle,
                                                std::optional<UserRecord>* out) {
  out->reset();
  if (Status s = ValidateUserHandle(user_handle); !s.ok()) return s;
  return ReadUser(user_handle, out);
}

Status RocksCredentialStore::LookupUserByName(std::string_view name,
                                              std::optional<UserRecord>* out) {
  out->reset();
  if (name.empty() || name.size() > kMaxUserNameBytes) {
    return Status::InvalidArgument("user name is empty or too long");
  }
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf_[kUsers], layout::NameKey(name), &value);
  if (s.IsNotFound()) return Status::Ok();
  if (!s.ok()) return FromRocks(s, "lookup user by name");
  Bytes handle;
  if (Status d = DecodeNameIndexValue(name, value, &handle); !d.ok()) return d;
  if (Status r = ReadUser(handle, out); !r.ok()) return r;
  if (!*out || out->value().name != name) {
    // Users are never renamed or removed, so the two entries always agree.
    return Status::Corruption("user name " + HexForMessage(AsBytes(name)) +
                              " points to a user that does not have it");
  }
  return Status::Ok();
}

Status RocksCredentialStore::ResetUser(ByteView user_handle, size_t* removed) {
  if (removed != nullptr) *removed = 0;
  if (Status s = ValidateUserHandle(user_handle); !s.ok()) return s;
  const uint16_t user_stripe = LockStripes::StripeOf(StripeDomain::kUser, user_handle);
  const std::string prefix = layout::UserCredentialPrefix(user_handle);
  const std::string upper = PrefixSuccessor(prefix);

  // Reads the user's credential IDs (index order).
  auto list_ids = [&](std::vector<Bytes>* ids) -> Status {
    ids->clear();
    rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions scan;
    scan.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(scan, cf_[kUserCredentials]));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      ByteView handle, id;
      if (!layout::SplitUserCredentialKey(it->key().ToStringView(), &handle, &id)) {
        return Status::Corruption("user_credentials: malformed key");
      }
      ids->emplace_back(id.begin(), id.end());
    }
    return FromRocks(it->status(), "reset user: list");
  };

  // Inserts and deletes for this user hold its stripe, so once we hold it
  // the list cannot change; its credentials' stripes must be taken in the
  // same acquisition, hence list, lock all, re-list, retry if it grew.
  std::vector<Bytes> ids;
  if (Status s = list_ids(&ids); !s.ok()) return s;
  for (int attempt = 0; attempt < 16; ++attempt) {
    std::vector<uint16_t> stripes = {user_stripe};
    for (const Bytes& id : ids)
      stripes.push_back(LockStripes::StripeOf(StripeDomain::kCredential, id));
    LockStripes::Guard guard(stripes_.get(), stripes);
    std::vector<Bytes> now_ids;
    if (Status s = list_ids(&now_ids); !s.ok()) return s;
    bool covered = true;
    for (const Bytes& id : now_ids) {
      covered = covered && guard.Holds(LockStripes::StripeOf(StripeDomain::kCredential, id));
    }
    if (!covered) {
      ids = std::move(now_ids);
      continue;
    }
    std::optional<UserRecord> user;
    if (Status s = ReadUser(user_handle, &user); !s.ok()) return s;
    if (!user) return Status::NotFound("no user " + HexForMessage(user_handle));
    rocksdb::WriteBatch batch;
    for (const Bytes& id : now_ids) {
      batch.Delete(cf_[kCredentials], ToSlice(ByteView(id)));
      batch.Delete(cf_[kUserCredentials], layout::UserCredentialKey(user_handle, id));
    }
    user->must_reregister = true;
    std::string value;
    EncodeUserValue(*user, &value);
    batch.Put(cf_[kUsers], layout::UserKey(user_handle), value);
    Status written = Write(&batch);
    std::vector<ByteView> gone(now_ids.begin(), now_ids.end());
    NoteCredentialWrites(gone);
    if (!written.ok()) return written;
    if (removed != nullptr) *removed = now_ids.size();
    return Status::Ok();
  }
  return Status::Unavailable("reset user: credentials keep being added");
}

Status RocksCredentialStore::SetBypass(ByteView user_handle, std::optional<int64_t> until) {
  if (Status s = ValidateUserHandle(user_handle); !s.ok()) return s;
  LockStripes::Guard guard(stripes_.get(),
                           {LockStripes::StripeOf(StripeDomain::kUser, user_handle)});
  std::optional<UserRecord> user;
  if (Status s = ReadUser(user_handle, &user); !s.ok()) return s;
  if (!user) return Status::NotFound("no user " + HexForMessage(user_handle));
  user->bypass_until = until;
  std::string value;
  EncodeUserValue(*user, &value);
  rocksdb::WriteBatch batch;
  batch.Put(cf_[kUsers], layout::UserKey(user_handle), value);
  return Write(&batch);
}

}  // namespace keystorm::storage
