// The parser and the compiler's checks: every file under testdata/errors/ must
// be refused with an error at the line and column its first line names
// ("# expect: LINE:COLUMN: message substring"); a complete file parses into
// the spec field by field.
#include "keystorm/policy/parser.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "policy_test_util.h"

namespace keystorm::policy::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kErrorDir = fs::path(KEYSTORM_SOURCE_DIR) / "tests/policy/testdata/errors";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(PolicyErrorFilesTest, EachFileFailsWhereItSays) {
  int files = 0;
  for (const auto& entry : fs::directory_iterator(kErrorDir)) {
    if (entry.path().extension() != ".toml") continue;
    ++files;
    std::string text = ReadFile(entry.path());
    std::string first_line = text.substr(0, text.find('\n'));
    unsigned line = 0, column = 0;
    int consumed = 0;
    ASSERT_EQ(std::sscanf(first_line.c_str(), "# expect: %u:%u: %n", &line, &column, &consumed), 2)
        << entry.path();
    std::string want = first_line.substr(consumed);
    std::vector<Diagnostic> diagnostics;
    auto policy = LoadPolicy(text, 1, &diagnostics);
    EXPECT_FALSE(policy.has_value()) << entry.path();
    bool found = false;
    std::string all;
    for (const Diagnostic& d : diagnostics) {
      all += FormatDiagnostic(entry.path().filename().string(), d) + "\n";
      found = found || (d.severity == Diagnostic::Severity::kError && d.position.line == line &&
                        d.position.column == column && d.message.find(want) != std::string::npos);
    }
    EXPECT_TRUE(found) << entry.path().filename() << " expected " << line << ":" << column << ": "
                       << want << "\ngot:\n"
                       << all;
    // The Status names the first error with its position.
    if (!policy) {
      EXPECT_NE(policy.error().message().find(':'), std::string_view::npos);
    }
  }
  EXPECT_GE(files, 30);
}

TEST(ParserTest, ReportsEveryErrorNotJustTheFirst) {
  std::vector<Diagnostic> diagnostics;
  auto spec = ParsePolicy(R"(format = 1
[webauthn]
default = "maybe"
colour = "blue"
[[rule]]
priority = "high"
)",
                          &diagnostics);
  ASSERT_FALSE(spec.has_value());
  EXPECT_EQ(diagnostics.size(), 4u);  // default, colour, id missing, priority type
  EXPECT_EQ(spec.error().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(spec.error().message(),
            "3:11: error: [webauthn].default: expected one of required, optional, disabled, "
            "got \"maybe\"");
}

TEST(ParserTest, FormatsDiagnosticsWithFileLineAndColumn) {
  Diagnostic d{Diagnostic::Severity::kError, {3, 7}, "bad"};
  EXPECT_EQ(FormatDiagnostic("p.toml", d), "p.toml:3:7: error: bad");
  d.severity = Diagnostic::Severity::kWarning;
  d.position = {};
  EXPECT_EQ(FormatDiagnostic("p.toml", d), "p.toml: warning: bad");
}

TEST(ParserTest, RefusesHugeFiles) {
  std::string huge(kMaxPolicyFileBytes + 1, '#');
  EXPECT_FALSE(ParsePolicy(huge, nullptr).has_value());
}

TEST(ParserTest, NeverThrowsOnGarbage) {
  for (std::string_view text : {std::string_view("\0\0\0", 3), std::string_view("[[[[["),
                                std::string_view("a = \"\xff\xfe\""), std::string_view("=")}) {
    EXPECT_FALSE(ParsePolicy(text, nullptr).has_value());
  }
}

TEST(ParserTest, EveryKeyLandsInTheSpec) {
  std::vector<Diagnostic> diagnostics;
  auto spec = ParsePolicy(R"(format = 1
[webauthn]
default = "required"
users = { Alice = "disabled" }
groups = { kiosk = "optional" }
[reset]
login = "deny"
[[bypass]]
group = "field"
until = 1970-01-02T00:00:00+01:00
reason = "travel"
[groups]
known = ["a", "b"]
[[group_mapping]]
attribute = "dept"
value_regex = "Eng.*"
groups = ["eng"]
[identity_providers]
okta = { protocol = "saml", display_name = "Okta" }
[redirect]
allowed_urls = ["https://sso.example.com/"]
[templates]
login = "l"
logout = "o"
[authenticator.strict]
user_verification = "required"
algorithms = ["ES256", -8]
attestation = "required"
aaguids_denied = ["00000000-0000-0000-0000-0000000000ff"]
backup_eligible = false
sign_count = "warn"
backup_eligibility_upgrade = true
[default]
target = { url = "https://sso.example.com/x" }
authenticator = "strict"
[[rule]]
id = "r1"
priority = -5
users = ["bob"]
domains = ["*.example.com"]
groups = ["g"]
group_regex = ["h.*"]
target = { idp = "okta" }
login_template = "lt"
logout_template = "ot"
)",
                          &diagnostics);
  ASSERT_TRUE(spec.has_value()) << spec.error().ToString();
  const PolicySpec& s = *spec;
  EXPECT_EQ(s.default_enablement, Enablement::kRequired);
  ASSERT_EQ(s.user_enablement.size(), 1u);
  EXPECT_EQ(s.user_enablement[0].name, "Alice");
  EXPECT_EQ(s.user_enablement[0].enablement, Enablement::kDisabled);
  ASSERT_EQ(s.group_enablement.size(), 1u);
  EXPECT_EQ(s.group_enablement[0].enablement, Enablement::kOptional);
  EXPECT_EQ(s.reset_login, ResetLogin::kDeny);
  ASSERT_EQ(s.bypasses.size(), 1u);
  EXPECT_EQ(s.bypasses[0].subject, BypassSpec::Subject::kGroup);
  EXPECT_EQ(s.bypasses[0].until, 86400 - 3600);
  EXPECT_EQ(s.bypasses[0].reason, "travel");
  EXPECT_EQ(s.known_groups.size(), 2u);
  ASSERT_EQ(s.group_mappings.size(), 1u);
  EXPECT_EQ(s.group_mappings[0].source, GroupMappingSpec::Source::kAttribute);
  EXPECT_EQ(s.group_mappings[0].attribute, "dept");
  EXPECT_TRUE(s.group_mappings[0].regex);
  ASSERT_EQ(s.identity_providers.size(), 1u);
  EXPECT_EQ(s.identity_providers[0].protocol, "saml");
  EXPECT_EQ(s.identity_providers[0].display_name, "Okta");
  EXPECT_EQ(s.allowed_redirects.size(), 1u);
  EXPECT_EQ(s.login_template, "l");
  EXPECT_EQ(s.logout_template, "o");
  ASSERT_EQ(s.authenticators.size(), 1u);
  const AuthenticatorSpec& a = s.authenticators[0];
  EXPECT_EQ(a.user_verification, UserVerification::kRequired);
  ASSERT_EQ(a.algorithms.size(), 2u);
  EXPECT_EQ(a.algorithms[0].value, -7);
  EXPECT_EQ(a.algorithms[1].value, -8);
  EXPECT_TRUE(a.attestation_required);
  ASSERT_EQ(a.denied_aaguids.size(), 1u);
  EXPECT_EQ(a.denied_aaguids[0][15], 0xff);
  EXPECT_FALSE(a.backup_eligible_allowed);
  EXPECT_EQ(a.sign_count, SignCountPolicy::kWarn);
  EXPECT_TRUE(a.backup_eligibility_upgrade);
  EXPECT_EQ(s.default_rule.target.kind, TargetKind::kUrl);
  EXPECT_EQ(s.default_rule.authenticator.value, "strict");
  ASSERT_EQ(s.rules.size(), 1u);
  const RuleSpec& r = s.rules[0];
  EXPECT_EQ(r.id, "r1");
  EXPECT_EQ(r.priority.value, -5);
  EXPECT_EQ(r.position.line, 36u);
  EXPECT_EQ(r.users.size(), 1u);
  EXPECT_EQ(r.domains[0].value, "*.example.com");
  EXPECT_EQ(r.groups[0].value, "g");
  EXPECT_EQ(r.group_regex[0].value, "h.*");
  EXPECT_EQ(r.target.kind, TargetKind::kIdentityProvider);
  EXPECT_EQ(r.target.value, "okta");
  EXPECT_EQ(r.login_template.value, "lt");
  EXPECT_EQ(r.logout_template.value, "ot");
  EXPECT_TRUE(diagnostics.empty());
}

}  // namespace
}  // namespace keystorm::policy::testing
