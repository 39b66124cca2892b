#include "keystorm/server/conformance_adapter.h"

#include <openssl/rand.h>
#include <simdjson.h>

#include <chrono>
#include <optional>
#include <utility>

#include "keystorm/base64url.h"
#include "keystorm/client_data.h"
#include "keystorm/json_scratch.h"
#include "keystorm/json_writer.h"
#include "keystorm/server/api_error.h"
#include "keystorm/server/webauthn_service.h"
#include "keystorm/storage/challenge_redeem.h"
#include "keystorm/webauthn_json.h"

namespace keystorm::server {
namespace {

// ServerResponse with status failed; errorMessage is never empty.
HttpResponse Failed(int status, std::string_view message) {
  JsonWriter json;
  json.BeginObject().Key("status").String("failed").Key("errorMessage").String(message).EndObject();
  HttpResponse response;
  response.status = status;
  response.body = json.str();
  return response;
}

HttpResponse FailedVerdict(VerifyError verdict, Ceremony ceremony) {
  return Failed(HttpStatusForVerdict(verdict, ceremony), VerifyErrorName(verdict));
}

// The request body's fields the adapter reads, with `extensions` kept as
// minified JSON to echo back.
struct ToolRequest {
  std::string username;
  std::string display_name;
  std::string user_verification = "preferred";
  std::string attestation = "none";
  std::string resident_key;
  std::optional<bool> require_resident_key;
  std::string authenticator_attachment;
  std::string extensions_json;  // empty: none
};

std::optional<ToolRequest> ParseToolRequest(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  simdjson::dom::object object;
  if (parser.parse(padded).get_object().get(object) != simdjson::SUCCESS) return std::nullopt;
  ToolRequest out;
  auto text = [](simdjson::dom::element e, std::string* into) {
    std::string_view value;
    if (e.get_string().get(value) != simdjson::SUCCESS) return false;
    *into = std::string(value);
    return true;
  };
  simdjson::dom::element e;
  if (object["username"].get(e) == simdjson::SUCCESS && !text(e, &out.username)) return std::nullopt;
  if (object["displayName"].get(e) == simdjson::SUCCESS && !text(e, &out.display_name)) {
    return std::nullopt;
  }
  if (object["userVerification"].get(e) == simdjson::SUCCESS &&
      !text(e, &out.user_verification)) {
    return std::nullopt;
  }
  if (object["attestation"].get(e) == simdjson::SUCCESS && !text(e, &out.attestation)) {
    return std::nullopt;
  }
  simdjson::dom::object selection;
  if (object["authenticatorSelection"].get_object().get(selection) == simdjson::SUCCESS) {
    if (selection["userVerification"].get(e) == simdjson::SUCCESS &&
        !text(e, &out.user_verification)) {
      return std::nullopt;
    }
    if (selection["residentKey"].get(e) == simdjson::SUCCESS) text(e, &out.resident_key);
    if (selection["authenticatorAttachment"].get(e) == simdjson::SUCCESS) {
      text(e, &out.authenticator_attachment);
    }
    bool required = false;
    if (selection["requireResidentKey"].get_bool().get(required) == simdjson::SUCCESS) {
      out.require_resident_key = required;
    }
  }
  if (object["extensions"].get(e) == simdjson::SUCCESS) out.extensions_json = simdjson::minify(e);
  return out;
}

bool ValidUserVerification(std::string_view uv) {
  return uv == "required" || uv == "preferred" || uv == "discouraged";
}

void WriteDescriptors(JsonWriter* json, const std::vector<CredentialRecord>& credentials) {
  json->BeginArray();
  for (const CredentialRecord& c : credentials) {
    json->BeginObject().Key("type").String("public-key");
    json->Key("id").String(Base64UrlEncode(c.id));
    if (!c.transports.empty()) {
      json->Key("transports").BeginArray();
      for (const std::string& t : c.transports) json->String(t);
      json->EndArray();
    }
    json->EndObject();
  }
  json->EndArray();
}

// JsonWriter has no raw-value call: the options are written up to the
// point where the echoed extensions go, which the caller splices in.
std::string WithExtensions(std::string json_without_close, const std::string& extensions) {
  if (!extensions.empty()) json_without_close += ",\"extensions\":" + extensions;
  return json_without_close + "}";
}

}  // namespace

class ConformanceAdapter::Impl {
 public:
  Impl(ConformanceAdapterOptions options, CredentialStore* store, Pipeline* pipeline,
       std::shared_ptr<const storage::ChallengeSealer> sealer,
       std::shared_ptr<const storage::ChallengeSealer> uv_sealer)
      : options_(std::move(options)),
        store_(store),
        pipeline_(pipeline),
        sealer_(std::move(sealer)),
        uv_sealer_(std::move(uv_sealer)) {
    if (!options_.now_ms) {
      options_.now_ms = [] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
      };
    }
  }

  Result<std::string> Issue(storage::CeremonyKind kind, bool uv_required, ByteView handle) {
    const auto& sealer = uv_required ? uv_sealer_ : sealer_;
    auto sealed = sealer->Issue(kind, handle, options_.now_ms());
    if (!sealed) return sealed.error();
    Bytes challenge = std::move(*sealed);
    challenge.insert(challenge.end(), handle.begin(), handle.end());
    return Base64UrlEncode(challenge);
  }

  Result<UserRecord> FindOrCreateUser(const std::string& username, const std::string& display) {
    std::optional<UserRecord> user;
    Status status = store_->LookupUserByName(username, &user);
    if (!status.ok()) return status;
    if (user) return *user;
    UserRecord created;
    created.user_handle.resize(32);
    if (RAND_bytes(created.user_handle.data(), created.user_handle.size()) != 1) {
      return Status::Internal("CSPRNG failed");
    }
    created.name = username;
    created.display_name = display;
    created.created_at = options_.now_ms() / 1000;
    UserInsertOutcome outcome{};
    status = store_->InsertUserIfAbsent(created, &outcome);
    if (!status.ok()) return status;
    if (outcome == UserInsertOutcome::kInserted) return created;
    status = store_->LookupUserByName(username, &user);
    if (!status.ok()) return status;
    if (!user) return Status::Internal("user vanished after insert race");
    return *user;
  }

  void AttestationOptions(HttpRequest&& request, Responder respond) {
    auto body = ParseToolRequest(request.body);
    if (!body || !ValidUserVerification(body->user_verification)) {
      return respond(Failed(400, "malformed_request"));
    }
    std::string username = WebAuthnService::NormalizeUsername(body->username);
    if (username.empty()) return respond(Failed(400, "malformed_request"));
    auto user = FindOrCreateUser(username, body->display_name);
    if (!user) return respond(Failed(500, kCodeInternal));
    std::vector<CredentialRecord> existing;
    if (!store_->ListForUser(user->user_handle, &existing).ok()) {
      return respond(Failed(500, kCodeInternal));
    }
    auto challenge = Issue(storage::CeremonyKind::kRegistration,
                           body->user_verification == "required", user->user_handle);
    if (!challenge) return respond(Failed(500, kCodeInternal));
    JsonWriter json;
    json.BeginObject();
    json.Key("status").String("ok").Key("errorMessage").String("");
    json.Key("rp").BeginObject().Key("name").String(options_.rp_name);
    json.Key("id").String(options_.rp_id).EndObject();
    json.Key("user").BeginObject().Key("id").String(Base64UrlEncode(user->user_handle));
    json.Key("name").String(user->name).Key("displayName").String(body->display_name).EndObject();
    json.Key("challenge").String(*challenge);
    json.Key("pubKeyCredParams").BeginArray();
    // Every algorithm the engine verifies, RS1 included (the tool requires it).
    for (int64_t alg : {-7, -35, -36, -8, -257, -258, -259, -37, -38, -39, -65535}) {
      json.BeginObject().Key("type").String("public-key").Key("alg").Int(alg).EndObject();
    }
    json.EndArray();
    json.Key("timeout").Int(options_.timeout_ms);
    json.Key("excludeCredentials");
    WriteDescriptors(&json, existing);
    json.Key("authenticatorSelection").BeginObject();
    if (!body->authenticator_attachment.empty()) {
      json.Key("authenticatorAttachment").String(body->authenticator_attachment);
    }
    if (!body->resident_key.empty()) json.Key("residentKey").String(body->resident_key);
    if (body->require_resident_key) json.Key("requireResidentKey").Bool(*body->require_resident_key);
    json.Key("userVerification").String(body->user_verification);
    json.EndObject();
    json.Key("attestation").String(body->attestation);
    std::string text = json.str();  // the object is still open
    respond(JsonResponse(WithExtensions(std::move(text), body->extensions_json)));
  }

  void AssertionOptions(HttpRequest&& request, Responder respond) {
    auto body = ParseToolRequest(request.body);
    if (!body || !ValidUserVerification(body->user_verification)) {
      return respond(Failed(400, "malformed_request"));
    }
    std::string username = WebAuthnService::NormalizeUsername(body->username);
    if (username.empty()) return respond(Failed(400, "malformed_request"));
    std::optional<UserRecord> user;
    if (!store_->LookupUserByName(username, &user).ok()) return respond(Failed(500, kCodeInternal));
    if (!user) return respond(Failed(400, "unknown_credential"));
    std::vector<CredentialRecord> credentials;
    if (!store_->ListForUser(user->user_handle, &credentials).ok()) {
      return respond(Failed(500, kCodeInternal));
    }
    auto challenge = Issue(storage::CeremonyKind::kAuthentication,
                           body->user_verification == "required", user->user_handle);
    if (!challenge) return respond(Failed(500, kCodeInternal));
    JsonWriter json;
    json.BeginObject();
    json.Key("status").String("ok").Key("errorMessage").String("");
    json.Key("challenge").String(*challenge);
    json.Key("timeout").Int(options_.timeout_ms);
    json.Key("rpId").String(options_.rp_id);
    json.Key("allowCredentials");
    WriteDescriptors(&json, credentials);
    json.Key("userVerification").String(body->user_verification);
    std::string text = json.str();
    respond(JsonResponse(WithExtensions(std::move(text), body->extensions_json)));
  }

  // Finds which sealer issued the challenge in clientDataJSON, redeems it
  // and returns its text, the user handle after the seal and whether UV is
  // required; answers the tool itself on failure.
  bool Redeem(ByteView client_data_json, storage::CeremonyKind kind, Ceremony ceremony,
              const Responder& respond, std::string* challenge_text, Bytes* handle,
              bool* uv_required) {
    thread_local JsonScratch scratch;
    CollectedClientData client_data;
    VerifyError verdict = ParseClientData(client_data_json, &scratch, &client_data);
    if (verdict != VerifyError::kOk) {
      respond(FailedVerdict(verdict, ceremony));
      return false;
    }
    *challenge_text = std::string(client_data.challenge);
    Bytes decoded;
    if (!Base64UrlDecode(*challenge_text, &decoded) ||
        decoded.size() < storage::kSealedChallengeBytes) {
      respond(FailedVerdict(VerifyError::kChallengeUnknown, ceremony));
      return false;
    }
    Bytes sealed(decoded.begin(), decoded.begin() + storage::kSealedChallengeBytes);
    handle->assign(decoded.begin() + storage::kSealedChallengeBytes, decoded.end());
    storage::OpenedChallenge opened;
    *uv_required = uv_sealer_->Open(sealed, kind, *handle, options_.now_ms(), &opened) ==
                   storage::ChallengeCheck::kOk;
    storage::ChallengeCheck check = storage::ChallengeCheck::kOk;
    Status status = storage::RedeemChallenge(*uv_required ? *uv_sealer_ : *sealer_, store_, sealed,
                                             kind, *handle, options_.now_ms(), &check);
    if (!status.ok()) {
      respond(Failed(500, kCodeInternal));
      return false;
    }
    if (check != storage::ChallengeCheck::kOk) {
      respond(FailedVerdict(VerifyError::kChallengeUnknown, ceremony));
      return false;
    }
    return true;
  }

  void Submitted(const Status& status, const Responder& respond) {
    if (status.ok()) return;
    if (status.code() == Status::Code::kOverloaded) return respond(Failed(503, kCodeOverloaded));
    respond(Failed(500, kCodeInternal));
  }

  static HttpResponse Ok() {
    return JsonResponse(R"({"status":"ok","errorMessage":""})");
  }

  void AttestationResult(HttpRequest&& request, Responder respond) {
    thread_local JsonScratch scratch;
    RegistrationResponse parsed;
    VerifyError verdict = ParseRegistrationResponseJson(request.body, &scratch, &parsed);
    if (verdict != VerifyError::kOk) {
      return respond(FailedVerdict(verdict, Ceremony::kRegistration));
    }
    std::string challenge;
    Bytes handle;
    bool uv_required = false;
    if (!Redeem(parsed.client_data_json, storage::CeremonyKind::kRegistration,
                Ceremony::kRegistration, respond, &challenge, &handle, &uv_required)) {
      return;
    }
    RegistrationJob job;
    job.response_json = std::move(request.body);
    job.expected.challenge = challenge;
    job.expected.requirements.user_verification_required = uv_required;
    if (options_.metadata) job.expected.requirements.metadata = options_.metadata();
    job.user_handle = handle;
    job.now = options_.now_ms() / 1000;
    Submitted(pipeline_->SubmitRegistration(
                  std::move(job),
                  [respond](RegistrationOutcome&& outcome) {
                    if (!outcome.status.ok()) return respond(Failed(500, kCodeInternal));
                    if (outcome.verdict != VerifyError::kOk) {
                      return respond(FailedVerdict(outcome.verdict, Ceremony::kRegistration));
                    }
                    respond(Ok());
                  }),
              respond);
  }

  void AssertionResult(HttpRequest&& request, Responder respond) {
    thread_local JsonScratch scratch;
    AuthenticationResponse parsed;
    VerifyError verdict = ParseAuthenticationResponseJson(request.body, &scratch, &parsed);
    if (verdict != VerifyError::kOk) {
      return respond(FailedVerdict(verdict, Ceremony::kAuthentication));
    }
    std::string challenge;
    Bytes handle;
    bool uv_required = false;
    if (!Redeem(parsed.client_data_json, storage::CeremonyKind::kAuthentication,
                Ceremony::kAuthentication, respond, &challenge, &handle, &uv_required)) {
      return;
    }
    AssertionJob job;
    job.response_json = std::move(request.body);
    job.expected.challenge = challenge;
    job.expected.requirements.user_verification_required = uv_required;
    if (options_.metadata) job.expected.requirements.metadata = options_.metadata();
    // The tool sends "userHandle": "" for non-discoverable credentials; the
    // user was named in the options, so A6 checks the owner only.
    job.expected.user_handle = handle;
    Submitted(pipeline_->SubmitAssertion(
                  std::move(job),
                  [respond](AssertionOutcome&& outcome) {
                    if (!outcome.status.ok()) return respond(Failed(500, kCodeInternal));
                    if (outcome.verdict != VerifyError::kOk) {
                      return respond(FailedVerdict(outcome.verdict, Ceremony::kAuthentication));
                    }
                    respond(Ok());
                  }),
              respond);
  }

 private:
  ConformanceAdapterOptions options_;
  CredentialStore* store_;
  Pipeline* pipeline_;
  std::shared_ptr<const storage::ChallengeSealer> sealer_;
  std::shared_ptr<const storage::ChallengeSealer> uv_sealer_;
};

ConformanceAdapter::ConformanceAdapter(ConformanceAdapterOptions options, CredentialStore* store,
                                       Pipeline* pipeline,
                                       std::shared_ptr<const storage::ChallengeSealer> sealer,
                                       std::shared_ptr<const storage::ChallengeSealer> uv_sealer)
    : impl_(std::make_unique<Impl>(std::move(options), store, pipeline, std::move(sealer),
                                   std::move(uv_sealer))) {}

ConformanceAdapter::~ConformanceAdapter() = default;

void ConformanceAdapter::AddRoutes(Router* router) {
  Impl* impl = impl_.get();
  router->Add("POST", "/attestation/options", [impl](HttpRequest&& r, Responder s) {
    impl->AttestationOptions(std::move(r), s);
  });
  router->Add("POST", "/attestation/result", [impl](HttpRequest&& r, Responder s) {
    impl->AttestationResult(std::move(r), s);
  });
  router->Add("POST", "/assertion/options", [impl](HttpRequest&& r, Responder s) {
    impl->AssertionOptions(std::move(r), s);
  });
  router->Add("POST", "/assertion/result", [impl](HttpRequest&& r, Responder s) {
    impl->AssertionResult(std::move(r), s);
  });
}

void ConformanceAdapter::AttestationOptions(HttpRequest&& request, Responder respond) {
  impl_->AttestationOptions(std::move(request), std::move(respond));
}
void ConformanceAdapter::AttestationResult(HttpRequest&& request, Responder respond) {
  impl_->AttestationResult(std::move(request), std::move(respond));
}
void ConformanceAdapter::AssertionOptions(HttpRequest&& request, Responder respond) {
  impl_->AssertionOptions(std::move(request), std::move(respond));
}
void ConformanceAdapter::AssertionResult(HttpRequest&& request, Responder respond) {
  impl_->AssertionResult(std::move(request), std::move(respond));
}

}  // namespace keystorm::server
