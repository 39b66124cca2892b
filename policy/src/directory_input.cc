#include "keystorm/policy/directory_input.h"

namespace keystorm::policy {

DirectoryPolicyInput::DirectoryPolicyInput(const DirectoryUser& user) : user_(user) {
  groups_.reserve(user.groups.size());
  for (const std::string& group : user.groups) groups_.push_back(group);
  attributes_.reserve(user.attributes.size());
  for (const auto& [name, value] : user.attributes) attributes_.push_back({name, value});
}

PolicyInput DirectoryPolicyInput::Get(int64_t now, std::optional<int64_t> bypass_until,
                                      bool must_reregister) const {
  PolicyInput input;
  input.user = user_.name;
  input.email = user_.email;
  input.groups = groups_;
  input.attributes = attributes_;
  input.bypass_until = bypass_until;
  input.must_reregister = must_reregister;
  input.now = now;
  return input;
}

}  // namespace keystorm::policy
