#include "keystorm/storage/challenge_batcher.h"

#include <algorithm>
#include <span>
#include <utility>

#include "keystorm/thread_name.h"

namespace keystorm::storage {

ChallengeBatcher::ChallengeBatcher(CredentialStore* store, size_t max_group, LedgerSync sync)
    : store_(store), max_group_(std::max<size_t>(1, max_group)), sync_(sync) {
  writer_ = std::thread([this] {
    NameThisThread("ks-ledger");
    WriterLoop();
  });
}

ChallengeBatcher::~ChallengeBatcher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
}

uint64_t ChallengeBatcher::groups_written() const {
  std::lock_guard<std::mutex> lock(mu_);
  return groups_written_;
}

void ChallengeBatcher::Redeem(const ChallengeSealer& sealer, ByteView challenge,
                              CeremonyKind ceremony, ByteView user_handle, int64_t now_ms,
                              Done done) {
  Pending pending;
  ChallengeCheck check = sealer.Open(challenge, ceremony, user_handle, now_ms, &pending.opened);
  if (check != ChallengeCheck::kOk) {
    done(Status::Ok(), check);
    return;
  }
  pending.now_ms = now_ms;
  pending.done = std::move(done);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      queue_.push_back(std::move(pending));
      pending.done = nullptr;
    }
  }
  if (pending.done) {
    // Shutting down: nothing more reaches the ledger, so nothing is spent.
    pending.done(Status::Unavailable("challenge ledger is shutting down"),
                 ChallengeCheck::kAlreadyUsed);
    return;
  }
  wake_.notify_one();
}

void ChallengeBatcher::WriterLoop() {
  std::vector<Pending> group;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is written
      if (queue_.size() <= max_group_) {
        group.swap(queue_);
      } else {
        auto first = queue_.begin();
        auto last = first + static_cast<std::ptrdiff_t>(max_group_);
        group.assign(std::make_move_iterator(first), std::make_move_iterator(last));
        queue_.erase(first, last);
      }
    }
    WriteGroup(&group);
    group.clear();
  }
}

void ChallengeBatcher::WriteGroup(std::vector<Pending>* group) {
  std::vector<ChallengeUse> uses;
  uses.reserve(group->size());
  int64_t now_ms = 0;
  for (const Pending& p : *group) {
    uses.push_back(ChallengeUse{p.opened.random, p.opened.expires_at_ms});
    // The latest clock of the group: each challenge was already found
    // unexpired at its own request time by Open.
    now_ms = std::max(now_ms, p.now_ms);
  }
  std::vector<ChallengeOutcome> outcomes;
  Status status = sync_ == LedgerSync::kEachGroup
                      ? store_->ConsumeChallenges(uses, now_ms, &outcomes)
                      : store_->ConsumeChallengesUnsynced(uses, now_ms, &outcomes);
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++groups_written_;
  }
  for (size_t i = 0; i < group->size(); ++i) {
    Pending& p = (*group)[i];
    if (!status.ok() || outcomes.size() != group->size()) {
      p.done(status.ok() ? Status::Internal("ledger answered the wrong number of outcomes")
                         : status,
             ChallengeCheck::kAlreadyUsed);
      continue;
    }
    switch (outcomes[i]) {
      case ChallengeOutcome::kConsumed:
        p.done(Status::Ok(), ChallengeCheck::kOk);
        break;
      case ChallengeOutcome::kAlreadyUsed:
        p.done(Status::Ok(), ChallengeCheck::kAlreadyUsed);
        break;
      case ChallengeOutcome::kExpired:
        p.done(Status::Ok(), ChallengeCheck::kExpired);
        break;
    }
  }
}

}  // namespace keystorm::storage
