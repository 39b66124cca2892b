// The admin API called directly: the bearer token, each action's effect on
// the store, refusals that change nothing, and the audit line of every
// action (refused ones included).
#include <gtest/gtest.h>

#include "app_test_support.h"
#include "keystorm/cose_key.h"
#include "keystorm/server/admin_api.h"
#include "keystorm/server/audit_log.h"

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
