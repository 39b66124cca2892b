// keystorm policy check FILE: parses and compiles a policy file, prints every
// error and warning as FILE:LINE:COLUMN: ..., exits 1 if there is an error.
//
// keystorm policy explain FILE --user U [--email E] [--groups a,b] ...:
// prints the decision for one login, the rule that produced it and why each
// earlier rule did not match. Exits 1 if the file or the input is refused.
#include <cstdio>
#include <ctime>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "commands.h"
#include "keystorm/cose_key.h"
#include "keystorm/policy/explain.h"
#include "keystorm/policy/policy.h"
#include "keystorm/read_file.h"

namespace keystorm::cli {
namespace {

using policy::Diagnostic;

// Reads and compiles FILE, printing its diagnostics to stderr.
std::shared_ptr<const policy::CompiledPolicy> Load(const std::string& path) {
  std::optional<std::string> text = ReadWholeFile(path);
  if (!text) {
    std::cerr << path << ": cannot read the file\n";
    return nullptr;
  }
  std::vector<Diagnostic> diagnostics;
  auto compiled = policy::LoadPolicy(*text, /*version=*/1, &diagnostics);
  for (const Diagnostic& d : diagnostics) std::cerr << policy::FormatDiagnostic(path, d) << "\n";
  return compiled ? *compiled : nullptr;
}

// Unix seconds, or RFC 3339 "2026-09-01T00:00:00Z" / "...+02:00".
std::optional<int64_t> ParseTime(const std::string& text) {
  if (!text.empty() && text.find_first_not_of("-0123456789") == std::string::npos) {
    return std::stoll(text);
  }
  std::tm tm{};
  char zone[8] = {};
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%7s", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, zone) != 7) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  int64_t seconds = timegm(&tm);
  std::string z(zone);
  if (z == "Z" || z == "z") return seconds;
  int hours = 0, minutes = 0;
  if (z.size() == 6 && (z[0] == '+' || z[0] == '-') &&
      std::sscanf(z.c_str() + 1, "%2d:%2d", &hours, &minutes) == 2) {
    int64_t offset = (hours * 60 + minutes) * 60;
    return z[0] == '+' ? seconds - offset : seconds + offset;
  }
  return std::nullopt;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? "(none)" : out;
}

std::string DescribeAuthenticator(const policy::AuthenticatorPolicy& a) {
  std::string out = a.name + " (user verification " +
                    std::string(policy::UserVerificationName(a.user_verification)) +
                    "; algorithms ";
  std::vector<std::string> algorithms;
  for (int64_t alg : a.requirements.allowed_algorithms) {
    algorithms.emplace_back(CoseAlgorithmName(alg));
  }
  out += algorithms.empty() ? "all" : Join(algorithms);
  out += a.attestation_required ? "; attestation required" : "; attestation optional";
  if (!a.allowed_aaguids.empty())
    out += "; " + std::to_string(a.allowed_aaguids.size()) + " AAGUIDs allowed";
  if (!a.denied_aaguids.empty())
    out += "; " + std::to_string(a.denied_aaguids.size()) + " AAGUIDs denied";
  out += a.backup_eligible_allowed ? "; synced passkeys allowed" : "; synced passkeys refused";
  out += a.requirements.sign_count_policy == SignCountPolicy::kReject ? "; sign count reject"
                                                                      : "; sign count warn";
  if (a.requirements.allow_backup_eligibility_upgrade) out += "; BE upgrade tolerated";
  return out + ")";
}

struct ExplainArgs {
  std::string file;
  std::string user;
  std::string email;
  std::vector<std::string> groups;
  std::vector<std::string> external_groups;
  std::vector<std::string> attributes;  // name=value
  std::string bypass_until;
  bool must_reregister = false;
  std::string now;
};

int RunExplain(const ExplainArgs& args) {
  auto compiled = Load(args.file);
  if (compiled == nullptr) return 1;
  policy::PolicyInput input;
  input.user = args.user;
  input.email = args.email;
  std::vector<std::string_view> groups(args.groups.begin(), args.groups.end());
  std::vector<std::string_view> external(args.external_groups.begin(), args.external_groups.end());
  std::vector<policy::Attribute> attributes;
  for (const std::string& a : args.attributes) {
    size_t eq = a.find('=');
    if (eq == std::string::npos) {
      std::cerr << "--attribute wants NAME=VALUE, got " << a << "\n";
      return 1;
    }
    attributes.push_back({std::string_view(a).substr(0, eq), std::string_view(a).substr(eq + 1)});
  }
  input.groups = groups;
  input.external_groups = external;
  input.attributes = attributes;
  input.must_reregister = args.must_reregister;
  input.now = std::time(nullptr);
  if (!args.now.empty()) {
    std::optional<int64_t> now = ParseTime(args.now);
    if (!now) {
      std::cerr << "--now: not a time: " << args.now << "\n";
      return 1;
    }
    input.now = *now;
  }
  if (!args.bypass_until.empty()) {
    input.bypass_until = ParseTime(args.bypass_until);
    if (!input.bypass_until) {
      std::cerr << "--bypass-until: not a time: " << args.bypass_until << "\n";
      return 1;
    }
  }

  Result<policy::Explanation> ex = policy::Explain(*compiled, input);
  if (!ex) {
    std::cerr << "explain: " << ex.error().ToString() << "\n";
    return 1;
  }
  const policy::Decision& d = ex->decision;
  std::cout << "decision: " << policy::ActionName(d.action);
  if (d.action == policy::Action::kRedirect) {
    std::cout << " to " << policy::TargetKindName(d.target_kind) << " " << d.target;
  }
  if (d.password_fallback) std::cout << " (password allowed)";
  if (d.must_register) std::cout << " (must register a new authenticator)";
  std::cout << "\nreason: " << policy::DecisionReasonName(d.reason) << "\n";
  if (d.rule_index == policy::kDefaultRuleIndex) {
    std::cout << "rule: default (no rule matched)\n";
  } else {
    const policy::RuleTrace& rule = ex->rules.back();
    std::cout << "rule: " << rule.rule_id << " (priority " << rule.priority << ", line "
              << rule.position.line << ")\n";
  }
  std::cout << "templates: login=" << d.login_template << " logout=" << d.logout_template << "\n"
            << "webauthn: " << policy::EnablementName(d.enablement) << " (" << ex->enablement_source
            << ")\n"
            << "bypass: " << (ex->bypass_source.empty() ? "none" : ex->bypass_source) << "\n"
            << "authenticator: " << DescribeAuthenticator(*d.authenticator) << "\n"
            << "policy version: " << d.policy_version << "\n"
            << "user: " << ex->user << "\n"
            << "login domain: " << (ex->domain.empty() ? "(none)" : ex->domain) << "\n"
            << "groups: " << Join(ex->groups) << "\n";
  for (const std::string& m : ex->mappings) std::cout << "mapped: " << m << "\n";
  std::cout << "rules in priority order:\n";
  if (ex->rules.empty()) std::cout << "  (the policy has no rules)\n";
  for (size_t i = 0; i < ex->rules.size(); ++i) {
    const policy::RuleTrace& r = ex->rules[i];
    std::cout << "  " << i + 1 << ". " << r.rule_id << " (priority " << r.priority << ", line "
              << r.position.line
              << "): " << (r.matched ? std::string("MATCH") : "no match: " + r.why_not) << "\n";
  }
  return 0;
}

int RunCheck(const std::string& file) {
  auto compiled = Load(file);
  if (compiled == nullptr) return 1;
  size_t rules = compiled->rule_count();
  std::cout << file << ": OK (" << rules << (rules == 1 ? " rule" : " rules") << ")\n";
  return 0;
}

}  // namespace

void AddPolicyCommand(CLI::App* app, int* exit_code) {
  auto* policy = app->add_subcommand("policy", "Check and explain login policy files");
  policy->require_subcommand(1);

  static std::string check_file;
  auto* check = policy->add_subcommand(
      "check", "Parse and compile a policy file; report errors with line and column");
  check->add_option("FILE", check_file, "Policy file (TOML, docs/policy.md)")->required();
  check->callback([exit_code] { *exit_code = RunCheck(check_file); });

  static ExplainArgs args;
  auto* explain = policy->add_subcommand(
      "explain", "Print the decision for one login and why earlier rules did not match");
  explain->add_option("FILE", args.file, "Policy file (TOML)")->required();
  explain->add_option("--user", args.user, "Login name")->required();
  explain->add_option("--email", args.email, "Email address (its domain is the login domain)");
  explain->add_option("--groups", args.groups, "Local groups, comma-separated")->delimiter(',');
  explain
      ->add_option("--external-groups", args.external_groups,
                   "Identity-provider groups, comma-separated")
      ->delimiter(',');
  explain->add_option("--attribute", args.attributes, "Identity-provider attribute NAME=VALUE");
  explain->add_option("--bypass-until", args.bypass_until,
                      "A bypass from the store: unix seconds or RFC 3339");
  explain->add_flag("--must-reregister", args.must_reregister,
                    "The user's authenticators were reset by an administrator");
  explain->add_option("--now", args.now, "Evaluate at this time (default: now)");
  explain->callback([exit_code] { *exit_code = RunExplain(args); });
}

}  // namespace keystorm::cli
