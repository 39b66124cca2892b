#include "keystorm/bench/replay_driver.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <future>
#include <mutex>
#include <semaphore>
#include <thread>
#include <unordered_map>

#include "keystorm/base64url.h"
#include "keystorm/bench/p256_ceiling.h"
#include "keystorm/corpus/login_builder.h"
#include "keystorm/json_writer.h"
#include "keystorm/pipeline.h"
#include "keystorm/storage/memory_store.h"
#include "keystorm/storage/rocks_store.h"
#include "keystorm/thread_name.h"
#include "keystorm/usable_cores.h"
#include "keystorm/webauthn_json.h"
#include "replay_stats.h"
#include "store_workload.h"

namespace keystorm::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr uint8_t kNoVerdict = 0xff;
constexpr size_t kCeilingItems = 2048;
constexpr size_t kPerSecondSlots = 24 * 3600;

Requirements LoginRequirements() {
  Requirements req;
  req.user_verification_required = true;  // a passkey deployment: UV always
  return req;
}

int64_t UnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct OpenedStore {
  std::unique_ptr<CredentialStore> owned;
  std::string name;
};

Result<OpenedStore> OpenStore(const ReplayOptions& o) {
  OpenedStore out;
  if (o.store == ReplayStore::kMemory) {
    out.owned = std::make_unique<storage::MemoryCredentialStore>();
    out.name = "memory";
    return out;
  }
  if (o.db_dir.empty()) return Status::InvalidArgument("--store rocksdb needs --db DIR");
  std::error_code ec;
  if (std::filesystem::exists(o.db_dir, ec) && !std::filesystem::is_empty(o.db_dir, ec)) {
    return Status::InvalidArgument(o.db_dir +
                                   " is not empty: the replay registers its corpus into a fresh store");
  }
  storage::StoreConfig config;
  config.path = o.db_dir;
  config.durability = storage::WriteDurability::kSyncedWal;  // what a service runs with
  config.challenge_sweep_interval_ms = 0;
  Result<std::unique_ptr<storage::RocksCredentialStore>> store =
      storage::RocksCredentialStore::Open(config);
  if (!store) return store.error();
  out.owned = std::move(*store);
  out.name = "rocksdb";
  return out;
}

// Generated credentials besides the corpus's, so that lookups run against a
// store of realistic size.  Imported in synced batches.
Status Fill(CredentialStore* store, ReplayStore kind, size_t n, uint64_t seed) {
  constexpr size_t kChunk = 10000;
  for (size_t done = 0; done < n;) {
    size_t m = std::min(kChunk, n - done);
    if (kind == ReplayStore::kRocksDb) {
      storage::ImportBatch batch;
      for (size_t i = 0; i < m; ++i) batch.credentials.push_back(GeneratedCredential(seed, done + i));
      Status st = static_cast<storage::RocksCredentialStore*>(store)->Import(batch);
      if (!st.ok()) return st;
    } else {
      for (size_t i = 0; i < m; ++i) {
        bool inserted = false;
        Status st = store->InsertCredentialIfAbsent(GeneratedCredential(seed, done + i), &inserted);
        if (!st.ok()) return st;
      }
    }
    done += m;
  }
  // A bulk load leaves flushes and compactions queued, and on a small
  // machine they run during the timed replay and take its CPU (a 10M fill
  // cost a third of the throughput that way).  The timed run should meet a
  // store at rest, as a service's would be, so settle it here, untimed.
  if (kind == ReplayStore::kRocksDb && n > 0) {
    return static_cast<storage::RocksCredentialStore*>(store)->CompactAll();
  }
  return Status::Ok();
}

Status RegisterCorpus(const corpus::ReplayCorpus& corpus, Pipeline* pipeline) {
  std::vector<std::future<RegistrationOutcome>> pending;
  auto drain = [&]() -> Status {
    for (size_t i = 0; i < pending.size(); ++i) {
      RegistrationOutcome out = pending[i].get();
      if (!out.status.ok()) return out.status;
      if (out.verdict != VerifyError::kOk) {
        return Status::Internal("a corpus registration was refused: " +
                                std::string(VerifyErrorName(out.verdict)));
      }
    }
    pending.clear();
    return Status::Ok();
  };
  for (const corpus::CorpusCredential& c : corpus.credentials) {
    RegistrationJob job;
    job.response_json = corpus::RegistrationJson(corpus, c);
    job.expected.challenge = Base64UrlEncode(c.registration_challenge);
    job.expected.requirements = LoginRequirements();
    job.user_handle = c.user_handle;
    job.now = UnixMs() / 1000;
    pending.push_back(pipeline->SubmitRegistration(std::move(job)));
    if (pending.size() >= 1024) {
      Status st = drain();
      if (!st.ok()) return st;
    }
  }
  return drain();
}

Result<P256Ceiling> BuildCeiling(const corpus::ReplayCorpus& corpus) {
  P256Ceiling ceiling;
  for (const corpus::CorpusLogin& login : corpus.logins) {
    if (ceiling.size() >= kCeilingItems) break;
    if (login.fault != corpus::Fault::kNone || corpus.CredentialOf(login).algorithm != -7) continue;
    std::string cdj = corpus::LoginClientData(corpus, login);
    Status st = ceiling.Add(corpus.CredentialOf(login).cose_key,
                            corpus::LoginAuthenticatorData(corpus, login), AsBytes(cdj),
                            login.signature);
    if (!st.ok()) return st;
  }
  if (ceiling.size() == 0) {
    // A corpus without honest ES256 logins: the ceiling on keys of our own.
    Result<corpus::CorpusCredential> c =
        corpus::NewCorpusCredential(corpus::AuthenticatorKind::kPlatform, -7, 42);
    if (!c) return c.error();
    Result<std::unique_ptr<corpus::CredentialSigner>> signer = corpus::CredentialSigner::Create(*c);
    if (!signer) return signer.error();
    for (int i = 0; i < 64; ++i) {
      Bytes ad = corpus::AssertionAuthenticatorData(corpus.rp_id, 0x05, 0);
      std::string cdj = corpus::AssertionClientData("c" + std::to_string(i), corpus.origin);
      Bytes message = ad;
      Bytes cdj_hash = Sha256Of(AsBytes(cdj));
      message.insert(message.end(), cdj_hash.begin(), cdj_hash.end());
      Status st = ceiling.Add(c->cose_key, ad, AsBytes(cdj), (*signer)->Sign(message));
      if (!st.ok()) return st;
    }
  }
  return ceiling;
}

// Medians of `reps` rounds: wall-clock and per-CPU-second rates.
Result<P256Ceiling::Rates> MedianCeiling(const P256Ceiling& ceiling, int threads,
                                         const ReplayOptions& o) {
  std::vector<double> wall, cpu;
  for (int r = 0; r < std::max(1, o.ceiling_repetitions); ++r) {
    Result<P256Ceiling::Rates> v = ceiling.MeasureRates(threads, o.ceiling_seconds);
    if (!v) return v.error();
    wall.push_back(v->per_s);
    cpu.push_back(v->per_cpu_s);
  }
  return P256Ceiling::Rates{Median(wall), Median(cpu)};
}

// The logins released by the pacing thread, waiting for the challenge thread.
class ReleaseQueue {
 public:
  void Push(size_t login) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(login);
    }
    cv_.notify_one();
  }
  void Close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
    }
    cv_.notify_one();
  }
  // Everything waiting (up to `max`); empty once closed and drained.
  std::vector<size_t> TakeAll(size_t max) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return closed_ || !queue_.empty(); });
    std::vector<size_t> out;
    while (!queue_.empty() && out.size() < max) {
      out.push_back(queue_.front());
      queue_.pop_front();
    }
    return out;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<size_t> queue_;
  bool closed_ = false;
};

}  // namespace

Result<ReplayResult> RunReplay(const corpus::ReplayCorpus& corpus, const ReplayOptions& o) {
  if (o.rate < 0 || o.duration_s < 0) {
    return Status::InvalidArgument("rate and duration must be >= 0");
  }
  if (o.duration_s > 0 && o.rate == 0) {
    return Status::InvalidArgument(
        "--duration cuts the paced timeline: give --rate too, or use --limit");
  }
  ReplayResult result;
  result.machine = MachineDescription();
  result.threads = o.threads > 0 ? o.threads : UsableCores();
  result.offered_peak_per_s = o.rate;

  Result<OpenedStore> opened = OpenStore(o);
  if (!opened) return opened.error();
  CredentialStore* store = opened->owned.get();
  result.store = opened->name;

  RelyingPartyConfig rp;
  rp.rp_id = corpus.rp_id;
  rp.origins = {corpus.origin};
  Verifier verifier(rp);

  // ---- untimed set-up ----
  auto setup_start = Clock::now();
  Status st = Fill(store, o.store, o.filler_credentials, o.seed);
  if (!st.ok()) return st;
  PipelineOptions po;
  po.workers = result.threads;
  const size_t batch = o.batch > 0 ? o.batch : DefaultMaxBatch(result.threads);
  po.max_batch = batch;
  result.max_batch = batch;
  po.max_in_flight = std::max<size_t>(16 * batch, 16384);
  {
    Pipeline registrar(&verifier, store, po);
    st = RegisterCorpus(corpus, &registrar);
    if (!st.ok()) return st;
  }
  result.registrations = corpus.credentials.size();
  result.stored_credentials = corpus.credentials.size() + o.filler_credentials;

  // Which logins run: all, or those within --duration of the scaled timeline.
  double scale = o.rate > 0 ? corpus.storm.peak_rate / o.rate : 0;  // timeline us -> run us
  size_t n = corpus.logins.size();
  if (o.duration_s > 0) {
    double limit_us = o.duration_s * 1e6;
    if (scale > 0) {
      n = 0;
      while (n < corpus.logins.size() && corpus.logins[n].arrival_us * scale < limit_us) ++n;
    }
  }
  if (o.limit > 0) n = std::min(n, o.limit);
  // Each login's body and expected challenge, as a server holds them when a
  // request arrives (the body read off the wire, the challenge text it
  // issued); they are moved into the jobs, not copied.
  std::vector<std::string> bodies(n);
  std::vector<std::string> expected_challenges(n);
  for (size_t i = 0; i < n; ++i) {
    bodies[i] = corpus::LoginAssertionJson(corpus, corpus.logins[i]);
    expected_challenges[i] = Base64UrlEncode(corpus.logins[i].challenge);
  }
  // Each challenge's expiry, as the server seals it: issued at its login's
  // place on the corpus's timeline (unscaled: only the order matters), plus
  // an hour.  Expiry leads the ledger's key, so the spends reach the
  // memtable nearly in key order, as the server's do; one fixed expiry for
  // every challenge put them at random places in it, which cost more than
  // the server pays.  A replayed challenge is spent with its first use's
  // expiry: it is the same sealed challenge, and so the same ledger key.
  const int64_t issued_base_ms = UnixMs() + 3600 * 1000;
  std::vector<int64_t> expiries(n);
  {
    std::unordered_map<std::string, int64_t> first_use;
    for (size_t i = 0; i < n; ++i) {
      const corpus::CorpusLogin& login = corpus.logins[i];
      std::string id(reinterpret_cast<const char*>(login.challenge.data()), login.challenge.size());
      auto [it, fresh] = first_use.try_emplace(
          std::move(id), issued_base_ms + static_cast<int64_t>(login.arrival_us / 1000));
      expiries[i] = it->second;
    }
  }
  result.setup_s = std::chrono::duration<double>(Clock::now() - setup_start).count();

  Result<P256Ceiling> ceiling = BuildCeiling(corpus);
  if (!ceiling) return ceiling.error();
  Result<P256Ceiling::Rates> ceiling_t = MedianCeiling(*ceiling, result.threads, o);
  if (!ceiling_t) return ceiling_t.error();
  Result<P256Ceiling::Rates> ceiling_1 =
      result.threads == 1 ? ceiling_t : MedianCeiling(*ceiling, 1, o);
  if (!ceiling_1) return ceiling_1.error();
  result.ceiling_p256_per_s = ceiling_t->per_s;
  result.ceiling_p256_1t_per_s = ceiling_1->per_s;
  result.ceiling_p256_per_cpu_s = ceiling_1->per_cpu_s;

  // ---- timed replay ----
  std::vector<uint8_t> verdicts(n, kNoVerdict);
  std::vector<bool> submitted_once(n, false);  // the challenge thread's own
  std::vector<std::string> failures(n);
  std::vector<float> latency_us(n, 0);
  std::vector<Clock::time_point> scheduled(n);
  std::vector<std::atomic<uint32_t>> per_second(kPerSecondSlots);
  std::atomic<int64_t> last_done_ns{0};
  std::atomic<uint64_t> backpressure{0};
  Requirements requirements = LoginRequirements();

  rusage usage_before{}, usage_after{};
  getrusage(RUSAGE_SELF, &usage_before);
  const Clock::time_point start = Clock::now();
  auto complete = [&](size_t i, VerifyError verdict, std::string failure) {
    Clock::time_point now = Clock::now();
    verdicts[i] = static_cast<uint8_t>(verdict);
    if (!failure.empty()) failures[i] = std::move(failure);
    latency_us[i] = static_cast<float>(std::chrono::duration<double, std::micro>(now - scheduled[i]).count());
    auto since = now - start;
    size_t second = static_cast<size_t>(std::chrono::duration_cast<std::chrono::seconds>(since).count());
    per_second[std::min(second, kPerSecondSlots - 1)].fetch_add(1, std::memory_order_relaxed);
    int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(since).count();
    int64_t prev = last_done_ns.load(std::memory_order_relaxed);
    while (prev < ns && !last_done_ns.compare_exchange_weak(prev, ns)) {
    }
  };

  ReleaseQueue released;
  // The jobs in the pipeline at once: the challenge thread waits for a free
  // slot (it never spins on Overloaded, which would burn the CPU the
  // workers need).  Eight batches keep every batch full.
  const std::ptrdiff_t window = static_cast<std::ptrdiff_t>(8 * batch);
  std::counting_semaphore<> slots(window);
  {
    Pipeline pipeline(&verifier, store, po);
    std::thread challenger([&] {
      NameThisThread("ks-spend");  // the server's ks-ledger, in process
      std::vector<ChallengeUse> uses;
      std::vector<ChallengeOutcome> outcomes;
      for (;;) {
        std::vector<size_t> group = released.TakeAll(batch);
        if (group.empty()) return;
        uses.clear();
        for (size_t i : group) uses.push_back({corpus.logins[i].challenge, expiries[i]});
        Status cs = store->ConsumeChallengesUnsynced(uses, UnixMs(), &outcomes);
        for (size_t k = 0; k < group.size(); ++k) {
          size_t i = group[k];
          if (!cs.ok()) {
            complete(i, VerifyError::kOk, "store: " + cs.ToString());
            continue;
          }
          if (outcomes[k] != ChallengeOutcome::kConsumed) {
            complete(i, VerifyError::kChallengeUnknown, "");
            continue;
          }
          slots.acquire();
          for (;;) {
            AssertionJob job;
            // Moved on the first try only: a refused Submit (backpressure)
            // hands the job back destroyed, so the retry rebuilds it.
            job.response_json = submitted_once[i] ? corpus::LoginAssertionJson(corpus, corpus.logins[i])
                                                  : std::move(bodies[i]);
            job.expected.challenge = submitted_once[i] ? Base64UrlEncode(corpus.logins[i].challenge)
                                                       : std::move(expected_challenges[i]);
            submitted_once[i] = true;
            job.expected.requirements = requirements;
            Status submitted = pipeline.SubmitAssertion(std::move(job), [&, i](AssertionOutcome&& out) {
              complete(i, out.verdict, out.status.ok() ? "" : "status: " + out.status.ToString());
              slots.release();
            });
            if (submitted.ok()) break;
            backpressure.fetch_add(1, std::memory_order_relaxed);
            std::this_thread::yield();
          }
        }
      }
    });
    // The pacing thread is this one.
    for (size_t i = 0; i < n; ++i) {
      if (scale > 0) {
        scheduled[i] = start + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double, std::micro>(
                                       corpus.logins[i].arrival_us * scale));
        std::this_thread::sleep_until(scheduled[i]);
      } else {
        scheduled[i] = Clock::now();
      }
      released.Push(i);
    }
    released.Close();
    challenger.join();
    // Every job is submitted; once none is in flight the batch count is
    // final (the pipeline counts a batch before it completes its jobs).
    PipelineStats drained = pipeline.stats();
    while (drained.in_flight > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      drained = pipeline.stats();
    }
    result.pipeline_jobs = drained.jobs;
    result.pipeline_batches = drained.batches;
  }  // the pipeline drains: every callback has run
  getrusage(RUSAGE_SELF, &usage_after);

  result.logins = n;
  result.elapsed_s = last_done_ns.load() / 1e9;
  result.throughput_per_s = result.elapsed_s > 0 ? n / result.elapsed_s : 0;
  result.backpressure = backpressure.load();
  result.cpu_user_s = Seconds(usage_after.ru_utime) - Seconds(usage_before.ru_utime);
  result.cpu_system_s = Seconds(usage_after.ru_stime) - Seconds(usage_before.ru_stime);
  size_t seconds = static_cast<size_t>(result.elapsed_s) + 1;
  for (size_t s = 0; s < std::min(seconds, kPerSecondSlots); ++s) {
    result.completions_per_second.push_back(per_second[s].load());
  }

  // Every verdict against the corpus, before any figure counts.
  std::vector<double> latencies;
  latencies.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const corpus::CorpusLogin& login = corpus.logins[i];
    std::string got = !failures[i].empty()        ? failures[i]
                      : verdicts[i] == kNoVerdict ? std::string("no verdict")
                                                  : std::string(VerifyErrorName(static_cast<VerifyError>(verdicts[i])));
    ++result.verdicts[failures[i].empty() ? got : "system_failure"];
    if (!failures[i].empty() || verdicts[i] != static_cast<uint8_t>(login.expected)) {
      result.mismatches.push_back({i, login.fault, login.expected, got});
    }
    latencies.push_back(latency_us[i]);
  }
  result.latency = Summarize(&latencies);
  return result;
}

std::string ReplayJson(const ReplayResult& r) {
  JsonWriter w;
  w.BeginObject();
  w.Key("mode").String(r.mode);
  w.Key("machine").String(r.machine);
  w.Key("store").String(r.store);
  w.Key("threads").Int(r.threads);
  w.Key("registrations").Uint(r.registrations);
  w.Key("stored_credentials").Uint(r.stored_credentials);
  w.Key("setup_s").Double(r.setup_s);
  w.Key("logins").Uint(r.logins);
  w.Key("offered_peak_per_s").Double(r.offered_peak_per_s);
  w.Key("elapsed_s").Double(r.elapsed_s);
  w.Key("throughput_per_s").Double(r.throughput_per_s);
  w.Key("per_thread_per_s").Double(r.threads > 0 ? r.throughput_per_s / r.threads : 0);
  w.Key("latency_us").BeginObject();
  w.Key("p50").Double(r.latency.p50_us);
  w.Key("p90").Double(r.latency.p90_us);
  w.Key("p99").Double(r.latency.p99_us);
  w.Key("p999").Double(r.latency.p999_us);
  w.Key("max").Double(r.latency.max_us);
  w.EndObject();
  w.Key("verdicts").BeginObject();
  for (const auto& [name, count] : r.verdicts) w.Key(name).Uint(count);
  w.EndObject();
  w.Key("mismatches").Uint(r.mismatches.size());
  w.Key("backpressure").Uint(r.backpressure);
  if (r.mode != "http") {
    // How full the batches ran: max_batch when the pipeline was saturated.
    // Jobs, not logins: a login whose challenge was already spent is
    // answered before the pipeline, as the server answers it.
    w.Key("max_batch").Uint(r.max_batch);
    w.Key("pipeline_jobs").Uint(r.pipeline_jobs);
    w.Key("pipeline_batches").Uint(r.pipeline_batches);
    w.Key("mean_batch").Double(r.pipeline_batches > 0 ? static_cast<double>(r.pipeline_jobs) / r.pipeline_batches : 0);
  }
  if (r.mode == "http") {
    w.Key("connections_held").Uint(r.connections_held);
    w.Key("load_generator_cpu_s").Double(r.load_generator_cpu_s);
    w.Key("load_generator_cpu_us_per_login")
        .Double(r.logins ? r.load_generator_cpu_s * 1e6 / r.logins : 0);
  }
  w.Key("cpu_user_s").Double(r.cpu_user_s);
  w.Key("cpu_system_s").Double(r.cpu_system_s);
  w.Key("cpu_us_per_login").Double(r.logins ? (r.cpu_user_s + r.cpu_system_s) * 1e6 / r.logins : 0);
  w.Key("ceiling_p256_per_s").Double(r.ceiling_p256_per_s);
  w.Key("ceiling_p256_1t_per_s").Double(r.ceiling_p256_1t_per_s);
  w.Key("ratio_to_ceiling").Double(r.ceiling_p256_per_s > 0 ? r.throughput_per_s / r.ceiling_p256_per_s : 0);
  // Per core, robust to a shared machine: logins per CPU second of the whole
  // process (every thread: pacing, challenges, pipeline, RocksDB) against
  // verifications per CPU second of the ceiling threads.
  double cpu_s = r.cpu_user_s + r.cpu_system_s;
  double per_cpu_s = cpu_s > 0 ? r.logins / cpu_s : 0;
  w.Key("per_cpu_s").Double(per_cpu_s);
  w.Key("ceiling_p256_per_cpu_s").Double(r.ceiling_p256_per_cpu_s);
  w.Key("ratio_per_cpu_second").Double(r.ceiling_p256_per_cpu_s > 0 ? per_cpu_s / r.ceiling_p256_per_cpu_s : 0);
  w.Key("completions_per_second").BeginArray();
  for (uint32_t c : r.completions_per_second) w.Uint(c);
  w.EndArray();
  w.EndObject();
  return w.str();
}

}  // namespace keystorm::bench
