// Test support for the attestation format suites: a small CBOR value model
// (decode a real attestationObject, change one member, re-encode), BoringSSL
// keys and X.509 certificates made on the spot, a synthetic ceremony whose
// statements the tests build themselves, and loading of real captures from
// the shared conformance corpus.
//
// Everything here aborts the test (gtest assertions) on its own failures; the
// engine under test never sees a half-built input.
#ifndef KEYSTORM_TESTS_ATTESTATION_ATTESTATION_TEST_SUPPORT_H_
#define KEYSTORM_TESTS_ATTESTATION_ATTESTATION_TEST_SUPPORT_H_

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "keystorm/attestation.h"
#include "keystorm/bytes.h"
#include "keystorm/cbor.h"

namespace keystorm::testing {

// ---------------------------------------------------------------------------
// CBOR values: enough of RFC 8949 for attestation objects.  Maps keep their
// member order, so a decoded object re-encodes to the same bytes.
struct Cbor {
  enum class Kind { kUint, kNint, kBytes, kText, kArray, kMap, kBool, kNull };
  Kind kind = Kind::kNull;
  uint64_t number = 0;  // kUint: the value; kNint: -1 - value
  Bytes bytes;          // kBytes
  std::string text;     // kText
  bool boolean = false;
  std::vector<Cbor> items;                     // kArray
  std::vector<std::pair<Cbor, Cbor>> entries;  // kMap

  // Map access by text key; nullptr if absent.
  Cbor* Find(std::string_view key);
  const Cbor* Find(std::string_view key) const;
  // Replaces the value of `key`, or appends the member.
  Cbor& Set(std::string_view key, Cbor value);
  void Erase(std::string_view key);

  Bytes Encode() const;
};

Cbor CborInt(int64_t value);
Cbor CborBytes(ByteView value);
Cbor CborText(std::string_view value);
Cbor CborBool(bool value);
Cbor CborArray(std::vector<Cbor> items);
Cbor CborMap(std::vector<std::pair<std::string, Cbor>> members);
// Decodes bytes that the engine's reader accepts (lenient key order).
Cbor DecodeCbor(ByteView encoded);

// ---------------------------------------------------------------------------
// Keys and signatures.
bssl::UniquePtr<EVP_PKEY> NewEcKey(int curve_nid);
// RSA keys are slow to make under the sanitizers: these come from a small pool
// (index 0, 1, ...) made once per process.
bssl::UniquePtr<EVP_PKEY> RsaKey(int index);
// The COSE_Key of `key` with COSE algorithm `alg` (EC2 for ECDSA, RSA for RS*/PS*).
Bytes CoseKey(EVP_PKEY* key, int64_t alg);
// A signature by `key` over `message` in WebAuthn's encoding (DER for ECDSA,
// PKCS#1 v1.5 for RSA) with digest `md`.
Bytes Sign(EVP_PKEY* key, const EVP_MD* md, ByteView message);
Bytes Sha256(ByteView data);
Bytes Concat(ByteView a, ByteView b);

// ---------------------------------------------------------------------------
// Certificates.  The default one is a version 3 leaf, valid from a day before
// kNow to a year after, with no extensions; fields are changed before Build.
inline constexpr int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z, the tests' verification time

struct CertSpec {
  int version = 3;
  std::vector<std::pair<std::string, std::string>> subject;  // {"CN", "x"}, ...
  int64_t not_before = kNow - 86400;
  int64_t not_after = kNow + 365 * 86400;
  // Extensions as (dotted OID, critical, DER extnValue contents).
  struct Extension {
    std::string oid;
    bool critical = false;
    Bytes value;
  };
  std::vector<Extension> extensions;
  void Add(std::string oid, bool critical, Bytes value) {
    extensions.push_back({std::move(oid), critical, std::move(value)});
  }
};

struct Cert {
  bssl::UniquePtr<X509> x509;
  Bytes der;
};

// Signs `spec` for `subject_key` with `issuer_key`; the issuer name is taken
// from `issuer` (nullptr: self-issued, the issuer is the subject).
Cert BuildCert(const CertSpec& spec, EVP_PKEY* subject_key, EVP_PKEY* issuer_key,
               const Cert* issuer);

// A CA (CN given) whose key signs the test leaves.
struct TestCa {
  bssl::UniquePtr<EVP_PKEY> key;
  Cert cert;
};
TestCa MakeCa(std::string_view common_name);

// DER helpers for extension values.
Bytes DerBasicConstraints(bool ca);
Bytes DerExtendedKeyUsage(const std::vector<std::string>& oids);
Bytes DerOctetString(ByteView contents);
// A SAN with one directoryName holding the (OID, UTF8String) attributes, each
// in its own RDN.
Bytes DerDirectoryNameSan(const std::vector<std::pair<std::string, std::string>>& attributes);
Bytes DerDnsNameSan(std::string_view dns_name);

// An Android KeyDescription (attestation extension 1.3.6.1.4.1.11129.2.1.17).
struct AuthorizationListSpec {
  std::optional<std::vector<uint64_t>> purpose;
  bool all_applications = false;
  std::optional<uint64_t> origin;
};
struct KeyDescriptionSpec {
  uint64_t attestation_version = 300;
  uint64_t security_level = 1;  // TrustedEnvironment
  Bytes challenge;
  AuthorizationListSpec software_enforced;
  AuthorizationListSpec tee_enforced{std::vector<uint64_t>{2}, false, uint64_t{0}};
};
Bytes DerKeyDescription(const KeyDescriptionSpec& spec);

// ---------------------------------------------------------------------------
// A synthetic registration: authenticatorData with attested credential data
// for `credential_key`, and a clientDataHash.
class Ceremony {
 public:
  Ceremony(EVP_PKEY* credential_key, int64_t alg);
  Ceremony(const Ceremony&) = delete;
  Ceremony& operator=(const Ceremony&) = delete;

  const Bytes& auth_data() const { return auth_data_; }
  const Bytes& client_data_hash() const { return client_data_hash_; }
  const std::array<uint8_t, 16>& aaguid() const { return aaguid_; }
  const Bytes& client_data_json() const { return client_data_json_; }
  // authenticatorData ‖ clientDataHash.
  Bytes ToBeSigned() const { return Concat(auth_data_, client_data_hash_); }

  // Runs VerifyAttestationStatement(fmt, att_stmt) against this ceremony.
  VerifyError Verify(std::string_view fmt, const Cbor& att_stmt,
                     const AttestationPolicy& policy = {}, int64_t verification_time = kNow,
                     AttestationStatementResult* result = nullptr) const;

  // The attestationObject {fmt, attStmt, authData}.
  Bytes AttestationObject(std::string_view fmt, const Cbor& att_stmt) const;

  static constexpr std::string_view kRpId = "example.com";
  static constexpr std::string_view kOrigin = "https://example.com";
  static constexpr std::string_view kChallenge = "a2V5c3Rvcm0tYXR0ZXN0YXRpb24";

 private:
  std::array<uint8_t, 16> aaguid_{};
  Bytes client_data_json_;
  Bytes client_data_hash_;
  Bytes auth_data_;
};

// Valid statements for `ceremony`, whose credential key is `credential_key`,
// issued by `ca`: android-key with key description `kd`, apple with `nonce`.
Cbor MakeAndroidKeyStatement(const Ceremony& ceremony, EVP_PKEY* credential_key, const TestCa& ca,
                             const KeyDescriptionSpec& kd);
Cbor MakeAppleStatement(EVP_PKEY* credential_key, const TestCa& ca, ByteView nonce);

// Runs VerifyAttestationStatement with explicit inputs.  On kOk, *result
// (if given) holds copies of the trust path that outlive the call.
VerifyError VerifyStatement(std::string_view fmt, const Cbor& att_stmt, ByteView auth_data,
                            ByteView client_data_hash, const AttestationPolicy& policy,
                            int64_t verification_time,
                            AttestationStatementResult* result = nullptr);

// ---------------------------------------------------------------------------
// Real captures from the shared corpus (never copied into the repository).
std::filesystem::path CorpusDir();
bool CorpusPresent();
#define KEYSTORM_REQUIRE_CORPUS()                                                      \
  do {                                                                                 \
    if (!::keystorm::testing::CorpusPresent()) {                                       \
      GTEST_SKIP() << "no conformance corpus at " << ::keystorm::testing::CorpusDir(); \
    }                                                                                  \
  } while (0)

struct Capture {
  std::string id;
  Bytes client_data_json;
  Bytes client_data_hash;
  Cbor attestation_object;  // decoded
  int64_t verification_time = kNow;
  AttestationPolicy policy;  // the case's SafetyNet switches

  std::string fmt() const;
  const Cbor& att_stmt() const;
  const Bytes& auth_data() const;
  // Verifies `att_stmt` (default: the capture's own) against the capture.
  VerifyError Verify(const Cbor* att_stmt = nullptr) const;
  VerifyError VerifyWithPolicy(const AttestationPolicy& policy,
                               const Cbor* att_stmt = nullptr) const;
};

// Loads conformance/registration/<id>.json.  REQUIRES: CorpusPresent().
Capture LoadCapture(std::string_view id);

// RunCaseFile on conformance/registration/<id>.json: the case's verdict.
struct CaseVerdict {
  bool pass = false;
  std::string expected, got;
};
CaseVerdict RunCorpusCase(std::string_view id);

// The files of corpus/fuzz/<folder> in this repository, by name.
std::vector<std::pair<std::string, Bytes>> FuzzSeeds(std::string_view folder);

}  // namespace keystorm::testing

#endif  // KEYSTORM_TESTS_ATTESTATION_ATTESTATION_TEST_SUPPORT_H_
