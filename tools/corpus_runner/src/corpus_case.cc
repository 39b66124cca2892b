#include "keystorm/corpus/corpus_case.h"

#include <simdjson.h>


#include "iso8601.h"
#include "keystorm/base64url.h"
#include "keystorm/cbor.h"
#include "keystorm/cose_key.h"
#include "keystorm/read_file.h"
#include "keystorm/verifier.h"
#include "keystorm/webauthn_json.h"

namespace keystorm::corpus {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

Result<std::string> ReadFile(const std::filesystem::path& path) {
  std::optional<std::string> text = ReadWholeFile(path);
  if (!text) return Status::IOError("cannot read " + path.string());
  return std::move(*text);
}

// attestationTrustAnchorsRef paths are relative to the conformance folder;
// the case may sit deeper (derived/registration/...), so walk upwards.
Result<std::filesystem::path> ResolveRef(const std::filesystem::path& case_file, std::string_view ref) {
  for (std::filesystem::path dir = case_file.parent_path(); !dir.empty(); dir = dir.parent_path()) {
    std::filesystem::path candidate = dir / ref;
    if (std::filesystem::exists(candidate)) return candidate;
    if (dir == dir.root_path()) break;
  }
  return Status::NotFound("trust anchor file not found: " + std::string(ref));
}

Status LoadTrustAnchors(const std::filesystem::path& path, object expected, Requirements* req) {
  std::vector<Bytes> der_anchors;
  array list;
  if (expected["attestationTrustAnchors"].get_array().get(list) == SUCCESS) {
    for (element e : list) {
      std::string_view text;
      Bytes der;
      if (e.get_string().get(text) != SUCCESS || !Base64UrlDecode(text, &der)) {
        return Status::InvalidArgument("attestationTrustAnchors: not base64url");
      }
      der_anchors.push_back(std::move(der));
    }
  }
  std::string pem;
  if (expected["attestationTrustAnchorsRef"].get_array().get(list) == SUCCESS) {
    for (element e : list) {
      std::string_view ref;
      if (e.get_string().get(ref) != SUCCESS) return Status::InvalidArgument("bad anchor ref");
      Result<std::filesystem::path> file = ResolveRef(path, ref);
      if (!file) return file.error();
      Result<std::string> text = ReadFile(*file);
      if (!text) return text.error();
      pem += *text;
    }
  }
  if (der_anchors.empty() && pem.empty()) return Status::Ok();
  if (!pem.empty()) {
    // Re-encode PEM roots as DER so one TrustAnchors holds both kinds.
    Result<std::shared_ptr<const TrustAnchors>> from_pem = TrustAnchors::FromPem(pem);
    if (!from_pem) return from_pem.error();
    if (der_anchors.empty()) {
      req->trust_anchors = *from_pem;
      return Status::Ok();
    }
    return Status::InvalidArgument("case mixes DER and PEM anchors");
  }
  Result<std::shared_ptr<const TrustAnchors>> anchors = TrustAnchors::FromDer(der_anchors);
  if (!anchors) return anchors.error();
  req->trust_anchors = *anchors;
  return Status::Ok();
}

std::string AttestationFormatOf(const RegistrationResponse& r) {
  CborDocument doc;
  CborLimits limits;
  limits.canonical_key_order = false;
  std::string_view fmt;
  if (doc.Parse(r.attestation_object, limits) && doc.root().Find("fmt").GetText(&fmt)) {
    return std::string(fmt);
  }
  return "";
}

// requiresAlgorithm names (SCHEMA.md: Ed448, ML-DSA-44/65/87, ...) that the
// engine implements: Ed448 (-53, libdecaf); not ML-DSA (docs/decisions.md).
bool ImplementsAlgorithmNamed(std::string_view name) {
  for (int64_t alg :
       {-7, -35, -36, -8, -257, -258, -259, -37, -38, -39, -65535, -9, -51, -52, -19, -53}) {
    if (IsImplementedAlgorithm(alg) && CoseAlgorithmName(alg) == name) return true;
  }
  return false;
}

}  // namespace

Result<LoadedCase> LoadCaseFile(const std::filesystem::path& path) {
  Result<std::string> text = ReadFile(path);
  if (!text) return text.error();
  simdjson::dom::parser parser;
  element doc;
  if (parser.parse(*text).get(doc) != SUCCESS) return Status::InvalidArgument("not JSON: " + path.string());

  LoadedCase c;
  std::string_view kind, outcome, id;
  object root, expected, response_obj;
  if (doc.get_object().get(root) != SUCCESS || root["kind"].get_string().get(kind) != SUCCESS ||
      root["outcome"].get_string().get(outcome) != SUCCESS) {
    c.note = "not a case (no kind/outcome)";
    return c;
  }
  c.is_case = true;
  if (root["id"].get_string().get(id) != SUCCESS) id = path.stem().string();
  c.id = std::string(id);
  c.kind = std::string(kind);
  c.expected_outcome = std::string(outcome);
  if (c.kind != "registration" && c.kind != "authentication") {
    return Status::InvalidArgument(c.id + ": unknown kind " + c.kind);
  }
  std::string_view requires_alg;
  if (root["requiresAlgorithm"].get_string().get(requires_alg) == SUCCESS) {
    c.requires_algorithm = std::string(requires_alg);
  }
  if (root["expected"].get_object().get(expected) != SUCCESS ||
      root["response"].get_object().get(response_obj) != SUCCESS) {
    return Status::InvalidArgument(c.id + ": missing expected or response");
  }

  // --- The relying party and the ceremony's requirements.
  RelyingPartyConfig& rp = c.rp;
  std::string_view rp_id, challenge;
  if (expected["rpId"].get_string().get(rp_id) != SUCCESS ||
      expected["challenge"].get_string().get(challenge) != SUCCESS) {
    return Status::InvalidArgument(c.id + ": expected.rpId/challenge missing");
  }
  rp.rp_id = std::string(rp_id);
  array list;
  if (expected["origins"].get_array().get(list) == SUCCESS) {
    for (element e : list) {
      std::string_view s;
      if (e.get_string().get(s) == SUCCESS) rp.origins.emplace_back(s);
    }
  }
  if (expected["topOrigins"].get_array().get(list) == SUCCESS) {
    for (element e : list) {
      std::string_view s;
      if (e.get_string().get(s) == SUCCESS) rp.top_origins.emplace_back(s);
    }
  }
  bool flag = false;
  if (expected["crossOriginAllowed"].get_bool().get(flag) == SUCCESS) rp.cross_origin_allowed = flag;

  Requirements& req = c.requirements;
  if (expected["userVerificationRequired"].get_bool().get(flag) == SUCCESS) {
    req.user_verification_required = flag;
  }
  if (expected["userPresenceRequired"].get_bool().get(flag) == SUCCESS) {
    req.user_presence_required = flag;
  }
  if (expected["supportedAlgorithms"].get_array().get(list) == SUCCESS) {
    for (element e : list) {
      int64_t alg;
      if (e.get_int64().get(alg) == SUCCESS) req.allowed_algorithms.push_back(alg);
    }
  }
  // SafetyNet policy switches (SCHEMA.md); absent means the strict default.
  if (expected["safetyNetEnforceCTSCheck"].get_bool().get(flag) == SUCCESS) {
    req.attestation_policy.safetynet_enforce_cts_profile_match = flag;
  }
  if (expected["safetyNetTimestampCheck"].get_bool().get(flag) == SUCCESS) {
    req.attestation_policy.safetynet_check_timestamp = flag;
  }
  Status anchors = LoadTrustAnchors(path, expected, &req);
  if (!anchors.ok()) return anchors;
  std::string_view time_text;
  if (expected["verificationTime"].get_string().get(time_text) == SUCCESS) {
    c.verification_time = ParseIso8601Utc(time_text);
    if (!c.verification_time) return Status::InvalidArgument(c.id + ": bad verificationTime");
  }

  c.challenge = std::string(challenge);
  c.response_json = simdjson::minify(response_obj);

  if (c.kind == "authentication") {
    object cred;
    std::string_view cred_id_text, key_text, handle_text;
    uint64_t sign_count = 0;
    if (root["credential"].get_object().get(cred) != SUCCESS ||
        cred["publicKey"].get_string().get(key_text) != SUCCESS ||
        cred["signCount"].get_uint64().get(sign_count) != SUCCESS) {
      return Status::InvalidArgument(c.id + ": credential record missing");
    }
    StoredCase stored;
    if (cred["id"].get_string().get(cred_id_text) != SUCCESS) cred_id_text = "";
    if (!Base64UrlDecode(key_text, &stored.public_key_cose) ||
        !Base64UrlDecode(cred_id_text, &stored.id)) {
      return Status::InvalidArgument(c.id + ": credential record not base64url");
    }
    stored.sign_count = static_cast<uint32_t>(sign_count);
    if (cred["userHandle"].get_string().get(handle_text) == SUCCESS) {
      Bytes handle;
      if (!Base64UrlDecode(handle_text, &handle)) {
        return Status::InvalidArgument(c.id + ": credential.userHandle not base64url");
      }
      stored.user_handle = std::move(handle);
    }
    bool be = false;
    if (cred["backupEligible"].get_bool().get(be) == SUCCESS) stored.backup_eligible = be;
    c.credential = std::move(stored);
  }
  return c;
}

Bytes AccountHandle(const LoadedCase& c, const AuthenticationResponse& response) {
  if (c.credential && c.credential->user_handle) return *c.credential->user_handle;
  if (response.user_handle) return *response.user_handle;
  return Bytes();
}

bool StoredBackupEligible(const LoadedCase& c, const AuthenticationResponse& response) {
  if (c.credential && c.credential->backup_eligible) return *c.credential->backup_eligible;
  // Unknown: assume the authenticator's current BE was stored.
  return response.authenticator_data.size() > 32 && (response.authenticator_data[32] & 0x08) != 0;
}

CaseResult VerifyLoadedCase(const LoadedCase& c, const CaseOptions& options) {
  CaseResult result;
  result.is_case = c.is_case;
  result.note = c.note;
  result.id = c.id;
  result.kind = c.kind;
  result.expected = c.expected_outcome;
  if (!c.is_case) return result;

  Verifier verifier(c.rp);
  JsonScratch scratch;
  VerifyError verdict;
  if (c.kind == "registration") {
    RegistrationResponse response;
    verdict = ParseRegistrationResponseJson(c.response_json, &scratch, &response);
    if (verdict == VerifyError::kOk) {
      result.fmt = AttestationFormatOf(response);
      RegistrationExpectations exp{c.challenge, c.requirements, c.verification_time};
      NewCredential credential;
      verdict = verifier.VerifyRegistration(response, exp, &scratch, &credential);
    }
  } else {
    AuthenticationResponse response;
    verdict = ParseAuthenticationResponseJson(c.response_json, &scratch, &response);
    std::unique_ptr<PublicKey> key;
    if (verdict == VerifyError::kOk) verdict = PublicKey::Parse(c.credential->public_key_cose, &key);
    if (verdict == VerifyError::kOk) {
      // The account's user handle: the record's, or else whatever the
      // response claims (the case then says nothing about ownership).
      Bytes account_handle = AccountHandle(c, response);
      StoredCredential stored;
      stored.id = c.credential->id;
      stored.user_handle = account_handle;
      stored.public_key = key.get();
      stored.sign_count = c.credential->sign_count;
      stored.backup_eligible = StoredBackupEligible(c, response);
      AssertionExpectations exp;
      exp.challenge = c.challenge;
      exp.requirements = c.requirements;
      exp.user_handle = account_handle;
      CredentialUpdate update;
      verdict = verifier.VerifyAssertion(response, exp, &stored, &scratch, &update);
    }
  }
  result.got = std::string(VerifyErrorName(verdict));
  return JudgeVerdict(c, options, verdict, std::move(result));
}

CaseResult JudgeVerdict(const LoadedCase& c, const CaseOptions& options, VerifyError verdict,
                        CaseResult result) {
  result.got = std::string(VerifyErrorName(verdict));
  result.pass = result.got == result.expected;
  // A case that needs an algorithm Keystorm lacks passes only if the verdict
  // says so (SCHEMA.md: unsupported_algorithm, never ok).
  if (!c.requires_algorithm.empty() && !ImplementsAlgorithmNamed(c.requires_algorithm)) {
    result.unsupported_algorithm = verdict == VerifyError::kUnsupportedAlgorithm;
    result.pass = result.unsupported_algorithm;
    result.note = "requires " + c.requires_algorithm;
  }
  if (!result.pass && verdict == VerifyError::kUnsupportedAttestationFormat &&
      options.expected_unsupported_formats.count(result.fmt) > 0) {
    result.unsupported_format = true;
    result.pass = true;
    result.note = "format " + result.fmt + " expected-unsupported";
  }
  return result;
}

Result<CaseResult> RunCaseFile(const std::filesystem::path& path, const CaseOptions& options) {
  Result<LoadedCase> c = LoadCaseFile(path);
  if (!c) return c.error();
  return VerifyLoadedCase(*c, options);
}

}  // namespace keystorm::corpus
