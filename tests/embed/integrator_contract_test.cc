// The example's own store and directory (docs/examples/embed/), written
// against the installed API only, pass the same contract suites as
// Keystorm's built-in stores and directories.
#include "keystorm/storage/testing/directory_contract.h"
#include "keystorm/storage/testing/store_contract.h"
#include "map_credential_store.h"
#include "map_user_directory.h"

namespace keystorm::storage::testing {
namespace {

std::unique_ptr<CredentialStore> OpenMapStore(const std::string&) {
  return std::make_unique<example::MapCredentialStore>();
}

std::unique_ptr<UserDirectory> OpenMapDirectory(const std::string&) {
  return std::make_unique<example::MapUserDirectory>();
}

INSTANTIATE_TEST_SUITE_P(Integrator, StoreContractTest,
                         ::testing::Values(StoreFactory{"ExampleMapStore", OpenMapStore, false}),
                         StoreFactoryName);
INSTANTIATE_TEST_SUITE_P(Integrator, DirectoryContractTest,
                         ::testing::Values(DirectoryFactory{"ExampleMapDirectory",
                                                            OpenMapDirectory, false}),
                         DirectoryFactoryName);

}  // namespace
}  // namespace keystorm::storage::testing
