// The admin API called directly: the bearer token, each action's effect on
// the store, refusals that change nothing, and the audit line of every
// action (refused ones included).
#include <gtest/gtest.h>

#include "app_test_support.h"
#include "keystorm/cose_key.h"
#include "keystorm/server/admin_api.h"
#include "keystorm/server/audit_log.h"
#include "keystorm/policy/directory_input.h"
#include "keystorm/policy/explain.h"
#include "keystorm/storage/memory_user_directory.h"

namespace keystorm::server::testing {
namespace {

constexpr int64_t kEs256 = static_cast<int64_t>(CoseAlgorithm::kES256);
constexpr char kToken[] = "correct-horse-battery-staple";

class AdminApiTest : public ::testing::Test {
 protected:
  AdminApiTest()
      : audit_([this](const std::string& line) { audit_lines_.push_back(line); }),
        admin_(MakeOptions(), &app_.store(), &audit_) {}

  AdminApiOptions MakeOptions() {
    AdminApiOptions options;
    options.token = kToken;
    options.now_seconds = [this] { return app_.now_seconds(); };
    options.reload_policy = [this](std::string* detail) -> Status {
      ++policy_reloads_;
      *detail = "reloaded";
      return reload_status_;
    };
    return options;
  }

  HttpResponse Admin(std::string_view action, std::string method, std::string body,
                     std::string token = kToken, std::string query = "") {
    HttpRequest request;
    request.method = std::move(method);
    request.body = std::move(body);
    request.query = std::move(query);
    request.client_address = "10.0.0.5";
    if (!token.empty()) request.headers.emplace_back("authorization", "Bearer " + token);
    std::promise<HttpResponse> answer;
    admin_.Handle(action, std::move(request),
                  Responder([&answer](HttpResponse r) { answer.set_value(std::move(r)); }));
    return answer.get_future().get();
  }

  std::optional<UserRecord> User(const std::string& name) {
    std::optional<UserRecord> user;
    EXPECT_TRUE(app_.store().LookupUserByName(name, &user).ok());
    return user;
  }

  AppFixture app_;
  std::vector<std::string> audit_lines_;
  AuditLog audit_;
  AdminApi admin_;
  int policy_reloads_ = 0;
  Status reload_status_;
  test::TestAuthenticator alice_key_{kEs256, 0};
};

TEST_F(AdminApiTest, WrongOrMissingTokenIsRefusedAndAudited) {
  Bytes handle = app_.Enrol("alice", alice_key_);
  for (const std::string& token : {std::string(""), std::string("wrong"),
                                   std::string(kToken) + "x"}) {
    HttpResponse response = Admin("reset_user", "POST", R"({"username":"alice"})", token);
    EXPECT_EQ(response.status, 401) << token;
    EXPECT_EQ(ErrorCode(response), "unauthorized");
  }
  EXPECT_FALSE(User("alice")->must_reregister);  // nothing changed
  ASSERT_EQ(audit_lines_.size(), 3u);
  EXPECT_NE(audit_lines_[0].find(R"("action":"reset_user")"), std::string::npos);
  EXPECT_NE(audit_lines_[0].find(R"("outcome":"unauthorized")"), std::string::npos);
}

TEST_F(AdminApiTest, ResetRemovesCredentialsAndIsAudited) {
  Bytes handle = app_.Enrol("alice", alice_key_);
  HttpResponse response = Admin("reset_user", "POST", R"({"username":"alice"})");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_NE(response.body.find(R"("removed":1)"), std::string::npos);
  EXPECT_TRUE(User("alice")->must_reregister);
  ASSERT_EQ(audit_lines_.size(), 1u);
  EXPECT_NE(audit_lines_[0].find(R"("user":"alice","outcome":"ok")"), std::string::npos);
  EXPECT_NE(audit_lines_[0].find(R"("client":"10.0.0.5")"), std::string::npos);
}

TEST_F(AdminApiTest, ListAndDeleteCredentials) {
  Bytes handle = app_.Enrol("alice", alice_key_);
  HttpResponse list = Admin("list_credentials", "GET", "", kToken, "username=alice");
  ASSERT_EQ(list.status, 200) << list.body;
  const std::string id = Base64UrlEncode(alice_key_.credential_id());
  EXPECT_EQ(JsonString(list.body, "credentials.0.id"), id);

  HttpResponse wrong = Admin("delete_credential", "POST",
                             R"({"username":"alice","credentialId":"AAAA"})");
  EXPECT_EQ(wrong.status, 404);
  HttpResponse deleted = Admin("delete_credential", "POST",
                               R"({"username":"alice","credentialId":")" + id + R"("})");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  std::vector<CredentialRecord> credentials;
  ASSERT_TRUE(app_.store().ListForUser(handle, &credentials).ok());
  EXPECT_TRUE(credentials.empty());
}

TEST_F(AdminApiTest, BypassIsBoundedAndClears) {
  Bytes handle = app_.Enrol("alice", alice_key_);
  for (const char* body : {R"({"username":"alice"})", R"({"username":"alice","seconds":0})",
                           R"({"username":"alice","seconds":2592001})",
                           R"({"username":"alice","seconds":"60"})"}) {
    HttpResponse refused = Admin("set_bypass", "POST", body);
    EXPECT_EQ(refused.status, 400) << body;
    EXPECT_EQ(ErrorCode(refused), "invalid_argument") << body;
  }
  EXPECT_FALSE(User("alice")->bypass_until.has_value());
  ASSERT_EQ(Admin("set_bypass", "POST", R"({"username":"alice","seconds":60})").status, 200);
  EXPECT_EQ(User("alice")->bypass_until, app_.now_seconds() + 60);
  EXPECT_EQ(JsonString(app_.LoginStart(R"({"username":"alice"})").body, "action"), "password");
  ASSERT_EQ(Admin("clear_bypass", "POST", R"({"username":"alice"})").status, 200);
  EXPECT_FALSE(User("alice")->bypass_until.has_value());
}

TEST_F(AdminApiTest, UnknownUserIsNotFound) {
  HttpResponse response = Admin("reset_user", "POST", R"({"username":"nobody"})");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(ErrorCode(response), "not_found");
  EXPECT_FALSE(User("nobody").has_value());  // not created by the attempt
}

TEST_F(AdminApiTest, ReloadHooksAndTheMetadataPlaceholder) {
  ASSERT_EQ(Admin("reload_policy", "POST", "").status, 200);
  EXPECT_EQ(policy_reloads_, 1);
  reload_status_ = Status::InvalidArgument("policy.toml:3: error");
  HttpResponse failed = Admin("reload_policy", "POST", "");
  EXPECT_EQ(failed.status, 400);
  EXPECT_NE(audit_lines_.back().find("policy.toml:3: error"), std::string::npos);
  EXPECT_EQ(Admin("reload_metadata", "POST", "").status, 501);
  EXPECT_EQ(Admin("reload_trust_anchors", "POST", "").status, 501);
}

// ---- the user directory -----------------------------------------------------

constexpr std::string_view kMappingPolicy = R"toml(
format = 1

[[group_mapping]]
attribute = "department"
value = "Finance"
groups = ["finance"]
)toml";

class AdminDirectoryTest : public ::testing::Test {
 protected:
  AdminDirectoryTest()
      : audit_([this](const std::string& line) { audit_lines_.push_back(line); }),
        admin_(MakeOptions(), &app_.store(), &audit_) {}

  AdminApiOptions MakeOptions() {
    AdminApiOptions options;
    options.token = kToken;
    options.directory = &directory_;
    auto compiled = policy::LoadPolicy(kMappingPolicy, 1, nullptr);
    EXPECT_TRUE(compiled) << compiled.error().ToString();
    policy_ = compiled.value();
    options.effective_groups = [this](const DirectoryUser& user) {
      policy::DirectoryPolicyInput input(user);
      return policy::Explain(*policy_, input.Get(0)).value().groups;
    };
    return options;
  }

  HttpResponse Admin(std::string_view action, std::string method, std::string body,
                     std::string query = "") {
    HttpRequest request;
    request.method = std::move(method);
    request.body = std::move(body);
    request.query = std::move(query);
    request.client_address = "10.0.0.5";
    request.headers.emplace_back("authorization", std::string("Bearer ") + kToken);
    std::promise<HttpResponse> answer;
    admin_.Handle(action, std::move(request),
                  Responder([&answer](HttpResponse r) { answer.set_value(std::move(r)); }));
    return answer.get_future().get();
  }

  std::vector<DirectoryUser> Everyone() {
    std::vector<DirectoryUser> users;
    EXPECT_TRUE(directory_.List("", 100, &users).ok());
    return users;
  }

  AppFixture app_;
  storage::MemoryUserDirectory directory_;
  std::shared_ptr<const policy::CompiledPolicy> policy_;
  std::vector<std::string> audit_lines_;
  AuditLog audit_;
  AdminApi admin_;
};

TEST_F(AdminDirectoryTest, CreateShowUpdateSetGroupsDelete) {
  HttpResponse created = Admin("upsert_directory_user", "POST",
                               R"({"username":" Fiona ","displayName":"Fiona F.",)"
                               R"("email":"fiona@example.com","groups":["wiki","jira","wiki"],)"
                               R"("attributes":{"department":"Finance","memberOf":["cn=a","cn=b"]}})");
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_NE(created.body.find(R"("created":true)"), std::string::npos);

  // Stored under the normalised name, groups canonical, attributes in order.
  HttpResponse shown = Admin("show_directory_user", "GET", "", "username=fiona");
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(JsonString(shown.body, "username"), "fiona");
  EXPECT_EQ(JsonString(shown.body, "displayName"), "Fiona F.");
  EXPECT_EQ(JsonString(shown.body, "groups.0"), "jira");
  EXPECT_EQ(JsonString(shown.body, "groups.1"), "wiki");
  EXPECT_EQ(JsonString(shown.body, "groups.2"), "");
  EXPECT_EQ(JsonString(shown.body, "attributes.department"), "Finance");
  EXPECT_EQ(JsonString(shown.body, "attributes.memberOf.1"), "cn=b");
  // The policy's mapping adds "finance" to what was stored.
  EXPECT_EQ(JsonString(shown.body, "effectiveGroups.0"), "finance");
  EXPECT_EQ(JsonString(shown.body, "effectiveGroups.1"), "jira");

  HttpResponse replaced =
      Admin("upsert_directory_user", "POST", R"({"username":"fiona","groups":["hr"]})");
  ASSERT_EQ(replaced.status, 200);
  EXPECT_NE(replaced.body.find(R"("created":false)"), std::string::npos);
  std::optional<DirectoryUser> user;
  ASSERT_TRUE(directory_.FindByName("fiona", &user).ok());
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->groups, std::vector<std::string>{"hr"});
  EXPECT_TRUE(user->attributes.empty());  // create/update replaces the whole user

  ASSERT_TRUE(directory_.Upsert(DirectoryUser{.name = "fiona", .email = "f@example.com",
                                              .groups = {"hr"}})
                  .ok());
  ASSERT_EQ(Admin("set_directory_groups", "POST",
                  R"({"username":"fiona","groups":["ops","admins"]})").status,
            200);
  ASSERT_TRUE(directory_.FindByName("fiona", &user).ok());
  EXPECT_EQ(user->groups, (std::vector<std::string>{"admins", "ops"}));
  EXPECT_EQ(user->email, "f@example.com");  // setting groups keeps the rest

  ASSERT_EQ(Admin("delete_directory_user", "POST", R"({"username":"fiona"})").status, 200);
  EXPECT_TRUE(Everyone().empty());
  HttpResponse gone = Admin("show_directory_user", "GET", "", "username=fiona");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(ErrorCode(gone), "not_found");
  EXPECT_EQ(Admin("delete_directory_user", "POST", R"({"username":"fiona"})").status, 404);
  EXPECT_EQ(Admin("set_directory_groups", "POST", R"({"username":"fiona","groups":[]})").status,
            404);
  EXPECT_TRUE(Everyone().empty());  // setting groups does not create a user

  ASSERT_EQ(audit_lines_.size(), 8u);
  EXPECT_NE(audit_lines_[0].find(R"("action":"upsert_directory_user","user":"fiona","outcome":"ok")"),
            std::string::npos)
      << audit_lines_[0];
  EXPECT_NE(audit_lines_[4].find(R"("action":"delete_directory_user")"), std::string::npos);
}

TEST_F(AdminDirectoryTest, BadInputIsRefusedAndStoresNothing) {
  const std::string long_group(257, 'g');
  for (const std::string& body : {
           std::string(R"({"displayName":"no name"})"),
           std::string(R"({"username":""})"),
           std::string(R"({"username":7})"),
           std::string(R"({"username":"ann","group":["typo"]})"),
           std::string(R"({"username":"ann","groups":"jira"})"),
           std::string(R"({"username":"ann","groups":["jira",3]})"),
           std::string(R"({"username":"ann","groups":[""]})"),
           std::string(R"({"username":"ann","groups":[")" + long_group + R"("]})"),
           std::string(R"({"username":"ann","displayName":false})"),
           std::string(R"({"username":"ann","attributes":["department"]})"),
           std::string(R"({"username":"ann","attributes":{"department":1}})"),
           std::string(R"({"username":"ann","attributes":{"":"x"}})"),
           std::string("[1,2]"),
       }) {
    HttpResponse refused = Admin("upsert_directory_user", "POST", body);
    EXPECT_EQ(refused.status, 400) << body;
    EXPECT_EQ(ErrorCode(refused), "invalid_argument") << body;
    EXPECT_FALSE(JsonString(refused.body, "error.message").empty()) << body;
  }
  EXPECT_TRUE(Everyone().empty());

  // Bad groups for a known user leave the stored ones.
  ASSERT_TRUE(directory_.Upsert(DirectoryUser{.name = "ann", .groups = {"jira"}}).ok());
  for (const std::string& body : {std::string(R"({"username":"ann"})"),
                                  std::string(R"({"username":"ann","groups":[1]})"),
                                  std::string(R"({"username":"ann","groups":["a"],"x":1})")}) {
    EXPECT_EQ(Admin("set_directory_groups", "POST", body).status, 400) << body;
  }
  EXPECT_EQ(Admin("delete_directory_user", "POST", R"({"username":"ann","force":true})").status,
            400);
  std::optional<DirectoryUser> ann;
  ASSERT_TRUE(directory_.FindByName("ann", &ann).ok());
  ASSERT_TRUE(ann.has_value());
  EXPECT_EQ(ann->groups, std::vector<std::string>{"jira"});
  EXPECT_NE(audit_lines_.back().find(R"("outcome":"invalid_argument")"), std::string::npos);
}

TEST(AdminDirectoryAbsentTest, EndpointsAnswer501WithoutADirectory) {
  AppFixture app;
  AuditLog audit([](const std::string&) {});
  AdminApiOptions options;
  options.token = kToken;
  AdminApi admin(options, &app.store(), &audit);
  HttpRequest request;
  request.method = "POST";
  request.body = R"({"username":"ann"})";
  request.headers.emplace_back("authorization", std::string("Bearer ") + kToken);
  std::promise<HttpResponse> answer;
  admin.Handle("upsert_directory_user", std::move(request),
               Responder([&answer](HttpResponse r) { answer.set_value(std::move(r)); }));
  EXPECT_EQ(answer.get_future().get().status, 501);
}

TEST(AuditLogTest, FormatIsOneJsonObject) {
  std::string line = AuditLog::Format(
      AuditEntry{.client = "1.2.3.4", .action = "reset_user", .user = "a\"b", .outcome = "ok"},
      0);
  EXPECT_EQ(line,
            R"({"time":"1970-01-01T00:00:00Z","actor":"admin","client":"1.2.3.4",)"
            R"("action":"reset_user","user":"a\"b","outcome":"ok"})");
}

}  // namespace
}  // namespace keystorm::server::testing
