// The contract every CredentialStore must keep, as a value-parameterized
// GoogleTest suite: the memory and RocksDB stores run it
// (tests/storage/store_contract_instances_test.cc), and so can an
// integrator's store.  Link the `keystorm::store_contract` object library
// and instantiate:
//
//   INSTANTIATE_TEST_SUITE_P(MyStore, StoreContractTest,
//       ::testing::Values(StoreFactory{"MyStore", OpenMyStore, /*persistent=*/true}),
//       StoreFactoryName);
//
// What it checks: every field round-trips; R26 uniqueness, also under racing
// inserts; the §7.2 step 22 counter rule at commit time, also under 8+
// racing threads (matrix CON-01); warn policy never lowers a counter; 0/0
// writes nothing; user lookups by name and handle; reset, bypass; challenges
// consumed exactly once, also under racing threads (CON-02), refused after
// expiry and after a sweep even if the clock steps back; limits; and, for
// persistent stores, that everything acknowledged survives a reopen.
#ifndef KEYSTORM_STORAGE_TESTING_STORE_CONTRACT_H_
#define KEYSTORM_STORAGE_TESTING_STORE_CONTRACT_H_

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "keystorm/credential_store.h"

namespace keystorm::storage::testing {

struct StoreFactory {
  std::string name;  // letters, digits and '_' (a test name part)
  // Opens a store over `dir`, an empty directory the suite made for this
  // test.  For a persistent store, opening the same directory again after
  // the previous instance was destroyed must show every acknowledged write.
  // Returns nullptr on failure (the test then fails).
  std::function<std::unique_ptr<CredentialStore>(const std::string& dir)> open;
  bool persistent = false;
};

class StoreContractTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Destroys the store and opens it again over the same directory.
  // REQUIRES: GetParam().persistent.
  void Reopen();
  CredentialStore* store() { return store_.get(); }

 private:
  std::string dir_;
  std::unique_ptr<CredentialStore> store_;
};

// For INSTANTIATE_TEST_SUITE_P's name generator.
std::string StoreFactoryName(const ::testing::TestParamInfo<StoreFactory>& info);

// So that a failure names the store rather than dumping the struct's bytes.
inline void PrintTo(const StoreFactory& factory, std::ostream* os) { *os << factory.name; }

}  // namespace keystorm::storage::testing

#endif  // KEYSTORM_STORAGE_TESTING_STORE_CONTRACT_H_
