// An in-memory CredentialStore for tests, benchmarks and embedding without
// persistence.  Nothing survives the process.  It passes the same contract
// suite as the RocksDB store (tests/storage/store_contract_test.cc).
//
// Thread safety: all methods.  Credentials are split into shards, each behind
// its own mutex, so lookups and commits of different credentials rarely
// contend; the counter rule of CommitUpdates is applied under the shard's
// lock, which makes it atomic per credential.  Accounts and the per-user
// index sit behind one mutex (accounts_mu_), taken before any shard mutex,
// so registrations, deletions and resets are serialised with each other.
// Consumed challenges have their own mutex.
#ifndef KEYSTORM_STORAGE_MEMORY_STORE_H_
#define KEYSTORM_STORAGE_MEMORY_STORE_H_

#include <array>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "keystorm/credential_store.h"
#include "keystorm/export.h"

namespace keystorm::storage {

class KEYSTORM_EXPORT MemoryCredentialStore final : public CredentialStore {
 public:
  MemoryCredentialStore() = default;

  Status MultiLookup(std::span<const ByteView> ids,
                     std::vector<std::optional<CredentialRecord>>* out) override;
  Status CommitUpdates(std::span<const CounterUpdate> updates,
                       std::vector<CommitOutcome>* outcomes) override;
  Status InsertCredentialIfAbsent(const CredentialRecord& record, bool* inserted) override;
  Status ListForUser(ByteView user_handle, std::vector<CredentialRecord>* out) override;
  Status Delete(ByteView credential_id) override;
  Status InsertUserIfAbsent(const UserRecord& user, UserInsertOutcome* outcome) override;
  Status LookupUserByName(std::string_view name, std::optional<UserRecord>* out) override;
  Status LookupUserByHandle(ByteView user_handle, std::optional<UserRecord>* out) override;
  Status ResetUser(ByteView user_handle, size_t* removed) override;
  Status SetBypass(ByteView user_handle, std::optional<int64_t> until) override;
  Status ConsumeChallenges(std::span<const ChallengeUse> uses, int64_t now_ms,
                           std::vector<ChallengeOutcome>* outcomes) override;
  Status SweepExpiredChallenges(int64_t now_ms) override;
  Status ForEachCredential(const std::function<Status(const CredentialRecord&)>& visit) override;

  size_t size() const;

 private:
  static constexpr size_t kShards = 64;
  struct Shard {
    mutable std::mutex mu;
    std::map<std::string, CredentialRecord> by_id;  // GUARDED_BY(mu)
  };
  Shard& ShardFor(ByteView id);
  std::array<Shard, kShards> shards_;

  std::mutex accounts_mu_;                                    // before any shard mutex
  std::map<std::string, UserRecord> users_;                   // GUARDED_BY(accounts_mu_)
  std::map<std::string, std::string> handle_by_name_;         // GUARDED_BY(accounts_mu_)
  std::map<std::string, std::set<std::string>> ids_by_user_;  // GUARDED_BY(accounts_mu_)

  std::mutex challenges_mu_;
  // (expiry, id) -> consumed_at, ordered by expiry as the RocksDB layout is.
  std::map<std::pair<int64_t, std::string>, int64_t> consumed_;  // GUARDED_BY(challenges_mu_)
  int64_t challenge_horizon_ms_ = 0;                             // GUARDED_BY(challenges_mu_)
};

}  // namespace keystorm::storage

#endif  // KEYSTORM_STORAGE_MEMORY_STORE_H_
