// Error answers of the public and admin APIs:
//
//   {"error":{"code":"<code>","message":"<text for a person>"}}
//
// A verdict's code is its outcome code (shared/corpus/SCHEMA.md, the names
// of verify_error.h); a failure that is not a verdict on the client's input
// has one of the system codes below.  The message is deliberately generic:
// the precise reason (which challenge check failed, what the store said)
// goes to the log and the metrics, never to the client.
#ifndef KEYSTORM_SERVER_API_ERROR_H_
#define KEYSTORM_SERVER_API_ERROR_H_

#include <string_view>

#include "keystorm/server/http.h"
#include "keystorm/verify_error.h"

namespace keystorm::server {

// System codes: not verdicts, so not in SCHEMA.md (docs/decisions.md).
inline constexpr std::string_view kCodeRateLimited = "rate_limited";      // 429
inline constexpr std::string_view kCodeOverloaded = "overloaded";         // 503
inline constexpr std::string_view kCodeInternal = "internal_error";       // 500
inline constexpr std::string_view kCodeUnauthorized = "unauthorized";     // 401 (admin, backend)
inline constexpr std::string_view kCodeNotFound = "not_found";            // 404 (admin)
inline constexpr std::string_view kCodeInvalidArgument = "invalid_argument";  // 400 (admin)

enum class Ceremony : uint8_t { kRegistration, kAuthentication };

// The HTTP status of a verdict: malformed input 400, policy_denied 403,
// credential_already_registered 409, any other failed registration 400 and
// any other failed authentication 401.  REQUIRES: verdict != kOk.
int HttpStatusForVerdict(VerifyError verdict, Ceremony ceremony);

// The error body for a verdict, with its status and a generic message.
HttpResponse VerdictError(VerifyError verdict, Ceremony ceremony);

// An error body with any code and status.
HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message);

// 503 overloaded with Retry-After, or 429 rate_limited with Retry-After.
HttpResponse OverloadedResponse(int retry_after_seconds);
HttpResponse RateLimitedResponse(int retry_after_seconds);

// A 200 (or other) JSON answer.
HttpResponse JsonResponse(std::string body, int status = 200);

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_API_ERROR_H_
