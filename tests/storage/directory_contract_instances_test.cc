// Runs the UserDirectory contract against both Keystorm directories.
#include "keystorm/storage/memory_user_directory.h"
#include "keystorm/storage/rocks_store.h"
#include "keystorm/storage/rocks_user_directory.h"
#include "keystorm/storage/testing/directory_contract.h"

namespace keystorm::storage::testing {
namespace {

std::unique_ptr<UserDirectory> OpenMemory(const std::string&) {
  return std::make_unique<MemoryUserDirectory>();
}

// The RocksDB directory borrows its store; this owns both, store last out.
class OwningRocksDirectory final : public UserDirectory {
 public:
  explicit OwningRocksDirectory(std::unique_ptr<RocksCredentialStore> store)
      : store_(std::move(store)), directory_(store_.get()) {}
  Status FindByName(std::string_view name, std::optional<DirectoryUser>* out) override {
    return directory_.FindByName(name, out);
  }
  Status Upsert(const DirectoryUser& user) override { return directory_.Upsert(user); }
  Status Remove(std::string_view name) override { return directory_.Remove(name); }
  Status ApplyBatch(std::span<const DirectoryUser> upserts,
                    std::span<const std::string> removals) override {
    return directory_.ApplyBatch(upserts, removals);
  }
  Status List(std::string_view after, size_t limit, std::vector<DirectoryUser>* out) override {
    return directory_.List(after, limit, out);
  }

 private:
  std::unique_ptr<RocksCredentialStore> store_;
  RocksUserDirectory directory_;
};

// Production durability (synced WAL), as the store contract.
std::unique_ptr<UserDirectory> OpenRocks(const std::string& dir) {
  StoreConfig config;
  config.path = dir + "/db";
  config.block_cache_bytes = 8 << 20;
  config.write_buffer_bytes = 4 << 20;
  config.challenge_sweep_interval_ms = 0;
  auto store = RocksCredentialStore::Open(config);
  if (!store) {
    ADD_FAILURE() << store.error().ToString();
    return nullptr;
  }
  return std::make_unique<OwningRocksDirectory>(std::move(store.value()));
}

INSTANTIATE_TEST_SUITE_P(Directories, DirectoryContractTest,
                         ::testing::Values(DirectoryFactory{"Memory", OpenMemory, false},
                                           DirectoryFactory{"RocksDB", OpenRocks, true}),
                         DirectoryFactoryName);

}  // namespace
}  // namespace keystorm::storage::testing
