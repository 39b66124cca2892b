// The contract every UserDirectory must keep, as a value-parameterized
// GoogleTest suite: the memory and RocksDB directories run it
// (tests/storage/directory_contract_instances_test.cc), and so can an
// integrator's directory.  Link the `keystorm::directory_contract` object
// library and instantiate:
//
//   INSTANTIATE_TEST_SUITE_P(MyDirectory, DirectoryContractTest,
//       ::testing::Values(DirectoryFactory{"Mine", OpenMine, /*persistent=*/true}),
//       DirectoryFactoryName);
//
// What it checks: every field round-trips and groups come back sorted and
// unique; upsert replaces; remove and NotFound; ApplyBatch is all or nothing
// (one bad user, or one name twice, writes nothing); removals of unknown
// names are fine; the limits; List pages in name order; racing writers all
// land; and, for persistent directories, that everything survives a reopen.
#ifndef KEYSTORM_STORAGE_TESTING_DIRECTORY_CONTRACT_H_
#define KEYSTORM_STORAGE_TESTING_DIRECTORY_CONTRACT_H_

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "keystorm/user_directory.h"

namespace keystorm::storage::testing {

struct DirectoryFactory {
  std::string name;  // letters, digits and '_' (a test name part)
  // Opens a directory over `dir`, an empty folder the suite made for this
  // test; for a persistent directory, opening it again after the previous
  // instance was destroyed must show every acknowledged write.  nullptr on
  // failure (the test then fails).
  std::function<std::unique_ptr<UserDirectory>(const std::string& dir)> open;
  bool persistent = false;
};

class DirectoryContractTest : public ::testing::TestWithParam<DirectoryFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;
  void Reopen();  // REQUIRES: GetParam().persistent
  UserDirectory* directory() { return directory_.get(); }

 private:
  std::string dir_;
  std::unique_ptr<UserDirectory> directory_;
};

std::string DirectoryFactoryName(const ::testing::TestParamInfo<DirectoryFactory>& info);

inline void PrintTo(const DirectoryFactory& factory, std::ostream* os) { *os << factory.name; }

}  // namespace keystorm::storage::testing

#endif  // KEYSTORM_STORAGE_TESTING_DIRECTORY_CONTRACT_H_
