#include "attestation_statement.h"

namespace keystorm::test {
namespace {

using C = CborValue;

Bytes Concat(ByteView a, ByteView b) {
  Bytes out(a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

Bytes MaybeCorrupt(Bytes sig, bool corrupt) {
  // The last byte lies inside the signature value for every scheme (DER
  // ECDSA's s, Ed25519's S, the RSA integer), so the result still parses.
  if (corrupt && !sig.empty()) sig.back() ^= 0x01;
  return sig;
}

TestKey AttestationKey(const RegistrationOptions& o) {
  return o.attestation_key ? *o.attestation_key : DefaultAttestationKey();
}

const TestCertificateAuthority& Ca(const RegistrationOptions& o) {
  return o.ca != nullptr ? *o.ca : DefaultCertificateAuthority();
}

C X5cArray(const std::vector<Bytes>& chain) {
  std::vector<C> items;
  for (const Bytes& der : chain) items.push_back(C::ByteString(der));
  return C::Array(std::move(items));
}

// §8.2 packed, self attestation: the credential key signs.
C PackedSelf(const RegistrationOptions& o, const StatementInputs& in) {
  Bytes sig = in.credential_key->Sign(Concat(in.auth_data, in.client_data_hash));
  return C::Map(
      {{C::TextString("alg"), C::Int(o.att_stmt_alg.value_or(in.credential_key->alg()))},
       {C::TextString("sig"), C::ByteString(MaybeCorrupt(sig, o.corrupt_attestation_signature))}});
}

// §8.2 packed, full attestation: an attestation key certified by x5c[0].
C PackedFull(const RegistrationOptions& o, const StatementInputs& in, std::vector<Bytes>* x5c) {
  TestKey key = AttestationKey(o);
  CertificateOptions cert = o.attestation_certificate;
  if (!cert.aaguid && o.certificate_aaguid_from_auth_data) cert.aaguid = in.aaguid;
  *x5c = o.x5c ? *o.x5c : std::vector<Bytes>{Ca(o).Issue(cert, key)};
  Bytes sig = key.Sign(Concat(in.auth_data, in.client_data_hash));
  return C::Map(
      {{C::TextString("alg"), C::Int(o.att_stmt_alg.value_or(key.alg()))},
       {C::TextString("sig"), C::ByteString(MaybeCorrupt(sig, o.corrupt_attestation_signature))},
       {C::TextString("x5c"), X5cArray(*x5c)}});
}

// §8.6 fido-u2f: the attestation key signs
// 0x00 ‖ rpIdHash ‖ clientDataHash ‖ credentialId ‖ publicKeyU2F.
C FidoU2f(const RegistrationOptions& o, const StatementInputs& in, std::vector<Bytes>* x5c) {
  TestKey key = AttestationKey(o);
  *x5c = o.x5c ? *o.x5c : std::vector<Bytes>{Ca(o).Issue(o.attestation_certificate, key)};
  Bytes data = {0x00};
  data.insert(data.end(), in.rp_id_hash.begin(), in.rp_id_hash.end());
  data.insert(data.end(), in.client_data_hash.begin(), in.client_data_hash.end());
  data.insert(data.end(), in.credential_id.begin(), in.credential_id.end());
  // A non-EC credential has no U2F form; 65 zero bytes keep the layout so
  // the engine's own check is what rejects it.
  Bytes point = in.credential_key->EcPoint();
  if (point.size() != 65) point.assign(65, 0);
  data.insert(data.end(), point.begin(), point.end());
  Bytes sig = key.Sign(data);
  return C::Map(
      {{C::TextString("sig"), C::ByteString(MaybeCorrupt(sig, o.corrupt_attestation_signature))},
       {C::TextString("x5c"), X5cArray(*x5c)}});
}

}  // namespace

std::string_view FormatIdentifier(AttestationShape shape) {
  switch (shape) {
    case AttestationShape::kNone:
      return "none";
    case AttestationShape::kPackedSelf:
    case AttestationShape::kPackedFull:
      return "packed";
    case AttestationShape::kFidoU2f:
      return "fido-u2f";
  }
  return "none";
}

CborValue BuildAttestationStatement(const RegistrationOptions& o, const StatementInputs& in,
                                    std::vector<Bytes>* x5c) {
  x5c->clear();
  C stmt = C::Map({});
  switch (o.attestation) {
    case AttestationShape::kNone:
      break;
    case AttestationShape::kPackedSelf:
      stmt = PackedSelf(o, in);
      break;
    case AttestationShape::kPackedFull:
      stmt = PackedFull(o, in, x5c);
      break;
    case AttestationShape::kFidoU2f:
      stmt = FidoU2f(o, in, x5c);
      break;
  }
  if (o.edit_att_stmt) o.edit_att_stmt(&stmt);
  return stmt;
}

}  // namespace keystorm::test
