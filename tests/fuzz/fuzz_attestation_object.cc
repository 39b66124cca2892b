// Fuzzes the attestationObject (§6.5.4): the lenient outer CBOR map, the
// fmt/authData/attStmt extraction, ParseAuthenticatorData, PublicKey::Parse
// and, with a fixed valid clientDataJSON and RP (example.com), the whole
// Verifier::VerifyRegistration.  The seeds (make_seeds.py) hold `none` and
// packed self-attestation objects that pass.
//
// Invariants:
//   - authData and attStmt views lie inside the input;
//   - the registration verdict is the first failure of an independent replay
//     of R13: malformed_cbor if the outer map or its members are wrong, else
//     the ParseAuthenticatorData verdict, malformed_authenticator_data
//     without attested data, else the PublicKey::Parse verdict;
//   - any other verdict comes from a later step, never from the client data
//     (which is fixed and valid);
//   - on kOk the new credential is exactly what authData carries and fmt.
#include <cstdint>
#include <memory>
#include <string>

#include "fuzz_support.h"
#include "keystorm/authenticator_data.h"
#include "keystorm/cbor.h"
#include "keystorm/cose_key.h"
#include "keystorm/verifier.h"

namespace keystorm {
namespace {

const Verifier& GetVerifier() {
  static const Verifier* verifier = [] {
    RelyingPartyConfig rp;
    rp.rp_id = std::string(fuzz::kRpId);
    rp.origins = {std::string(fuzz::kOrigin)};
    return new Verifier(rp);
  }();
  return *verifier;
}

// The verdict R13 must give, computed without the Verifier; kOk if R13 holds.
VerifyError ExpectedR13(ByteView input, std::string_view* fmt, AuthenticatorData* ad) {
  CborDocument doc;
  CborLimits lenient;
  lenient.canonical_key_order = false;
  if (!doc.Parse(input, lenient) || !doc.root().is_map()) return VerifyError::kMalformedCbor;
  CborRef root = doc.root();
  ByteView auth_data;
  CborRef att_stmt = root.Find("attStmt");
  if (!root.Find("fmt").GetText(fmt) || !root.Find("authData").GetBytes(&auth_data) ||
      !att_stmt.is_map()) {
    return VerifyError::kMalformedCbor;
  }
  FUZZ_CHECK(fuzz::Inside(auth_data, input) && fuzz::Inside(att_stmt.encoded(), input));
  FUZZ_CHECK(fuzz::Inside(AsBytes(*fmt), input));
  VerifyError err = ParseAuthenticatorData(auth_data, ad);
  if (err != VerifyError::kOk) return err;
  FUZZ_CHECK(fuzz::Inside(ad->raw, input));
  if (!ad->attested) return VerifyError::kMalformedAuthenticatorData;
  FUZZ_CHECK(fuzz::Inside(ad->attested->credential_public_key, auth_data));
  std::unique_ptr<PublicKey> key;
  return PublicKey::Parse(ad->attested->credential_public_key, &key);
}

}  // namespace
}  // namespace keystorm

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace keystorm;
  static JsonScratch* scratch = new JsonScratch();
  ByteView input(data, size);

  std::string_view fmt;
  AuthenticatorData ad;
  VerifyError r13 = ExpectedR13(input, &fmt, &ad);

  RegistrationResponse response;
  response.raw_id = {1, 2, 3};
  ByteView client_data = AsBytes(fuzz::kCreateClientData);
  response.client_data_json.assign(client_data.begin(), client_data.end());
  response.attestation_object.assign(data, data + size);
  RegistrationExpectations expected;
  expected.challenge = std::string(fuzz::kChallenge);
  expected.verification_time = 1700000000;  // fixed: replays must not depend on the clock
  NewCredential credential;
  VerifyError err = GetVerifier().VerifyRegistration(response, expected, scratch, &credential);

  if (r13 != VerifyError::kOk) {
    FUZZ_CHECK(err == r13);
    return 0;
  }
  FUZZ_CHECK(err != VerifyError::kMalformedRequest && err != VerifyError::kMalformedClientData &&
             err != VerifyError::kTypeMismatch && err != VerifyError::kChallengeMismatch &&
             err != VerifyError::kOriginMismatch && err != VerifyError::kMalformedCbor &&
             err != VerifyError::kMalformedAuthenticatorData);
  if (err != VerifyError::kOk) return 0;
  const AttestedCredentialData& acd = *ad.attested;
  FUZZ_CHECK(Equal(credential.id, acd.credential_id));
  FUZZ_CHECK(Equal(credential.public_key_cose, acd.credential_public_key));
  FUZZ_CHECK(credential.aaguid == acd.aaguid);
  FUZZ_CHECK(credential.sign_count == ad.sign_count);
  FUZZ_CHECK(credential.attestation_format == fmt);
  FUZZ_CHECK(credential.uv_initialized == ad.user_verified());
  FUZZ_CHECK(credential.backup_eligible == ad.backup_eligible());
  FUZZ_CHECK(credential.backup_state == ad.backup_state());
  FUZZ_CHECK(ad.user_present());
  FUZZ_CHECK(credential.id.size() <= kMaxCredentialIdLength);
  return 0;
}
