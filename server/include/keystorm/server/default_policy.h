// The policy `keystorm serve` runs when [policy].file is not set: everyone
// logs in locally with WebAuthn (required), with the default authenticator
// profile and the shipped templates.  An administrator's reset sends the
// user back to registration; a bypass skips WebAuthn until it expires.
#ifndef KEYSTORM_SERVER_DEFAULT_POLICY_H_
#define KEYSTORM_SERVER_DEFAULT_POLICY_H_

#include <string_view>

namespace keystorm::server {

inline constexpr std::string_view kDefaultPolicyToml = R"(format = 1

[webauthn]
default = "required"

[reset]
login = "password"

[templates]
login = "login"
logout = "logout"
)";

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_DEFAULT_POLICY_H_
