// An in-memory UserDirectory for tests, benchmarks and embedding without
// persistence.  Nothing survives the process.  It passes the same contract
// suite as the RocksDB directory (tests/storage/.../directory_contract.h).
//
// Thread safety: all methods.  One reader-writer lock: lookups (the login
// path) share it, writes (admin, import) take it alone, so ApplyBatch is
// atomic to every reader.
#ifndef KEYSTORM_STORAGE_MEMORY_USER_DIRECTORY_H_
#define KEYSTORM_STORAGE_MEMORY_USER_DIRECTORY_H_

#include <functional>
#include <map>
#include <shared_mutex>
#include <string>

#include "keystorm/export.h"
#include "keystorm/user_directory.h"

namespace keystorm::storage {

class KEYSTORM_EXPORT MemoryUserDirectory final : public UserDirectory {
 public:
  MemoryUserDirectory() = default;

  Status FindByName(std::string_view name, std::optional<DirectoryUser>* out) override;
  Status Upsert(const DirectoryUser& user) override;
  Status Remove(std::string_view name) override;
  Status ApplyBatch(std::span<const DirectoryUser> upserts,
                    std::span<const std::string> removals) override;
  Status List(std::string_view after, size_t limit, std::vector<DirectoryUser>* out) override;

 private:
  std::shared_mutex mu_;
  std::map<std::string, DirectoryUser, std::less<>> users_;  // GUARDED_BY(mu_)
};

}  // namespace keystorm::storage

#endif  // KEYSTORM_STORAGE_MEMORY_USER_DIRECTORY_H_
