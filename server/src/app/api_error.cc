#include "keystorm/server/api_error.h"

#include <string>
#include <utility>

#include "keystorm/json_writer.h"

namespace keystorm::server {
namespace {

bool IsMalformed(VerifyError verdict) {
  switch (verdict) {
    case VerifyError::kMalformedRequest:
    case VerifyError::kMalformedClientData:
    case VerifyError::kMalformedAuthenticatorData:
    case VerifyError::kMalformedCbor:
      return true;
    default:
      return false;
  }
}

// One sentence per kind of failure; never the check that failed.
std::string_view PublicMessage(VerifyError verdict, Ceremony ceremony) {
  // malformed_request also answers the options and login/start bodies,
  // which are not WebAuthn responses; the other three are parts of one.
  if (verdict == VerifyError::kMalformedRequest) return "The request is not well-formed.";
  if (IsMalformed(verdict)) return "The request is not a well-formed WebAuthn response.";
  if (verdict == VerifyError::kPolicyDenied) return "This sign-in is not allowed.";
  if (verdict == VerifyError::kChallengeUnknown) {
    return "The challenge is not valid any more; start again.";
  }
  if (verdict == VerifyError::kCredentialAlreadyRegistered) {
    return "This authenticator is already registered.";
  }
  return ceremony == Ceremony::kRegistration ? "The authenticator could not be registered."
                                             : "The sign-in was not accepted.";
}

}  // namespace

int HttpStatusForVerdict(VerifyError verdict, Ceremony ceremony) {
  if (IsMalformed(verdict)) return 400;
  if (verdict == VerifyError::kPolicyDenied) return 403;
  if (verdict == VerifyError::kCredentialAlreadyRegistered) return 409;
  return ceremony == Ceremony::kRegistration ? 400 : 401;
}

HttpResponse VerdictError(VerifyError verdict, Ceremony ceremony) {
  return ErrorResponse(HttpStatusForVerdict(verdict, ceremony), VerifyErrorName(verdict),
                       PublicMessage(verdict, ceremony));
}

HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message) {
  JsonWriter json;
  json.BeginObject().Key("error").BeginObject();
  json.Key("code").String(code).Key("message").String(message);
  json.EndObject().EndObject();
  HttpResponse response;
  response.status = status;
  response.body = json.str();
  response.headers.emplace_back("cache-control", "no-store");
  return response;
}

HttpResponse OverloadedResponse(int retry_after_seconds) {
  HttpResponse response =
      ErrorResponse(503, kCodeOverloaded, "The service is busy; try again shortly.");
  response.headers.emplace_back("retry-after", std::to_string(retry_after_seconds));
  return response;
}

HttpResponse RateLimitedResponse(int retry_after_seconds) {
  HttpResponse response = ErrorResponse(429, kCodeRateLimited, "Too many attempts; slow down.");
  response.headers.emplace_back("retry-after", std::to_string(retry_after_seconds));
  return response;
}

HttpResponse JsonResponse(std::string body, int status) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers.emplace_back("cache-control", "no-store");
  return response;
}

}  // namespace keystorm::server
