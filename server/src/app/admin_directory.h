// The admin API's user-directory endpoints (admin_api.h lists them): read,
// create or replace, delete, and set the groups of one directory user.
//
// Validation is strict and happens before anything is written: an unknown
// member, a member of the wrong type, or a user beyond the directory's
// limits (storage::ValidateDirectoryUser) is 400 invalid_argument naming the
// member, and the directory is left as it was.  Names are normalised as the
// WebAuthn API normalises them (WebAuthnService::NormalizeUsername), so the
// name an administrator types is the name a login looks up.
#ifndef KEYSTORM_SERVER_APP_ADMIN_DIRECTORY_H_
#define KEYSTORM_SERVER_APP_ADMIN_DIRECTORY_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "admin_outcome.h"
#include "keystorm/server/http.h"
#include "keystorm/user_directory.h"
#include "request_json.h"

namespace keystorm::server {

struct AdminDirectoryDeps {
  UserDirectory* directory = nullptr;  // null: 501
  std::function<std::vector<std::string>(const DirectoryUser&)> effective_groups;  // optional
};

// show_directory_user, upsert_directory_user, delete_directory_user,
// set_directory_groups.
bool IsDirectoryAction(std::string_view action);

// Runs one of them.  *username is set to the normalised name as soon as it
// is known (for the audit entry).
AdminOutcome HandleDirectoryAction(std::string_view action, const HttpRequest& request,
                                   const RequestObject& body, const AdminDirectoryDeps& deps,
                                   std::string* username);

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_APP_ADMIN_DIRECTORY_H_
