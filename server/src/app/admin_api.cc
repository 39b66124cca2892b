#include "keystorm/server/admin_api.h"

#include <chrono>
#include <optional>
#include <utility>

#include "keystorm/base64url.h"
#include "keystorm/json_writer.h"
#include "keystorm/server/api_error.h"
#include "keystorm/server/pages.h"
#include "keystorm/server/webauthn_service.h"
#include "admin_directory.h"
#include "admin_outcome.h"
#include "request_json.h"

namespace keystorm::server {
namespace {

constexpr int64_t kMaxBypassSeconds = 30 * 24 * 3600;

using Outcome = AdminOutcome;

Outcome Error(int status, std::string_view code, std::string_view message,
              std::string detail = "") {
  return AdminError(status, code, message, std::move(detail));
}

Outcome Ok(JsonWriter& json, std::string detail) { return AdminOk(json, std::move(detail)); }

std::string_view BearerToken(const HttpRequest& request) {
  std::string_view header = request.Header("authorization");
  constexpr std::string_view kPrefix = "Bearer ";
  if (header.size() <= kPrefix.size() || header.substr(0, kPrefix.size()) != kPrefix) return {};
  return header.substr(kPrefix.size());
}

}  // namespace

AdminApi::AdminApi(AdminApiOptions options, CredentialStore* store, AuditLog* audit)
    : options_(std::move(options)), store_(store), audit_(audit) {
  if (!options_.now_seconds) {
    options_.now_seconds = [] {
      return std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

void AdminApi::AddRoutes(Router* router) {
  auto route = [this, router](const char* method, const char* path, const char* action) {
    router->Add(method, path, [this, action](HttpRequest&& request, Responder respond) {
      Handle(action, std::move(request), std::move(respond));
    });
  };
  route("GET", "/admin/v1/credentials", "list_credentials");
  route("POST", "/admin/v1/credentials/delete", "delete_credential");
  route("POST", "/admin/v1/users/reset", "reset_user");
  route("POST", "/admin/v1/users/bypass", "set_bypass");
  route("POST", "/admin/v1/users/bypass/clear", "clear_bypass");
  route("POST", "/admin/v1/policy/reload", "reload_policy");
  route("POST", "/admin/v1/trust/reload", "reload_trust_anchors");
  route("POST", "/admin/v1/metadata/reload", "reload_metadata");
  route("GET", "/admin/v1/directory/users", "show_directory_user");
  route("POST", "/admin/v1/directory/users", "upsert_directory_user");
  route("POST", "/admin/v1/directory/users/delete", "delete_directory_user");
  route("POST", "/admin/v1/directory/users/groups", "set_directory_groups");
}

void AdminApi::Handle(std::string_view action, HttpRequest&& request, Responder respond) {
  std::string username;
  auto finish = [&](Outcome outcome) {
    Status written = audit_->Write(AuditEntry{.client = request.client_address,
                                              .action = action,
                                              .user = username,
                                              .outcome = outcome.outcome,
                                              .detail = outcome.detail});
    if (!written.ok()) {
      // An action that cannot be put on record is reported as failed.
      outcome = Error(500, kCodeInternal, "The audit log cannot be written.",
                      written.ToString());
    }
    respond(std::move(outcome.response));
  };

  std::string_view token = BearerToken(request);
  if (options_.token.empty() || token.empty() ||
      !ConstantTimeEqual(AsBytes(token), AsBytes(options_.token))) {
    return finish(Error(401, kCodeUnauthorized, "A valid bearer token is required."));
  }

  // Parameters: the query for GET, a JSON object for POST.
  std::optional<RequestObject> body = RequestObject::Parse(request.body);
  if (!body) return finish(Error(400, kCodeInvalidArgument, "The body is not a JSON object."));
  auto text_parameter = [&](std::string_view name) -> std::string {
    if (request.method == "GET") return QueryParameter(request.query, name).value_or("");
    bool type_ok = true;
    return body->String(name, &type_ok).value_or("");
  };

  auto reload = [&](const ReloadHook& hook, std::string_view what) -> Outcome {
    if (!hook) {
      return Error(501, "not_implemented", std::string(what) + " reload is not configured.");
    }
    std::string detail;
    Status status = hook(&detail);
    if (!status.ok()) {
      return Error(400, kCodeInvalidArgument, std::string(what) + " was not reloaded.",
                   status.ToString());
    }
    JsonWriter json;
    json.BeginObject().Key("ok").Bool(true).Key("detail").String(detail).EndObject();
    return Ok(json, detail);
  };
  if (action == "reload_policy") return finish(reload(options_.reload_policy, "The policy"));
  if (action == "reload_trust_anchors") {
    return finish(reload(options_.reload_trust_anchors, "The trust anchors"));
  }
  if (action == "reload_metadata") return finish(reload(options_.reload_metadata, "Metadata"));

  if (IsDirectoryAction(action)) {
    return finish(HandleDirectoryAction(
        action, request, *body,
        AdminDirectoryDeps{options_.directory, options_.effective_groups}, &username));
  }

  // Every other action is about one user.
  username = WebAuthnService::NormalizeUsername(text_parameter("username"));
  if (username.empty()) {
    return finish(Error(400, kCodeInvalidArgument, "username is required."));
  }
  std::optional<UserRecord> user;
  Status status = store_->LookupUserByName(username, &user);
  if (!status.ok()) return finish(Error(500, kCodeInternal, "Store failure.", status.ToString()));
  if (!user) return finish(Error(404, kCodeNotFound, "No such user."));

  if (action == "list_credentials") {
    std::vector<CredentialRecord> credentials;
    status = store_->ListForUser(user->user_handle, &credentials);
    if (!status.ok()) return finish(Error(500, kCodeInternal, "Store failure.", status.ToString()));
    JsonWriter json;
    json.BeginObject().Key("username").String(user->name);
    json.Key("userHandle").String(Base64UrlEncode(user->user_handle));
    json.Key("mustRegister").Bool(user->must_reregister);
    if (user->bypass_until) json.Key("bypassUntil").Int(*user->bypass_until);
    json.Key("credentials").BeginArray();
    for (const CredentialRecord& c : credentials) {
      json.BeginObject();
      json.Key("id").String(Base64UrlEncode(c.id));
      json.Key("algorithm").Int(c.algorithm);
      json.Key("signCount").Uint(c.sign_count);
      json.Key("backupEligible").Bool(c.backup_eligible);
      json.Key("backupState").Bool(c.backup_state);
      json.Key("attestationFormat").String(c.attestation_format);
      json.Key("createdAt").Int(c.created_at);
      json.Key("lastUsedAt").Int(c.last_used_at);
      json.EndObject();
    }
    json.EndArray().EndObject();
    return finish(Ok(json, std::to_string(credentials.size()) + " credentials"));
  }

  if (action == "delete_credential") {
    Bytes id;
    if (!Base64UrlDecode(text_parameter("credentialId"), &id) || id.empty()) {
      return finish(Error(400, kCodeInvalidArgument, "credentialId must be base64url."));
    }
    // Only a credential of this user: an admin typo must not delete another's.
    std::vector<CredentialRecord> credentials;
    status = store_->ListForUser(user->user_handle, &credentials);
    if (!status.ok()) return finish(Error(500, kCodeInternal, "Store failure.", status.ToString()));
    bool owned = false;
    for (const CredentialRecord& c : credentials) owned = owned || Equal(c.id, id);
    if (!owned) return finish(Error(404, kCodeNotFound, "The user has no such credential."));
    status = store_->Delete(id);
    if (!status.ok()) return finish(Error(500, kCodeInternal, "Store failure.", status.ToString()));
    JsonWriter json;
    json.BeginObject().Key("ok").Bool(true).EndObject();
    return finish(Ok(json, "credential " + Base64UrlEncode(id)));
  }

  if (action == "reset_user") {
    size_t removed = 0;
    status = store_->ResetUser(user->user_handle, &removed);
    if (!status.ok()) return finish(Error(500, kCodeInternal, "Store failure.", status.ToString()));
    JsonWriter json;
    json.BeginObject().Key("ok").Bool(true).Key("removed").Uint(removed).EndObject();
    return finish(Ok(json, std::to_string(removed) + " credentials removed"));
  }

  if (action == "set_bypass") {
    const RequestObject::Member* seconds = body->Find("seconds");
    if (seconds == nullptr || seconds->kind != RequestObject::Member::Kind::kInteger ||
        seconds->integer < 1 || seconds->integer > kMaxBypassSeconds) {
      return finish(Error(400, kCodeInvalidArgument, "seconds must be 1 to 2592000."));
    }
    const int64_t until = options_.now_seconds() + seconds->integer;
    status = store_->SetBypass(user->user_handle, until);
    if (!status.ok()) return finish(Error(500, kCodeInternal, "Store failure.", status.ToString()));
    JsonWriter json;
    json.BeginObject().Key("ok").Bool(true).Key("bypassUntil").Int(until).EndObject();
    return finish(Ok(json, "until " + std::to_string(until)));
  }

  if (action == "clear_bypass") {
    status = store_->SetBypass(user->user_handle, std::nullopt);
    if (!status.ok()) return finish(Error(500, kCodeInternal, "Store failure.", status.ToString()));
    JsonWriter json;
    json.BeginObject().Key("ok").Bool(true).EndObject();
    return finish(Ok(json, "cleared"));
  }
  finish(Error(404, kCodeNotFound, "Unknown action."));
}

}  // namespace keystorm::server
