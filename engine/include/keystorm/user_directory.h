// The user directory: who a user is and which groups they belong to, as an
// integrator's identity system says.  The policy engine decides by group
// (policy/), so every login decision starts with one FindByName.
//
// A directory user is identity data, kept apart from the WebAuthn account
// (UserRecord in credential_store.h: user handle, must_reregister, bypass).
// The two meet at the login name.  Names are compared byte for byte: callers
// normalise (case, Unicode) before they store or look up, as for accounts.
//
// Sources that fill a directory: the admin API, bulk import (`keystorm
// directory import`, all or nothing per file), or a trusted backend that
// states a user's groups per call.  Group mapping from identity-provider
// attributes (policy's mapping rules) applies to all of them; it is applied
// by the caller of this interface, which stores what the identity system
// said (attributes) next to the groups it named directly.
//
// Implementations: MemoryUserDirectory and the RocksDB store in storage/;
// an integrator may bring their own.  Thread safety: every method may be
// called from any number of threads at once.  Durability as for
// CredentialStore: OK means durable; a failure acknowledged nothing.
#ifndef KEYSTORM_USER_DIRECTORY_H_
#define KEYSTORM_USER_DIRECTORY_H_

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "keystorm/export.h"
#include "keystorm/status.h"

namespace keystorm {

struct KEYSTORM_EXPORT DirectoryUser {
  std::string name;  // login name; unique; 1-256 bytes
  std::string display_name;
  std::string email;
  // Groups named directly by the source, sorted and without duplicates.
  std::vector<std::string> groups;
  // Identity-provider attributes (for example LDAP `memberOf`, `department`),
  // in the order given; a name may repeat.  Policy mapping rules turn them
  // into further groups at decision time.
  std::vector<std::pair<std::string, std::string>> attributes;
};

class KEYSTORM_EXPORT UserDirectory {
 public:
  virtual ~UserDirectory() = default;

  // *out is the user, or nullopt when the directory does not know the name.
  virtual Status FindByName(std::string_view name, std::optional<DirectoryUser>* out) = 0;

  // Creates or replaces the user with this name.
  virtual Status Upsert(const DirectoryUser& user) = 0;

  // Removes the user; NotFound if absent.
  virtual Status Remove(std::string_view name) = 0;

  // Applies every upsert and removal in one atomic write: all or nothing.
  // A removal of an unknown name is not an error (imports are idempotent).
  virtual Status ApplyBatch(std::span<const DirectoryUser> upserts,
                            std::span<const std::string> removals) = 0;

  // Up to `limit` users whose names sort after `after`, in name order
  // (pagination for the admin API and export).
  virtual Status List(std::string_view after, size_t limit, std::vector<DirectoryUser>* out) = 0;
};

}  // namespace keystorm

#endif  // KEYSTORM_USER_DIRECTORY_H_
