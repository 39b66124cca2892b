// An integrator's own CredentialStore: every record in std::maps behind one
// mutex.  Small on purpose — it shows what the interface asks of a store,
// not how to make one fast (Keystorm's stores shard and batch).  It passes
// the same contract suite as Keystorm's stores (tests/embed/).
//
// Keystorm's installed helpers do the fiddly parts: the limits
// (record_codec.h: Validate*) and the counter rule of §7.2 step 22
// (counter_rule.h), so this store cannot disagree with the built-in ones.
#ifndef KEYSTORM_EXAMPLE_MAP_CREDENTIAL_STORE_H_
#define KEYSTORM_EXAMPLE_MAP_CREDENTIAL_STORE_H_

#include <algorithm>
#include <map>
#include <mutex>
#include <string>

#include <keystorm/credential_store.h>
#include <keystorm/storage/counter_rule.h>
#include <keystorm/storage/record_codec.h>

namespace example {

class MapCredentialStore final : public keystorm::CredentialStore {
 public:
  using Status = keystorm::Status;
  using ByteView = keystorm::ByteView;

  Status MultiLookup(std::span<const ByteView> ids,
                     std::vector<std::optional<keystorm::CredentialRecord>>* out) override {
    std::lock_guard<std::mutex> lock(mu_);
    out->assign(ids.size(), std::nullopt);
    for (size_t i = 0; i < ids.size(); ++i) {
      auto it = credentials_.find(Key(ids[i]));
      if (it != credentials_.end()) (*out)[i] = it->second;
    }
    return Status::Ok();
  }

  Status CommitUpdates(std::span<const keystorm::CounterUpdate> updates,
                       std::vector<keystorm::CommitOutcome>* outcomes) override {
    for (const keystorm::CounterUpdate& u : updates) {
      if (Status s = keystorm::storage::ValidateCredentialId(u.credential_id); !s.ok()) return s;
    }
    std::lock_guard<std::mutex> lock(mu_);
    outcomes->clear();
    for (const keystorm::CounterUpdate& u : updates) {
      auto it = credentials_.find(Key(u.credential_id));
      outcomes->push_back(it == credentials_.end()
                              ? keystorm::CommitOutcome::kNotFound
                              : keystorm::storage::ApplyCounterUpdate(u, &it->second));
    }
    return Status::Ok();
  }

  Status InsertCredentialIfAbsent(const keystorm::CredentialRecord& record,
                                  bool* inserted) override {
    *inserted = false;
    if (Status s = keystorm::storage::ValidateCredentialRecord(record); !s.ok()) return s;
    std::lock_guard<std::mutex> lock(mu_);
    if (!credentials_.emplace(Key(record.id), record).second) return Status::Ok();
    *inserted = true;
    // A registration ends an administrator's reset (credential_store.h).
    auto user = users_.find(Key(record.user_handle));
    if (user != users_.end()) user->second.must_reregister = false;
    return Status::Ok();
  }

  Status ListForUser(ByteView user_handle,
                     std::vector<keystorm::CredentialRecord>* out) override {
    std::lock_guard<std::mutex> lock(mu_);
    out->clear();
    for (const auto& [id, record] : credentials_) {  // id order: the map's
      if (Key(record.user_handle) == Key(user_handle)) out->push_back(record);
    }
    return Status::Ok();
  }

  Status Delete(ByteView credential_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (credentials_.erase(Key(credential_id)) == 0) return Status::NotFound("no such credential");
    return Status::Ok();
  }

  Status InsertUserIfAbsent(const keystorm::UserRecord& user,
                            keystorm::UserInsertOutcome* outcome) override {
    if (Status s = keystorm::storage::ValidateUserRecord(user); !s.ok()) return s;
    std::lock_guard<std::mutex> lock(mu_);
    if (names_.contains(user.name)) {
      *outcome = keystorm::UserInsertOutcome::kNameTaken;
    } else if (users_.contains(Key(user.user_handle))) {
      *outcome = keystorm::UserInsertOutcome::kHandleTaken;
    } else {
      users_.emplace(Key(user.user_handle), user);
      names_.emplace(user.name, Key(user.user_handle));
      *outcome = keystorm::UserInsertOutcome::kInserted;
    }
    return Status::Ok();
  }

  Status LookupUserByName(std::string_view name,
                          std::optional<keystorm::UserRecord>* out) override {
    std::lock_guard<std::mutex> lock(mu_);
    out->reset();
    auto name_it = names_.find(std::string(name));
    if (name_it != names_.end()) *out = users_.at(name_it->second);
    return Status::Ok();
  }

  Status LookupUserByHandle(ByteView user_handle,
                            std::optional<keystorm::UserRecord>* out) override {
    std::lock_guard<std::mutex> lock(mu_);
    out->reset();
    auto it = users_.find(Key(user_handle));
    if (it != users_.end()) *out = it->second;
    return Status::Ok();
  }

  Status ResetUser(ByteView user_handle, size_t* removed) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (removed != nullptr) *removed = 0;
    auto user = users_.find(Key(user_handle));
    if (user == users_.end()) return Status::NotFound("no such user");
    size_t count = std::erase_if(credentials_, [&](const auto& entry) {
      return Key(entry.second.user_handle) == Key(user_handle);
    });
    if (removed != nullptr) *removed = count;
    user->second.must_reregister = true;
    return Status::Ok();
  }

  Status SetBypass(ByteView user_handle, std::optional<int64_t> until) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto user = users_.find(Key(user_handle));
    if (user == users_.end()) return Status::NotFound("no such user");
    user->second.bypass_until = until;
    return Status::Ok();
  }

  Status ConsumeChallenges(std::span<const keystorm::ChallengeUse> uses, int64_t now_ms,
                           std::vector<keystorm::ChallengeOutcome>* outcomes) override {
    for (const keystorm::ChallengeUse& use : uses) {
      if (Status s = keystorm::storage::ValidateChallengeUse(use); !s.ok()) return s;
    }
    std::lock_guard<std::mutex> lock(mu_);
    outcomes->clear();
    for (const keystorm::ChallengeUse& use : uses) {
      if (use.expires_at_ms <= now_ms || use.expires_at_ms <= horizon_ms_) {
        outcomes->push_back(keystorm::ChallengeOutcome::kExpired);
      } else if (!consumed_.emplace(Key(use.id), use.expires_at_ms).second) {
        outcomes->push_back(keystorm::ChallengeOutcome::kAlreadyUsed);
      } else {
        outcomes->push_back(keystorm::ChallengeOutcome::kConsumed);
      }
    }
    return Status::Ok();
  }

  Status SweepExpiredChallenges(int64_t now_ms) override {
    std::lock_guard<std::mutex> lock(mu_);
    // Everything expired by the horizon stays refused, whatever clock comes.
    horizon_ms_ = std::max(horizon_ms_, now_ms);
    std::erase_if(consumed_, [&](const auto& entry) { return entry.second <= horizon_ms_; });
    return Status::Ok();
  }

 private:
  static std::string Key(ByteView bytes) { return std::string(bytes.begin(), bytes.end()); }

  std::mutex mu_;
  std::map<std::string, keystorm::CredentialRecord> credentials_;  // by credential ID
  std::map<std::string, keystorm::UserRecord> users_;              // by user handle
  std::map<std::string, std::string> names_;                       // name -> handle
  std::map<std::string, int64_t> consumed_;                        // challenge -> expiry
  int64_t horizon_ms_ = 0;
};

}  // namespace example

#endif  // KEYSTORM_EXAMPLE_MAP_CREDENTIAL_STORE_H_
