// A software authenticator that produces complete, valid WebAuthn ceremonies
// — registration (none, packed self, packed full with an x5c chain,
// fido-u2f) and assertions — in which a test can change any one field.
//
// Every input a relying party sees is reachable from the options structs:
// clientDataJSON members, rpIdHash, flags, signCount, AAGUID, credential ID,
// COSE_Key (edited as a value tree or replaced), extensions, trailing bytes,
// attStmt (fmt, alg, signature, certificate fields, x5c) and the whole
// attestationObject.  Signatures are computed over the final bytes, so a
// mutation is the only thing wrong with the result unless the test also asks
// for a corrupt signature.  Defaults give a ceremony the engine accepts with
// RP ID kRpId, origin kOrigin and challenge kChallenge.
#ifndef KEYSTORM_TEST_TEST_AUTHENTICATOR_H_
#define KEYSTORM_TEST_TEST_AUTHENTICATOR_H_

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keystorm/authenticator_data.h"
#include "keystorm/bytes.h"
#include "keystorm/cose_key.h"
#include "keystorm/test/authenticator_data_writer.h"
#include "keystorm/test/cbor_writer.h"
#include "keystorm/test/client_data_json.h"
#include "keystorm/test/json_object.h"
#include "keystorm/test/test_certificates.h"
#include "keystorm/test/test_key.h"
#include "keystorm/verifier.h"
#include "keystorm/webauthn_json.h"

namespace keystorm::test {

inline constexpr char kRpId[] = "example.org";
inline constexpr char kOrigin[] = "https://example.org";
// base64url of the 32 bytes "keystorm-test-challenge-32-bytes".
inline constexpr char kChallenge[] = "a2V5c3Rvcm0tdGVzdC1jaGFsbGVuZ2UtMzItYnl0ZXM";
inline constexpr std::array<uint8_t, 16> kTestAaguid = {
    0x6b, 0x65, 0x79, 0x73, 0x74, 0x6f, 0x72, 0x6d, 0x2d, 0x74, 0x65, 0x73, 0x74, 0x2d, 0x30, 0x31};

enum class AttestationShape : uint8_t { kNone, kPackedSelf, kPackedFull, kFidoU2f };
std::string_view AttestationShapeName(AttestationShape shape);

// Edits a CBOR value tree in place before it is encoded.
using CborEdit = std::function<void(CborValue*)>;

struct RegistrationOptions {
  AttestationShape attestation = AttestationShape::kNone;

  // clientDataJSON (R5-R11).
  ClientDataFields client_data{
      .type = "webauthn.create", .challenge = kChallenge, .origin = kOrigin};

  // authenticatorData (R13-R17, R25).
  std::string rp_id = kRpId;                          // rpIdHash = SHA-256(rp_id)
  std::optional<std::array<uint8_t, 32>> rp_id_hash;  // ... unless given
  uint8_t flags = kFlagUserPresent | kFlagUserVerified | kFlagAttestedData;
  uint32_t sign_count = 0;
  // Default: all zero for none and fido-u2f, kTestAaguid for packed.
  std::optional<std::array<uint8_t, 16>> aaguid;
  std::optional<Bytes> credential_id;  // default: the authenticator's
  bool include_attested_data = true;
  CborEdit edit_cose_key;           // applied to the credential key's COSE_Key
  std::optional<Bytes> cose_key;    // replaces the COSE_Key bytes outright
  std::optional<Bytes> extensions;  // encoded CBOR map; set kFlagExtensionData too
  Bytes auth_data_trailing;
  std::optional<Bytes> auth_data;  // replaces all of authenticatorData

  // attStmt (R21-R24).
  std::optional<std::string> fmt;       // default: the shape's identifier
  std::optional<int64_t> att_stmt_alg;  // packed "alg"; default: the signer's
  // Signer of packed full and fido-u2f statements, certified by the leaf;
  // default: DefaultAttestationKey().
  std::optional<TestKey> attestation_key;
  CertificateOptions attestation_certificate;  // the leaf's fields
  // Packed full: when attestation_certificate.aaguid is unset, give the leaf
  // id-fido-gen-ce-aaguid equal to authData's AAGUID.
  bool certificate_aaguid_from_auth_data = true;
  const TestCertificateAuthority* ca = nullptr;  // default: DefaultCertificateAuthority()
  std::optional<std::vector<Bytes>> x5c;         // replaces [leaf]
  bool corrupt_attestation_signature = false;
  CborEdit edit_att_stmt;
  CborEdit edit_attestation_object;  // the {fmt, attStmt, authData} map
  Bytes attestation_object_trailing;
  std::optional<Bytes> attestation_object;  // replaces it outright

  std::vector<std::string> transports = {"usb"};
};

struct Registration {
  Bytes credential_id;  // the envelope's id / rawId
  int64_t public_key_algorithm = 0;
  std::string client_data_json;
  Bytes authenticator_data;
  Bytes attestation_object;
  std::vector<Bytes> x5c;  // as written in attStmt (empty for none/self)
  std::vector<std::string> transports;

  // The decoded response, as ParseRegistrationResponseJson would produce it.
  RegistrationResponse Response() const;
  // RegistrationResponseJSON (W3C L3), mutable before ToString().
  JsonObject Envelope() const;
  std::string Json() const { return Envelope().ToString(); }
};

struct AssertionOptions {
  // clientDataJSON (A8-A14).
  ClientDataFields client_data{.type = "webauthn.get", .challenge = kChallenge, .origin = kOrigin};

  // authenticatorData (A7, A15-A19, A22).
  std::string rp_id = kRpId;
  std::optional<std::array<uint8_t, 32>> rp_id_hash;
  uint8_t flags = kFlagUserPresent | kFlagUserVerified;
  uint32_t sign_count = 1;
  std::optional<AttestedCredentialFields> attested;  // written iff set (AT is a flag)
  std::optional<Bytes> extensions;
  Bytes auth_data_trailing;
  std::optional<Bytes> auth_data;

  // Signature (A21).
  std::optional<TestKey> signing_key;  // default: the credential key
  bool corrupt_signature = false;      // flips a bit of the last byte
  std::optional<Bytes> signature;      // replaces it outright

  // Envelope (A5-A6).
  std::optional<Bytes> credential_id;  // id / rawId; default: the authenticator's
  bool send_user_handle = true;
  std::optional<Bytes> user_handle;  // default: the authenticator's
};

struct Assertion {
  Bytes credential_id;
  std::string client_data_json;
  Bytes authenticator_data;
  Bytes signature;
  std::optional<Bytes> user_handle;

  AuthenticationResponse Response() const;
  // AuthenticationResponseJSON (W3C L3), mutable before ToString().
  JsonObject Envelope() const;
  std::string Json() const { return Envelope().ToString(); }
};

// A stored credential record as a credential store would hand it to
// VerifyAssertion: owns the parsed key and the bytes the view points into.
struct TestCredentialRecord {
  Bytes id;
  Bytes user_handle;
  std::shared_ptr<const PublicKey> public_key;
  uint32_t sign_count = 0;
  bool backup_eligible = false;
  bool uv_initialized = false;
  std::array<uint8_t, 16> aaguid{};

  // A view valid while this record lives and is not modified.
  StoredCredential View() const;
};

class TestAuthenticator {
 public:
  // A credential of COSE algorithm `alg`.  `slot` selects the cached key
  // material: two authenticators with different slots hold different keys.
  explicit TestAuthenticator(int64_t alg, int slot = 0);

  const TestKey& credential_key() const { return key_; }
  const Bytes& credential_id() const { return credential_id_; }
  const Bytes& user_handle() const { return user_handle_; }

  Registration Register(const RegistrationOptions& options = {}) const;
  Assertion Assert(const AssertionOptions& options = {}) const;

  // The record R27 would store for this credential (sign count 0, BE clear),
  // with the key parsed by the engine.  Aborts if the engine rejects the key.
  TestCredentialRecord Record() const;

 private:
  TestKey key_;
  Bytes credential_id_;
  Bytes user_handle_;
};

// The root that issues attestation certificates unless a test picks another.
const TestCertificateAuthority& DefaultCertificateAuthority();

// The ES256 key that signs packed full and fido-u2f statements unless a test
// picks another.
TestKey DefaultAttestationKey();

}  // namespace keystorm::test

#endif  // KEYSTORM_TEST_TEST_AUTHENTICATOR_H_
