// The pipeline's half of the RocksDB store: lookups, the counter
// compare-and-set, R26 insert-if-absent, listing and deletion.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <unordered_map>

#include "keystorm/storage/counter_rule.h"
#include "keystorm/storage/record_codec.h"
#include "keystorm/storage/rocks_store.h"
#include "keystorm/storage/store_layout.h"
#include "lock_stripes.h"
#include "rocks_util.h"

namespace keystorm::storage {
namespace {

// MultiGets `keys` from `cf` and decodes the credentials found.
Status ReadCredentials(rocksdb::DB* db, const rocksdb::ReadOptions& options,
                       rocksdb::ColumnFamilyHandle* cf, std::span<const ByteView> ids,
                       std::vector<std::optional<CredentialRecord>>* out) {
  const size_t n = ids.size();
  out->assign(n, std::nullopt);
  if (n == 0) return Status::Ok();
  std::vector<rocksdb::Slice> keys(n);
  for (size_t i = 0; i < n; ++i) keys[i] = ToSlice(ids[i]);
  std::vector<rocksdb::PinnableSlice> values(n);
  std::vector<rocksdb::Status> statuses(n);
  db->MultiGet(options, cf, n, keys.data(), values.data(), statuses.data());
  for (size_t i = 0; i < n; ++i) {
    if (statuses[i].IsNotFound()) continue;
    if (!statuses[i].ok()) return FromRocks(statuses[i], "credential lookup");
    CredentialRecord record;
    if (Status s = DecodeCredentialValue(ids[i], values[i].ToStringView(), &record); !s.ok()) {
      return s;
    }
    (*out)[i] = std::move(record);
  }
  return Status::Ok();
}

}  // namespace

Status RocksCredentialStore::MultiLookup(std::span<const ByteView> ids,
                                         std::vector<std::optional<CredentialRecord>>* out) {
  return ReadCredentials(db_.get(), rocksdb::ReadOptions(), cf_[kCredentials], ids, out);
}

uint64_t RocksCredentialStore::CredentialWriteEpoch() {
  // Acquire: a lookup that starts after this sees every write noted at or
  // before the epoch it returns (NoteCredentialWrites stores with release
  // after the write has returned).
  return credential_epoch_.load(std::memory_order_acquire);
}

void RocksCredentialStore::NoteCredentialWrites(std::span<const ByteView> ids) {
  if (ids.empty()) return;
  std::lock_guard<std::mutex> lock(recent_writes_mu_);
  const uint64_t epoch = credential_epoch_.load(std::memory_order_relaxed) + 1;
  if (ids.size() > config_.recent_credential_writes) {
    // More than the map may hold (a reset, an import, a large commit): keep
    // none of them; every lookup before this write is read again.
    recent_writes_.clear();
    recent_writes_floor_ = epoch;
  } else {
    if (recent_writes_.size() + ids.size() > config_.recent_credential_writes) {
      // Forget, and say so: a write at or below the floor may be missing
      // from the map, so a lookup older than it is never trusted.
      recent_writes_.clear();
      recent_writes_floor_ = epoch - 1;
    }
    for (ByteView id : ids) recent_writes_.insert_or_assign(std::string(AsChars(id)), epoch);
  }
  credential_epoch_.store(epoch, std::memory_order_release);
}

bool RocksCredentialStore::UnwrittenSince(ByteView id, uint64_t epoch) const {
  // A lookup at `epoch` saw every write noted at or below it; a write noted
  // above it is in the map unless the map was emptied after the lookup,
  // which the floor tells.  An epoch of 0 is "no hint"; one below this
  // store's first or above its current one is not from this store (each
  // open starts its epochs in a range of its own).
  if (epoch < recent_writes_floor_ ||
      epoch > credential_epoch_.load(std::memory_order_relaxed)) {
    return false;
  }
  auto it = recent_writes_.find(AsChars(id));
  return it == recent_writes_.end() || it->second <= epoch;
}

Status RocksCredentialStore::CommitUpdates(std::span<const CounterUpdate> updates,
                                           std::vector<CommitOutcome>* outcomes) {
  outcomes->assign(updates.size(), CommitOutcome::kNotFound);
  if (updates.empty()) return Status::Ok();
  std::vector<uint16_t> stripes;
  stripes.reserve(updates.size());
  // One slot per distinct credential, so that two updates of one credential
  // in a batch see each other, in order.
  std::unordered_map<std::string_view, size_t> slot_of;
  std::vector<ByteView> distinct;
  std::vector<const CounterUpdate*> first_update;  // of each distinct credential
  std::vector<size_t> slot(updates.size());
  for (size_t i = 0; i < updates.size(); ++i) {
    ByteView id = updates[i].credential_id;
    if (Status s = ValidateCredentialId(id); !s.ok()) return s;
    stripes.push_back(LockStripes::StripeOf(StripeDomain::kCredential, id));
    auto [it, fresh] = slot_of.emplace(AsChars(id), distinct.size());
    if (fresh) {
      distinct.push_back(id);
      first_update.push_back(&updates[i]);
    }
    slot[i] = it->second;
  }

  LockStripes::Guard guard(stripes_.get(), std::move(stripes));
  // Each credential's stored record: the looked-up one when nothing has
  // written the credential since its lookup (the stripes we hold keep it
  // so), else read now.  In a storm most credentials are used once, long
  // after their last write, so the serial commit mostly reads nothing.
  std::vector<bool> trusted(distinct.size(), false);
  {
    std::lock_guard<std::mutex> lock(recent_writes_mu_);
    for (size_t k = 0; k < distinct.size(); ++k) {
      const CounterUpdate& u = *first_update[k];
      trusted[k] = u.looked_up != nullptr && Equal(u.looked_up->id, distinct[k]) &&
                   UnwrittenSince(distinct[k], u.looked_up_at_epoch);
    }
  }
  std::vector<std::optional<CredentialRecord>> current(distinct.size());
  std::vector<ByteView> reread;
  std::vector<size_t> reread_slot;
  for (size_t k = 0; k < distinct.size(); ++k) {
    if (trusted[k]) {
      current[k] = *first_update[k]->looked_up;
    } else {
      reread.push_back(distinct[k]);
      reread_slot.push_back(k);
    }
  }
  if (!reread.empty()) {
    commit_rereads_.fetch_add(reread.size(), std::memory_order_relaxed);
    std::vector<std::optional<CredentialRecord>> read;
    if (Status s =
            ReadCredentials(db_.get(), rocksdb::ReadOptions(), cf_[kCredentials], reread, &read);
        !s.ok()) {
      return s;
    }
    for (size_t r = 0; r < reread.size(); ++r) current[reread_slot[r]] = std::move(read[r]);
  }

  std::vector<bool> dirty(distinct.size(), false);
  for (size_t i = 0; i < updates.size(); ++i) {
    std::optional<CredentialRecord>& record = current[slot[i]];
    if (!record) continue;  // kNotFound
    CommitOutcome outcome = ApplyCounterUpdate(updates[i], &*record);
    (*outcomes)[i] = outcome;
    if (outcome == CommitOutcome::kApplied || outcome == CommitOutcome::kRegressionAccepted) {
      dirty[slot[i]] = true;
    }
  }
  rocksdb::WriteBatch batch;
  std::vector<ByteView> written;
  std::string value;
  for (size_t k = 0; k < distinct.size(); ++k) {
    if (!dirty[k]) continue;
    value.clear();
    EncodeCredentialValue(*current[k], &value);
    batch.Put(cf_[kCredentials], ToSlice(distinct[k]), value);
    written.push_back(distinct[k]);
  }
  if (batch.Count() == 0) return Status::Ok();  // §7.2 step 22 refusals and 0/0 write nothing
  Status s = Write(&batch);
  NoteCredentialWrites(written);  // failed too: what it left is unknown
  return s;
}

Status RocksCredentialStore::InsertCredentialIfAbsent(const CredentialRecord& record,
                                                      bool* inserted) {
  *inserted = false;
  if (Status s = ValidateCredentialRecord(record); !s.ok()) return s;
  LockStripes::Guard guard(stripes_.get(),
                           {LockStripes::StripeOf(StripeDomain::kCredential, record.id),
                            LockStripes::StripeOf(StripeDomain::kUser, record.user_handle)});
  std::string existing;
  rocksdb::Status got =
      db_->Get(rocksdb::ReadOptions(), cf_[kCredentials], ToSlice(ByteView(record.id)), &existing);
  if (got.ok()) return Status::Ok();  // R26: taken, by this user or another
  if (!got.IsNotFound()) return FromRocks(got, "insert credential");

  std::optional<UserRecord> user;
  if (Status s = ReadUser(record.user_handle, &user); !s.ok()) return s;

  rocksdb::WriteBatch batch;
  std::string value;
  EncodeCredentialValue(record, &value);
  batch.Put(cf_[kCredentials], ToSlice(ByteView(record.id)), value);
  batch.Put(cf_[kUserCredentials], layout::UserCredentialKey(record.user_handle, record.id),
            rocksdb::Slice());
  if (user && user->must_reregister) {
    // The registration that follows a reset ends the reset, in the same batch.
    user->must_reregister = false;
    value.clear();
    EncodeUserValue(*user, &value);
    batch.Put(cf_[kUsers], layout::UserKey(record.user_handle), value);
  }
  Status written = Write(&batch);
  const ByteView id(record.id);
  NoteCredentialWrites(std::span<const ByteView>(&id, 1));
  if (!written.ok()) return written;
  *inserted = true;
  return Status::Ok();
}

Status RocksCredentialStore::ListForUser(ByteView user_handle, std::vector<CredentialRecord>* out) {
  out->clear();
  if (Status s = ValidateUserHandle(user_handle); !s.ok()) return s;
  // One snapshot for the index and the records: a registration writes both
  // in one batch, so an index entry without its record is corruption.
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  rocksdb::ReadOptions options;
  options.snapshot = snapshot;
  std::string prefix = layout::UserCredentialPrefix(user_handle);
  std::string upper = PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions scan(options);
  scan.iterate_upper_bound = &upper_slice;

  std::vector<Bytes> ids;
  Status status;
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(scan, cf_[kUserCredentials]));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      ByteView handle, id;
      if (!layout::SplitUserCredentialKey(it->key().ToStringView(), &handle, &id)) {
        status = Status::Corruption("user_credentials: malformed key " +
                                    HexForMessage(ToBytes(it->key())));
        break;
      }
      ids.emplace_back(id.begin(), id.end());
    }
    if (status.ok() && !it->status().ok()) status = FromRocks(it->status(), "list credentials");
  }
  std::vector<std::optional<CredentialRecord>> records;
  if (status.ok()) {
    std::vector<ByteView> views(ids.begin(), ids.end());
    status = ReadCredentials(db_.get(), options, cf_[kCredentials], views, &records);
  }
  db_->ReleaseSnapshot(snapshot);
  if (!status.ok()) return status;
  for (size_t i = 0; i < records.size(); ++i) {
    if (!records[i] || !Equal(records[i]->user_handle, user_handle)) {
      return Status::Corruption("user_credentials: entry " + HexForMessage(ids[i]) +
                                " has no matching credential record");
    }
    out->push_back(std::move(*records[i]));
  }
  return Status::Ok();
}

Status RocksCredentialStore::Delete(ByteView credential_id) {
  if (Status s = ValidateCredentialId(credential_id); !s.ok()) return s;
  // The owner is known only after a read, and its stripe must be taken with
  // the credential's, all at once: read, lock both, re-read, and retry in the
  // (rare) case the ID changed owner in between.
  for (int attempt = 0; attempt < 16; ++attempt) {
    std::vector<std::optional<CredentialRecord>> before;
    if (Status s = MultiLookup(std::span<const ByteView>(&credential_id, 1), &before); !s.ok()) {
      return s;
    }
    if (!before[0]) return Status::NotFound("no credential " + HexForMessage(credential_id));
    const Bytes owner = before[0]->user_handle;
    LockStripes::Guard guard(stripes_.get(),
                             {LockStripes::StripeOf(StripeDomain::kCredential, credential_id),
                              LockStripes::StripeOf(StripeDomain::kUser, owner)});
    std::vector<std::optional<CredentialRecord>> now;
    if (Status s = MultiLookup(std::span<const ByteView>(&credential_id, 1), &now); !s.ok()) {
      return s;
    }
    if (!now[0]) return Status::NotFound("no credential " + HexForMessage(credential_id));
    if (!Equal(now[0]->user_handle, owner)) continue;
    rocksdb::WriteBatch batch;
    batch.Delete(cf_[kCredentials], ToSlice(credential_id));
    batch.Delete(cf_[kUserCredentials], layout::UserCredentialKey(owner, credential_id));
    Status written = Write(&batch);
    NoteCredentialWrites(std::span<const ByteView>(&credential_id, 1));
    return written;
  }
  return Status::Unavailable("delete: the credential keeps changing owner");
}

}  // namespace keystorm::storage
