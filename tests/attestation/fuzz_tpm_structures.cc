// Fuzzes the TPM structure parsers (engine/src/attestation/tpm_structures.h)
// with the same input read as a TPMT_PUBLIC and as a TPMS_ATTEST (then its
// TPMS_CERTIFY_INFO).
//
// Invariants:
//   - a successful parse writes back, from the parsed fields alone, to
//     exactly its input (so nothing was skipped or read twice);
//   - every view lies inside the input;
//   - scheme and KDF identifiers that parsed have known detail sizes.
#include <cstdint>

#include "attestation/tpm_structures.h"
#include "fuzz_support.h"

namespace keystorm {
namespace {

namespace tpm = attestation::tpm;
using fuzz::AppendBytes;
using fuzz::Inside;

void U16(Bytes* out, uint16_t v) {
  out->push_back(static_cast<uint8_t>(v >> 8));
  out->push_back(static_cast<uint8_t>(v));
}
void U32(Bytes* out, uint32_t v) {
  U16(out, static_cast<uint16_t>(v >> 16));
  U16(out, static_cast<uint16_t>(v));
}
void U64(Bytes* out, uint64_t v) {
  U32(out, static_cast<uint32_t>(v >> 32));
  U32(out, static_cast<uint32_t>(v));
}
void Sized(Bytes* out, ByteView b, ByteView input) {
  FUZZ_CHECK(Inside(b, input));
  FUZZ_CHECK(b.size() <= 0xffff);
  U16(out, static_cast<uint16_t>(b.size()));
  AppendBytes(out, b);
}

void CheckPublic(ByteView input) {
  tpm::Public p;
  if (!tpm::ParsePublic(input, &p)) return;
  FUZZ_CHECK(p.type == tpm::kAlgRsa || p.type == tpm::kAlgEcc);
  Bytes out;
  U16(&out, p.type);
  U16(&out, p.name_alg);
  U32(&out, p.object_attributes);
  Sized(&out, p.auth_policy, input);
  U16(&out, p.symmetric);
  if (p.symmetric != tpm::kAlgNull) {
    U16(&out, p.symmetric_key_bits);
    U16(&out, p.symmetric_mode);
  }
  U16(&out, p.scheme);
  const int details = tpm::SchemeDetailsSize(p.scheme);
  FUZZ_CHECK(details == 0 || details == 2 || details == 4);
  if (details >= 2) U16(&out, p.scheme_hash);
  if (details == 4) U16(&out, p.scheme_count);
  if (p.type == tpm::kAlgRsa) {
    U16(&out, p.rsa_key_bits);
    U32(&out, p.rsa_exponent);
    Sized(&out, p.rsa_modulus, input);
    FUZZ_CHECK(p.ecc_x.empty() && p.ecc_y.empty());
  } else {
    U16(&out, p.ecc_curve);
    U16(&out, p.kdf);
    const int kdf_details = tpm::KdfDetailsSize(p.kdf);
    FUZZ_CHECK(kdf_details == 0 || kdf_details == 2);
    if (kdf_details == 2) U16(&out, p.kdf_hash);
    Sized(&out, p.ecc_x, input);
    Sized(&out, p.ecc_y, input);
    FUZZ_CHECK(p.rsa_modulus.empty());
  }
  FUZZ_CHECK(Equal(out, input));
}

void CheckAttest(ByteView input) {
  tpm::Attest a;
  if (!tpm::ParseAttest(input, &a)) return;
  Bytes out;
  U32(&out, a.magic);
  U16(&out, a.type);
  Sized(&out, a.qualified_signer, input);
  Sized(&out, a.extra_data, input);
  U64(&out, a.clock_info.clock);
  U32(&out, a.clock_info.reset_count);
  U32(&out, a.clock_info.restart_count);
  out.push_back(a.clock_info.safe);
  U64(&out, a.firmware_version);
  FUZZ_CHECK(Inside(a.attested, input));
  FUZZ_CHECK(a.attested.size() == input.size() - out.size());
  AppendBytes(&out, a.attested);
  FUZZ_CHECK(Equal(out, input));

  tpm::CertifyInfo c;
  if (!tpm::ParseCertifyInfo(a.attested, &c)) return;
  Bytes certify;
  Sized(&certify, c.name, a.attested);
  Sized(&certify, c.qualified_name, a.attested);
  FUZZ_CHECK(Equal(certify, a.attested));
}

}  // namespace
}  // namespace keystorm

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  keystorm::ByteView input(data, size);
  keystorm::CheckPublic(input);
  keystorm::CheckAttest(input);
  return 0;
}
