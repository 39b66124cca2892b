// Fuzzes ParseAuthenticatorData (§6.1).
//
// Invariants:
//   - the verdict is kOk, kMalformedAuthenticatorData or kMalformedCbor;
//   - on kOk every view lies inside the input at the offset the layout puts
//     it (rpIdHash at 0, credentialId at 55, the key right after it, the
//     extensions last), flags and signCount are the bytes at 32 and 33..36,
//     attested data is present iff AT and extensions iff ED, and the pieces
//     add up to exactly the input length;
//   - the credential key is one canonical CBOR item under the COSE limits
//     (so PublicKey::Parse never calls it malformed_cbor) and the extensions
//     one canonical CBOR map.
#include <cstdint>
#include <cstring>
#include <memory>

#include "fuzz_support.h"
#include "keystorm/authenticator_data.h"
#include "keystorm/cbor.h"
#include "keystorm/cose_key.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace keystorm;
  using fuzz::Inside;
  using fuzz::OffsetIn;
  ByteView input(data, size);
  AuthenticatorData ad;
  VerifyError err = ParseAuthenticatorData(input, &ad);
  FUZZ_CHECK(err == VerifyError::kOk || err == VerifyError::kMalformedAuthenticatorData ||
             err == VerifyError::kMalformedCbor);
  if (err != VerifyError::kOk) {
    // Fewer than 37 bytes can never be authenticator data.
    if (size < 37) FUZZ_CHECK(err == VerifyError::kMalformedAuthenticatorData);
    return 0;
  }
  FUZZ_CHECK(size >= 37);
  FUZZ_CHECK(ad.raw.data() == data && ad.raw.size() == size);
  FUZZ_CHECK(ad.rp_id_hash.data() == data && ad.rp_id_hash.size() == 32);
  FUZZ_CHECK(ad.flags == data[32]);
  uint32_t count = (uint32_t{data[33]} << 24) | (uint32_t{data[34]} << 16) |
                   (uint32_t{data[35]} << 8) | data[36];
  FUZZ_CHECK(ad.sign_count == count);
  FUZZ_CHECK(ad.user_present() == ((data[32] & 0x01) != 0));
  FUZZ_CHECK(ad.user_verified() == ((data[32] & 0x04) != 0));

  size_t end = 37;
  FUZZ_CHECK(ad.attested.has_value() == ((ad.flags & kFlagAttestedData) != 0));
  if (ad.attested) {
    const AttestedCredentialData& acd = *ad.attested;
    FUZZ_CHECK(std::memcmp(acd.aaguid.data(), data + 37, 16) == 0);
    size_t id_len = (size_t{data[53]} << 8) | data[54];
    FUZZ_CHECK(acd.credential_id.size() == id_len);
    FUZZ_CHECK(Inside(acd.credential_id, input));
    if (id_len > 0) FUZZ_CHECK(OffsetIn(acd.credential_id, input) == 55);
    FUZZ_CHECK(!acd.credential_public_key.empty() && Inside(acd.credential_public_key, input));
    FUZZ_CHECK(OffsetIn(acd.credential_public_key, input) == 55 + id_len);
    end = 55 + id_len + acd.credential_public_key.size();

    CborLimits key_limits;
    key_limits.max_depth = 4;
    key_limits.max_items = 64;
    CborDocument key_doc;
    FUZZ_CHECK(key_doc.Parse(acd.credential_public_key, key_limits));
    std::unique_ptr<PublicKey> key;
    VerifyError key_err = PublicKey::Parse(acd.credential_public_key, &key);
    FUZZ_CHECK(key_err != VerifyError::kMalformedCbor);
    FUZZ_CHECK((key_err == VerifyError::kOk) == (key != nullptr));
  }
  FUZZ_CHECK((ad.flags & kFlagExtensionData) ? !ad.extensions.empty() : ad.extensions.empty());
  if (!ad.extensions.empty()) {
    FUZZ_CHECK(Inside(ad.extensions, input) && OffsetIn(ad.extensions, input) == end);
    end += ad.extensions.size();
    CborDocument ext;
    FUZZ_CHECK(ext.Parse(ad.extensions, CborLimits()) && ext.root().is_map());
  }
  FUZZ_CHECK(end == size);

  // The same bytes at another address parse the same way.
  Bytes copy(data, data + size);
  AuthenticatorData ad2;
  FUZZ_CHECK(ParseAuthenticatorData(copy, &ad2) == VerifyError::kOk);
  FUZZ_CHECK(ad2.flags == ad.flags && ad2.sign_count == ad.sign_count &&
             ad2.extensions.size() == ad.extensions.size());
  return 0;
}
