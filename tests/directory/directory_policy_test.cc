// The login decision uses the groups a directory import stored, and the
// groups the policy's [[group_mapping]] derives from imported attributes.
#include <gtest/gtest.h>

#include "keystorm/policy/directory_input.h"
#include "keystorm/policy/policy.h"
#include "keystorm/storage/directory_file.h"
#include "keystorm/storage/memory_user_directory.h"

namespace keystorm {
namespace {

constexpr std::string_view kPolicy = R"toml(
format = 1
[webauthn]
default = "optional"
groups = { "jira-administrators" = "required" }

[redirect]
allowed_urls = ["https://finance.example.com/"]

[[group_mapping]]
attribute = "department"
value = "Finance"
groups = ["finance"]

[[rule]]
id = "suspended"
priority = 10
groups = ["suspended-accounts"]
target = "deny"

[[rule]]
id = "finance-portal"
priority = 20
groups = ["finance"]
target = { url = "https://finance.example.com/login" }
)toml";

constexpr std::string_view kImport =
    "name,email,groups,department\n"
    "mallory,mallory@example.com,suspended-accounts,\n"
    "fiona,fiona@example.com,,Finance\n"
    "adam,adam@example.com,jira-administrators,\n"
    "nora,nora@example.com,,\n";

class DirectoryPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = policy::LoadPolicy(kPolicy, 1, nullptr);
    ASSERT_TRUE(loaded) << loaded.error().ToString();
    policy_ = loaded.value();
    storage::DirectoryImportReport report;
    ASSERT_TRUE(storage::ImportDirectoryFile(&directory_, kImport, storage::DirectoryFileFormat::kCsv,
                                             {}, &report)
                    .ok());
  }

  policy::Decision DecideFor(std::string_view name) {
    std::optional<DirectoryUser> user;
    EXPECT_TRUE(directory_.FindByName(name, &user).ok());
    EXPECT_TRUE(user.has_value()) << name;
    if (!user) return {};
    policy::DirectoryPolicyInput input(*user);
    return policy_->Decide(input.Get(1'800'000'000));
  }

  storage::MemoryUserDirectory directory_;
  std::shared_ptr<const policy::CompiledPolicy> policy_;
};

TEST_F(DirectoryPolicyTest, AGroupOnlyTheImportNamesDecides) {
  policy::Decision d = DecideFor("mallory");
  EXPECT_EQ(d.action, policy::Action::kDeny);
  EXPECT_EQ(d.rule_id, "suspended");
}

TEST_F(DirectoryPolicyTest, AnImportedAttributeMapsToAGroupThatDecides) {
  policy::Decision d = DecideFor("fiona");
  EXPECT_EQ(d.action, policy::Action::kRedirect);
  EXPECT_EQ(d.rule_id, "finance-portal");
  EXPECT_EQ(d.target, "https://finance.example.com/login");
}

TEST_F(DirectoryPolicyTest, AnImportedGroupSetsTheEnablement) {
  policy::Decision admin = DecideFor("adam");
  EXPECT_EQ(admin.action, policy::Action::kWebAuthn);
  EXPECT_EQ(admin.enablement, policy::Enablement::kRequired);
  EXPECT_FALSE(admin.password_fallback);
  policy::Decision plain = DecideFor("nora");
  EXPECT_EQ(plain.rule_id, "default");
  EXPECT_EQ(plain.enablement, policy::Enablement::kOptional);
  EXPECT_TRUE(plain.password_fallback);
}

TEST_F(DirectoryPolicyTest, ReimportingWithoutTheGroupChangesTheDecision) {
  storage::DirectoryImportReport report;
  ASSERT_TRUE(storage::ImportDirectoryFile(&directory_, "name,groups\nmallory,\n",
                                           storage::DirectoryFileFormat::kCsv, {}, &report)
                  .ok());
  EXPECT_EQ(report.updated, 1u);
  EXPECT_EQ(DecideFor("mallory").rule_id, "default");
}

}  // namespace
}  // namespace keystorm
