// Group commit for the single-use challenge ledger.
//
// Redeeming a challenge is a synced store write (the ledger must remember a
// spent challenge across a crash).  Done one per request on the thread that
// serves the request, every login would hold that thread for an fsync, and a
// storm would queue behind the disk.  A ChallengeBatcher instead opens the
// sealed challenge on the caller's thread (HMAC, expiry, ceremony, binding:
// no I/O), queues the ledger entry, and a single writer thread consumes
// whatever has queued meanwhile in one ConsumeChallenges call — one fsync for
// the whole group — then runs each request's continuation.  The busier the
// server, the larger the groups.
//
// With LedgerSync::kDeferToCaller the group is written without its fsync
// (ConsumeChallengesUnsynced): the spent challenges are refused at once, and
// they are durable after the store's next SyncWrites.  That is for a caller
// that syncs before it answers anyway, such as one that hands every
// continuation to the pipeline (which syncs each batch before its callbacks)
// and calls SyncWrites itself before any answer it gives outside it.
//
// Verdicts are RedeemChallenge's (challenge_redeem.h): a challenge is kOk for
// exactly one request, however many race, including two in the same group
// (the store answers kAlreadyUsed for the later one).
//
// Thread safety: Redeem may be called from any number of threads.
// Continuations run on the writer thread (or inline, when the challenge does
// not open); they must not block for long.  The destructor stops accepting,
// redeems what is queued, runs every continuation, then joins.
#ifndef KEYSTORM_STORAGE_CHALLENGE_BATCHER_H_
#define KEYSTORM_STORAGE_CHALLENGE_BATCHER_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "keystorm/bytes.h"
#include "keystorm/credential_store.h"
#include "keystorm/status.h"
#include "keystorm/storage/challenge_sealer.h"

namespace keystorm::storage {

class ChallengeBatcher {
 public:
  // `status` is not OK when the store failed (the challenge then counts as
  // refused: fail closed); otherwise `check` is the verdict.
  using Done = std::function<void(Status status, ChallengeCheck check)>;

  enum class LedgerSync : uint8_t {
    kEachGroup,      // each group is durable before its continuations run
    kDeferToCaller,  // durable at the caller's next SyncWrites (see above)
  };

  // REQUIRES: store outlives the batcher.  max_group bounds one write.
  explicit ChallengeBatcher(CredentialStore* store, size_t max_group = 512,
                            LedgerSync sync = LedgerSync::kEachGroup);
  ~ChallengeBatcher();
  ChallengeBatcher(const ChallengeBatcher&) = delete;
  ChallengeBatcher& operator=(const ChallengeBatcher&) = delete;

  // Opens `challenge` with `sealer` at now_ms; if it opens, queues it for the
  // ledger and calls `done` from the writer thread once the group is
  // durable; if not, calls `done` at once with the reason.
  void Redeem(const ChallengeSealer& sealer, ByteView challenge, CeremonyKind ceremony,
              ByteView user_handle, int64_t now_ms, Done done);

  // Groups written so far (for metrics and tests).
  uint64_t groups_written() const;

 private:
  struct Pending {
    OpenedChallenge opened;
    int64_t now_ms = 0;
    Done done;
  };
  void WriterLoop();
  void WriteGroup(std::vector<Pending>* group);

  CredentialStore* store_;
  const size_t max_group_;
  const LedgerSync sync_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::vector<Pending> queue_;
  bool stopping_ = false;
  uint64_t groups_written_ = 0;
  std::thread writer_;
};

}  // namespace keystorm::storage

#endif  // KEYSTORM_STORAGE_CHALLENGE_BATCHER_H_
