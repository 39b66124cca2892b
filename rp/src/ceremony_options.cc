#include "ceremony_options.h"

#include "keystorm/base64url.h"
#include "keystorm/json_writer.h"

namespace keystorm::rp {
namespace {

void CredentialDescriptors(JsonWriter* w, const std::vector<Bytes>& ids) {
  w->BeginArray();
  for (const Bytes& id : ids) {
    w->BeginObject().Key("type").String("public-key").Key("id").String(Base64UrlEncode(id));
    w->EndObject();
  }
  w->EndArray();
}

}  // namespace

std::string CreationOptionsJson(const RelyingPartyOptions& rp, const RegistrationStart& start) {
  JsonWriter w;
  w.BeginObject();
  w.Key("rp").BeginObject().Key("id").String(rp.rp_id).Key("name").String(rp.rp_name).EndObject();
  w.Key("user")
      .BeginObject()
      .Key("id").String(Base64UrlEncode(start.user_handle))
      .Key("name").String(start.user_name)
      .Key("displayName").String(start.display_name)
      .EndObject();
  w.Key("challenge").String(start.challenge);
  w.Key("pubKeyCredParams").BeginArray();
  for (int64_t alg : start.algorithms) {
    w.BeginObject().Key("type").String("public-key").Key("alg").Int(alg).EndObject();
  }
  w.EndArray();
  w.Key("timeout").Int(rp.challenge_ttl_ms);
  w.Key("excludeCredentials");
  CredentialDescriptors(&w, start.exclude_credentials);
  // Passkeys: a discoverable credential where the authenticator can make one.
  w.Key("authenticatorSelection")
      .BeginObject()
      .Key("residentKey").String("preferred")
      .Key("userVerification").String(start.user_verification)
      .EndObject();
  w.Key("attestation").String(start.attestation);
  w.EndObject();
  return w.str();
}

std::string RequestOptionsJson(const RelyingPartyOptions& rp, const AuthenticationStart& start) {
  JsonWriter w;
  w.BeginObject()
      .Key("challenge").String(start.challenge)
      .Key("timeout").Int(rp.challenge_ttl_ms)
      .Key("rpId").String(rp.rp_id)
      .Key("allowCredentials");
  CredentialDescriptors(&w, start.allow_credentials);
  w.Key("userVerification").String(start.user_verification);
  w.EndObject();
  return w.str();
}

}  // namespace keystorm::rp
