#include "keystorm/bench/pipeline_bench.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <random>
#include <semaphore>
#include <thread>

#include "keystorm/bench/p256_ceiling.h"
#include "keystorm/corpus/synthetic_authenticator.h"
#include "keystorm/json_writer.h"
#include "keystorm/pipeline.h"
#include "keystorm/storage/memory_store.h"
#include "keystorm/usable_cores.h"
#include "keystorm/webauthn_json.h"

namespace keystorm::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr char kChallenge[] = "Ym9vdHN0cmFwLWNoYWxsZW5nZS1mb3ItYmVuY2htYXJr";

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return 0;
  size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// Credentials and pre-signed assertion bodies for every workload.
struct Fixture {
  corpus::CeremonyContext ctx;
  std::vector<std::unique_ptr<corpus::SyntheticAuthenticator>> es256, eddsa, rs256;
  std::vector<std::string> es256_bodies, eddsa_bodies, rs256_bodies, mix_bodies;
  storage::MemoryCredentialStore store;

  // The same ES256 messages, pre-parsed for the raw ceiling.
  P256Ceiling ceiling;

  const std::vector<std::string>& Bodies(const std::string& name) const {
    if (name == "eddsa") return eddsa_bodies;
    if (name == "rs256") return rs256_bodies;
    if (name == "mix") return mix_bodies;
    return es256_bodies;
  }
};

Status BuildFixture(uint64_t seed, Fixture* f) {
  auto make = [&](int64_t alg, size_t n, bool deterministic,
                  std::vector<std::unique_ptr<corpus::SyntheticAuthenticator>>* out) -> Status {
    for (size_t i = 0; i < n; ++i) {
      auto a = corpus::SyntheticAuthenticator::Create(alg, seed * 1000003 + out->size() + 7919 * alg,
                                                      deterministic);
      if (!a) return Status::Internal("cannot create authenticator");
      bool inserted = false;
      Status st = f->store.InsertCredentialIfAbsent(a->Record(), &inserted);
      if (!st.ok()) return st;
      out->push_back(std::move(a));
    }
    return Status::Ok();
  };
  Status st;
  if (!(st = make(-7, 256, true, &f->es256)).ok()) return st;
  if (!(st = make(-8, 256, true, &f->eddsa)).ok()) return st;
  if (!(st = make(-257, 8, false, &f->rs256)).ok()) return st;  // RSA keygen is slow

  auto sign = [&](const auto& auths, size_t n, std::vector<std::string>* out) {
    for (size_t i = 0; i < n; ++i) {
      out->push_back(auths[i % auths.size()]->AssertionJson(f->ctx, kChallenge, 0));
    }
  };
  sign(f->es256, 2048, &f->es256_bodies);
  sign(f->eddsa, 1024, &f->eddsa_bodies);
  sign(f->rs256, 256, &f->rs256_bodies);
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i < 2048; ++i) {
    uint64_t r = rng() % 10;
    const auto& pool = r < 8 ? f->es256_bodies : (r == 8 ? f->eddsa_bodies : f->rs256_bodies);
    f->mix_bodies.push_back(pool[rng() % pool.size()]);
  }

  // Ceiling items from the ES256 bodies.
  JsonScratch scratch;
  for (size_t i = 0; i < f->es256_bodies.size(); ++i) {
    AuthenticationResponse r;
    if (ParseAuthenticationResponseJson(f->es256_bodies[i], &scratch, &r) != VerifyError::kOk) {
      return Status::Internal("cannot parse a generated body");
    }
    Status added = f->ceiling.Add(f->es256[i % f->es256.size()]->cose_key(), r.authenticator_data,
                                  r.client_data_json, r.signature);
    if (!added.ok()) return added;
  }
  return Status::Ok();
}

AssertionJob MakeJob(const std::string& body) {
  AssertionJob job;
  job.response_json = body;
  job.expected.challenge = kChallenge;
  return job;  // usernameless: the userHandle in the body names the owner
}

// Closed-loop pipeline throughput with `threads` workers.
Result<double> MeasurePipeline(Fixture* f, const Verifier& verifier, const std::string& workload,
                               int threads, const PipelineBenchOptions& o) {
  const std::vector<std::string>& bodies = f->Bodies(workload);
  PipelineOptions po;
  po.workers = threads;
  po.max_batch = o.batch;
  po.max_in_flight = 8 * o.batch;
  Pipeline pipeline(&verifier, &f->store, po);
  const std::ptrdiff_t window = static_cast<std::ptrdiff_t>(2 * o.batch);
  std::counting_semaphore<> slots(window);
  std::atomic<uint64_t> completed{0}, wrong{0};
  auto on_done = [&](AssertionOutcome&& out) {
    if (!out.status.ok() || out.verdict != VerifyError::kOk) wrong.fetch_add(1);
    completed.fetch_add(1, std::memory_order_relaxed);
    slots.release();
  };
  auto run_for = [&](double seconds, size_t* next) {
    auto end = Clock::now() + std::chrono::duration<double>(seconds);
    while (Clock::now() < end) {
      slots.acquire();
      if (!pipeline.SubmitAssertion(MakeJob(bodies[(*next)++ % bodies.size()]), on_done).ok()) {
        slots.release();
        std::this_thread::yield();
      }
    }
  };
  size_t next = 0;
  run_for(std::min(0.3, o.seconds / 4), &next);  // warm-up: caches, TBB threads
  uint64_t before = completed.load();
  auto start = Clock::now();
  run_for(o.seconds, &next);
  uint64_t done = completed.load() - before;
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  for (std::ptrdiff_t i = 0; i < window; ++i) slots.acquire();  // drain
  if (wrong.load() != 0) {
    return Status::Internal(std::to_string(wrong.load()) + " jobs of workload " + workload +
                            " got a wrong verdict");
  }
  return done / elapsed;
}

// Open-loop arrivals at `rate` per second; per-job latency from its
// scheduled arrival to its completion.
Result<LatencyFigures> MeasureLatency(Fixture* f, const Verifier& verifier, int threads,
                                      double rate, double fraction, const PipelineBenchOptions& o) {
  const std::vector<std::string>& bodies = f->Bodies("es256");
  PipelineOptions po;
  po.workers = threads;
  po.max_batch = o.batch;
  po.max_in_flight = 64 * o.batch;
  size_t expected_jobs = static_cast<size_t>(rate * o.seconds) + 16;
  std::vector<double> latencies(expected_jobs, -1);
  std::atomic<uint64_t> wrong{0}, completed{0};
  uint64_t submitted = 0, refused = 0;
  {
    Pipeline pipeline(&verifier, &f->store, po);
    auto start = Clock::now();
    auto interval = std::chrono::duration<double>(1.0 / rate);
    for (size_t i = 0; i < expected_jobs - 16; ++i) {
      auto scheduled = start + std::chrono::duration_cast<Clock::duration>(interval * i);
      std::this_thread::sleep_until(scheduled);
      Status st = pipeline.SubmitAssertion(MakeJob(bodies[i % bodies.size()]),
                                           [&, i, scheduled](AssertionOutcome&& out) {
                                             if (out.verdict != VerifyError::kOk) wrong.fetch_add(1);
                                             latencies[i] = std::chrono::duration<double, std::micro>(
                                                                Clock::now() - scheduled)
                                                                .count();
                                             completed.fetch_add(1);
                                           });
      ++submitted;
      if (!st.ok()) ++refused;
    }
  }  // drains
  if (wrong.load() != 0) return Status::Internal("latency run: wrong verdicts");
  std::vector<double> got;
  for (double l : latencies) {
    if (l >= 0) got.push_back(l);
  }
  std::sort(got.begin(), got.end());
  auto pct = [&](double p) {
    return got.empty() ? 0 : got[std::min(got.size() - 1, static_cast<size_t>(p * got.size()))];
  };
  LatencyFigures lf;
  lf.load_fraction = fraction;
  lf.offered_per_s = rate;
  lf.p50_us = pct(0.50);
  lf.p90_us = pct(0.90);
  lf.p99_us = pct(0.99);
  lf.p999_us = pct(0.999);
  lf.jobs = got.size();
  (void)refused;
  return lf;
}

}  // namespace

Result<PipelineBenchResult> RunPipelineBench(const PipelineBenchOptions& o) {
  PipelineBenchResult result;
  result.max_threads = o.max_threads > 0 ? o.max_threads : UsableCores();
  result.machine = MachineDescription();
  Fixture f;
  Status st = BuildFixture(o.seed, &f);
  if (!st.ok()) return st;
  RelyingPartyConfig rp;
  rp.rp_id = f.ctx.rp_id;
  rp.origins = {f.ctx.origin};
  Verifier verifier(rp);

  std::vector<int> thread_counts = {1};
  for (int t : o.extra_thread_counts) {
    if (t > 1 && t < result.max_threads) thread_counts.push_back(t);
  }
  if (result.max_threads > 1) thread_counts.push_back(result.max_threads);
  std::sort(thread_counts.begin(), thread_counts.end());
  thread_counts.erase(std::unique(thread_counts.begin(), thread_counts.end()), thread_counts.end());

  for (int threads : thread_counts) {
    // The ceiling and the workloads alternate inside each repetition, so
    // that drift of the machine affects both alike.
    std::vector<double> ceiling_rounds;
    std::vector<std::vector<double>> rounds(o.workloads.size());
    for (int rep = 0; rep < o.repetitions; ++rep) {
      Result<double> c = f.ceiling.Measure(threads, o.seconds);
      if (!c) return c.error();
      ceiling_rounds.push_back(*c);
      for (size_t w = 0; w < o.workloads.size(); ++w) {
        Result<double> p = MeasurePipeline(&f, verifier, o.workloads[w], threads, o);
        if (!p) return p.error();
        rounds[w].push_back(*p);
      }
    }
    for (size_t w = 0; w < o.workloads.size(); ++w) {
      WorkloadFigures wf;
      wf.name = o.workloads[w];
      wf.threads = threads;
      wf.pipeline_per_s = Median(rounds[w]);
      wf.ceiling_p256_per_s = Median(ceiling_rounds);
      wf.rounds = rounds[w];
      result.figures.push_back(wf);
    }
  }

  if (o.latency) {
    double capacity = 0;
    for (const auto& wf : result.figures) {
      if (wf.name == "es256" && wf.threads == result.max_threads) capacity = wf.pipeline_per_s;
    }
    if (capacity > 0) {
      for (double fraction : {0.5, 0.9}) {
        Result<LatencyFigures> lf =
            MeasureLatency(&f, verifier, result.max_threads, capacity * fraction, fraction, o);
        if (!lf) return lf.error();
        result.latency.push_back(*lf);
      }
    }
  }
  return result;
}

std::string PipelineBenchJson(const PipelineBenchResult& r) {
  auto find = [&](const std::string& name, int threads) -> const WorkloadFigures* {
    for (const auto& wf : r.figures) {
      if (wf.name == name && wf.threads == threads) return &wf;
    }
    return nullptr;
  };
  const WorkloadFigures* top = find("es256", r.max_threads);
  const WorkloadFigures* one = find("es256", 1);
  JsonWriter w;
  w.BeginObject();
  w.Key("machine").String(r.machine);
  w.Key("threads").Int(r.max_threads);
  if (top) {
    w.Key("ceiling_p256_per_s").Double(top->ceiling_p256_per_s);
    w.Key("pipeline_es256_per_s").Double(top->pipeline_per_s);
    w.Key("ratio").Double(top->pipeline_per_s / top->ceiling_p256_per_s);
  }
  if (top && one) {
    w.Key("scaling").Double(top->pipeline_per_s / one->pipeline_per_s);
    w.Key("ceiling_scaling").Double(top->ceiling_p256_per_s / one->ceiling_p256_per_s);
  }
  w.Key("figures").BeginArray();
  for (const auto& wf : r.figures) {
    w.BeginObject();
    w.Key("workload").String(wf.name);
    w.Key("threads").Int(wf.threads);
    w.Key("pipeline_per_s").Double(wf.pipeline_per_s);
    w.Key("ceiling_p256_per_s").Double(wf.ceiling_p256_per_s);
    w.Key("ratio_to_ceiling").Double(wf.pipeline_per_s / wf.ceiling_p256_per_s);
    w.Key("per_thread_per_s").Double(wf.pipeline_per_s / wf.threads);
    w.Key("rounds").BeginArray();
    for (double v : wf.rounds) w.Double(v);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("latency_es256").BeginArray();
  for (const auto& lf : r.latency) {
    w.BeginObject();
    w.Key("load_fraction").Double(lf.load_fraction);
    w.Key("offered_per_s").Double(lf.offered_per_s);
    w.Key("p50_us").Double(lf.p50_us);
    w.Key("p90_us").Double(lf.p90_us);
    w.Key("p99_us").Double(lf.p99_us);
    w.Key("p999_us").Double(lf.p999_us);
    w.Key("jobs").Uint(lf.jobs);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.str();
}

}  // namespace keystorm::bench
