// Fuzzes the SafetyNet JWS parser (engine/src/attestation/safetynet_jws.h) and
// the whole android-safetynet procedure with the input as `response`.
//
// Invariants:
//   - a parsed JWS has a signing input that is the input up to its last '.',
//     1..kMaxCertificates non-empty certificates and a non-empty signature;
//   - the procedure answers only ok or attestation_invalid, and ok only for
//     inputs the parser accepts (never for junk: it needs a real signature);
//   - nothing crashes, leaks or reads outside the input (ASan/UBSan).
#include <cstdint>
#include <memory>

#include "attestation/safetynet_jws.h"
#include "fuzz_support.h"
#include "keystorm/attestation.h"
#include "keystorm/authenticator_data.h"
#include "keystorm/cbor.h"
#include "keystorm/cose_key.h"

namespace keystorm {
namespace {

using fuzz::AppendBytes;
using fuzz::AppendCborHead;

// authenticatorData for a credential whose key is P-256's base point G.
Bytes MakeAuthData() {
  static const uint8_t kGx[32] = {0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6,
                                  0xe5, 0x63, 0xa4, 0x40, 0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb,
                                  0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96};
  static const uint8_t kGy[32] = {0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb,
                                  0x4a, 0x7c, 0x0f, 0x9e, 0x16, 0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31,
                                  0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5};
  Bytes ad(32, 0x11);  // rpIdHash
  ad.push_back(0x41);  // UP | AT
  ad.insert(ad.end(), 4, 0);
  ad.insert(ad.end(), 16, 0x22);  // AAGUID
  ad.push_back(0);
  ad.push_back(4);
  ad.insert(ad.end(), 4, 0x33);  // credential ID
  // COSE_Key {1: 2, 3: -7, -1: 1, -2: x, -3: y}
  const uint8_t head[] = {0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20};
  ad.insert(ad.end(), head, head + sizeof(head));
  ad.insert(ad.end(), kGx, kGx + 32);
  ad.push_back(0x22);
  ad.push_back(0x58);
  ad.push_back(0x20);
  ad.insert(ad.end(), kGy, kGy + 32);
  return ad;
}

struct Fixture {
  Bytes auth_data = MakeAuthData();
  Bytes client_data_hash = Bytes(32, 0x44);
  AuthenticatorData ad;
  std::unique_ptr<PublicKey> key;
  Fixture() {
    FUZZ_CHECK(ParseAuthenticatorData(auth_data, &ad) == VerifyError::kOk);
    FUZZ_CHECK(PublicKey::Parse(ad.attested->credential_public_key, &key) == VerifyError::kOk);
  }
};

}  // namespace
}  // namespace keystorm

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace keystorm;
  static Fixture* fixture = new Fixture();
  ByteView input(data, size);

  attestation::safetynet::Jws jws;
  const bool parsed = attestation::safetynet::ParseJws(input, &jws);
  if (parsed) {
    const std::string_view text = AsChars(input);
    FUZZ_CHECK(jws.signing_input.data() == input.data());
    FUZZ_CHECK(jws.signing_input.size() == text.rfind('.'));
    FUZZ_CHECK(!jws.x5c.empty() && jws.x5c.size() <= attestation::safetynet::kMaxCertificates);
    for (const Bytes& der : jws.x5c) FUZZ_CHECK(!der.empty());
    FUZZ_CHECK(!jws.signature.empty());
  }

  // attStmt {"ver": "1", "response": input}
  Bytes stmt;
  AppendCborHead(&stmt, 5, 2);
  AppendCborHead(&stmt, 3, 3);
  AppendBytes(&stmt, AsBytes("ver"));
  AppendCborHead(&stmt, 3, 1);
  AppendBytes(&stmt, AsBytes("1"));
  AppendCborHead(&stmt, 3, 8);
  AppendBytes(&stmt, AsBytes("response"));
  AppendCborHead(&stmt, 2, size);
  AppendBytes(&stmt, input);
  CborDocument doc;
  CborLimits limits;
  limits.canonical_key_order = false;
  FUZZ_CHECK(doc.Parse(stmt, limits));
  AttestationContext ctx{&fixture->ad, fixture->client_data_hash, fixture->key.get(), 1767225600,
                         AttestationPolicy{}};
  AttestationStatementResult result;
  VerifyError err = VerifyAttestationStatement("android-safetynet", doc.root(), ctx, &result);
  FUZZ_CHECK(err == VerifyError::kOk || err == VerifyError::kAttestationInvalid);
  if (err == VerifyError::kOk) FUZZ_CHECK(parsed);
  return 0;
}
