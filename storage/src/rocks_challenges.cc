// Single use of challenges in the RocksDB store: consume once, durably, and
// forget after expiry with one range deletion per sweep.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <limits>

#include "coding.h"
#include "keystorm/storage/record_codec.h"
#include "keystorm/storage/rocks_store.h"
#include "keystorm/storage/store_layout.h"
#include "lock_stripes.h"
#include "rocks_util.h"

namespace keystorm::storage {

Status RocksCredentialStore::ConsumeChallenges(std::span<const ChallengeUse> uses, int64_t now_ms,
                                               std::vector<ChallengeOutcome>* outcomes) {
  return ConsumeChallengesWith(uses, now_ms, /*sync=*/true, outcomes);
}

Status RocksCredentialStore::ConsumeChallengesUnsynced(std::span<const ChallengeUse> uses,
                                                       int64_t now_ms,
                                                       std::vector<ChallengeOutcome>* outcomes) {
  return ConsumeChallengesWith(uses, now_ms, /*sync=*/false, outcomes);
}

// The stripes are held until the batch is in the memtable, not until it is
// synced: single use among live threads needs only that a later consume
// sees it, and durability is the sync's (ConsumeChallengesUnsynced).
Status RocksCredentialStore::ConsumeChallengesWith(std::span<const ChallengeUse> uses,
                                                   int64_t now_ms, bool sync,
                                                   std::vector<ChallengeOutcome>* outcomes) {
  outcomes->assign(uses.size(), ChallengeOutcome::kExpired);
  if (uses.empty()) return Status::Ok();
  std::vector<uint16_t> stripes;
  for (const ChallengeUse& use : uses) {
    if (Status s = ValidateChallengeUse(use); !s.ok()) return s;
    stripes.push_back(LockStripes::StripeOf(StripeDomain::kChallenge, use.id));
  }
  std::shared_lock<std::shared_mutex> no_sweep(sweep_mu_);
  const int64_t horizon = challenge_horizon_ms_.load();
  LockStripes::Guard guard(stripes_.get(), std::move(stripes));

  // The uses that are not expired, in key order: the memtable's skip list
  // reuses the position of one insert to start the next, so a sorted group
  // costs a fraction of a random one (the ledger's inserts were its largest
  // CPU cost).  The sort is stable, so of two uses of one challenge the
  // earlier comes first and is the one that consumes.
  struct LiveUse {
    std::string key;
    size_t index;  // into `uses`
  };
  std::vector<LiveUse> live;
  for (size_t i = 0; i < uses.size(); ++i) {
    if (uses[i].expires_at_ms <= now_ms || uses[i].expires_at_ms <= horizon) continue;
    live.push_back({layout::ChallengeKey(uses[i].expires_at_ms, uses[i].id), i});
  }
  std::stable_sort(live.begin(), live.end(),
                   [](const LiveUse& a, const LiveUse& b) { return a.key < b.key; });
  const size_t n = live.size();
  std::vector<rocksdb::Slice> slices;
  slices.reserve(n);
  for (const LiveUse& use : live) slices.emplace_back(use.key);
  std::vector<rocksdb::PinnableSlice> values(n);
  std::vector<rocksdb::Status> statuses(n);
  if (n > 0) {
    db_->MultiGet(rocksdb::ReadOptions(), cf_[kChallenges], n, slices.data(), values.data(),
                  statuses.data());
  }
  rocksdb::WriteBatch batch;
  std::string value;
  EncodeConsumedChallengeValue(now_ms, &value);
  for (size_t k = 0; k < n; ++k) {
    ChallengeOutcome& outcome = (*outcomes)[live[k].index];
    // Sorted, so a second use of a challenge in this group follows the first.
    const bool repeated_here = k > 0 && live[k].key == live[k - 1].key;
    if (statuses[k].ok() || repeated_here) {
      outcome = ChallengeOutcome::kAlreadyUsed;
    } else if (statuses[k].IsNotFound()) {
      outcome = ChallengeOutcome::kConsumed;
      batch.Put(cf_[kChallenges], slices[k], value);
    } else {
      return FromRocks(statuses[k], "consume challenge");
    }
  }
  if (batch.Count() == 0) return Status::Ok();
  return Write(&batch, sync);
}

Status RocksCredentialStore::SweepExpiredChallenges(int64_t now_ms) {
  if (now_ms < 0 || now_ms == std::numeric_limits<int64_t>::max()) {
    return Status::InvalidArgument("sweep: clock out of range");
  }
  std::unique_lock<std::shared_mutex> exclusive(sweep_mu_);
  if (now_ms <= challenge_horizon_ms_.load()) return Status::Ok();
  rocksdb::WriteBatch batch;
  // Expiry leads the key, so [0, now + 1) is exactly "expired by now".
  batch.DeleteRange(cf_[kChallenges], layout::ChallengeKeyBound(0),
                    layout::ChallengeKeyBound(now_ms + 1));
  std::string horizon;
  coding::PutFixed64Be(&horizon, static_cast<uint64_t>(now_ms));
  batch.Put(cf_[kMeta], layout::kChallengeHorizonKey, horizon);
  if (Status s = Write(&batch); !s.ok()) return s;
  challenge_horizon_ms_.store(now_ms);
  return Status::Ok();
}

}  // namespace keystorm::storage
