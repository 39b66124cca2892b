#include "keystorm/pipeline.h"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "keystorm/json_scratch.h"
#include "keystorm/thread_name.h"
#include "keystorm/webauthn_json.h"
#include "keystorm/usable_cores.h"
#include "p256_signature_batch.h"
#include "pipeline/key_cache.h"
#include "pipeline/mpmc_queue.h"

namespace keystorm {
namespace {

// One submitted job, as it travels through the ring.
struct Job {
  enum class Kind : uint8_t { kNone, kAssertion, kRegistration };
  Kind kind = Kind::kNone;
  AssertionJob assertion;
  AssertionCallback assertion_done;
  RegistrationJob registration;
  RegistrationCallback registration_done;
};

// A job's working state inside a batch.  Slots are reused batch after batch:
// the dispatcher fills them and runs stages 1-3 (stage 1 and 3 workers touch
// only their own slot), then the committer runs stages 4-5 on them.
struct Slot {
  // The job itself stays where Submit allocated it: only the pointer travels
  // through the ring and into the slot.  Moving the ~1 KB Job by value into
  // a ring of max_in_flight cells (16 MB at the default), then into the
  // slot, touched cold memory twice per login and was 5% of a replay's CPU.
  std::unique_ptr<Job> job;
  Status status;
  VerifyError verdict = VerifyError::kOk;
  // Assertions.
  AuthenticationResponse response;
  AssertionPrecheck precheck;
  std::optional<CredentialRecord> record;
  uint64_t lookup_epoch = 0;  // CredentialWriteEpoch() before the lookup
  std::shared_ptr<const PublicKey> key;  // the record's, parsed (key cache)
  VerifyError key_error = VerifyError::kOk;  // why `key` is null
  CredentialUpdate update;
  // Registrations.
  RegistrationResponse registration_response;
  NewCredential credential;
};

// A worker's reusable state: its JSON parser and its chunk's lookup.
struct LookupScratch {
  std::vector<ByteView> ids;
  std::vector<size_t> slots;  // the slot of each id
  std::vector<std::optional<CredentialRecord>> records;
};
struct WorkerScratch {
  JsonScratch json;
  LookupScratch lookup;
};

// ChunkSize is kMinChunk to kMaxChunk jobs.  TBB's simple_partitioner
// halves the batch's range until a piece is no longer than that, so a chunk
// holds between half of ChunkSize and all of it (fewer only in a batch
// smaller than kMinChunk), never more than kMaxChunk.
constexpr size_t kMinChunk = 8;
constexpr size_t kMaxChunk = 32;

// A chunk's ES256 signatures, prepared with one inversion.  On the worker's
// stack, not in its reusable scratch: slots point into it until their
// verification, and a chunk another thread's wait lets this worker steal
// meanwhile must not move it.
struct ChunkSignatures {
  std::array<ByteView, kMaxChunk> signatures;
  std::array<size_t, kMaxChunk> slots;  // the slot of each signature
  std::array<PreparedP256Signature, kMaxChunk> prepared;
  size_t count = 0;
};

// Whether this thread has its name (keystorm/thread_name.h).  TBB's worker
// threads are named "ks-verify" by the first chunk they verify; the
// dispatcher, which verifies chunks too, names itself first.  TBB's workers
// serve every arena of the process: one that later works for an embedder's
// arena keeps the name.  (A tbb::task_scheduler_observer would name them
// on entry, but oneTBB 2021.8 leaks its proxy, which fails LeakSanitizer.)
thread_local bool thread_named = false;

void NameThisThreadOnce(const char* name) {
  if (thread_named) return;
  thread_named = true;
  NameThisThread(name);
}

// One batch's slots and how many of them the batch uses.
struct BatchSet {
  std::vector<Slot> slots;
  size_t n = 0;
  // CredentialStore::WriteMark once the batch's jobs were taken: it covers
  // what their submitters wrote before Submit (SyncSubmittersWrites).
  uint64_t write_mark = 0;
};

}  // namespace

class Pipeline::Impl {
 public:
  Impl(const Verifier* verifier, CredentialStore* store, PipelineOptions options)
      : verifier_(verifier),
        store_(store),
        options_(options),
        workers_(options.workers > 0 ? options.workers : UsableCores()),
        max_batch_(options.max_batch > 0 ? options.max_batch : DefaultMaxBatch(workers_)),
        arena_(workers_ > 0 ? workers_ : 1),
        queue_(options.max_in_flight),
        key_cache_(options.key_cache_capacity) {
    for (BatchSet& set : sets_) set.slots.resize(max_batch_);
    committer_ = std::thread([this] {
      NameThisThread("ks-commit");
      CommitLoop();
    });
    dispatcher_ = std::thread([this] {
      NameThisThreadOnce("ks-dispatch");
      DispatchLoop();
    });
  }

  ~Impl() {
    stopping_.store(true);
    Wake();
    dispatcher_.join();  // returns once every accepted job has reached its callback
    {
      std::lock_guard<std::mutex> lock(commit_mu_);
      commit_stop_ = true;
    }
    commit_cv_.notify_all();
    committer_.join();  // after the last callbacks
  }

  Status Submit(std::unique_ptr<Job>& job) {
    // Count first, then check for shutdown: the dispatcher exits only when
    // stopping and nothing is counted, so an accepted job is never lost.
    size_t in_flight = in_flight_.fetch_add(1) + 1;
    if (stopping_.load()) {
      in_flight_.fetch_sub(1);
      return Status::Unavailable("pipeline is shutting down");
    }
    if (in_flight > options_.max_in_flight || !queue_.TryPush(job)) {
      in_flight_.fetch_sub(1);
      refused_.fetch_add(1, std::memory_order_relaxed);
      return Status::Overloaded("verification pipeline is full");
    }
    // An RMW, not a load: if the dispatcher set `sleeping_` before this, we
    // see it and wake it; if after, its own RMW synchronizes with ours and
    // its next TryPop sees the job.  (Fences would do, but TSan models RMWs.)
    if (sleeping_.exchange(false, std::memory_order_acq_rel)) Wake();
    return Status::Ok();
  }

  PipelineStats stats() const {
    PipelineStats s;
    s.jobs = jobs_.load(std::memory_order_relaxed);
    s.batches = batches_.load(std::memory_order_relaxed);
    s.refused = refused_.load(std::memory_order_relaxed);
    s.in_flight = in_flight_.load(std::memory_order_relaxed);
    s.batched_signatures = batched_signatures_.load(std::memory_order_relaxed);
    return s;
  }

  int workers() const { return workers_; }
  size_t max_batch() const { return max_batch_; }

 private:
  void Wake() {
    std::lock_guard<std::mutex> lock(sleep_mu_);
    sleep_cv_.notify_one();
  }

  // Blocks until a job arrives (true, in *job) or the pipeline stops (false).
  bool WaitForFirst(std::unique_ptr<Job>* job) {
    while (true) {
      if (queue_.TryPop(job)) return true;
      std::unique_lock<std::mutex> lock(sleep_mu_);
      sleeping_.exchange(true, std::memory_order_acq_rel);
      if (queue_.TryPop(job)) {
        sleeping_.exchange(false, std::memory_order_acq_rel);
        return true;
      }
      if (stopping_.load() && in_flight_.load() == 0) return false;
      // The timeout only guards against a missed wake-up; Submit wakes us.
      sleep_cv_.wait_for(lock, std::chrono::milliseconds(50));
      sleeping_.exchange(false, std::memory_order_acq_rel);
    }
  }

  // Stages 1-3 of batch k+1 run on the dispatcher while the committer runs
  // stages 4-5 of batch k, each on its own set of slots: the commit's synced
  // write no longer leaves the workers idle.  Commits stay in arrival order
  // (one committer, batches handed over in order), and a lookup that ran
  // before the previous batch committed cannot let a stale counter through:
  // CommitUpdates compares against the stored counter under its lock, so
  // the later assertion gets sign_count_regression there (the same rule as
  // two assertions of one credential in one batch).
  void DispatchLoop() {
    size_t current = 0;
    while (true) {
      std::vector<Slot>& slots = sets_[current].slots;
      if (!WaitForFirst(&slots[0].job)) return;
      size_t n = 1;
      auto deadline = std::chrono::steady_clock::now() + options_.linger;
      while (n < slots.size()) {
        if (queue_.TryPop(&slots[n].job)) {
          ++n;
          continue;
        }
        if (options_.linger.count() == 0 || std::chrono::steady_clock::now() >= deadline) break;
        std::this_thread::yield();
      }
      // Every job's submitter wrote before its Submit, which the pop above
      // follows, so the mark covers those writes.
      sets_[current].write_mark = store_->WriteMark();
      RunParallelStages(slots, n);
      HandToCommitter(&sets_[current], n);
      current ^= 1;
    }
  }

  // Stages 1-3, chunk by chunk, the chunks in parallel: each worker parses
  // and prechecks its chunk's jobs, looks up their credentials in one call,
  // and verifies their signatures.  One fork-join per batch, and no serial
  // step in it: a single lookup for the whole batch between two parallel
  // passes (the shape until 2026-11-28) ran on the dispatcher while every
  // worker waited, then the second pass's barrier idled them again, and on
  // 16 cores the pipeline reached half of the P-256 ceiling
  // (docs/pipeline.md, "One pass per chunk").
  void RunParallelStages(std::vector<Slot>& slots, size_t n) {
    const size_t chunk = ChunkSize(n);
    arena_.execute([&] {
      tbb::parallel_for(
          tbb::blocked_range<size_t>(0, n, chunk),
          [&](const tbb::blocked_range<size_t>& r) {
            NameThisThreadOnce("ks-verify");
            WorkerScratch& scratch = scratch_.local();
            for (size_t i = r.begin(); i != r.end(); ++i) ParseAndPrecheck(slots[i], &scratch.json);
            // Isolated: an embedder's store may run TBB work inside
            // MultiLookup, and a thread waiting there must not steal
            // another chunk of this pass, which would reuse this worker's
            // scratch under the lookup in flight.
            tbb::this_task_arena::isolate(
                [&] { LookupCredentials(slots, r.begin(), r.end(), &scratch.lookup); });
            ChunkSignatures signatures;
            LoadKeysAndPrepareSignatures(slots, r.begin(), r.end(), &signatures);
            for (size_t i = r.begin(); i != r.end(); ++i) FinishAssertion(slots[i]);
            CountBatchedSignatures(slots, signatures);
          },
          tbb::simple_partitioner());
    });
  }

  // About four chunks per worker, so that a worker that drew slow
  // signatures (RSA, a cold key) leaves work for the others; at most
  // kMaxChunk jobs, so that a chunk's lookup stays one small read; and at
  // least kMinChunk, so that a small batch (a server's, under moderate
  // load) wakes few TBB workers, whose spinning costs CPU the other
  // stages need, and shares each P-256 inversion over more signatures.
  // kMinChunk 8 against 1: 3.5% less server CPU per login over HTTP on
  // two cores (docs/performance.md, session 8).
  size_t ChunkSize(size_t n) const {
    size_t per = n / (static_cast<size_t>(workers_) * 4);
    return std::clamp<size_t>(per, kMinChunk, kMaxChunk);
  }

  // Waits until the committer has finished the batch handed before (whose
  // slots the dispatcher fills next), then hands it this one.
  void HandToCommitter(BatchSet* set, size_t n) {
    std::unique_lock<std::mutex> lock(commit_mu_);
    commit_cv_.wait(lock, [&] { return pending_ == nullptr; });
    set->n = n;
    pending_ = set;
    lock.unlock();
    commit_cv_.notify_all();
  }

  void CommitLoop() {
    while (true) {
      BatchSet* set = nullptr;
      {
        std::unique_lock<std::mutex> lock(commit_mu_);
        commit_cv_.wait(lock, [&] { return pending_ != nullptr || commit_stop_; });
        if (pending_ == nullptr) return;  // stopping, nothing handed
        set = pending_;
      }
      const size_t n = set->n;
      // Stage 4: commit in arrival order.
      Commit(set->slots, n);
      SyncSubmittersWrites(set->slots, n, set->write_mark);
      // Stage 5: completions.  Counted first, so that a caller woken by its
      // callback sees this batch in stats().
      jobs_.fetch_add(n, std::memory_order_relaxed);
      batches_.fetch_add(1, std::memory_order_relaxed);
      for (size_t i = 0; i < n; ++i) Complete(set->slots[i]);
      {
        std::lock_guard<std::mutex> lock(commit_mu_);
        pending_ = nullptr;
      }
      commit_cv_.notify_all();
      // A stopping dispatcher waits for the places given back above.  It may
      // stop while the last callbacks run: the destructor joins this thread
      // before it tears down what they use.
      if (stopping_.load()) Wake();
    }
  }

  // Stage 5's first step (pipeline.h, "Durability"): what the submitters
  // wrote before Submit, such as unsynced challenge consumptions, is made
  // durable before any job of the batch is answered.  Up to the batch's
  // mark only: the commit's synced write covered that, while spends of
  // later requests, written during the commit, are left for their own
  // batch (else every batch would pay a second fsync under load).  A
  // failure answers every job with it: nothing is acknowledged on top of
  // a lost write.
  void SyncSubmittersWrites(std::vector<Slot>& slots, size_t n, uint64_t write_mark) {
    Status st = store_->SyncWritesUpTo(write_mark);
    if (st.ok()) return;
    for (size_t i = 0; i < n; ++i) {
      if (slots[i].status.ok()) slots[i].status = st;
    }
  }

  void ParseAndPrecheck(Slot& s, JsonScratch* scratch) {
    s.status = Status::Ok();
    s.record.reset();
    s.key.reset();
    s.lookup_epoch = 0;
    s.update = CredentialUpdate();
    s.response.raw_id.clear();  // a failed parse must not report the last batch's id
    if (s.job->kind == Job::Kind::kAssertion) {
      AssertionJob& job = s.job->assertion;
      if (job.parsed_response) {
        s.response = std::move(*job.parsed_response);
        job.parsed_response.reset();
        s.verdict = VerifyError::kOk;
      } else {
        s.verdict = ParseAuthenticationResponseJson(job.response_json, scratch, &s.response);
        if (s.verdict != VerifyError::kOk) return;
      }
      verifier_->PrecheckAssertion(s.response, s.job->assertion.expected, scratch, &s.precheck);
    } else {
      // Registrations need no stored state before their final insert.
      s.verdict = ParseRegistrationResponseJson(s.job->registration.response_json, scratch,
                                                &s.registration_response);
      if (s.verdict != VerifyError::kOk) return;
      s.verdict = verifier_->VerifyRegistration(s.registration_response, s.job->registration.expected,
                                                scratch, &s.credential);
    }
  }

  // Stage 2 for slots [begin, end): one MultiLookup for their assertions.
  void LookupCredentials(std::vector<Slot>& slots, size_t begin, size_t end, LookupScratch* l) {
    l->ids.clear();
    l->slots.clear();
    for (size_t i = begin; i < end; ++i) {
      Slot& s = slots[i];
      if (s.job->kind != Job::Kind::kAssertion || s.verdict != VerifyError::kOk) continue;
      l->ids.push_back(s.response.raw_id);
      l->slots.push_back(i);
    }
    if (l->ids.empty()) return;
    // Before the lookup: the commit may then apply the update to the record
    // read here instead of reading it again (CounterUpdate::looked_up).
    const uint64_t epoch = store_->CredentialWriteEpoch();
    Status st = store_->MultiLookup(l->ids, &l->records);
    for (size_t k = 0; k < l->slots.size(); ++k) {
      Slot& s = slots[l->slots[k]];
      if (!st.ok()) {
        s.status = st;
      } else {
        s.record = std::move(l->records[k]);
        s.lookup_epoch = epoch;
      }
    }
  }

  // Stage 3's first step for slots [begin, end): each found credential's
  // parsed key (key cache), then the s^-1 of every P-256 signature among
  // them with one inversion for them all (p256_signature_batch.h), which
  // FinishAssertion's A21 uses.
  void LoadKeysAndPrepareSignatures(std::vector<Slot>& slots, size_t begin, size_t end,
                                    ChunkSignatures* p) {
    p->count = 0;
    for (size_t i = begin; i < end; ++i) {
      Slot& s = slots[i];
      s.precheck.prepared_signature = nullptr;
      if (s.job->kind != Job::Kind::kAssertion || s.verdict != VerifyError::kOk ||
          !s.status.ok() || !s.record) {
        continue;
      }
      s.key_error = VerifyError::kOk;
      s.key = key_cache_.Get(s.record->id, s.record->public_key_cose, &s.key_error);
      if (!s.key || s.precheck.stateless_error != VerifyError::kOk) continue;
      const int64_t alg = s.key->algorithm();
      // A chunk is never longer than kMaxChunk (simple_partitioner keeps
      // to the grain); were it, the rest would be verified whole.
      if ((alg != static_cast<int64_t>(CoseAlgorithm::kES256) &&
           alg != static_cast<int64_t>(CoseAlgorithm::kESP256)) ||
          p->count == kMaxChunk) {
        continue;
      }
      p->signatures[p->count] = s.response.signature;
      p->slots[p->count] = i;
      ++p->count;
    }
    if (p->count == 0) return;
    PrepareP256Signatures(std::span(p->signatures.data(), p->count),
                          std::span(p->prepared.data(), p->count));
    for (size_t k = 0; k < p->count; ++k) {
      slots[p->slots[k]].precheck.prepared_signature = &p->prepared[k];
    }
  }

  // After the chunk's verifications: how many were finished from their
  // preparation (PipelineStats::batched_signatures), and no slot keeps a
  // pointer into the chunk's signatures.
  void CountBatchedSignatures(std::vector<Slot>& slots, const ChunkSignatures& p) {
    uint64_t used = 0;
    for (size_t k = 0; k < p.count; ++k) {
      used += p.prepared[k].used ? 1 : 0;
      slots[p.slots[k]].precheck.prepared_signature = nullptr;
    }
    if (used > 0) batched_signatures_.fetch_add(used, std::memory_order_relaxed);
  }

  void FinishAssertion(Slot& s) {
    if (s.job->kind != Job::Kind::kAssertion || s.verdict != VerifyError::kOk || !s.status.ok()) {
      return;
    }
    StoredCredential stored;
    if (s.record) {
      if (!s.key) {
        s.verdict = s.key_error;
        return;
      }
      stored.id = s.record->id;
      stored.user_handle = s.record->user_handle;
      stored.public_key = s.key.get();
      stored.sign_count = s.record->sign_count;
      stored.backup_eligible = s.record->backup_eligible;
      stored.uv_initialized = s.record->uv_initialized;
      stored.aaguid = s.record->aaguid;
    }
    s.verdict = verifier_->FinishAssertion(s.response, s.job->assertion.expected, s.precheck,
                                           s.record ? &stored : nullptr, &s.update);
    s.key.reset();  // needed by nothing after the verification
  }

  void Commit(std::vector<Slot>& slots, size_t n) {
    updates_.clear();
    update_slots_.clear();
    for (size_t i = 0; i < n; ++i) {
      Slot& s = slots[i];
      if (!s.status.ok() || s.verdict != VerifyError::kOk) continue;
      if (s.job->kind == Job::Kind::kRegistration) {
        InsertRegistration(s);
        continue;
      }
      CounterUpdate u;
      u.credential_id = s.response.raw_id;
      u.sign_count = s.precheck.auth_data.sign_count;
      u.backup_state = s.update.backup_state;
      u.uv_initialized = s.update.uv_initialized;
      u.used_at = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
      u.accept_regression =
          s.job->assertion.expected.requirements.sign_count_policy == SignCountPolicy::kWarn;
      if (s.record) {
        u.looked_up = &*s.record;
        u.looked_up_at_epoch = s.lookup_epoch;
      }
      updates_.push_back(std::move(u));
      update_slots_.push_back(i);
    }
    if (updates_.empty()) return;
    Status st = store_->CommitUpdates(updates_, &commit_outcomes_);
    for (size_t k = 0; k < update_slots_.size(); ++k) {
      Slot& s = slots[update_slots_[k]];
      if (!st.ok()) {
        s.status = st;
        continue;
      }
      switch (commit_outcomes_[k]) {
        case CommitOutcome::kApplied:
        case CommitOutcome::kUnchanged:
          break;
        case CommitOutcome::kRegression:
          // Another assertion of this credential committed first (same batch
          // or an earlier one): §7.2 step 22 against the current counter.
          s.verdict = VerifyError::kSignCountRegression;
          break;
        case CommitOutcome::kRegressionAccepted:
          s.update.sign_count_regressed = true;
          break;
        case CommitOutcome::kNotFound:
          s.verdict = VerifyError::kUnknownCredential;
          break;
      }
    }
  }

  void InsertRegistration(Slot& s) {
    const NewCredential& c = s.credential;
    CredentialRecord r;
    r.id = c.id;
    r.user_handle = s.job->registration.user_handle;
    r.public_key_cose = c.public_key_cose;
    r.algorithm = c.algorithm;
    r.sign_count = c.sign_count;
    r.backup_eligible = c.backup_eligible;
    r.backup_state = c.backup_state;
    r.uv_initialized = c.uv_initialized;
    r.aaguid = c.aaguid;
    r.transports = c.transports;
    r.attestation_format = c.attestation_format;
    r.created_at = s.job->registration.now;
    bool inserted = false;
    Status st = store_->InsertCredentialIfAbsent(r, &inserted);
    if (!st.ok()) {
      s.status = st;
    } else if (!inserted) {
      s.verdict = VerifyError::kCredentialAlreadyRegistered;  // R26
    }
  }

  void Complete(Slot& s) {
    // The job's place is given back before its callback runs: a submitter
    // that has its answer finds room for the next job.  Given back after
    // the batch's callbacks (as until 2026-11-28), a caller bounding itself
    // at max_in_flight, as the server does, could be let in by its own
    // bound and refused here, after it had spent the login's challenge.
    in_flight_.fetch_sub(1, std::memory_order_acq_rel);
    if (s.job->kind == Job::Kind::kAssertion) {
      AssertionOutcome out;
      out.status = std::move(s.status);
      out.verdict = s.verdict;
      out.credential_id = std::move(s.response.raw_id);
      if (s.record) out.user_handle = std::move(s.record->user_handle);
      out.update = s.update;
      AssertionCallback done = std::move(s.job->assertion_done);
      s.job.reset();
      done(std::move(out));
    } else {
      RegistrationOutcome out;
      out.status = std::move(s.status);
      out.verdict = s.verdict;
      out.credential = std::move(s.credential);
      RegistrationCallback done = std::move(s.job->registration_done);
      s.job.reset();
      done(std::move(out));
    }
  }

  const Verifier* verifier_;
  CredentialStore* store_;
  const PipelineOptions options_;
  const int workers_;
  const size_t max_batch_;
  tbb::task_arena arena_;
  tbb::enumerable_thread_specific<WorkerScratch> scratch_;
  pipeline::MpmcQueue<std::unique_ptr<Job>> queue_;
  pipeline::KeyCache key_cache_;

  // Places taken under max_in_flight: from Submit until just before the
  // job's callback.  The dispatcher stops when stopping and none is taken.
  std::atomic<size_t> in_flight_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> sleeping_{false};
  std::mutex sleep_mu_;
  std::condition_variable sleep_cv_;
  std::atomic<uint64_t> jobs_{0}, batches_{0}, refused_{0};
  std::atomic<uint64_t> batched_signatures_{0};  // PipelineStats::batched_signatures

  // Two sets of slots: the dispatcher fills and verifies one while the
  // committer commits and completes the other (HandToCommitter).
  BatchSet sets_[2];
  std::mutex commit_mu_;
  std::condition_variable commit_cv_;
  BatchSet* pending_ = nullptr;  // handed to the committer, not yet finished
  bool commit_stop_ = false;

  // Owned by the committer thread.
  std::vector<CounterUpdate> updates_;
  std::vector<size_t> update_slots_;
  std::vector<CommitOutcome> commit_outcomes_;

  // Last: they start after everything above exists.
  std::thread committer_;
  std::thread dispatcher_;
};

Pipeline::Pipeline(const Verifier* verifier, CredentialStore* store, PipelineOptions options)
    : impl_(std::make_unique<Impl>(verifier, store, options)) {}

Pipeline::~Pipeline() = default;

Status Pipeline::SubmitAssertion(AssertionJob job, AssertionCallback done) {
  auto j = std::make_unique<Job>();
  j->kind = Job::Kind::kAssertion;
  j->assertion = std::move(job);
  j->assertion_done = std::move(done);
  return impl_->Submit(j);
}

Status Pipeline::SubmitRegistration(RegistrationJob job, RegistrationCallback done) {
  auto j = std::make_unique<Job>();
  j->kind = Job::Kind::kRegistration;
  j->registration = std::move(job);
  j->registration_done = std::move(done);
  return impl_->Submit(j);
}

std::future<AssertionOutcome> Pipeline::SubmitAssertion(AssertionJob job) {
  auto promise = std::make_shared<std::promise<AssertionOutcome>>();
  std::future<AssertionOutcome> future = promise->get_future();
  Status st = SubmitAssertion(std::move(job),
                              [promise](AssertionOutcome&& out) { promise->set_value(std::move(out)); });
  if (!st.ok()) {
    AssertionOutcome refused;
    refused.status = std::move(st);
    promise->set_value(std::move(refused));
  }
  return future;
}

std::future<RegistrationOutcome> Pipeline::SubmitRegistration(RegistrationJob job) {
  auto promise = std::make_shared<std::promise<RegistrationOutcome>>();
  std::future<RegistrationOutcome> future = promise->get_future();
  Status st = SubmitRegistration(
      std::move(job), [promise](RegistrationOutcome&& out) { promise->set_value(std::move(out)); });
  if (!st.ok()) {
    RegistrationOutcome refused;
    refused.status = std::move(st);
    promise->set_value(std::move(refused));
  }
  return future;
}

PipelineStats Pipeline::stats() const { return impl_->stats(); }
int Pipeline::workers() const { return impl_->workers(); }
size_t Pipeline::max_batch() const { return impl_->max_batch(); }

size_t DefaultMaxBatch(int workers) {
  return std::clamp<size_t>(64 * static_cast<size_t>(std::max(workers, 1)), 256, 4096);
}

}  // namespace keystorm
