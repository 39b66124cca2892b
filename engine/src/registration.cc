// §7.1 Registering a New Credential: the run order, R5 to R25.
#include <algorithm>
#include <ctime>

#include "ceremony_steps.h"
#include "keystorm/cbor.h"
#include "keystorm/metadata.h"
#include "keystorm/trust_store.h"
#include "keystorm/verifier.h"

namespace keystorm {
namespace {

// The decoded attestationObject (R13): views into the response buffer.
struct AttestationObject {
  CborDocument doc;
  std::string_view fmt;
  CborRef att_stmt;
  ByteView auth_data;
};

// R13: "Perform CBOR decoding on the attestationObject field ... to obtain
// the attestation statement format fmt, the authenticator data authData, and
// the attestation statement attStmt."
// OUT OF SPEC (deliberately lenient): the key order of this map and of attStmt
// is not enforced — real authenticators emit other orders (SCHEMA.md).
VerifyError DecodeAttestationObject(ByteView bytes, AttestationObject* out) {
  CborLimits limits;
  limits.canonical_key_order = false;
  if (!out->doc.Parse(bytes, limits)) return VerifyError::kMalformedCbor;
  CborRef root = out->doc.root();
  if (!root.is_map()) return VerifyError::kMalformedCbor;
  out->att_stmt = root.Find("attStmt");
  // attStmt is a map, except for `compound` (§8.9), whose attStmt is an array.
  if (!root.Find("fmt").GetText(&out->fmt) || !root.Find("authData").GetBytes(&out->auth_data) ||
      !(out->att_stmt.is_map() || (out->fmt == "compound" && out->att_stmt.is_array()))) {
    return VerifyError::kMalformedCbor;
  }
  return VerifyError::kOk;
}

// R18-R19: "If the Relying Party uses the credential's backup eligibility
// [or state] to inform its user experience flows and/or policies, evaluate
// [them]": here, with the operator's authenticator-model list.
VerifyError CheckAuthenticatorAdmitted(const AuthenticatorData& ad, const Requirements& req) {
  return AuthenticatorAdmitted(req, ad.attested->aaguid, ad.backup_eligible())
             ? VerifyError::kOk
             : VerifyError::kPolicyDenied;
}

// The FIDO metadata entry of the attested model: by AAGUID, or for a model
// without one (fido-u2f) by the attestation certificate's key identifier.
const MetadataEntry* FindMetadataEntry(const Requirements& req,
                                       const std::array<uint8_t, 16>& aaguid,
                                       const AttestationStatementResult& att) {
  if (!req.metadata) return nullptr;
  if (aaguid != std::array<uint8_t, 16>{}) return req.metadata->FindByAaguid(aaguid);
  if (att.trust_path.empty()) return nullptr;
  return req.metadata->FindByKeyIdentifier(AttestationKeyIdentifier(att.trust_path.front()));
}

// R23-R24 (metadata half): "Assess the attestation trustworthiness": a model
// whose latest FIDO status report revokes it is not trustworthy, whatever
// its chain.
VerifyError CheckNotRevoked(const MetadataEntry* entry) {
  return entry != nullptr && entry->revoked ? VerifyError::kAttestationRevoked : VerifyError::kOk;
}

// R23-R24: "Assess the attestation trustworthiness using the outputs of the
// verification procedure": none and self must be acceptable under policy,
// otherwise the x5c path must chain to an acceptable root: one the operator
// configured, or one FIDO metadata lists for the model.
VerifyError AssessAttestationTrust(const AttestationStatementResult& att, const Requirements& req,
                                   std::string_view fmt, const std::array<uint8_t, 16>& aaguid,
                                   const MetadataEntry* metadata, int64_t verification_time,
                                   bool* trusted) {
  *trusted = false;
  switch (att.type) {
    case AttestationType::kNone:
      return req.allow_none_attestation ? VerifyError::kOk : VerifyError::kAttestationUntrusted;
    case AttestationType::kSelf:
      return req.allow_self_attestation ? VerifyError::kOk : VerifyError::kAttestationUntrusted;
    case AttestationType::kBasic:
    case AttestationType::kAttCA:
    case AttestationType::kAnonCA:
      break;
  }
  std::shared_ptr<const TrustAnchors> anchors = req.trust_anchors;
  if (!anchors && req.trust_store) anchors = req.trust_store->AnchorsFor(fmt, aaguid);
  if (anchors && anchors->size() == 0) anchors = nullptr;
  const TrustAnchors* metadata_anchors = metadata ? metadata->anchors.get() : nullptr;
  if (!anchors && !metadata_anchors) {
    return req.require_trusted_attestation ? VerifyError::kAttestationUntrusted : VerifyError::kOk;
  }
  // Either set may vouch for the path (their union, without building one).
  if (!(anchors && anchors->Verifies(att.trust_path, verification_time)) &&
      !(metadata_anchors && metadata_anchors->Verifies(att.trust_path, verification_time))) {
    return VerifyError::kAttestationUntrusted;
  }
  *trusted = true;
  return VerifyError::kOk;
}

// R25: "Verify that the credentialId is ≤ 1023 bytes."
VerifyError CheckCredentialIdLength(const AttestedCredentialData& acd) {
  return acd.credential_id.size() <= kMaxCredentialIdLength ? VerifyError::kOk
                                                            : VerifyError::kCredentialIdTooLong;
}

}  // namespace

VerifyError Verifier::VerifyRegistration(const RegistrationResponse& response,
                                         const RegistrationExpectations& expected,
                                         JsonScratch* scratch, NewCredential* out) const {
  const Requirements& req = expected.requirements;
  VerifyError err;
  // R5-R11.
  err = steps::VerifyClientData(response.client_data_json, steps::kTypeCreate, expected.challenge,
                                config_, scratch);
  if (err != VerifyError::kOk) return err;
  // R12.
  std::array<uint8_t, 32> client_data_hash = steps::HashClientData(response.client_data_json);
  // R13.
  AttestationObject att_obj;
  if ((err = DecodeAttestationObject(response.attestation_object, &att_obj)) != VerifyError::kOk) {
    return err;
  }
  AuthenticatorData ad;
  if ((err = ParseAuthenticatorData(att_obj.auth_data, &ad)) != VerifyError::kOk) return err;
  // A registration's authData must carry attested credential data.
  if (!ad.attested) return VerifyError::kMalformedAuthenticatorData;
  // Still R13: the credential public key, parsed once and validated (feeds
  // R20 and R22).  An algorithm Keystorm lacks is reported here, before any
  // check that would need it.
  std::unique_ptr<PublicKey> key;
  if ((err = PublicKey::Parse(ad.attested->credential_public_key, &key)) != VerifyError::kOk) {
    return err;
  }
  // R14-R17.
  if ((err = steps::VerifyAuthenticatorDataFlags(ad, rp_id_hash_, req, steps::kTypeCreate)) !=
      VerifyError::kOk) {
    return err;
  }
  // R18-R19.
  if ((err = CheckAuthenticatorAdmitted(ad, req)) != VerifyError::kOk) return err;
  // R20.
  // R20: "Verify that the \"alg\" parameter in the credential public key in
  // authData matches the alg attribute of one of the items in pubKeyCredParams."
  if ((err = steps::CheckAlgorithmAllowed(key->algorithm(), req)) != VerifyError::kOk) return err;
  // R21-R22.
  int64_t now = expected.verification_time.value_or(static_cast<int64_t>(std::time(nullptr)));
  AttestationContext ctx{&ad, client_data_hash, key.get(), now, req.attestation_policy};
  AttestationStatementResult att;
  if ((err = VerifyAttestationStatement(att_obj.fmt, att_obj.att_stmt, ctx, &att)) !=
      VerifyError::kOk) {
    return err;
  }
  // R23-R24.
  const MetadataEntry* metadata = FindMetadataEntry(req, ad.attested->aaguid, att);
  if ((err = CheckNotRevoked(metadata)) != VerifyError::kOk) return err;
  bool trusted = false;
  if ((err = AssessAttestationTrust(att, req, att_obj.fmt, ad.attested->aaguid, metadata, now,
                                    &trusted)) != VerifyError::kOk) {
    return err;
  }
  // R25.
  if ((err = CheckCredentialIdLength(*ad.attested)) != VerifyError::kOk) return err;

  // R27: the record the caller stores once R26 (uniqueness) holds.
  NewCredential c;
  c.id.assign(ad.attested->credential_id.begin(), ad.attested->credential_id.end());
  c.public_key_cose.assign(ad.attested->credential_public_key.begin(),
                           ad.attested->credential_public_key.end());
  c.algorithm = key->algorithm();
  c.sign_count = ad.sign_count;
  c.uv_initialized = ad.user_verified();
  c.backup_eligible = ad.backup_eligible();
  c.backup_state = ad.backup_state();
  c.aaguid = ad.attested->aaguid;
  c.transports = response.transports;
  c.attestation_format = std::string(att_obj.fmt);
  c.attestation_type = att.type;
  c.attestation_trusted = trusted;
  for (ByteView cert : att.trust_path) c.attestation_trust_path.emplace_back(cert.begin(), cert.end());
  *out = std::move(c);
  return VerifyError::kOk;
}

}  // namespace keystorm
