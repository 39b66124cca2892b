// X.509 certificates for attestation tests, made with BoringSSL's X509 API:
// a self-signed test root and leaf attestation certificates whose every
// field a test can change (§8.2.1 requirements for packed, the U2F shape).
#ifndef KEYSTORM_TEST_TEST_CERTIFICATES_H_
#define KEYSTORM_TEST_TEST_CERTIFICATES_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "keystorm/bytes.h"
#include "keystorm/test/test_key.h"

namespace keystorm::test {

// Unix times: the default validity window and an instant inside it that
// tests pass as verification_time so results never depend on the clock.
inline constexpr int64_t kCertNotBefore = 1577836800;     // 2020-01-01
inline constexpr int64_t kCertNotAfter = 2208988800;      // 2040-01-01
inline constexpr int64_t kVerificationTime = 1893456000;  // 2030-01-01

// The fields of a leaf attestation certificate.  Defaults meet §8.2.1.
struct CertificateOptions {
  int version = 3;  // as written in prose (1, 2, 3); v1/v2 cannot carry extensions
  std::optional<std::string> country = "US";
  std::optional<std::string> organization = "Keystorm Test Vendor";
  std::optional<std::string> organizational_unit = "Authenticator Attestation";
  std::optional<std::string> common_name = "Keystorm Test Attestation";
  // Basic constraints with this CA value; nullopt leaves the extension out.
  std::optional<bool> basic_constraints_ca = false;
  // id-fido-gen-ce-aaguid (1.3.6.1.4.1.45724.1.1.4) with this value; nullopt
  // leaves the extension out.
  std::optional<std::array<uint8_t, 16>> aaguid;
  bool aaguid_critical = false;
  int64_t not_before = kCertNotBefore;
  int64_t not_after = kCertNotAfter;
  uint64_t serial = 2;
};

// A certificate authority (ES256 key) that issues leaf certificates: a
// self-signed root, or an intermediate issued by `parent`.
class TestCertificateAuthority {
 public:
  // `slot` picks the cached CA key, so authorities with different slots are
  // independent.  `parent`, when given, must outlive the constructor only.
  explicit TestCertificateAuthority(std::string common_name = "Keystorm Test Root", int slot = 0,
                                    const TestCertificateAuthority* parent = nullptr);

  // This authority's own certificate (DER): the trust anchor for a root, an
  // x5c element for an intermediate.
  const Bytes& certificate() const { return certificate_; }
  const TestKey& key() const { return key_; }

  // A certificate for `subject_key` with `options`, signed by this authority.
  Bytes Issue(const CertificateOptions& options, const TestKey& subject_key) const;

 private:
  std::string common_name_;
  TestKey key_;
  Bytes certificate_;
};

}  // namespace keystorm::test

#endif  // KEYSTORM_TEST_TEST_CERTIFICATES_H_
