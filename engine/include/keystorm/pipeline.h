// The batched verifier pipeline: many threads submit registration and
// assertion jobs; batches of them run over Intel TBB.
//
// Stages of one batch (engine/src/pipeline/pipeline.cc).  Stages 1-3 run
// in one parallel pass over chunks of the batch, each chunk on one worker:
//   1. parse + stateless checks (the JSON envelope, unless the submitter
//      gave it decoded; clientDataJSON with one reused simdjson parser per
//      worker; authenticatorData, flags, rpIdHash, origin, challenge);
//   2. one CredentialStore::MultiLookup for the chunk's credentials;
//   3. signature checks, with parsed keys from a shared cache; the chunk's
//      ES256 signatures share one modular inversion (docs/pipeline.md);
//   4. one CredentialStore::CommitUpdates in arrival order (counter
//      compare-and-set in the store), registrations inserted if absent;
//   5. one CredentialStore::SyncWritesUpTo the mark taken when the batch
//      formed (free after a synced commit), then each job's callback with
//      its verdict and state change.
//
// Durability.  When a job's callback runs, everything its submitter wrote to
// the store before Submit is durable, whatever the verdict: a submitter may
// consume the challenge with ConsumeChallengesUnsynced and let the batch's
// sync cover it (one fsync per batch for the challenges and the counters).
// If that sync fails, every job of the batch completes with its status.
//
// Threading model.
//   - Submit*: any thread, no mutex: an atomic count of places (the bound)
//     and a lock-free ring of fixed capacity.  When max_in_flight jobs are
//     in flight Submit refuses at once with Status::Overloaded; nothing
//     queues without bound, so memory is bounded under any load.  A job's
//     place is given back just before its callback runs, so whoever the
//     callback answers finds room for a next job.
//   - One dispatcher thread owns batch formation; it runs stages 1-3 inside
//     a tbb::task_arena of `workers` threads and takes part in the parallel
//     stages itself.  One committer thread runs stages 4-5.  They work on two
//     sets of slots, so batch k commits (a synced write in a durable store)
//     while batch k+1 is parsed and verified.
//   - Per-worker scratch (JsonScratch, the chunk's lookup vectors) lives in
//     a tbb::enumerable_thread_specific and is reused across batches.
//   - MultiLookup is called from the workers, several at once.
//   - Batches commit one after another, in arrival order; two assertions of
//     one credential, in one batch or in consecutive ones, cannot both be
//     accepted with the same counter (the commit compares with the stored
//     counter, so a lookup made before the previous batch committed cannot
//     let a stale counter through).
//   - Callbacks run on the committer thread; they must not block for long
//     and must not call back into the pipeline's destructor.
#ifndef KEYSTORM_PIPELINE_H_
#define KEYSTORM_PIPELINE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>

#include "keystorm/credential_store.h"
#include "keystorm/export.h"
#include "keystorm/status.h"
#include "keystorm/verifier.h"

namespace keystorm {

struct KEYSTORM_EXPORT PipelineOptions {
  int workers = 0;                 // TBB threads; 0 = UsableCores()
  // Jobs per batch at most; 0 = DefaultMaxBatch(workers).  Batches fill
  // only when jobs queue up (see linger), so this bounds the batch under
  // saturation, where a bigger batch spreads the commit's fixed cost (one
  // synced write, one hand-over) over more jobs.
  size_t max_batch = 0;
  // How long the dispatcher lingers for more jobs once it has some and the
  // queue ran dry.  0: dispatch at once (batches still form under load,
  // because jobs accumulate while the previous batch runs).
  std::chrono::microseconds linger{0};
  size_t max_in_flight = 16384;    // the memory bound; Submit refuses beyond
  size_t key_cache_capacity = 1 << 20;
};

// The batch bound for `workers` verifying threads: 64 jobs per worker,
// at least 256 and at most 4096.  On 16 cores a bound of 256 left the
// replay commit-bound at about 106,000 logins/s; 1,024 gave about 133,000
// (docs/performance.md, "Scaling across cores").  On two cores 1,024
// gained nothing measurable over 256.
KEYSTORM_EXPORT size_t DefaultMaxBatch(int workers);

struct KEYSTORM_EXPORT AssertionJob {
  std::string response_json;  // AuthenticationResponseJSON
  // The same response already decoded by ParseAuthenticationResponseJson,
  // for a submitter that had to read it first (the server reads
  // clientDataJSON to spend the challenge before it submits).  When set,
  // stage 1 starts from it and response_json is not read, so the envelope
  // is parsed and decoded once per login, not twice.
  std::optional<AuthenticationResponse> parsed_response;
  AssertionExpectations expected;
};

struct KEYSTORM_EXPORT AssertionOutcome {
  Status status;  // not OK: the system failed (store error, shutdown)
  VerifyError verdict = VerifyError::kOk;
  Bytes credential_id;
  Bytes user_handle;  // the credential owner's, when the credential was found
  CredentialUpdate update;  // committed when verdict is kOk
};

struct KEYSTORM_EXPORT RegistrationJob {
  std::string response_json;  // RegistrationResponseJSON
  RegistrationExpectations expected;
  Bytes user_handle;  // the account the credential is registered to
  int64_t now = 0;    // created_at of the stored record (unix seconds)
};

struct KEYSTORM_EXPORT RegistrationOutcome {
  Status status;
  VerifyError verdict = VerifyError::kOk;
  NewCredential credential;  // stored when verdict is kOk
};

using AssertionCallback = std::function<void(AssertionOutcome&&)>;
using RegistrationCallback = std::function<void(RegistrationOutcome&&)>;

struct KEYSTORM_EXPORT PipelineStats {
  uint64_t jobs = 0;
  uint64_t batches = 0;
  uint64_t refused = 0;    // Submit answered Overloaded
  size_t in_flight = 0;    // jobs submitted whose callback has not yet begun
  // ES256 signatures verified from a preparation that shared one modular
  // inversion with the rest of their chunk (docs/pipeline.md); the others
  // were verified whole.
  uint64_t batched_signatures = 0;
};

class KEYSTORM_EXPORT Pipeline {
 public:
  // REQUIRES: verifier and store outlive the Pipeline.
  Pipeline(const Verifier* verifier, CredentialStore* store, PipelineOptions options);
  // Finishes every accepted job (their callbacks run), then stops.
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Accepts the job, or refuses at once with Status::Overloaded (bound
  // reached) or Status::Unavailable (shutting down); a refused job's callback
  // is never called.  `done` runs exactly once for an accepted job.
  Status SubmitAssertion(AssertionJob job, AssertionCallback done);
  Status SubmitRegistration(RegistrationJob job, RegistrationCallback done);

  // Conveniences that complete a future instead.  A refusal comes back as an
  // outcome with a non-OK status.
  std::future<AssertionOutcome> SubmitAssertion(AssertionJob job);
  std::future<RegistrationOutcome> SubmitRegistration(RegistrationJob job);

  PipelineStats stats() const;
  int workers() const;     // options.workers, or UsableCores() for 0
  size_t max_batch() const;  // options.max_batch, or DefaultMaxBatch for 0

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace keystorm

#endif  // KEYSTORM_PIPELINE_H_
