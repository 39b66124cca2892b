#include "keystorm/storage/memory_user_directory.h"

#include <mutex>

#include "keystorm/storage/directory_codec.h"

namespace keystorm::storage {

Status MemoryUserDirectory::FindByName(std::string_view name, std::optional<DirectoryUser>* out) {
  out->reset();
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto it = users_.find(name);
  if (it != users_.end()) *out = it->second;
  return Status::Ok();
}

Status MemoryUserDirectory::Upsert(const DirectoryUser& user) {
  return ApplyBatch(std::span<const DirectoryUser>(&user, 1), {});
}

Status MemoryUserDirectory::Remove(std::string_view name) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  auto it = users_.find(name);
  if (it == users_.end()) return Status::NotFound("directory user " + std::string(name));
  users_.erase(it);
  return Status::Ok();
}

Status MemoryUserDirectory::ApplyBatch(std::span<const DirectoryUser> upserts,
                                       std::span<const std::string> removals) {
  std::vector<DirectoryUser> canonical;
  if (Status s = PrepareDirectoryBatch(upserts, removals, &canonical); !s.ok()) return s;
  std::unique_lock<std::shared_mutex> lock(mu_);
  // Nothing below can fail but allocation, which ends the process.
  for (DirectoryUser& user : canonical) {
    std::string name = user.name;
    users_.insert_or_assign(std::move(name), std::move(user));
  }
  for (const std::string& name : removals) users_.erase(name);
  return Status::Ok();
}

Status MemoryUserDirectory::List(std::string_view after, size_t limit,
                                 std::vector<DirectoryUser>* out) {
  out->clear();
  std::shared_lock<std::shared_mutex> lock(mu_);
  for (auto it = users_.upper_bound(after); it != users_.end() && out->size() < limit; ++it) {
    out->push_back(it->second);
  }
  return Status::Ok();
}

}  // namespace keystorm::storage
