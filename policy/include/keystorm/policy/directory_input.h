// A directory user (user_directory.h) as policy input: how a login decision
// uses the groups an import or the admin API stored.
//
//   std::optional<DirectoryUser> user;
//   directory->FindByName(name, &user);
//   DirectoryPolicyInput input(*user);
//   Decision d = policy->Decide(input.Get(now));
//
// The user's groups are the local directory groups; the identity-provider
// attributes stored next to them go to the policy's [[group_mapping]] rules,
// so the decision sees imported groups plus mapped groups, whatever the
// source.  Mapping happens at decision time, not at import: a policy reload
// changes the mapped groups without a re-import.
//
// Lifetime: the DirectoryUser must outlive this object, and this object every
// PolicyInput it returns (they hold views).  Not thread-safe; cheap to build.
#ifndef KEYSTORM_POLICY_DIRECTORY_INPUT_H_
#define KEYSTORM_POLICY_DIRECTORY_INPUT_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "keystorm/export.h"
#include "keystorm/policy/policy.h"
#include "keystorm/user_directory.h"

namespace keystorm::policy {

class KEYSTORM_EXPORT DirectoryPolicyInput {
 public:
  explicit DirectoryPolicyInput(const DirectoryUser& user);
  DirectoryPolicyInput(const DirectoryPolicyInput&) = delete;
  DirectoryPolicyInput& operator=(const DirectoryPolicyInput&) = delete;

  // The input for a login at `now` (unix seconds), with the account state
  // from the credential store (UserRecord) when the caller has it.
  PolicyInput Get(int64_t now, std::optional<int64_t> bypass_until = std::nullopt,
                  bool must_reregister = false) const;

 private:
  const DirectoryUser& user_;
  std::vector<std::string_view> groups_;
  std::vector<Attribute> attributes_;
};

}  // namespace keystorm::policy

#endif  // KEYSTORM_POLICY_DIRECTORY_INPUT_H_
