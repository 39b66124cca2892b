#include "compile_checks.h"

#include <map>
#include <regex>
#include <set>
#include <string>

#include "keystorm/cose_key.h"
#include "keystorm/policy/policy.h"
#include "regex_pattern.h"
#include "text.h"

namespace keystorm::policy::internal {
namespace {

class Checker {
 public:
  Checker(const PolicySpec& spec, DiagnosticSink* sink) : spec_(spec), sink_(sink) {}

  void Run() {
    if (spec_.format != 1) sink_->Error({}, "format must be 1");
    CheckProfiles();
    for (const auto& idp : spec_.identity_providers) CheckIdentityProvider(idp);
    for (const auto& url : spec_.allowed_redirects) {
      if (!IsValidRedirectUrl(url.value)) {
        sink_->Error(url.position, "[redirect].allowed_urls: \"" + url.value +
                                       "\" is not an absolute https:// URL");
      }
    }
    CheckTemplate({spec_.login_template, {}}, "[templates].login");
    CheckTemplate({spec_.logout_template, {}}, "[templates].logout");
    CheckEnablements();
    for (const auto& bypass : spec_.bypasses) {
      CheckName(bypass.name, bypass.position, "[[bypass]] name");
    }
    CheckCount(spec_.known_groups.size(), {}, "[groups].known");
    for (const auto& group : spec_.known_groups) {
      CheckName(group.value, group.position, "[groups].known entry");
    }
    for (const auto& mapping : spec_.group_mappings) CheckMapping(mapping);
    CheckDefaultRule();
    CheckRules();
  }

 private:
  void CheckCount(size_t count, SourcePosition position, std::string_view what) {
    if (count > kMaxListEntries) {
      sink_->Error(position, std::string(what) + ": more than " + std::to_string(kMaxListEntries) +
                                 " entries");
    }
  }

  void CheckName(std::string_view name, SourcePosition position, std::string_view what) {
    if (name.empty()) {
      sink_->Error(position, std::string(what) + " is empty");
    } else if (name.size() > kMaxNameBytes) {
      sink_->Error(position, std::string(what) + " is longer than " +
                                 std::to_string(kMaxNameBytes) + " bytes");
    }
  }

  void CheckRegex(const Located<std::string>& pattern, std::string_view what) {
    std::regex regex;
    std::string error;
    if (!CompilePattern(pattern.value, &regex, &error)) {
      sink_->Error(pattern.position, std::string(what) + ": /" + pattern.value + "/: " + error);
    }
  }

  void CheckTemplate(const Located<std::string>& name, std::string_view what) {
    if (!IsValidIdentifier(name.value)) {
      sink_->Error(name.position, std::string(what) + ": \"" + name.value +
                                      "\" is not a template name ([A-Za-z0-9._-], 1-64)");
    }
  }

  void CheckProfiles() {
    for (const auto& profile : spec_.authenticators) {
      if (!IsValidIdentifier(profile.name)) {
        sink_->Error(profile.position, "authenticator profile name \"" + profile.name +
                                           "\" is not [A-Za-z0-9._-], 1-64");
      }
      if (!profiles_.insert(profile.name).second) {
        sink_->Error(profile.position,
                     "authenticator profile \"" + profile.name + "\" is defined twice");
      }
      std::set<int64_t> seen;
      for (const auto& alg : profile.algorithms) {
        if (!IsImplementedAlgorithm(alg.value)) {
          sink_->Error(alg.position, "[authenticator." + profile.name +
                                         "].algorithms: " + std::to_string(alg.value) +
                                         " is not an algorithm Keystorm implements");
        } else if (!seen.insert(alg.value).second) {
          sink_->Error(alg.position, "[authenticator." + profile.name + "].algorithms: " +
                                         std::string(CoseAlgorithmName(alg.value)) +
                                         " is listed twice");
        }
      }
      for (const Aaguid& aaguid : profile.allowed_aaguids) {
        for (const Aaguid& denied : profile.denied_aaguids) {
          if (aaguid == denied) {
            sink_->Warning(profile.position, "[authenticator." + profile.name +
                                                 "]: an AAGUID is both allowed and denied "
                                                 "(denied wins)");
          }
        }
      }
    }
    profiles_.insert("default");  // implied when absent
  }

  void CheckIdentityProvider(const IdentityProviderSpec& idp) {
    if (!IsValidIdentifier(idp.id)) {
      sink_->Error(idp.position,
                   "identity provider id \"" + idp.id + "\" is not [A-Za-z0-9._-], 1-64");
    }
    if (idp.protocol != "saml" && idp.protocol != "oidc") {
      sink_->Error(idp.position,
                   "[identity_providers." + idp.id + "].protocol: expected \"saml\" or \"oidc\"");
    }
    if (!idps_.insert(idp.id).second) {
      sink_->Error(idp.position, "identity provider \"" + idp.id + "\" is defined twice");
    }
  }

  void CheckEnablements() {
    std::set<std::string> users, groups;
    for (const auto& entry : spec_.user_enablement) {
      CheckName(entry.name, entry.position, "[webauthn].users name");
      if (!users.insert(AsciiLower(entry.name)).second) {
        sink_->Error(entry.position, "[webauthn].users: \"" + entry.name +
                                         "\" is listed twice (user names ignore case)");
      }
    }
    for (const auto& entry : spec_.group_enablement) {
      CheckName(entry.name, entry.position, "[webauthn].groups name");
      if (!groups.insert(entry.name).second) {
        sink_->Error(entry.position, "[webauthn].groups: \"" + entry.name + "\" is listed twice");
      }
    }
  }

  void CheckMapping(const GroupMappingSpec& mapping) {
    if (mapping.source == GroupMappingSpec::Source::kAttribute) {
      CheckName(mapping.attribute, mapping.position, "[[group_mapping]] attribute");
    }
    if (mapping.regex) {
      CheckRegex(mapping.value, "[[group_mapping]] regex");
    } else {
      CheckName(mapping.value.value, mapping.value.position, "[[group_mapping]] value");
    }
    if (mapping.groups.empty()) {
      sink_->Error(mapping.position, "[[group_mapping]] adds no groups");
    }
    for (const auto& group : mapping.groups) {
      CheckName(group.value, group.position, "[[group_mapping]] group");
    }
  }

  void CheckOutcome(const RuleSpec& rule, const std::string& where) {
    const TargetSpec& target = rule.target;
    switch (target.kind) {
      case TargetKind::kLocal:
      case TargetKind::kDeny:
        if (!target.value.empty()) {
          sink_->Error(target.position, where + ".target: local and deny take no value");
        }
        break;
      case TargetKind::kIdentityProvider:
        if (idps_.count(target.value) == 0) {
          sink_->Error(target.position, where + ".target: identity provider \"" + target.value +
                                            "\" is not declared under [identity_providers]");
        }
        break;
      case TargetKind::kUrl:
        if (!IsValidRedirectUrl(target.value)) {
          sink_->Error(target.position,
                       where + ".target: \"" + target.value + "\" is not an absolute https:// URL");
        } else if (!IsAllowedRedirect(target.value, spec_.allowed_redirects)) {
          sink_->Error(target.position, where + ".target: \"" + target.value +
                                            "\" is not in [redirect].allowed_urls");
        }
        break;
    }
    if (!rule.login_template.value.empty()) {
      CheckTemplate(rule.login_template, where + ".login_template");
    }
    if (!rule.logout_template.value.empty()) {
      CheckTemplate(rule.logout_template, where + ".logout_template");
    }
    if (!rule.authenticator.value.empty() && profiles_.count(rule.authenticator.value) == 0) {
      sink_->Error(rule.authenticator.position,
                   where + ".authenticator: no profile \"" + rule.authenticator.value +
                       "\" ([authenticator." + rule.authenticator.value + "] is missing)");
    }
  }

  void CheckDefaultRule() {
    const RuleSpec& rule = spec_.default_rule;
    if (!rule.users.empty() || !rule.domains.empty() || !rule.groups.empty() ||
        !rule.group_regex.empty()) {
      sink_->Error(rule.position, "[default] takes no criteria: it applies when no rule matches");
    }
    CheckOutcome(rule, "[default]");
  }

  void CheckRules() {
    if (spec_.rules.size() > kMaxRules) {
      sink_->Error({}, "more than " + std::to_string(kMaxRules) + " rules");
      return;
    }
    std::map<std::string, SourcePosition> ids;
    std::map<int64_t, const RuleSpec*> priorities;
    for (const RuleSpec& rule : spec_.rules) {
      std::string where = "rule \"" + rule.id + "\"";
      if (!IsValidIdentifier(rule.id)) {
        sink_->Error(rule.position,
                     "rule id \"" + rule.id + "\" is not [A-Za-z0-9._-], 1-64 bytes");
      } else if (rule.id == "default") {
        sink_->Error(rule.position, "rule id \"default\" is reserved for [default]");
      } else if (auto [it, inserted] = ids.emplace(rule.id, rule.position); !inserted) {
        sink_->Error(rule.position, "rule id \"" + rule.id + "\" is already used at line " +
                                        std::to_string(it->second.line));
      }
      auto [it, inserted] = priorities.emplace(rule.priority.value, &rule);
      if (!inserted) {
        sink_->Error(rule.priority.position,
                     where + ": priority " + std::to_string(rule.priority.value) +
                         " is already used by rule \"" + it->second->id + "\" (line " +
                         std::to_string(it->second->position.line) +
                         "); priorities must be unique so the order is explicit");
      }
      CheckCount(
          rule.users.size() + rule.domains.size() + rule.groups.size() + rule.group_regex.size(),
          rule.position, where);
      for (const auto& user : rule.users) CheckName(user.value, user.position, where + " user");
      for (const auto& group : rule.groups) {
        CheckName(group.value, group.position, where + " group");
      }
      for (const auto& domain : rule.domains) {
        if (!IsValidDomain(AsciiLower(domain.value), /*allow_wildcard=*/true)) {
          sink_->Error(domain.position, where + ": \"" + domain.value +
                                            "\" is not a domain (example.com or *.example.com)");
        }
      }
      for (const auto& pattern : rule.group_regex) CheckRegex(pattern, where + " group_regex");
      CheckOutcome(rule, where);
    }
  }

  const PolicySpec& spec_;
  DiagnosticSink* sink_;
  std::set<std::string> profiles_;
  std::set<std::string> idps_;
};

}  // namespace

void CheckSpec(const PolicySpec& spec, DiagnosticSink* sink) { Checker(spec, sink).Run(); }

}  // namespace keystorm::policy::internal
