// What the `keystorm store` tools need from the RocksDB store: statistics,
// the integrity walk, export and import.
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/transaction_log.h>
#include <rocksdb/write_batch.h>

#include <set>

#include "keystorm/storage/record_codec.h"
#include "keystorm/storage/rocks_store.h"
#include "keystorm/storage/store_layout.h"
#include "lock_stripes.h"
#include "rocks_util.h"

namespace keystorm::storage {
namespace {

// Holds a snapshot for the lifetime of a walk.
class SnapshotScope {
 public:
  explicit SnapshotScope(rocksdb::DB* db) : db_(db), snapshot_(db->GetSnapshot()) {
    options_.snapshot = snapshot_;
  }
  ~SnapshotScope() { db_->ReleaseSnapshot(snapshot_); }
  const rocksdb::ReadOptions& options() const { return options_; }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
  rocksdb::ReadOptions options_;
};

// Calls fn(key, value) for every entry of `cf`; stops at the first non-OK.
template <typename Fn>
Status Walk(rocksdb::DB* db, const rocksdb::ReadOptions& options, rocksdb::ColumnFamilyHandle* cf,
            Fn fn) {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options, cf));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (Status s = fn(it->key(), it->value()); !s.ok()) return s;
  }
  return FromRocks(it->status(), "scan");
}

// True if `key` exists in `cf` (under the snapshot); value into *value.
Status Exists(rocksdb::DB* db, const rocksdb::ReadOptions& options, rocksdb::ColumnFamilyHandle* cf,
              const rocksdb::Slice& key, bool* exists, std::string* value = nullptr) {
  std::string scratch;
  rocksdb::Status s = db->Get(options, cf, key, value != nullptr ? value : &scratch);
  *exists = s.ok();
  if (s.ok() || s.IsNotFound()) return Status::Ok();
  return FromRocks(s, "lookup");
}

}  // namespace

Status RocksCredentialStore::GetStats(bool exact_counts, StoreStats* out) {
  *out = StoreStats();
  out->format_version = layout::kFormatVersion;
  out->challenge_horizon_ms = challenge_horizon_ms_.load();
  out->exact_counts = exact_counts;
  for (size_t i = 0; i < kFamilies; ++i) {
    ColumnFamilyStats f;
    f.name = layout::kColumnFamilies[i];
    db_->GetIntProperty(cf_[i], "rocksdb.estimate-num-keys", &f.estimated_keys);
    db_->GetIntProperty(cf_[i], "rocksdb.total-sst-files-size", &f.sst_bytes);
    db_->GetIntProperty(cf_[i], "rocksdb.cur-size-all-mem-tables", &f.memtable_bytes);
    if (exact_counts) {
      SnapshotScope snap(db_.get());
      Status s = Walk(db_.get(), snap.options(), cf_[i],
                      [&](const rocksdb::Slice&, const rocksdb::Slice&) {
                        ++f.exact_keys;
                        return Status::Ok();
                      });
      if (!s.ok()) return s;
    }
    out->families.push_back(std::move(f));
  }
  rocksdb::VectorLogPtr wals;
  if (!config_.read_only && db_->GetSortedWalFiles(wals).ok()) {
    for (const auto& wal : wals) out->live_wal_bytes += wal->SizeFileBytes();
  }
  out->block_cache_usage_bytes = cache_->GetUsage();
  out->block_cache_capacity_bytes = cache_->GetCapacity();
  return Status::Ok();
}

Status RocksCredentialStore::CheckIntegrity(IntegrityReport* report) {
  *report = IntegrityReport();
  SnapshotScope snap(db_.get());
  const rocksdb::ReadOptions& ro = snap.options();
  rocksdb::DB* db = db_.get();

  bool has_version = false;
  if (Status s = Exists(db, ro, cf_[kMeta], layout::kFormatVersionKey, &has_version); !s.ok()) {
    return s;
  }
  if (!has_version) return Status::Corruption("integrity: no format_version");

  Status s = Walk(db, ro, cf_[kCredentials], [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
    CredentialRecord r;
    if (Status d = DecodeCredentialValue(ToBytes(k), v.ToStringView(), &r); !d.ok()) return d;
    bool indexed = false;
    if (Status e = Exists(db, ro, cf_[kUserCredentials],
                          layout::UserCredentialKey(r.user_handle, r.id), &indexed);
        !e.ok()) {
      return e;
    }
    if (!indexed) {
      return Status::Corruption("integrity: credential " + HexForMessage(r.id) +
                                " has no user_credentials entry");
    }
    ++report->credentials;
    return Status::Ok();
  });
  if (!s.ok()) return s;

  s = Walk(db, ro, cf_[kUserCredentials], [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
    ByteView handle, id;
    if (!layout::SplitUserCredentialKey(k.ToStringView(), &handle, &id) || !v.empty()) {
      return Status::Corruption("integrity: malformed user_credentials entry " +
                                HexForMessage(ToBytes(k)));
    }
    std::string value;
    bool exists = false;
    if (Status e = Exists(db, ro, cf_[kCredentials], ToSlice(id), &exists, &value); !e.ok())
      return e;
    CredentialRecord r;
    if (!exists || !DecodeCredentialValue(id, value, &r).ok() || !Equal(r.user_handle, handle)) {
      return Status::Corruption("integrity: user_credentials entry " + HexForMessage(id) +
                                " has no matching credential");
    }
    ++report->user_credential_entries;
    return Status::Ok();
  });
  if (!s.ok()) return s;

  s = Walk(db, ro, cf_[kUsers], [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
    std::string_view key = k.ToStringView();
    if (key.size() < 2) return Status::Corruption("integrity: malformed users key");
    std::string_view rest = key.substr(1);
    std::string other;
    bool exists = false;
    if (key[0] == layout::kUserTag) {
      UserRecord u;
      if (Status d = DecodeUserValue(AsBytes(rest), v.ToStringView(), &u); !d.ok()) return d;
      if (Status e = Exists(db, ro, cf_[kUsers], layout::NameKey(u.name), &exists, &other);
          !e.ok()) {
        return e;
      }
      Bytes owner;
      if (!exists || !DecodeNameIndexValue(u.name, other, &owner).ok() ||
          !Equal(owner, AsBytes(rest))) {
        return Status::Corruption("integrity: user " + HexForMessage(AsBytes(rest)) +
                                  " has no matching name entry");
      }
      ++report->users;
    } else if (key[0] == layout::kNameTag) {
      Bytes owner;
      if (Status d = DecodeNameIndexValue(rest, v.ToStringView(), &owner); !d.ok()) return d;
      if (Status e = Exists(db, ro, cf_[kUsers], layout::UserKey(owner), &exists, &other);
          !e.ok()) {
        return e;
      }
      UserRecord u;
      if (!exists || !DecodeUserValue(owner, other, &u).ok() || u.name != rest) {
        return Status::Corruption("integrity: name entry " + HexForMessage(AsBytes(rest)) +
                                  " has no matching user");
      }
    } else {
      return Status::Corruption("integrity: unknown users key tag");
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;

  return Walk(db, ro, cf_[kChallenges], [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
    int64_t expiry = 0, consumed_at = 0;
    ByteView id;
    if (!layout::SplitChallengeKey(k.ToStringView(), &expiry, &id) ||
        !DecodeConsumedChallengeValue(v.ToStringView(), &consumed_at).ok()) {
      return Status::Corruption("integrity: malformed consumed challenge " +
                                HexForMessage(ToBytes(k)));
    }
    ++report->consumed_challenges;
    return Status::Ok();
  });
}

Status RocksCredentialStore::ForEachCredential(
    const std::function<Status(const CredentialRecord&)>& visit) {
  ExportVisitor visitor;
  visitor.credential = visit;
  return Export(visitor);
}

Status RocksCredentialStore::Export(const ExportVisitor& visitor) {
  SnapshotScope snap(db_.get());
  const rocksdb::ReadOptions& ro = snap.options();
  Status s =
      Walk(db_.get(), ro, cf_[kUsers], [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
        std::string_view key = k.ToStringView();
        if (key.empty()) return Status::Corruption("export: empty users key");
        if (key[0] == layout::kNameTag) return Status::Ok();  // rebuilt from the user record
        if (key[0] != layout::kUserTag) return Status::Corruption("export: unknown users key tag");
        UserRecord u;
        if (Status d = DecodeUserValue(AsBytes(key.substr(1)), v.ToStringView(), &u); !d.ok())
          return d;
        return visitor.user ? visitor.user(u) : Status::Ok();
      });
  if (!s.ok()) return s;
  s = Walk(db_.get(), ro, cf_[kCredentials], [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
    CredentialRecord r;
    if (Status d = DecodeCredentialValue(ToBytes(k), v.ToStringView(), &r); !d.ok()) return d;
    return visitor.credential ? visitor.credential(r) : Status::Ok();
  });
  if (!s.ok()) return s;
  return Walk(
      db_.get(), ro, cf_[kChallenges], [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
        ConsumedChallenge c;
        ByteView id;
        if (!layout::SplitChallengeKey(k.ToStringView(), &c.expires_at_ms, &id)) {
          return Status::Corruption("export: malformed consumed challenge key");
        }
        if (Status d = DecodeConsumedChallengeValue(v.ToStringView(), &c.consumed_at_ms); !d.ok())
          return d;
        c.id.assign(id.begin(), id.end());
        return visitor.challenge ? visitor.challenge(c) : Status::Ok();
      });
}

Status RocksCredentialStore::Import(const ImportBatch& in) {
  std::vector<uint16_t> stripes;
  std::set<std::string> handles, names, ids;
  for (const UserRecord& u : in.users) {
    if (Status s = ValidateUserRecord(u); !s.ok()) return s;
    if (!handles.insert(std::string(AsChars(u.user_handle))).second ||
        !names.insert(u.name).second) {
      return Status::InvalidArgument("import: user " + HexForMessage(u.user_handle) +
                                     " or its name appears twice");
    }
    stripes.push_back(LockStripes::StripeOf(StripeDomain::kUser, u.user_handle));
    stripes.push_back(LockStripes::StripeOf(StripeDomain::kUserName, AsBytes(u.name)));
  }
  for (const CredentialRecord& r : in.credentials) {
    if (Status s = ValidateCredentialRecord(r); !s.ok()) return s;
    if (!ids.insert(std::string(AsChars(r.id))).second) {
      return Status::InvalidArgument("import: credential " + HexForMessage(r.id) +
                                     " appears twice");
    }
    stripes.push_back(LockStripes::StripeOf(StripeDomain::kCredential, r.id));
    stripes.push_back(LockStripes::StripeOf(StripeDomain::kUser, r.user_handle));
  }
  for (const ConsumedChallenge& c : in.challenges) {
    if (Status s = ValidateChallengeUse(ChallengeUse{c.id, c.expires_at_ms}); !s.ok()) return s;
    stripes.push_back(LockStripes::StripeOf(StripeDomain::kChallenge, c.id));
  }
  LockStripes::Guard guard(stripes_.get(), std::move(stripes));
  const rocksdb::ReadOptions ro;
  rocksdb::DB* db = db_.get();
  rocksdb::WriteBatch batch;
  std::string value;
  for (const UserRecord& u : in.users) {
    bool a = false, b = false;
    if (Status s = Exists(db, ro, cf_[kUsers], layout::UserKey(u.user_handle), &a); !s.ok())
      return s;
    if (Status s = Exists(db, ro, cf_[kUsers], layout::NameKey(u.name), &b); !s.ok()) return s;
    if (a || b) {
      return Status::InvalidArgument("import: user " + HexForMessage(u.user_handle) +
                                     " or its name exists already");
    }
    value.clear();
    EncodeUserValue(u, &value);
    batch.Put(cf_[kUsers], layout::UserKey(u.user_handle), value);
    value.clear();
    EncodeNameIndexValue(u.user_handle, &value);
    batch.Put(cf_[kUsers], layout::NameKey(u.name), value);
  }
  for (const CredentialRecord& r : in.credentials) {
    bool exists = false;
    if (Status s = Exists(db, ro, cf_[kCredentials], ToSlice(ByteView(r.id)), &exists); !s.ok()) {
      return s;
    }
    if (exists)
      return Status::InvalidArgument("import: credential " + HexForMessage(r.id) +
                                     " exists already");
    value.clear();
    EncodeCredentialValue(r, &value);
    batch.Put(cf_[kCredentials], ToSlice(ByteView(r.id)), value);
    batch.Put(cf_[kUserCredentials], layout::UserCredentialKey(r.user_handle, r.id),
              rocksdb::Slice());
  }
  for (const ConsumedChallenge& c : in.challenges) {
    value.clear();
    EncodeConsumedChallengeValue(c.consumed_at_ms, &value);
    batch.Put(cf_[kChallenges], layout::ChallengeKey(c.expires_at_ms, c.id), value);
  }
  if (batch.Count() == 0) return Status::Ok();
  Status written = Write(&batch);
  std::vector<ByteView> imported;
  for (const CredentialRecord& r : in.credentials) imported.emplace_back(r.id);
  NoteCredentialWrites(imported);
  return written;
}

}  // namespace keystorm::storage
