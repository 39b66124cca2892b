// The admin API, served on its own listener (never the public one).  Every
// request needs `Authorization: Bearer <token>` (the token from
// [admin].token_file, compared in constant time); every action, refused
// ones included, is written to the audit log.
//
//   GET  /admin/v1/credentials?username=U   the user's credentials
//   POST /admin/v1/credentials/delete       {username, credentialId}
//   POST /admin/v1/users/reset              {username}: remove every credential;
//                                           the next login must register
//   POST /admin/v1/users/bypass             {username, seconds}: skip WebAuthn
//                                           for that long (1 s - 30 days)
//   POST /admin/v1/users/bypass/clear       {username}
//   POST /admin/v1/policy/reload            re-read [policy].file
//   POST /admin/v1/trust/reload             re-read [trust].anchors_dir
//   POST /admin/v1/metadata/reload          re-read [metadata].blob_file and
//                                           re-check the stored credentials
//                                           (501 when [metadata] is not set)
//   GET  /admin/v1/directory/users?username=U   the directory user, with the
//                                           groups the policy's mappings add
//   POST /admin/v1/directory/users          {username, displayName, email,
//                                           groups[], attributes{}}: create or
//                                           replace the user
//   POST /admin/v1/directory/users/delete   {username}
//   POST /admin/v1/directory/users/groups   {username, groups[]}: replace the
//                                           groups, keep the rest
//
// Answers: 200 {"ok":true,...}; errors {"error":{"code","message"}} with
// 401 unauthorized, 400 invalid_argument, 404 not_found, 500 internal_error.
#ifndef KEYSTORM_SERVER_ADMIN_API_H_
#define KEYSTORM_SERVER_ADMIN_API_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "keystorm/credential_store.h"
#include "keystorm/server/audit_log.h"
#include "keystorm/server/http.h"
#include "keystorm/status.h"
#include "keystorm/user_directory.h"

namespace keystorm::server {

// A reload: OK with a one-line summary in *detail, or why it failed (the
// running configuration then stays as it was).
using ReloadHook = std::function<Status(std::string* detail)>;

struct AdminApiOptions {
  std::string token;  // required, non-empty
  ReloadHook reload_policy;
  ReloadHook reload_trust_anchors;
  // FIDO metadata (MDS) reload; while unset the endpoint answers 501.
  ReloadHook reload_metadata;
  // The user directory the policy decides by; null: the directory endpoints
  // answer 501.  Must outlive the AdminApi.
  UserDirectory* directory = nullptr;
  // Optional: the groups the running policy gives a user (stored plus
  // mapped), shown by GET /admin/v1/directory/users.
  std::function<std::vector<std::string>(const DirectoryUser&)> effective_groups;
  std::function<int64_t()> now_seconds;  // default: the system clock
};

class AdminApi {
 public:
  // REQUIRES: store and audit outlive the AdminApi.
  AdminApi(AdminApiOptions options, CredentialStore* store, AuditLog* audit);

  void AddRoutes(Router* router);

  // Exposed for tests; each checks the bearer token first.
  void Handle(std::string_view action, HttpRequest&& request, Responder respond);

 private:
  AdminApiOptions options_;
  CredentialStore* store_;
  AuditLog* audit_;
};

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_ADMIN_API_H_
