// [[rule]] and [default]: criteria, target, templates, authenticator profile.
#include <string>

#include "parse_sections.h"

namespace keystorm::policy::internal {
namespace {

// target = "local" | "deny" | { idp = "ID" } | { url = "https://..." }
void ParseTarget(TableReader* reader, TargetSpec* target) {
  const toml::node* node = reader->Get("target");
  if (node == nullptr) return;  // local
  target->position = PositionOf(*node);
  if (node->is_string()) {
    Located<std::string> text{node->as_string()->get(), PositionOf(*node)};
    reader->EnumValue<TargetKind>(text, "target",
                                  {{"local", TargetKind::kLocal}, {"deny", TargetKind::kDeny}},
                                  &target->kind);
    return;
  }
  if (!node->is_table()) {
    reader->sink()->Error(target->position,
                          reader->where() +
                              ".target: expected \"local\", \"deny\", { idp = \"ID\" } or "
                              "{ url = \"https://...\" }");
    return;
  }
  TableReader inner(*node->as_table(), reader->where() + ".target", reader->sink());
  bool has_idp = inner.String("idp", &target->value);
  if (has_idp) target->kind = TargetKind::kIdentityProvider;
  std::string url;
  if (inner.String("url", &url)) {
    if (has_idp) {
      reader->sink()->Error(target->position,
                            reader->where() + ".target: give either idp or url, not both");
    }
    target->kind = TargetKind::kUrl;
    target->value = std::move(url);
  } else if (!has_idp) {
    reader->sink()->Error(target->position,
                          reader->where() + ".target: a target table needs idp or url");
  }
  inner.Finish();
}

}  // namespace

void ParseRule(TableReader* reader, bool is_default, RuleSpec* rule) {
  rule->position = reader->position();
  if (is_default) {
    rule->id = "default";
  } else {
    if (!reader->String("id", &rule->id)) {
      if (reader->table().get("id") == nullptr) {
        reader->sink()->Error(rule->position, reader->where() + ": missing key \"id\"");
      }
    }
    if (!reader->Integer("priority", &rule->priority) &&
        reader->table().get("priority") == nullptr) {
      reader->sink()->Error(rule->position, reader->where() + ": missing key \"priority\"");
    }
    reader->StringList("users", &rule->users);
    reader->StringList("domains", &rule->domains);
    reader->StringList("groups", &rule->groups);
    reader->StringList("group_regex", &rule->group_regex);
  }
  ParseTarget(reader, &rule->target);
  reader->String("login_template", &rule->login_template);
  reader->String("logout_template", &rule->logout_template);
  reader->String("authenticator", &rule->authenticator);
  reader->Finish();
}

}  // namespace keystorm::policy::internal
