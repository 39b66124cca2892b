#include "keystorm/test/authenticator_data_writer.h"

#include <openssl/sha.h>

namespace keystorm::test {

Bytes EncodeAuthenticatorData(const AuthenticatorDataFields& f) {
  Bytes out(f.rp_id_hash.begin(), f.rp_id_hash.end());
  out.push_back(f.flags);
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<uint8_t>(f.sign_count >> shift));
  if (f.attested) {
    const AttestedCredentialFields& a = *f.attested;
    out.insert(out.end(), a.aaguid.begin(), a.aaguid.end());
    out.push_back(static_cast<uint8_t>(a.credential_id.size() >> 8));
    out.push_back(static_cast<uint8_t>(a.credential_id.size()));
    out.insert(out.end(), a.credential_id.begin(), a.credential_id.end());
    out.insert(out.end(), a.cose_key.begin(), a.cose_key.end());
  }
  if (f.extensions) out.insert(out.end(), f.extensions->begin(), f.extensions->end());
  out.insert(out.end(), f.trailing.begin(), f.trailing.end());
  return out;
}

std::array<uint8_t, 32> RpIdHash(std::string_view rp_id) {
  std::array<uint8_t, 32> hash;
  SHA256(reinterpret_cast<const uint8_t*>(rp_id.data()), rp_id.size(), hash.data());
  return hash;
}

}  // namespace keystorm::test
