#include "keystorm/test/test_authenticator.h"

#include <openssl/sha.h>

#include <cstdlib>
#include <string>

#include "attestation_statement.h"

namespace keystorm::test {
namespace {

using C = CborValue;

std::array<uint8_t, 32> Sha256(ByteView data) {
  std::array<uint8_t, 32> hash;
  SHA256(data.data(), data.size(), hash.data());
  return hash;
}

// Deterministic per-authenticator bytes, so failures reproduce.
Bytes Derive(std::string_view label, int64_t alg, int slot, size_t length) {
  std::string seed = std::string(label) + "/" + std::to_string(alg) + "/" + std::to_string(slot);
  std::array<uint8_t, 32> hash = Sha256(AsBytes(seed));
  return Bytes(hash.begin(), hash.begin() + static_cast<std::ptrdiff_t>(length));
}

Bytes Concat(ByteView a, ByteView b) {
  Bytes out(a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

}  // namespace

std::string_view AttestationShapeName(AttestationShape shape) {
  switch (shape) {
    case AttestationShape::kNone:
      return "none";
    case AttestationShape::kPackedSelf:
      return "packed_self";
    case AttestationShape::kPackedFull:
      return "packed_x5c";
    case AttestationShape::kFidoU2f:
      return "fido_u2f";
  }
  return "unknown";
}

const TestCertificateAuthority& DefaultCertificateAuthority() {
  static const TestCertificateAuthority* ca = new TestCertificateAuthority();
  return *ca;
}

TestKey DefaultAttestationKey() {
  // Slot 500: apart from credential keys (small slots) and CA keys (1000+).
  return TestKey::Cached(static_cast<int64_t>(CoseAlgorithm::kES256), 500);
}

TestAuthenticator::TestAuthenticator(int64_t alg, int slot)
    : key_(TestKey::Cached(alg, slot)),
      credential_id_(Derive("credential", alg, slot, 32)),
      user_handle_(Derive("user", alg, slot, 16)) {}

Registration TestAuthenticator::Register(const RegistrationOptions& o) const {
  Registration r;
  r.client_data_json = ClientDataJson(o.client_data);
  r.public_key_algorithm = key_.alg();
  r.transports = o.transports;

  CborValue cose = key_.CoseKeyValue();
  if (o.edit_cose_key) o.edit_cose_key(&cose);
  AuthenticatorDataFields ad;
  ad.rp_id_hash = o.rp_id_hash.value_or(RpIdHash(o.rp_id));
  ad.flags = o.flags;
  ad.sign_count = o.sign_count;
  bool packed = o.attestation == AttestationShape::kPackedSelf ||
                o.attestation == AttestationShape::kPackedFull;
  std::array<uint8_t, 16> aaguid =
      o.aaguid.value_or(packed ? kTestAaguid : std::array<uint8_t, 16>{});
  r.credential_id = o.credential_id.value_or(credential_id_);
  if (o.include_attested_data) {
    ad.attested =
        AttestedCredentialFields{aaguid, r.credential_id, o.cose_key.value_or(cose.Encode())};
  }
  ad.extensions = o.extensions;
  ad.trailing = o.auth_data_trailing;
  r.authenticator_data = o.auth_data.value_or(EncodeAuthenticatorData(ad));

  StatementInputs in;
  in.auth_data = r.authenticator_data;
  in.client_data_hash = Sha256(AsBytes(r.client_data_json));
  in.rp_id_hash = ad.rp_id_hash;
  in.credential_id = r.credential_id;
  in.aaguid = aaguid;
  in.credential_key = &key_;
  CborValue att_stmt = BuildAttestationStatement(o, in, &r.x5c);

  // CTAP2 canonical order (fmt, attStmt, authData); the engine does not
  // require it here, and tests reorder through edit_attestation_object.
  CborValue object =
      C::Map({{C::TextString("fmt"),
               C::TextString(o.fmt.value_or(std::string(FormatIdentifier(o.attestation))))},
              {C::TextString("attStmt"), std::move(att_stmt)},
              {C::TextString("authData"), C::ByteString(r.authenticator_data)}});
  if (o.edit_attestation_object) o.edit_attestation_object(&object);
  r.attestation_object =
      o.attestation_object.value_or(Concat(object.Encode(), o.attestation_object_trailing));
  return r;
}

Assertion TestAuthenticator::Assert(const AssertionOptions& o) const {
  Assertion a;
  a.credential_id = o.credential_id.value_or(credential_id_);
  a.client_data_json = ClientDataJson(o.client_data);
  AuthenticatorDataFields ad;
  ad.rp_id_hash = o.rp_id_hash.value_or(RpIdHash(o.rp_id));
  ad.flags = o.flags;
  ad.sign_count = o.sign_count;
  ad.attested = o.attested;
  ad.extensions = o.extensions;
  ad.trailing = o.auth_data_trailing;
  a.authenticator_data = o.auth_data.value_or(EncodeAuthenticatorData(ad));

  // §6.3.3: the signature covers authenticatorData ‖ SHA-256(clientDataJSON).
  std::array<uint8_t, 32> client_data_hash = Sha256(AsBytes(a.client_data_json));
  const TestKey& signer = o.signing_key ? *o.signing_key : key_;
  a.signature = o.signature.value_or(signer.Sign(Concat(a.authenticator_data, client_data_hash)));
  if (o.corrupt_signature && !a.signature.empty()) a.signature.back() ^= 0x01;
  if (o.send_user_handle) a.user_handle = o.user_handle.value_or(user_handle_);
  return a;
}

TestCredentialRecord TestAuthenticator::Record() const {
  std::unique_ptr<PublicKey> key;
  if (PublicKey::Parse(key_.CoseKey(), &key) != VerifyError::kOk) std::abort();
  TestCredentialRecord record;
  record.id = credential_id_;
  record.user_handle = user_handle_;
  record.public_key = std::move(key);
  return record;
}

StoredCredential TestCredentialRecord::View() const {
  StoredCredential s;
  s.id = id;
  s.user_handle = user_handle;
  s.public_key = public_key.get();
  s.sign_count = sign_count;
  s.backup_eligible = backup_eligible;
  s.uv_initialized = uv_initialized;
  s.aaguid = aaguid;
  return s;
}

}  // namespace keystorm::test
