// Pages, templates, query parsing, secret files and the request metrics:
// the small parts of the app, each on its own.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "app_test_support.h"
#include "keystorm/server/app_metrics.h"
#include "keystorm/server/pages.h"
#include "keystorm/server/secret_files.h"

namespace keystorm::server::testing {
namespace {

TEST(TemplateTest, PlaceholdersAreReplacedAndUnknownOnesKept) {
  EXPECT_EQ(RenderTemplate("<h1>{{product_name}}</h1>{{other}}{{", {{"product_name", "K"}}),
            "<h1>K</h1>{{other}}{{");
}

TEST(TemplateTest, HtmlIsEscaped) {
  EXPECT_EQ(HtmlEscape(R"(<a href="x">&'</a>)"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
}

TEST(QueryTest, ParametersAreDecoded) {
  EXPECT_EQ(QueryParameter("a=1&username=alice%40example.com", "username"), "alice@example.com");
  EXPECT_EQ(QueryParameter("username=a+b", "username"), "a b");
  EXPECT_EQ(QueryParameter("user=x", "username"), std::nullopt);
  EXPECT_EQ(QueryParameter("username=%zz%4", "username"), "%zz%4");
}

class PagesTest : public ::testing::Test {
 protected:
  Pages pages_{PagesOptions{KEYSTORM_SOURCE_DIR "/server/templates",
                            KEYSTORM_SOURCE_DIR "/server/static", "Acme <SSO>"},
               nullptr};
};

TEST_F(PagesTest, ShippedTemplatesRenderWithEscapedValues) {
  HttpResponse login = pages_.Render("login", "<script>", "");
  ASSERT_EQ(login.status, 200);
  EXPECT_NE(login.body.find("<h1>Acme &lt;SSO&gt;</h1>"), std::string::npos);
  EXPECT_NE(login.body.find(R"(value="&lt;script&gt;")"), std::string::npos);
  EXPECT_NE(login.body.find(R"(<script src="/static/keystorm.js" defer></script>)"),
            std::string::npos);
  EXPECT_EQ(login.body.find("{{"), std::string::npos);
  EXPECT_EQ(pages_.Render("register", "", "").status, 200);
  EXPECT_EQ(pages_.Render("logout", "", "bye").status, 200);
}

TEST_F(PagesTest, TemplateNamesCannotLeaveTheFolder) {
  EXPECT_EQ(pages_.Render("../CMakeLists", "", "").status, 404);
  EXPECT_EQ(pages_.Render("missing", "", "").status, 404);
  EXPECT_EQ(pages_.Render("", "", "").status, 404);
}

// The policy's rule picks the login and logout templates of a user.
TEST(PagesPolicyTest, TemplatesFollowTheDecision) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("keystorm-templates-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "login.html") << "default login {{username}}";
  std::ofstream(dir / "partner-login.html") << "partner login {{username}}";
  std::ofstream(dir / "logout.html") << "default logout";
  std::ofstream(dir / "partner-logout.html") << "partner logout";
  AppFixture app(R"(format = 1
[[rule]]
id = "partners"
priority = 10
domains = ["partner.example"]
login_template = "partner-login"
logout_template = "partner-logout"
)");
  Pages pages(PagesOptions{dir.string(), dir.string(), "K"}, &app.service());
  Router router;
  pages.AddRoutes(&router);
  auto get = [&router](std::string path, std::string query) {
    bool known = false;
    const Handler* handler = router.Find("GET", path, &known);
    HttpRequest request;
    request.method = "GET";
    request.path = std::move(path);
    request.query = std::move(query);
    std::promise<HttpResponse> answer;
    (*handler)(std::move(request), Responder([&answer](HttpResponse r) { answer.set_value(std::move(r)); }));
    return answer.get_future().get().body;
  };
  EXPECT_EQ(get("/login", ""), "default login ");
  EXPECT_EQ(get("/login", "username=eve%40partner.example"), "partner login eve@partner.example");
  EXPECT_EQ(get("/login", "username=bob"), "default login bob");
  EXPECT_EQ(get("/logout", "username=eve@partner.example"), "partner logout");
  EXPECT_EQ(get("/logout", ""), "default logout");
  std::filesystem::remove_all(dir);
}

TEST(SecretFilesTest, ChallengeKeysParseAndRefuse) {
  auto keys = ParseChallengeKeys(
      "# comment\n7 " + std::string(64, 'a') + "\n8 " + std::string(64, '0') + "\n", 1000);
  ASSERT_TRUE(keys.has_value()) << keys.error().ToString();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].id, 7u);
  EXPECT_EQ((*keys)[0].secret[0], 0xaa);
  EXPECT_FALSE((*keys)[0].retired_at_ms.has_value());  // the first line issues
  EXPECT_EQ((*keys)[1].retired_at_ms, 1000);
  EXPECT_FALSE(ParseChallengeKeys("", 0).has_value());
  EXPECT_FALSE(ParseChallengeKeys("7 abc\n", 0).has_value());
  EXPECT_FALSE(ParseChallengeKeys("x " + std::string(64, 'a'), 0).has_value());
  EXPECT_FALSE(ParseChallengeKeys("7 " + std::string(63, 'a') + "g", 0).has_value());
}

TEST(SecretFilesTest, GeneratedOnceThenReadBack) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("keystorm-secret-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto first = LoadOrCreateChallengeKeys((dir / "challenge.key").string(), 0);
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  auto second = LoadOrCreateChallengeKeys((dir / "challenge.key").string(), 0);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ((*first)[0].secret, (*second)[0].secret);
  EXPECT_EQ(std::filesystem::status(dir / "challenge.key").permissions() &
                std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto token = LoadOrCreateToken((dir / "admin.token").string());
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->size(), 43u);
  EXPECT_EQ(*LoadOrCreateToken((dir / "admin.token").string()), *token);
  std::filesystem::remove_all(dir);
}

TEST(AppMetricsTest, CountersAndHistogramByRoute) {
  AppMetrics metrics;
  metrics.Record(RequestEvent{.route = "/v1/x", .outcome = "ok", .seconds = 0.002});
  metrics.Record(RequestEvent{.route = "/v1/x", .outcome = "signature_invalid", .seconds = 3});
  std::string out = metrics.Render();
  EXPECT_NE(out.find(R"(keystorm_requests_total{route="/v1/x",outcome="ok"} 1)"), std::string::npos)
      << out;
  EXPECT_NE(out.find(R"(keystorm_requests_total{route="/v1/x",outcome="signature_invalid"} 1)"),
            std::string::npos);
  EXPECT_NE(out.find(R"(keystorm_request_duration_seconds_bucket{route="/v1/x",le="0.0025"} 1)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(R"(keystorm_request_duration_seconds_count{route="/v1/x"} 2)"),
            std::string::npos);
}

}  // namespace
}  // namespace keystorm::server::testing
