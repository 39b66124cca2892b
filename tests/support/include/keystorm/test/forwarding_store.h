// A CredentialStore that forwards every call to another one.  Tests derive
// from it and override only the calls they watch, hold or fail.
#ifndef KEYSTORM_TEST_FORWARDING_STORE_H_
#define KEYSTORM_TEST_FORWARDING_STORE_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "keystorm/credential_store.h"

namespace keystorm::test {

// REQUIRES: inner outlives this store.
class ForwardingStore : public CredentialStore {
 public:
  explicit ForwardingStore(CredentialStore* inner) : inner_(inner) {}
  Status MultiLookup(std::span<const ByteView> ids,
                     std::vector<std::optional<CredentialRecord>>* out) override {
    return inner_->MultiLookup(ids, out);
  }
  Status CommitUpdates(std::span<const CounterUpdate> u, std::vector<CommitOutcome>* o) override {
    return inner_->CommitUpdates(u, o);
  }
  // Forwarded: the decorators built on this one pass MultiLookup's records
  // through unchanged (credential_store.h says when a decorator must not).
  uint64_t CredentialWriteEpoch() override { return inner_->CredentialWriteEpoch(); }
  Status InsertCredentialIfAbsent(const CredentialRecord& r, bool* inserted) override {
    return inner_->InsertCredentialIfAbsent(r, inserted);
  }
  Status ListForUser(ByteView h, std::vector<CredentialRecord>* out) override {
    return inner_->ListForUser(h, out);
  }
  Status Delete(ByteView id) override { return inner_->Delete(id); }
  Status InsertUserIfAbsent(const UserRecord& u, UserInsertOutcome* o) override {
    return inner_->InsertUserIfAbsent(u, o);
  }
  Status LookupUserByName(std::string_view n, std::optional<UserRecord>* out) override {
    return inner_->LookupUserByName(n, out);
  }
  Status LookupUserByHandle(ByteView h, std::optional<UserRecord>* out) override {
    return inner_->LookupUserByHandle(h, out);
  }
  Status ResetUser(ByteView h, size_t* removed) override { return inner_->ResetUser(h, removed); }
  Status SetBypass(ByteView h, std::optional<int64_t> until) override {
    return inner_->SetBypass(h, until);
  }
  Status ConsumeChallenges(std::span<const ChallengeUse> uses, int64_t now_ms,
                           std::vector<ChallengeOutcome>* outcomes) override {
    return inner_->ConsumeChallenges(uses, now_ms, outcomes);
  }
  Status ConsumeChallengesUnsynced(std::span<const ChallengeUse> uses, int64_t now_ms,
                                   std::vector<ChallengeOutcome>* outcomes) override {
    return inner_->ConsumeChallengesUnsynced(uses, now_ms, outcomes);
  }
  uint64_t WriteMark() override { return inner_->WriteMark(); }
  Status SyncWritesUpTo(uint64_t mark) override { return inner_->SyncWritesUpTo(mark); }
  Status SweepExpiredChallenges(int64_t now_ms) override {
    return inner_->SweepExpiredChallenges(now_ms);
  }
  Status ForEachCredential(const std::function<Status(const CredentialRecord&)>& visit) override {
    return inner_->ForEachCredential(visit);
  }

 private:
  CredentialStore* inner_;
};

// A ForwardingStore whose lookups wait until Open(): it holds a pipeline's
// batch at its lookup, and so everything queued behind it, until the test
// has arranged what it wants to see.
class LookupGateStore : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  // Whether a lookup has reached the gate.
  bool held() const { return held_.load(); }
  Status MultiLookup(std::span<const ByteView> ids,
                     std::vector<std::optional<CredentialRecord>>* out) override {
    held_.store(true);
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return open_; });
    lock.unlock();
    return ForwardingStore::MultiLookup(ids, out);
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;  // GUARDED_BY(mu_)
  std::atomic<bool> held_{false};
};

}  // namespace keystorm::test

#endif  // KEYSTORM_TEST_FORWARDING_STORE_H_
