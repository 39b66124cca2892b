// A test FIDO Metadata Service: an MDS root, an intermediate and a BLOB
// signing certificate made on the spot, and BLOBs (JWTs) that the tests
// write and sign themselves, good or broken in exactly one way.
//
// Certificates are valid from 2020 to 2040; sign with nextUpdate after
// kVerificationTime (2030-01-01) for a BLOB that loads.
#ifndef KEYSTORM_TEST_TEST_MDS_H_
#define KEYSTORM_TEST_TEST_MDS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "keystorm/attestation.h"
#include "keystorm/bytes.h"
#include "keystorm/test/test_certificates.h"
#include "keystorm/test/test_key.h"

namespace keystorm::test {

// A nextUpdate after kVerificationTime, and one before it.
inline constexpr char kMdsNextUpdate[] = "2030-02-01";
inline constexpr char kMdsExpiredNextUpdate[] = "2029-12-31";

// One entries[] element.  Reports are (status, effectiveDate); an empty date
// leaves effectiveDate out.
struct MdsEntrySpec {
  std::optional<std::string> aaguid;  // "xxxxxxxx-xxxx-..."
  std::vector<std::string> key_identifiers;
  bool with_statement = true;
  std::vector<Bytes> attestation_roots;  // DER; written as standard base64
  std::vector<std::pair<std::string, std::string>> reports = {{"FIDO_CERTIFIED", "2025-01-01"}};
};
std::string MdsEntryJson(const MdsEntrySpec& spec);

// A MetadataBLOBPayload with these entries (each already JSON text).
std::string MdsPayloadJson(int64_t no, std::string_view next_update,
                           const std::vector<std::string>& entries);

std::string StandardBase64(ByteView data);
std::string AaguidText(const std::array<uint8_t, 16>& aaguid);

class TestMds {
 public:
  // `alg`: the signing key's COSE algorithm, RS256 (-257), PS256 (-37) or
  // ES256 (-7); `slot` keeps independent MDS PKIs apart.
  explicit TestMds(int64_t alg = -257, int slot = 0);

  const Bytes& root_certificate() const { return root_.certificate(); }
  std::shared_ptr<const TrustAnchors> RootAnchors() const;
  std::string RootPem() const;
  const Bytes& signing_certificate() const { return signing_certificate_; }
  const Bytes& intermediate_certificate() const { return intermediate_.certificate(); }

  // {"alg":..., "typ":"JWT", "x5c":[signing cert, intermediate]}.
  std::string HeaderJson() const;
  // BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(signature).
  std::string Sign(std::string_view payload_json) const;
  std::string SignWithHeader(std::string_view header_json, std::string_view payload_json) const;

 private:
  int64_t alg_;
  TestCertificateAuthority root_;
  TestCertificateAuthority intermediate_;
  TestKey signing_key_;
  Bytes signing_certificate_;
};

}  // namespace keystorm::test

#endif  // KEYSTORM_TEST_TEST_MDS_H_
