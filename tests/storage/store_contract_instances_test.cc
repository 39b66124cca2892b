// Runs the CredentialStore contract against both Keystorm stores.
#include "keystorm/storage/memory_store.h"
#include "keystorm/storage/rocks_store.h"
#include "keystorm/storage/testing/store_contract.h"
#include "store_test_util.h"

namespace keystorm::storage::testing {
namespace {

std::unique_ptr<CredentialStore> OpenMemory(const std::string&) {
  return std::make_unique<MemoryCredentialStore>();
}

// Production durability (synced WAL): the contract is about what a service
// gets, and the races run against real group commits.
std::unique_ptr<CredentialStore> OpenRocks(const std::string& dir) {
  StoreConfig config;
  config.path = dir + "/db";
  config.block_cache_bytes = 8 << 20;
  config.write_buffer_bytes = 4 << 20;
  config.challenge_sweep_interval_ms = 0;  // the tests sweep with their own clock
  auto store = RocksCredentialStore::Open(config);
  if (!store) {
    ADD_FAILURE() << store.error().ToString();
    return nullptr;
  }
  return std::move(store.value());
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreContractTest,
                         ::testing::Values(StoreFactory{"Memory", OpenMemory, false},
                                           StoreFactory{"RocksDB", OpenRocks, true}),
                         StoreFactoryName);

}  // namespace
}  // namespace keystorm::storage::testing
