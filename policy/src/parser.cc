// The policy document: toml++ syntax, then each top-level section.
#include "keystorm/policy/parser.h"

#include <toml++/toml.h>

#include <string>
#include <utility>

#include "parse_sections.h"
#include "parse_support.h"

namespace keystorm::policy {
namespace {

using internal::DiagnosticSink;
using internal::EnumNames;
using internal::PositionOf;
using internal::TableReader;

const EnumNames<Enablement> kEnablementNames = {{"required", Enablement::kRequired},
                                                {"optional", Enablement::kOptional},
                                                {"disabled", Enablement::kDisabled}};

// { name = "required", ... } under [webauthn].users / .groups.
void ParseEnablementTable(TableReader* parent, std::string_view key,
                          std::vector<NamedEnablement>* out) {
  const toml::table* table = parent->Table(key);
  if (table == nullptr) return;
  for (const auto& [name, node] : *table) {
    NamedEnablement entry;
    entry.name = std::string(name.str());
    entry.position = PositionOf(name);
    if (!node.is_string()) {
      parent->sink()->Error(PositionOf(node), parent->where() + "." + std::string(key) + "." +
                                                  entry.name +
                                                  ": expected \"required\", \"optional\" or "
                                                  "\"disabled\"");
      continue;
    }
    Located<std::string> text{node.as_string()->get(), PositionOf(node)};
    if (parent->EnumValue(text, std::string(key) + "." + entry.name, kEnablementNames,
                          &entry.enablement)) {
      out->push_back(std::move(entry));
    }
  }
}

void ParseWebAuthn(TableReader* reader, PolicySpec* spec) {
  reader->Enum("default", kEnablementNames, &spec->default_enablement);
  ParseEnablementTable(reader, "users", &spec->user_enablement);
  ParseEnablementTable(reader, "groups", &spec->group_enablement);
}

void ParseBypass(TableReader* reader, PolicySpec* spec) {
  BypassSpec bypass;
  bypass.position = reader->position();
  bool has_user = reader->String("user", &bypass.name);
  std::string group;
  if (reader->String("group", &group)) {
    if (has_user)
      reader->sink()->Error(bypass.position, reader->where() + ": give user or group, not both");
    bypass.subject = BypassSpec::Subject::kGroup;
    bypass.name = std::move(group);
  } else if (!has_user) {
    reader->sink()->Error(bypass.position, reader->where() + ": needs user or group");
  }
  if (!reader->DateTime("until", &bypass.until) && reader->table().get("until") == nullptr) {
    reader->sink()->Error(bypass.position,
                          reader->where() + ": needs until (a bypass always expires)");
  }
  reader->String("reason", &bypass.reason);
  spec->bypasses.push_back(std::move(bypass));
}

void ParseGroupMapping(TableReader* reader, PolicySpec* spec) {
  GroupMappingSpec mapping;
  mapping.position = reader->position();
  int sources = 0;
  if (reader->String("external_group", &mapping.value)) ++sources;
  if (reader->String("external_group_regex", &mapping.value)) {
    mapping.regex = true;
    ++sources;
  }
  if (reader->String("attribute", &mapping.attribute)) {
    mapping.source = GroupMappingSpec::Source::kAttribute;
    ++sources;
    int values = 0;
    if (reader->String("value", &mapping.value)) ++values;
    if (reader->String("value_regex", &mapping.value)) {
      mapping.regex = true;
      ++values;
    }
    if (values != 1) {
      reader->sink()->Error(mapping.position,
                            reader->where() + ": an attribute mapping needs value or value_regex");
    }
  }
  if (sources != 1) {
    reader->sink()->Error(mapping.position,
                          reader->where() +
                              ": needs exactly one of external_group, external_group_regex, "
                              "attribute");
  }
  if (!reader->StringList("groups", &mapping.groups) && reader->table().get("groups") == nullptr) {
    reader->sink()->Error(mapping.position,
                          reader->where() + ": needs groups (the local groups to add)");
  }
  spec->group_mappings.push_back(std::move(mapping));
}

void ParseIdentityProviders(const toml::table& table, DiagnosticSink* sink, PolicySpec* spec) {
  for (const auto& [key, node] : table) {
    std::string where = "[identity_providers." + std::string(key.str()) + "]";
    if (!node.is_table()) {
      sink->Error(PositionOf(node), where + ": expected a table");
      continue;
    }
    TableReader reader(*node.as_table(), where, sink);
    IdentityProviderSpec idp;
    idp.id = std::string(key.str());
    idp.position = PositionOf(key);
    std::string_view protocol;
    if (reader.Enum<std::string_view>("protocol", {{"saml", "saml"}, {"oidc", "oidc"}},
                                      &protocol)) {
      idp.protocol = std::string(protocol);
    } else if (node.as_table()->get("protocol") == nullptr) {
      sink->Error(idp.position, where + ": needs protocol (\"saml\" or \"oidc\")");
    }
    reader.String("display_name", &idp.display_name);
    reader.Finish();
    spec->identity_providers.push_back(std::move(idp));
  }
}

// Calls `parse` on each table of the [[key]] array.
template <typename F>
void ForEachTable(TableReader* root, std::string_view key, F parse) {
  const toml::array* array = root->TableArray(key);
  if (array == nullptr) return;
  size_t index = 0;
  for (const toml::node& node : *array) {
    ++index;
    TableReader reader(*node.as_table(), "[[" + std::string(key) + "]] #" + std::to_string(index),
                       root->sink());
    parse(&reader);
  }
}

void ParseDocument(const toml::table& document, DiagnosticSink* sink, PolicySpec* spec) {
  TableReader root(document, "policy", sink);
  Located<int64_t> format;
  if (!root.Integer("format", &format)) {
    if (document.get("format") == nullptr) {
      sink->Error({1, 1}, "missing key \"format\" (write format = 1 at the top of the file)");
    }
  } else if (format.value != 1) {
    sink->Error(format.position, "format " + std::to_string(format.value) +
                                     " is not supported (this Keystorm reads format 1)");
  }
  if (const toml::table* t = root.Table("webauthn")) {
    TableReader reader(*t, "[webauthn]", sink);
    ParseWebAuthn(&reader, spec);
    reader.Finish();
  }
  if (const toml::table* t = root.Table("reset")) {
    TableReader reader(*t, "[reset]", sink);
    reader.Enum<ResetLogin>(
        "login", {{"password", ResetLogin::kPasswordThenRegister}, {"deny", ResetLogin::kDeny}},
        &spec->reset_login);
    reader.Finish();
  }
  ForEachTable(&root, "bypass", [&](TableReader* r) {
    ParseBypass(r, spec);
    r->Finish();
  });
  if (const toml::table* t = root.Table("groups")) {
    TableReader reader(*t, "[groups]", sink);
    reader.StringList("known", &spec->known_groups);
    reader.Finish();
  }
  ForEachTable(&root, "group_mapping", [&](TableReader* r) {
    ParseGroupMapping(r, spec);
    r->Finish();
  });
  if (const toml::table* t = root.Table("identity_providers")) {
    ParseIdentityProviders(*t, sink, spec);
  }
  if (const toml::table* t = root.Table("redirect")) {
    TableReader reader(*t, "[redirect]", sink);
    reader.StringList("allowed_urls", &spec->allowed_redirects);
    reader.Finish();
  }
  if (const toml::table* t = root.Table("templates")) {
    TableReader reader(*t, "[templates]", sink);
    reader.String("login", &spec->login_template);
    reader.String("logout", &spec->logout_template);
    reader.Finish();
  }
  if (const toml::table* t = root.Table("authenticator")) {
    internal::ParseAuthenticators(*t, sink, spec);
  }
  spec->default_rule.id = "default";
  if (const toml::table* t = root.Table("default")) {
    TableReader reader(*t, "[default]", sink);
    internal::ParseRule(&reader, /*is_default=*/true, &spec->default_rule);
  }
  ForEachTable(&root, "rule", [&](TableReader* r) {
    RuleSpec rule;
    internal::ParseRule(r, /*is_default=*/false, &rule);
    spec->rules.push_back(std::move(rule));
  });
  root.Finish();
}

}  // namespace

Result<PolicySpec> ParsePolicy(std::string_view toml_text, std::vector<Diagnostic>* diagnostics) {
  DiagnosticSink sink(diagnostics);
  if (toml_text.size() > kMaxPolicyFileBytes) {
    sink.Error({}, "policy file larger than " + std::to_string(kMaxPolicyFileBytes) + " bytes");
    return Status::InvalidArgument(sink.first().message);
  }
  toml::table document;
  // toml++ (Debian's shared build) reports syntax errors by throwing; this is
  // the one place that catches them.
  try {
    document = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    const toml::source_position& p = e.source().begin;
    sink.Error({static_cast<uint32_t>(p.line), static_cast<uint32_t>(p.column)},
               std::string(e.description()));
  } catch (const std::exception& e) {
    sink.Error({}, std::string("cannot parse the policy: ") + e.what());
  }
  PolicySpec spec;
  if (sink.errors() == 0) ParseDocument(document, &sink, &spec);
  if (sink.errors() > 0) {
    const Diagnostic& first = sink.first();
    return Status::InvalidArgument(FormatDiagnostic("", first));
  }
  return spec;
}

}  // namespace keystorm::policy
