// Hot reload: evaluations on several threads while the policy is swapped
// 1,000 times. Every field of every decision names the version that made it,
// so a decision mixing two versions (a torn decision) is caught; TSan
// (KEYSTORM_TSAN) checks the synchronisation, ASan the lifetimes.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "keystorm/policy/policy_store.h"
#include "policy_test_util.h"

namespace keystorm::policy::testing {
namespace {

constexpr int kSwaps = 1000;
constexpr int kReaders = 4;

// Policy version `v`: every output of the matching rule spells v.
std::string PolicyText(uint64_t v) {
  std::string n = std::to_string(v);
  return "format = 1\n"
         "[redirect]\nallowed_urls = [\"https://sso.example.com/\"]\n"
         "[authenticator.p" +
         n +
         "]\nuser_verification = \"required\"\n"
         "[[rule]]\nid = \"r" +
         n +
         "\"\npriority = 1\ngroups = [\"g\"]\n"
         "target = { url = \"https://sso.example.com/" +
         n +
         "\" }\n"
         "login_template = \"l" +
         n + "\"\nlogout_template = \"o" + n +
         "\"\n"
         "authenticator = \"p" +
         n + "\"\n";
}

// Empty when `d` is entirely version d.policy_version.
std::string Torn(const Decision& d) {
  std::string n = std::to_string(d.policy_version);
  if (d.rule_id != "r" + n) return "rule " + std::string(d.rule_id);
  if (d.target != "https://sso.example.com/" + n) return "target " + std::string(d.target);
  if (d.login_template != "l" + n) return "login template";
  if (d.logout_template != "o" + n) return "logout template";
  if (d.authenticator == nullptr || d.authenticator->name != "p" + n) return "authenticator";
  return "";
}

TEST(ReloadTest, ConcurrentEvaluationsNeverSeeATornDecision) {
  auto initial = MustLoad(PolicyText(1), 1);
  ASSERT_NE(initial, nullptr);
  PolicyStore store(initial);
  std::atomic<bool> done{false};
  std::atomic<int> torn{0};
  std::atomic<long> evaluations{0};

  auto reader = [&](int id) {
    Login login("user" + std::to_string(id));
    login.Groups({"g"});
    const PolicyInput& input = login.input();
    PreparedInput prepared;
    PolicyReader cached(store);
    uint64_t last_version = 0;
    std::shared_ptr<const CompiledPolicy> held;  // kept across swaps
    Decision held_decision;
    long count = 0;
    while (!done.load(std::memory_order_acquire) || count < 100) {
      // Half the threads use the cached reader, half the store directly.
      std::shared_ptr<const CompiledPolicy> snapshot;
      const CompiledPolicy* policy;
      if (id % 2 == 0) {
        policy = &cached.Refresh();
      } else {
        snapshot = store.Current();
        policy = snapshot.get();
      }
      if (!policy->Prepare(input, &prepared).ok()) ++torn;
      Decision d = policy->Evaluate(prepared);
      if (!Torn(d).empty() || d.policy_version != policy->version()) ++torn;
      if (d.policy_version < last_version) ++torn;  // versions never go back
      last_version = d.policy_version;
      // An old snapshot and its decision stay valid after newer swaps.
      if (held != nullptr && !Torn(held_decision).empty()) ++torn;
      if (++count % 64 == 0) {
        held = id % 2 == 0 ? cached.snapshot() : snapshot;
        held_decision = d;
      }
    }
    evaluations += count;
  };

  std::vector<std::thread> threads;
  for (int i = 0; i < kReaders; ++i) threads.emplace_back(reader, i);
  int failed_reloads = 0;
  for (uint64_t v = 2; v < 2 + kSwaps; ++v) {
    // Every 100th swap is preceded by a broken file, which must change nothing.
    if (v % 100 == 0) {
      std::vector<Diagnostic> diagnostics;
      EXPECT_FALSE(store.Reload("format = 1\n[[rule]]\nid = \"x\"\n", &diagnostics).ok());
      EXPECT_EQ(store.Current()->version(), v - 1);
      ++failed_reloads;
    }
    Status s = store.Reload(PolicyText(v), nullptr);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_EQ(store.Current()->version(), v);
  }
  done.store(true, std::memory_order_release);
  for (auto& t : threads) t.join();

  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(store.Current()->version(), 1u + kSwaps);
  EXPECT_EQ(store.generation(), static_cast<uint64_t>(kSwaps));
  EXPECT_EQ(failed_reloads, kSwaps / 100);
  EXPECT_GT(evaluations.load(), kReaders * 100L);
}

TEST(ReloadTest, BrokenFileKeepsTheRunningPolicy) {
  PolicyStore store(MustLoad(PolicyText(1), 1));
  std::vector<Diagnostic> diagnostics;
  Status s = store.Reload("format = 1\n[webauthn]\ndefault = \"sometimes\"\n", &diagnostics);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].position.line, 3u);
  EXPECT_EQ(store.Current()->version(), 1u);
  EXPECT_EQ(store.generation(), 0u);
  Login login("u");
  login.Groups({"g"});
  EXPECT_EQ(store.Current()->Decide(login.input()).rule_id, "r1");
}

TEST(ReloadTest, InstallAndReaderSeeTheNewPolicy) {
  PolicyStore store(MustLoad(PolicyText(1), 1));
  PolicyReader reader(store);
  EXPECT_EQ(reader.Refresh().version(), 1u);
  store.Install(MustLoad(PolicyText(7), 7));
  EXPECT_EQ(reader.Refresh().version(), 7u);
  EXPECT_TRUE(store.Reload(PolicyText(8), nullptr).ok());  // version = running + 1
  EXPECT_EQ(reader.Refresh().version(), 8u);
}

}  // namespace
}  // namespace keystorm::policy::testing
