#include "keystorm/storage/memory_store.h"

#include <algorithm>
#include <functional>
#include <string_view>

#include "keystorm/storage/counter_rule.h"
#include "keystorm/storage/record_codec.h"

namespace keystorm::storage {
namespace {

std::string Key(ByteView id) { return std::string(AsChars(id)); }

}  // namespace

MemoryCredentialStore::Shard& MemoryCredentialStore::ShardFor(ByteView id) {
  return shards_[std::hash<std::string_view>{}(AsChars(id)) % kShards];
}

Status MemoryCredentialStore::MultiLookup(std::span<const ByteView> ids,
                                          std::vector<std::optional<CredentialRecord>>* out) {
  out->assign(ids.size(), std::nullopt);
  for (size_t i = 0; i < ids.size(); ++i) {
    Shard& shard = ShardFor(ids[i]);
    std::lock_guard<std::mutex> lock(shard.mu);
    auto it = shard.by_id.find(Key(ids[i]));
    if (it != shard.by_id.end()) (*out)[i] = it->second;
  }
  return Status::Ok();
}

Status MemoryCredentialStore::CommitUpdates(std::span<const CounterUpdate> updates,
                                            std::vector<CommitOutcome>* outcomes) {
  outcomes->assign(updates.size(), CommitOutcome::kNotFound);
  for (const CounterUpdate& u : updates) {
    if (Status s = ValidateCredentialId(u.credential_id); !s.ok()) return s;
  }
  for (size_t i = 0; i < updates.size(); ++i) {
    Shard& shard = ShardFor(updates[i].credential_id);
    std::lock_guard<std::mutex> lock(shard.mu);
    auto it = shard.by_id.find(Key(updates[i].credential_id));
    if (it != shard.by_id.end()) (*outcomes)[i] = ApplyCounterUpdate(updates[i], &it->second);
  }
  return Status::Ok();
}

Status MemoryCredentialStore::InsertCredentialIfAbsent(const CredentialRecord& record,
                                                       bool* inserted) {
  *inserted = false;
  if (Status s = ValidateCredentialRecord(record); !s.ok()) return s;
  std::lock_guard<std::mutex> accounts(accounts_mu_);
  Shard& shard = ShardFor(record.id);
  std::lock_guard<std::mutex> lock(shard.mu);
  *inserted = shard.by_id.emplace(Key(record.id), record).second;
  if (!*inserted) return Status::Ok();
  ids_by_user_[Key(record.user_handle)].insert(Key(record.id));
  auto user = users_.find(Key(record.user_handle));
  if (user != users_.end()) user->second.must_reregister = false;
  return Status::Ok();
}

Status MemoryCredentialStore::ListForUser(ByteView user_handle,
                                          std::vector<CredentialRecord>* out) {
  out->clear();
  if (Status s = ValidateUserHandle(user_handle); !s.ok()) return s;
  std::lock_guard<std::mutex> accounts(accounts_mu_);
  auto ids = ids_by_user_.find(Key(user_handle));
  if (ids == ids_by_user_.end()) return Status::Ok();
  for (const std::string& id : ids->second) {  // std::set: id order
    Shard& shard = ShardFor(AsBytes(id));
    std::lock_guard<std::mutex> lock(shard.mu);
    auto it = shard.by_id.find(id);
    if (it != shard.by_id.end()) out->push_back(it->second);
  }
  return Status::Ok();
}

Status MemoryCredentialStore::Delete(ByteView credential_id) {
  if (Status s = ValidateCredentialId(credential_id); !s.ok()) return s;
  std::lock_guard<std::mutex> accounts(accounts_mu_);
  Shard& shard = ShardFor(credential_id);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.by_id.find(Key(credential_id));
  if (it == shard.by_id.end()) return Status::NotFound("no such credential");
  ids_by_user_[Key(it->second.user_handle)].erase(it->first);
  shard.by_id.erase(it);
  return Status::Ok();
}

Status MemoryCredentialStore::InsertUserIfAbsent(const UserRecord& user,
                                                 UserInsertOutcome* outcome) {
  if (Status s = ValidateUserRecord(user); !s.ok()) return s;
  std::lock_guard<std::mutex> accounts(accounts_mu_);
  if (handle_by_name_.count(user.name) != 0) {
    *outcome = UserInsertOutcome::kNameTaken;
  } else if (users_.count(Key(user.user_handle)) != 0) {
    *outcome = UserInsertOutcome::kHandleTaken;
  } else {
    users_.emplace(Key(user.user_handle), user);
    handle_by_name_.emplace(user.name, Key(user.user_handle));
    *outcome = UserInsertOutcome::kInserted;
  }
  return Status::Ok();
}

Status MemoryCredentialStore::LookupUserByName(std::string_view name,
                                               std::optional<UserRecord>* out) {
  out->reset();
  if (name.empty() || name.size() > kMaxUserNameBytes) {
    return Status::InvalidArgument("user name is empty or too long");
  }
  std::lock_guard<std::mutex> accounts(accounts_mu_);
  auto handle = handle_by_name_.find(std::string(name));
  if (handle != handle_by_name_.end()) *out = users_.at(handle->second);
  return Status::Ok();
}

Status MemoryCredentialStore::LookupUserByHandle(ByteView user_handle,
                                                 std::optional<UserRecord>* out) {
  out->reset();
  if (Status s = ValidateUserHandle(user_handle); !s.ok()) return s;
  std::lock_guard<std::mutex> accounts(accounts_mu_);
  auto it = users_.find(Key(user_handle));
  if (it != users_.end()) *out = it->second;
  return Status::Ok();
}

Status MemoryCredentialStore::ResetUser(ByteView user_handle, size_t* removed) {
  if (removed != nullptr) *removed = 0;
  if (Status s = ValidateUserHandle(user_handle); !s.ok()) return s;
  std::lock_guard<std::mutex> accounts(accounts_mu_);
  auto user = users_.find(Key(user_handle));
  if (user == users_.end()) return Status::NotFound("no such user");
  std::set<std::string>& ids = ids_by_user_[Key(user_handle)];
  for (const std::string& id : ids) {
    Shard& shard = ShardFor(AsBytes(id));
    std::lock_guard<std::mutex> lock(shard.mu);
    shard.by_id.erase(id);
  }
  if (removed != nullptr) *removed = ids.size();
  ids.clear();
  user->second.must_reregister = true;
  return Status::Ok();
}

Status MemoryCredentialStore::SetBypass(ByteView user_handle, std::optional<int64_t> until) {
  if (Status s = ValidateUserHandle(user_handle); !s.ok()) return s;
  std::lock_guard<std::mutex> accounts(accounts_mu_);
  auto user = users_.find(Key(user_handle));
  if (user == users_.end()) return Status::NotFound("no such user");
  user->second.bypass_until = until;
  return Status::Ok();
}

Status MemoryCredentialStore::ConsumeChallenges(std::span<const ChallengeUse> uses, int64_t now_ms,
                                                std::vector<ChallengeOutcome>* outcomes) {
  outcomes->assign(uses.size(), ChallengeOutcome::kExpired);
  for (const ChallengeUse& use : uses) {
    if (Status s = ValidateChallengeUse(use); !s.ok()) return s;
  }
  std::lock_guard<std::mutex> lock(challenges_mu_);
  for (size_t i = 0; i < uses.size(); ++i) {
    const ChallengeUse& use = uses[i];
    if (use.expires_at_ms <= now_ms || use.expires_at_ms <= challenge_horizon_ms_) continue;
    bool fresh = consumed_.emplace(std::make_pair(use.expires_at_ms, Key(use.id)), now_ms).second;
    (*outcomes)[i] = fresh ? ChallengeOutcome::kConsumed : ChallengeOutcome::kAlreadyUsed;
  }
  return Status::Ok();
}

Status MemoryCredentialStore::SweepExpiredChallenges(int64_t now_ms) {
  std::lock_guard<std::mutex> lock(challenges_mu_);
  if (now_ms <= challenge_horizon_ms_) return Status::Ok();
  consumed_.erase(consumed_.begin(), consumed_.lower_bound({now_ms + 1, std::string()}));
  challenge_horizon_ms_ = now_ms;
  return Status::Ok();
}

Status MemoryCredentialStore::ForEachCredential(
    const std::function<Status(const CredentialRecord&)>& visit) {
  // A copy of one shard at a time, visited outside the lock, so that `visit`
  // may call back into the store.
  for (Shard& shard : shards_) {
    std::vector<CredentialRecord> records;
    {
      std::lock_guard<std::mutex> lock(shard.mu);
      records.reserve(shard.by_id.size());
      for (const auto& [id, record] : shard.by_id) records.push_back(record);
    }
    for (const CredentialRecord& record : records) {
      if (Status s = visit(record); !s.ok()) return s;
    }
  }
  return Status::Ok();
}

size_t MemoryCredentialStore::size() const {
  size_t n = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    n += shard.by_id.size();
  }
  return n;
}

}  // namespace keystorm::storage
