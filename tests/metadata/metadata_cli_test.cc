// `keystorm metadata check`: the built CLI run on BLOBs and a RocksDB store
// written by the test.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "keystorm/base64url.h"
#include "keystorm/storage/rocks_store.h"
#include "keystorm/test/test_authenticator.h"
#include "keystorm/test/scratch_dir.h"
#include "keystorm/test/test_mds.h"

namespace keystorm {
namespace {

using test::MdsEntryJson;
using test::MdsEntrySpec;

struct CliRun {
  int exit_status = -1;
  std::string out;
};

CliRun Keystorm(const std::string& args) {
  CliRun run;
  std::string command = std::string(KEYSTORM_CLI) + " " + args + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) run.out.append(buffer, n);
  int status = pclose(pipe);
  run.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

class MetadataCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(scratch_.path().empty());
    dir_ = scratch_.path();
    std::ofstream(dir_ / "root.pem") << mds_.RootPem();
  }

  std::string WriteBlob(const std::string& name, std::string_view next_update) {
    MdsEntrySpec revoked;
    revoked.aaguid = test::AaguidText(test::kTestAaguid);
    revoked.reports = {{"REVOKED", "2025-02-03"}};
    MdsEntrySpec fine;
    fine.aaguid = "01020304-0506-0708-090a-0b0c0d0e0f10";
    std::string path = (dir_ / name).string();
    std::ofstream(path) << mds_.Sign(test::MdsPayloadJson(
        42, next_update, {MdsEntryJson(revoked), MdsEntryJson(fine)}));
    return path;
  }
  std::string Root() const { return (dir_ / "root.pem").string(); }

  test::ScratchDir scratch_{"keystorm-metadata-cli"};
  std::filesystem::path dir_;
  test::TestMds mds_;
};

TEST_F(MetadataCliTest, PrintsASummaryOfAVerifiedBlob) {
  CliRun run = Keystorm("metadata check " + WriteBlob("blob.jwt", test::kMdsNextUpdate) + " --root " +
                     Root() + " --now 2030-01-01");
  EXPECT_EQ(run.exit_status, 0);
  EXPECT_EQ(run.out,
            "{\"event\":\"metadata_blob_verified\",\"no\":42,\"next_update\":\"2030-02-01\","
            "\"entries\":2,\"revoked\":1}\n");
}

TEST_F(MetadataCliTest, RefusesAnExpiredBlobAndABadNow) {
  std::string blob = WriteBlob("old.jwt", test::kMdsExpiredNextUpdate);
  CliRun run = Keystorm("metadata check " + blob + " --root " + Root() + " --now 2030-01-01T12:00:00Z");
  EXPECT_EQ(run.exit_status, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(Keystorm("metadata check " + blob + " --root " + Root() + " --now yesterday").exit_status, 1);
}

TEST_F(MetadataCliTest, RecheckListsTheRevokedCredentialsOfAStore) {
  std::string db = (dir_ / "db").string();
  {
    storage::StoreConfig config;
    config.path = db;
    auto store = storage::RocksCredentialStore::Open(config);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    for (uint8_t i : {1, 2}) {
      CredentialRecord r;
      r.id = Bytes{0xc1, i};
      r.user_handle = Bytes{0x0b, i};
      r.public_key_cose = test::TestKey::Cached(-7).CoseKey();
      r.algorithm = -7;
      if (i == 1) r.aaguid = test::kTestAaguid;
      bool inserted = false;
      ASSERT_TRUE((*store)->InsertCredentialIfAbsent(r, &inserted).ok());
    }
  }
  CliRun run = Keystorm("metadata check " + WriteBlob("blob.jwt", test::kMdsNextUpdate) + " --root " +
                     Root() + " --now 2030-01-01 --db " + db);
  EXPECT_EQ(run.exit_status, 0);
  EXPECT_EQ(run.out,
            "{\"event\":\"metadata_blob_verified\",\"no\":42,\"next_update\":\"2030-02-01\","
            "\"entries\":2,\"revoked\":1}\n"
            "{\"event\":\"credential_authenticator_revoked\",\"credential_id\":\"" +
                Base64UrlEncode(Bytes{0xc1, 1}) + "\",\"user_handle\":\"" +
                Base64UrlEncode(Bytes{0x0b, 1}) + "\",\"aaguid\":\"" +
                test::AaguidText(test::kTestAaguid) +
                "\",\"status\":\"REVOKED\",\"effective_date\":\"2025-02-03\"}\n"
                "{\"event\":\"metadata_recheck_done\",\"credentials_scanned\":2,"
                "\"credentials_revoked\":1}\n");
}

}  // namespace
}  // namespace keystorm
