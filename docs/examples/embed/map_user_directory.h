// An integrator's own UserDirectory: users in a std::map behind a mutex.
// In a real product this would read the product's own user and group
// tables.  Keystorm's installed PrepareDirectoryBatch does the validation
// and canonical form, so ApplyBatch is all or nothing like the built-in
// directories; it passes the same contract suite (tests/embed/).
#ifndef KEYSTORM_EXAMPLE_MAP_USER_DIRECTORY_H_
#define KEYSTORM_EXAMPLE_MAP_USER_DIRECTORY_H_

#include <map>
#include <mutex>
#include <string>

#include <keystorm/storage/directory_codec.h>
#include <keystorm/user_directory.h>

namespace example {

class MapUserDirectory final : public keystorm::UserDirectory {
 public:
  using Status = keystorm::Status;
  using DirectoryUser = keystorm::DirectoryUser;

  Status FindByName(std::string_view name, std::optional<DirectoryUser>* out) override {
    std::lock_guard<std::mutex> lock(mu_);
    out->reset();
    auto it = users_.find(name);
    if (it != users_.end()) *out = it->second;
    return Status::Ok();
  }

  Status Upsert(const DirectoryUser& user) override {
    return ApplyBatch(std::span<const DirectoryUser>(&user, 1), {});
  }

  Status Remove(std::string_view name) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = users_.find(name);
    if (it == users_.end()) return Status::NotFound("no such directory user");
    users_.erase(it);
    return Status::Ok();
  }

  Status ApplyBatch(std::span<const DirectoryUser> upserts,
                    std::span<const std::string> removals) override {
    std::vector<DirectoryUser> canonical;
    if (Status s = keystorm::storage::PrepareDirectoryBatch(upserts, removals, &canonical);
        !s.ok()) {
      return s;  // nothing written
    }
    std::lock_guard<std::mutex> lock(mu_);
    for (DirectoryUser& user : canonical) users_[user.name] = std::move(user);
    for (const std::string& name : removals) users_.erase(name);
    return Status::Ok();
  }

  Status List(std::string_view after, size_t limit, std::vector<DirectoryUser>* out) override {
    std::lock_guard<std::mutex> lock(mu_);
    out->clear();
    for (auto it = users_.upper_bound(after); it != users_.end() && out->size() < limit; ++it) {
      out->push_back(it->second);
    }
    return Status::Ok();
  }

 private:
  std::mutex mu_;
  std::map<std::string, DirectoryUser, std::less<>> users_;
};

}  // namespace example

#endif  // KEYSTORM_EXAMPLE_MAP_USER_DIRECTORY_H_
