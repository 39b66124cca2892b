// Private: [[group_mapping]] evaluation. Runs in Prepare (and Explain), before
// the rules: identity-provider groups and attributes become local groups.
#ifndef KEYSTORM_POLICY_SRC_GROUP_MAPPING_H_
#define KEYSTORM_POLICY_SRC_GROUP_MAPPING_H_

#include <cstdint>
#include <vector>

#include "keystorm/policy/policy.h"
#include "program.h"

namespace keystorm::policy::internal {

// Appends to *keys the group keys of every mapping that matches one of the
// input's external groups or attributes (unsorted, possibly repeated), and
// to *applied (when not null) the index of each mapping that applied. A
// regex that fails to run sets *failed.
void ApplyGroupMappings(const Program& program, const PolicyInput& input,
                        std::vector<uint32_t>* keys, std::vector<size_t>* applied, bool* failed);

}  // namespace keystorm::policy::internal

#endif  // KEYSTORM_POLICY_SRC_GROUP_MAPPING_H_
