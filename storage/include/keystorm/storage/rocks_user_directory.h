// The RocksDB UserDirectory: users in the `directory` column family of a
// RocksCredentialStore's database (docs/storage_format.md), so one store
// directory holds accounts, credentials and the directory, and one backup
// copies them together.
//
// Atomicity and durability as for the store: ApplyBatch is one WriteBatch
// (all or nothing), written with the store's durability (a synced WAL in a
// service), so OK means durable.  Upserts and removals are serialised by a
// mutex of this object (they are admin and import traffic); lookups take no
// lock.
//
// Lifetime: the store must outlive this object.  Thread safety: every
// method, from any number of threads.
#ifndef KEYSTORM_STORAGE_ROCKS_USER_DIRECTORY_H_
#define KEYSTORM_STORAGE_ROCKS_USER_DIRECTORY_H_

#include <mutex>

#include "keystorm/export.h"
#include "keystorm/storage/rocks_store.h"
#include "keystorm/user_directory.h"

namespace keystorm::storage {

class KEYSTORM_EXPORT RocksUserDirectory final : public UserDirectory {
 public:
  // REQUIRES: store != nullptr, and it outlives this object.
  explicit RocksUserDirectory(RocksCredentialStore* store) : store_(store) {}

  // A stored value that fails to decode is Corruption naming the user.
  Status FindByName(std::string_view name, std::optional<DirectoryUser>* out) override;
  Status Upsert(const DirectoryUser& user) override;
  Status Remove(std::string_view name) override;
  Status ApplyBatch(std::span<const DirectoryUser> upserts,
                    std::span<const std::string> removals) override;
  Status List(std::string_view after, size_t limit, std::vector<DirectoryUser>* out) override;

 private:
  RocksCredentialStore* store_;
  std::mutex write_mu_;  // Remove's check-then-delete against other writers
};

}  // namespace keystorm::storage

#endif  // KEYSTORM_STORAGE_ROCKS_USER_DIRECTORY_H_
