// Helpers shared by the policy tests: load a policy from text (failing the
// test on error) and build PolicyInputs that own their strings.
#ifndef KEYSTORM_TESTS_POLICY_POLICY_TEST_UTIL_H_
#define KEYSTORM_TESTS_POLICY_POLICY_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keystorm/policy/policy.h"

namespace keystorm::policy::testing {

// Parses and compiles `toml`; on error the test fails and the result is null.
inline std::shared_ptr<const CompiledPolicy> MustLoad(std::string_view toml, uint64_t version = 1) {
  std::vector<Diagnostic> diagnostics;
  auto policy = LoadPolicy(toml, version, &diagnostics);
  if (!policy) {
    std::string all;
    for (const auto& d : diagnostics) all += FormatDiagnostic("policy", d) + "\n";
    ADD_FAILURE() << "policy does not compile:\n" << all;
    return nullptr;
  }
  return *policy;
}

// The diagnostics of a file that must fail to load.
inline std::vector<Diagnostic> LoadErrors(std::string_view toml) {
  std::vector<Diagnostic> diagnostics;
  auto policy = LoadPolicy(toml, 1, &diagnostics);
  EXPECT_FALSE(policy.has_value()) << "the policy was expected to fail";
  return diagnostics;
}

// A PolicyInput whose strings live as long as the builder.
class Login {
 public:
  explicit Login(std::string user) { input_.user = Keep(std::move(user)); }
  // Moving keeps the views valid (a deque's elements do not move); copying
  // would not.
  Login(Login&&) = default;
  Login(const Login&) = delete;
  Login& operator=(const Login&) = delete;
  Login& Email(std::string email) {
    input_.email = Keep(std::move(email));
    return *this;
  }
  Login& Groups(std::vector<std::string> groups) {
    for (auto& g : groups) groups_.push_back(Keep(std::move(g)));
    return *this;
  }
  Login& ExternalGroups(std::vector<std::string> groups) {
    for (auto& g : groups) external_groups_.push_back(Keep(std::move(g)));
    return *this;
  }
  Login& Attribute(std::string name, std::string value) {
    attributes_.push_back({Keep(std::move(name)), Keep(std::move(value))});
    return *this;
  }
  Login& BypassUntil(int64_t until) {
    input_.bypass_until = until;
    return *this;
  }
  Login& MustReregister() {
    input_.must_reregister = true;
    return *this;
  }
  Login& Now(int64_t now) {
    input_.now = now;
    return *this;
  }
  const PolicyInput& input() {
    input_.groups = groups_;
    input_.external_groups = external_groups_;
    input_.attributes = attributes_;
    return input_;
  }

 private:
  std::string_view Keep(std::string s) { return strings_.emplace_back(std::move(s)); }
  std::deque<std::string> strings_;  // stable addresses
  std::vector<std::string_view> groups_;
  std::vector<std::string_view> external_groups_;
  std::vector<policy::Attribute> attributes_;
  PolicyInput input_;
};

}  // namespace keystorm::policy::testing

#endif  // KEYSTORM_TESTS_POLICY_POLICY_TEST_UTIL_H_
