#include "group_mapping.h"

#include "regex_pattern.h"

namespace keystorm::policy::internal {
namespace {

bool Matches(const Mapping& mapping, std::string_view text, bool* failed) {
  return mapping.is_regex ? FullMatch(mapping.regex, text, failed) : text == mapping.value;
}

bool Applies(const Mapping& mapping, const PolicyInput& input, bool* failed) {
  if (mapping.source == GroupMappingSpec::Source::kExternalGroup) {
    for (std::string_view group : input.external_groups) {
      if (Matches(mapping, group, failed)) return true;
    }
    return false;
  }
  for (const Attribute& attribute : input.attributes) {
    if (attribute.name == mapping.attribute && Matches(mapping, attribute.value, failed)) {
      return true;
    }
  }
  return false;
}

}  // namespace

void ApplyGroupMappings(const Program& program, const PolicyInput& input,
                        std::vector<uint32_t>* keys, std::vector<size_t>* applied, bool* failed) {
  for (size_t i = 0; i < program.mappings.size(); ++i) {
    const Mapping& mapping = program.mappings[i];
    if (!Applies(mapping, input, failed)) continue;
    keys->insert(keys->end(), mapping.groups.begin(), mapping.groups.end());
    if (applied != nullptr) applied->push_back(i);
  }
}

}  // namespace keystorm::policy::internal
