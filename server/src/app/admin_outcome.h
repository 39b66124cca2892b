// What one admin action answers and puts on record: the HTTP response, the
// outcome code for the audit log ("ok" or an api_error.h code) and a detail
// line.  Shared by the admin API's files (admin_api.cc, admin_directory.cc).
#ifndef KEYSTORM_SERVER_APP_ADMIN_OUTCOME_H_
#define KEYSTORM_SERVER_APP_ADMIN_OUTCOME_H_

#include <string>
#include <string_view>
#include <utility>

#include "keystorm/json_writer.h"
#include "keystorm/server/api_error.h"
#include "keystorm/server/http.h"

namespace keystorm::server {

struct AdminOutcome {
  HttpResponse response;
  std::string outcome = "ok";
  std::string detail;
};

// An error answer; the audit detail is `detail`, else the message.
inline AdminOutcome AdminError(int status, std::string_view code, std::string_view message,
                               std::string detail = "") {
  return AdminOutcome{ErrorResponse(status, code, message), std::string(code),
                      detail.empty() ? std::string(message) : std::move(detail)};
}

inline AdminOutcome AdminOk(JsonWriter& json, std::string detail) {
  return AdminOutcome{JsonResponse(json.str()), "ok", std::move(detail)};
}

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_APP_ADMIN_OUTCOME_H_
