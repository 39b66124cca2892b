#include "keystorm/corpus/corpus_case.h"

#include <simdjson.h>

#include <fstream>
#include <sstream>

#include "iso8601.h"
#include "keystorm/base64url.h"
#include "keystorm/cbor.h"
#include "keystorm/cose_key.h"
#include "keystorm/verifier.h"
#include "keystorm/webauthn_json.h"

namespace keystorm::corpus {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

Result<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot open " + path.string());
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
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
// engine implements.  None of them yet; see docs/decisions.md.
bool ImplementsAlgorithmNamed(std::string_view name) {
  for (int64_t alg : {-7, -35, -36, -8, -257, -258, -259, -37, -38, -39, -65535, -9, -51, -52, -19}) {
    if (IsImplementedAlgorithm(alg) && CoseAlgorithmName(alg) == name) return true;
  }
  return false;
}

}  // namespace

Result<CaseResult> RunCaseFile(const std::filesystem::path& path, const CaseOptions& options) {
  Result<std::string> text = ReadFile(path);
  if (!text) return text.error();
  simdjson::dom::parser parser;
  element doc;
  if (parser.parse(*text).get(doc) != SUCCESS) return Status::InvalidArgument("not JSON: " + path.string());

  CaseResult result;
  std::string_view kind, outcome, id;
  object root, expected, response_obj;
  if (doc.get_object().get(root) != SUCCESS || root["kind"].get_string().get(kind) != SUCCESS ||
      root["outcome"].get_string().get(outcome) != SUCCESS) {
    result.note = "not a case (no kind/outcome)";
    return result;
  }
  result.is_case = true;
  if (root["id"].get_string().get(id) != SUCCESS) id = path.stem().string();
  result.id = std::string(id);
  result.kind = std::string(kind);
  result.expected = std::string(outcome);
  if (root["expected"].get_object().get(expected) != SUCCESS ||
      root["response"].get_object().get(response_obj) != SUCCESS) {
    return Status::InvalidArgument(result.id + ": missing expected or response");
  }

  // --- The relying party and the ceremony's requirements.
  RelyingPartyConfig rp;
  std::string_view rp_id, challenge;
  if (expected["rpId"].get_string().get(rp_id) != SUCCESS ||
      expected["challenge"].get_string().get(challenge) != SUCCESS) {
    return Status::InvalidArgument(result.id + ": expected.rpId/challenge missing");
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

  Requirements req;
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
  std::optional<int64_t> verification_time;
  std::string_view time_text;
  if (expected["verificationTime"].get_string().get(time_text) == SUCCESS) {
    verification_time = ParseIso8601Utc(time_text);
    if (!verification_time) return Status::InvalidArgument(result.id + ": bad verificationTime");
  }

  Verifier verifier(rp);
  JsonScratch scratch;
  std::string response_json = simdjson::minify(response_obj);
  VerifyError verdict;

  if (kind == "registration") {
    RegistrationResponse response;
    verdict = ParseRegistrationResponseJson(response_json, &scratch, &response);
    if (verdict == VerifyError::kOk) {
      result.fmt = AttestationFormatOf(response);
      RegistrationExpectations exp{std::string(challenge), req, verification_time};
      NewCredential credential;
      verdict = verifier.VerifyRegistration(response, exp, &scratch, &credential);
    }
  } else if (kind == "authentication") {
    object cred;
    std::string_view cred_id_text, key_text;
    uint64_t sign_count = 0;
    if (root["credential"].get_object().get(cred) != SUCCESS ||
        cred["publicKey"].get_string().get(key_text) != SUCCESS ||
        cred["signCount"].get_uint64().get(sign_count) != SUCCESS) {
      return Status::InvalidArgument(result.id + ": credential record missing");
    }
    if (cred["id"].get_string().get(cred_id_text) != SUCCESS) cred_id_text = "";
    Bytes key_cose, cred_id;
    if (!Base64UrlDecode(key_text, &key_cose) || !Base64UrlDecode(cred_id_text, &cred_id)) {
      return Status::InvalidArgument(result.id + ": credential record not base64url");
    }
    AuthenticationResponse response;
    verdict = ParseAuthenticationResponseJson(response_json, &scratch, &response);
    if (verdict == VerifyError::kOk) {
      std::unique_ptr<PublicKey> key;
      verdict = PublicKey::Parse(key_cose, &key);
      // The account's user handle: the record's, or else whatever the response
      // claims (the case then says nothing about ownership).
      Bytes account_handle;
      std::string_view handle_text;
      if (cred["userHandle"].get_string().get(handle_text) == SUCCESS) {
        if (!Base64UrlDecode(handle_text, &account_handle)) {
          return Status::InvalidArgument(result.id + ": credential.userHandle not base64url");
        }
      } else if (response.user_handle) {
        account_handle = *response.user_handle;
      }
      if (verdict == VerifyError::kOk) {
        bool stored_be = false;
        if (cred["backupEligible"].get_bool().get(stored_be) != SUCCESS) {
          // Unknown: assume the authenticator's current BE was stored.
          stored_be = response.authenticator_data.size() > 32 &&
                      (response.authenticator_data[32] & 0x08) != 0;
        }
        StoredCredential stored;
        stored.id = cred_id;
        stored.user_handle = account_handle;
        stored.public_key = key.get();
        stored.sign_count = static_cast<uint32_t>(sign_count);
        stored.backup_eligible = stored_be;
        AssertionExpectations exp;
        exp.challenge = std::string(challenge);
        exp.requirements = req;
        exp.user_handle = account_handle;
        CredentialUpdate update;
        verdict = verifier.VerifyAssertion(response, exp, &stored, &scratch, &update);
      }
    }
  } else {
    return Status::InvalidArgument(result.id + ": unknown kind " + std::string(kind));
  }

  result.got = std::string(VerifyErrorName(verdict));
  result.pass = result.got == result.expected;
  // A case that needs an algorithm Keystorm lacks passes only if the verdict
  // says so (SCHEMA.md: unsupported_algorithm, never ok).
  std::string_view requires_alg;
  if (root["requiresAlgorithm"].get_string().get(requires_alg) == SUCCESS &&
      !ImplementsAlgorithmNamed(requires_alg)) {
    result.unsupported_algorithm = verdict == VerifyError::kUnsupportedAlgorithm;
    result.pass = result.unsupported_algorithm;
    result.note = "requires " + std::string(requires_alg);
  }
  if (!result.pass && verdict == VerifyError::kUnsupportedAttestationFormat &&
      options.expected_unsupported_formats.count(result.fmt) > 0) {
    result.unsupported_format = true;
    result.pass = true;
    result.note = "format " + result.fmt + " expected-unsupported";
  }
  return result;
}

}  // namespace keystorm::corpus
