#include "random_policy.h"

#include <algorithm>
#include <numeric>
#include <set>
#include <string>
#include <vector>

namespace keystorm::policy::testing {
namespace {

// 90 group names named by policies, so group bitsets span two words.
std::vector<std::string> GroupPool() {
  std::vector<std::string> pool;
  for (int i = 0; i < 80; ++i) pool.push_back("g" + std::to_string(i));
  for (const char* g : {"ext-a", "ext-b", "ext-c", "team-1", "team-2", "team-3", "team-4", "team-5",
                        "Admins", "admins"}) {
    pool.push_back(g);
  }
  return pool;
}

// Groups a login may carry that no policy names (the regex slow path).
const std::vector<std::string> kUnknownGroups = {"ext-zz", "team-9", "g99", "zzz", "g1x", "Admin"};

const std::vector<std::string> kPatterns = {
    "g[0-9]",      "g1.*",   "ext-.*",  "team-[135]", ".*a.*",
    "(g2|team-2)", "[a-z]+", "Admins?", "g7[0-9]",    "(ext|team)-[a-c1-3]"};

std::vector<std::string> DomainPool() {
  std::vector<std::string> pool = {"example.com",     "a.example.com", "*.example.com",
                                   "corp.test",       "*.corp.test",   "b.a.example.com",
                                   "*.a.example.com", "other.org",     "*.org"};
  // Enough exact domains that domain bitsets span two words.
  for (int i = 0; i < 70; ++i) pool.push_back("d" + std::to_string(i) + ".test");
  return pool;
}

const std::vector<std::string> kLoginDomains = {
    "example.com",      "a.example.com", "b.a.example.com", "x.example.com", "corp.test",
    "deep.x.corp.test", "other.org",     "EXAMPLE.COM",     "org",           "d3.test",
    "d42.test",         "d69.test",      "x.d5.test",       "A.Example.Com"};

const std::vector<std::string> kExternalGroups = {"okta-admins", "okta-dev", "AD-Eng-1", "AD-Eng-2",
                                                  "AD-Sales"};

template <typename T>
const T& Pick(std::mt19937_64& rng, const std::vector<T>& v) {
  return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
}

bool Chance(std::mt19937_64& rng, double p) { return std::bernoulli_distribution(p)(rng); }

int Uniform(std::mt19937_64& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}

Enablement RandomEnablement(std::mt19937_64& rng) {
  return static_cast<Enablement>(Uniform(rng, 1, 3));
}

std::string UserName(int i) { return "u" + std::to_string(i); }

std::vector<Located<std::string>> Some(std::mt19937_64& rng, const std::vector<std::string>& pool,
                                       int lo, int hi) {
  std::vector<Located<std::string>> out;
  int n = Uniform(rng, lo, hi);
  for (int i = 0; i < n; ++i) out.push_back({Pick(rng, pool), {}});
  return out;
}

void RandomOutcome(std::mt19937_64& rng, const std::vector<std::string>& profiles, RuleSpec* rule,
                   double local) {
  double r = std::uniform_real_distribution<double>(0, 1)(rng);
  if (r < local) {
    rule->target.kind = TargetKind::kLocal;
  } else if (r < local + (1 - local) / 4) {
    rule->target.kind = TargetKind::kDeny;
  } else if (r < local + (1 - local) * 5 / 8) {
    rule->target = {TargetKind::kIdentityProvider, Chance(rng, 0.5) ? "okta" : "azure", {}};
  } else {
    rule->target = {
        TargetKind::kUrl,
        Chance(rng, 0.5) ? "https://sso.example.com/x" : "https://exact.example.com/login",
        {}};
  }
  if (Chance(rng, 0.3)) rule->login_template.value = "login-" + std::to_string(Uniform(rng, 0, 3));
  if (Chance(rng, 0.3)) rule->logout_template.value = "out-" + std::to_string(Uniform(rng, 0, 3));
  if (Chance(rng, 0.6)) rule->authenticator.value = Pick(rng, profiles);
}

}  // namespace

PolicySpec RandomPolicy(std::mt19937_64& rng, int max_rules) {
  static const std::vector<std::string> groups = GroupPool();
  static const std::vector<std::string> domains = DomainPool();
  std::vector<std::string> users;
  for (int i = 0; i < 20; ++i) users.push_back(UserName(i));
  users.push_back("Mixed.Case");

  PolicySpec spec;
  spec.default_enablement = RandomEnablement(rng);
  std::set<std::string> seen;
  for (int i = Uniform(rng, 0, 5); i > 0; --i) {
    std::string name = Pick(rng, users);
    if (seen.insert(name).second) spec.user_enablement.push_back({name, RandomEnablement(rng), {}});
  }
  seen.clear();
  for (int i = Uniform(rng, 0, 6); i > 0; --i) {
    std::string name = Pick(rng, groups);
    if (seen.insert(name).second)
      spec.group_enablement.push_back({name, RandomEnablement(rng), {}});
  }
  spec.reset_login = Chance(rng, 0.5) ? ResetLogin::kDeny : ResetLogin::kPasswordThenRegister;
  for (int i = Uniform(rng, 0, 3); i > 0; --i) {
    BypassSpec b;
    b.subject = Chance(rng, 0.5) ? BypassSpec::Subject::kUser : BypassSpec::Subject::kGroup;
    b.name = b.subject == BypassSpec::Subject::kUser ? Pick(rng, users) : Pick(rng, groups);
    b.until = kRandomEpoch + Uniform(rng, -1000, 1000);
    spec.bypasses.push_back(b);
  }
  spec.known_groups = Some(rng, groups, 0, 30);
  for (int i = Uniform(rng, 0, 3); i > 0; --i) {
    GroupMappingSpec m;
    switch (Uniform(rng, 0, 3)) {
      case 0:
        m.value.value = Pick(rng, kExternalGroups);
        break;
      case 1:
        m.value.value = "AD-Eng-.*";
        m.regex = true;
        break;
      case 2:
        m.source = GroupMappingSpec::Source::kAttribute;
        m.attribute = "department";
        m.value.value = Chance(rng, 0.5) ? "Engineering" : "Sales";
        break;
      default:
        m.source = GroupMappingSpec::Source::kAttribute;
        m.attribute = "country";
        m.value.value = "(DE|FR)";
        m.regex = true;
    }
    m.groups = Some(rng, groups, 1, 2);
    spec.group_mappings.push_back(m);
  }
  spec.identity_providers = {{"okta", "saml", "Okta", {}}, {"azure", "oidc", "", {}}};
  spec.allowed_redirects = {{"https://sso.example.com/", {}},
                            {"https://exact.example.com/login", {}}};
  if (Chance(rng, 0.5)) spec.login_template = "corp-login";
  std::vector<std::string> profiles = {"default"};
  if (Chance(rng, 0.5)) {
    AuthenticatorSpec explicit_default;
    explicit_default.name = "default";
    explicit_default.user_verification = UserVerification::kDiscouraged;
    spec.authenticators.push_back(explicit_default);
  }
  for (const char* name : {"strict", "lax"}) {
    AuthenticatorSpec profile;
    profile.name = name;
    profile.user_verification = UserVerification::kRequired;
    spec.authenticators.push_back(profile);
    profiles.push_back(name);
  }

  spec.default_rule.id = "default";
  RandomOutcome(rng, profiles, &spec.default_rule, 0.7);
  int n = Uniform(rng, 0, max_rules);
  std::vector<int64_t> priorities(static_cast<size_t>(n) * 3);
  std::iota(priorities.begin(), priorities.end(), -n);
  std::shuffle(priorities.begin(), priorities.end(), rng);
  for (int i = 0; i < n; ++i) {
    RuleSpec rule;
    rule.id = "r" + std::to_string(i);
    rule.priority.value = priorities[i];
    if (!Chance(rng, 0.04)) {  // else: a catch-all rule
      do {
        if (Chance(rng, 0.25)) rule.users = Some(rng, users, 1, 3);
        if (Chance(rng, 0.35)) rule.domains = Some(rng, domains, 1, 3);
        if (Chance(rng, 0.5)) rule.groups = Some(rng, groups, 1, 4);
        if (Chance(rng, 0.3)) rule.group_regex = Some(rng, kPatterns, 1, 2);
      } while (rule.users.empty() && rule.domains.empty() && rule.groups.empty() &&
               rule.group_regex.empty());
    }
    RandomOutcome(rng, profiles, &rule, 0.5);
    spec.rules.push_back(std::move(rule));
  }
  return spec;
}

Login RandomLogin(std::mt19937_64& rng) {
  static const std::vector<std::string> groups = GroupPool();
  std::string user = Chance(rng, 0.9) ? UserName(Uniform(rng, 0, 24)) : "mixed.case";
  if (Chance(rng, 0.1)) user[0] = 'U';
  if (Chance(rng, 0.1)) user += "@" + Pick(rng, kLoginDomains);
  Login login(user);
  if (Chance(rng, 0.7)) login.Email("someone@" + Pick(rng, kLoginDomains));
  std::vector<std::string> mine;
  for (int i = Uniform(rng, 0, 10); i > 0; --i) {
    mine.push_back(Chance(rng, 0.8) ? Pick(rng, groups) : Pick(rng, kUnknownGroups));
  }
  login.Groups(mine);
  std::vector<std::string> external;
  for (int i = Uniform(rng, 0, 2); i > 0; --i) external.push_back(Pick(rng, kExternalGroups));
  login.ExternalGroups(external);
  if (Chance(rng, 0.3)) login.Attribute("department", Chance(rng, 0.5) ? "Engineering" : "Sales");
  if (Chance(rng, 0.3)) login.Attribute("country", Chance(rng, 0.5) ? "DE" : "US");
  if (Chance(rng, 0.3)) login.BypassUntil(kRandomEpoch + Uniform(rng, -1000, 1000));
  if (Chance(rng, 0.2)) login.MustReregister();
  login.Now(kRandomEpoch + Uniform(rng, -1500, 1500));
  return login;
}

}  // namespace keystorm::policy::testing
