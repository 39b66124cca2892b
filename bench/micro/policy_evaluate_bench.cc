// Decisions per second of the compiled login policy (docs/performance.md).
//
// Workloads: generated policies of 10, 100 and 1,000 rules over a universe of
// directory groups; 1,024 users, each in 50 groups, with an email whose
// domain some rules name. The rule mix (seeded, the same every run):
//   45% group rules (1-3 exact groups)   15% group-regex rules ("team-K-.*")
//   15% domain rules (exact / wildcard)   15% domain + group rules
//   10% user rules (1-5 users)
// with targets local / IdP / URL / deny. Every group is listed under
// [groups].known, so regexes are pre-evaluated (the fast path).
//
//   BM_Evaluate/N            Evaluate on prepared inputs: the hot path
//   BM_EvaluateNoGroupMatch/N  users whose 50 groups no rule names (only
//                            domain rules can match them): the domain lists
//                            are walked and group bitsets checked
//   BM_PrepareEvaluate/N     Prepare from strings + Evaluate (one per login)
//   BM_ReaderEvaluate/N      PolicyReader::Refresh + Evaluate (hot reload path)
//
// Before timing, every user's decision is checked against Explain's
// independent string-level rule walk.
#include <benchmark/benchmark.h>

#include <deque>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "keystorm/policy/explain.h"
#include "keystorm/policy/policy.h"
#include "keystorm/policy/policy_store.h"

namespace {

using namespace keystorm::policy;

constexpr int kUsers = 1024;
constexpr int kGroupsPerUser = 50;
constexpr int kTeams = 20;          // regex families "team-K-*"
constexpr int kOtherGroups = 1000;  // known to the policy, named by no rule

struct Workload {
  std::shared_ptr<const CompiledPolicy> policy;
  std::deque<std::string> strings;  // owns every string the inputs view
  std::vector<std::vector<std::string_view>> groups;
  std::vector<PolicyInput> inputs;
  std::vector<PreparedInput> prepared;
  int matched_by_rule = 0;
};

std::string Group(int i, int universe) {
  // A quarter of the universe belongs to regex families.
  return i % 4 == 0 ? "team-" + std::to_string(i / 4 % kTeams) + "-" + std::to_string(i)
                    : "grp-" + std::to_string(i % universe);
}

std::string PolicyText(int rules, int universe, std::mt19937_64& rng) {
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  std::string t = "format = 1\n";
  t += "[webauthn]\ndefault = \"optional\"\ngroups = { \"" + Group(1, universe) +
       "\" = \"required\" }\n";
  t += "[identity_providers]\nokta = { protocol = \"saml\" }\n";
  t += "[redirect]\nallowed_urls = [\"https://sso.example.com/\"]\n";
  t += "[authenticator.strict]\nuser_verification = \"required\"\nalgorithms = [\"ES256\"]\n";
  t += "[groups]\nknown = [";
  for (int g = 0; g < universe; ++g) t += (g ? ", \"" : "\"") + Group(g, universe) + "\"";
  for (int g = 0; g < kOtherGroups; ++g) t += ", \"other-" + std::to_string(g) + "\"";
  t += "]\n";
  const char* targets[] = {"\"local\"", "{ idp = \"okta\" }",
                           "{ url = \"https://sso.example.com/app\" }", "\"deny\""};
  for (int r = 0; r < rules; ++r) {
    t += "[[rule]]\nid = \"r" + std::to_string(r) + "\"\npriority = " + std::to_string(r) + "\n";
    int kind = pick(100);
    auto groups = [&](int n) {
      std::string s = "groups = [";
      for (int i = 0; i < n; ++i) s += (i ? ", \"" : "\"") + Group(pick(universe), universe) + "\"";
      return s + "]\n";
    };
    auto domain = [&] {
      int d = pick(50);
      return d % 5 == 0 ? "\"*.d" + std::to_string(d) + ".example\""
                        : "\"d" + std::to_string(d) + ".example\"";
    };
    if (kind < 45) {
      t += groups(1 + pick(3));
    } else if (kind < 60) {
      t += "group_regex = [\"team-" + std::to_string(pick(kTeams)) + "-1.*\"]\n";
    } else if (kind < 75) {
      t += "domains = [" + domain() + "]\n";
    } else if (kind < 90) {
      t += "domains = [" + domain() + "]\n" + groups(1 + pick(3));
    } else {
      t += "users = [";
      for (int i = 0, n = 1 + pick(5); i < n; ++i) {
        t += (i ? ", \"user" : "\"user") + std::to_string(pick(100000)) + "\"";
      }
      t += "]\n";
    }
    t += "target = " + std::string(targets[pick(4)]) + "\n";
    if (pick(4) == 0) t += "authenticator = \"strict\"\n";
  }
  return t;
}

// Built once per rule count; null (with *error set) if the answers are wrong.
// `no_match`: the users' groups are ones no rule names.
const Workload* GetWorkload(int rules, std::string* error, bool no_match = false) {
  static std::map<std::pair<int, bool>, std::unique_ptr<Workload>> cache;
  auto& slot = cache[{rules, no_match}];
  if (slot) return slot.get();
  auto w = std::make_unique<Workload>();
  std::mt19937_64 rng(rules);
  int universe = std::max(200, 2 * rules);
  auto compiled = LoadPolicy(PolicyText(rules, universe, rng), 1, nullptr);
  if (!compiled) {
    *error = compiled.error().ToString();
    return nullptr;
  }
  w->policy = *compiled;
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  w->groups.resize(kUsers);
  w->inputs.resize(kUsers);
  w->prepared.resize(kUsers);
  for (int u = 0; u < kUsers; ++u) {
    for (int g = 0; g < kGroupsPerUser; ++g) {
      w->groups[u].push_back(
          w->strings.emplace_back(no_match ? "other-" + std::to_string(pick(kOtherGroups))
                                           : Group(pick(universe), universe)));
    }
    PolicyInput& in = w->inputs[u];
    in.user = w->strings.emplace_back("user" + std::to_string(pick(100000)));
    std::string host = pick(3) == 0 ? "x.d" : "d";
    if (no_match) host = "d";  // a domain some domain + group rules name
    in.email = w->strings.emplace_back("someone@" + host + std::to_string(pick(60)) + ".example");
    in.groups = w->groups[u];
    in.now = 1'780'000'000;
    if (!w->policy->Prepare(in, &w->prepared[u]).ok()) {
      *error = "Prepare failed";
      return nullptr;
    }
    // Check the answer before timing.
    Decision d = w->policy->Evaluate(w->prepared[u]);
    keystorm::Result<Explanation> ex = Explain(*w->policy, in);
    if (!ex || ex->decision.rule_index != d.rule_index) {
      *error = "Evaluate and Explain disagree";
      return nullptr;
    }
    w->matched_by_rule += d.rule_index != kDefaultRuleIndex;
  }
  slot = std::move(w);
  return slot.get();
}

void Report(benchmark::State& state, const Workload& w) {
  state.SetItemsProcessed(state.iterations());
  state.counters["rules"] = static_cast<double>(w.policy->rule_count());
  state.counters["by_rule_%"] = 100.0 * w.matched_by_rule / kUsers;
}

void BM_Evaluate(benchmark::State& state) {
  std::string error;
  const Workload* w = GetWorkload(static_cast<int>(state.range(0)), &error);
  if (w == nullptr) return state.SkipWithError(error.c_str());
  const CompiledPolicy& policy = *w->policy;
  size_t i = 0;
  for (auto _ : state) {
    Decision d = policy.Evaluate(w->prepared[i++ & (kUsers - 1)]);
    benchmark::DoNotOptimize(d);
  }
  Report(state, *w);
}
BENCHMARK(BM_Evaluate)->Arg(10)->Arg(100)->Arg(1000);

void BM_EvaluateNoGroupMatch(benchmark::State& state) {
  std::string error;
  const Workload* w = GetWorkload(static_cast<int>(state.range(0)), &error, /*no_match=*/true);
  if (w == nullptr) return state.SkipWithError(error.c_str());
  const CompiledPolicy& policy = *w->policy;
  size_t i = 0;
  for (auto _ : state) {
    Decision d = policy.Evaluate(w->prepared[i++ & (kUsers - 1)]);
    benchmark::DoNotOptimize(d);
  }
  Report(state, *w);
}
BENCHMARK(BM_EvaluateNoGroupMatch)->Arg(10)->Arg(100)->Arg(1000);

void BM_PrepareEvaluate(benchmark::State& state) {
  std::string error;
  const Workload* w = GetWorkload(static_cast<int>(state.range(0)), &error);
  if (w == nullptr) return state.SkipWithError(error.c_str());
  const CompiledPolicy& policy = *w->policy;
  PreparedInput prepared;
  size_t i = 0;
  for (auto _ : state) {
    if (!policy.Prepare(w->inputs[i++ & (kUsers - 1)], &prepared).ok()) {
      return state.SkipWithError("Prepare failed");
    }
    Decision d = policy.Evaluate(prepared);
    benchmark::DoNotOptimize(d);
  }
  Report(state, *w);
}
BENCHMARK(BM_PrepareEvaluate)->Arg(10)->Arg(100)->Arg(1000);

void BM_ReaderEvaluate(benchmark::State& state) {
  std::string error;
  const Workload* w = GetWorkload(static_cast<int>(state.range(0)), &error);
  if (w == nullptr) return state.SkipWithError(error.c_str());
  PolicyStore store(w->policy);
  PolicyReader reader(store);
  size_t i = 0;
  for (auto _ : state) {
    Decision d = reader.Refresh().Evaluate(w->prepared[i++ & (kUsers - 1)]);
    benchmark::DoNotOptimize(d);
  }
  Report(state, *w);
}
BENCHMARK(BM_ReaderEvaluate)->Arg(1000);

}  // namespace

BENCHMARK_MAIN();
