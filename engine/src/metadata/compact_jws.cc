#include "metadata/compact_jws.h"

#include <openssl/bn.h>
#include <openssl/digest.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <simdjson.h>

#include "attestation/certificate.h"
#include "json_scratch_impl.h"
#include "keystorm/base64url.h"
#include "standard_base64.h"

namespace keystorm::metadata {
namespace {

using simdjson::SUCCESS;

Status Refuse(std::string_view why) { return Status::InvalidArgument("metadata BLOB: " + std::string(why)); }

// base64url without padding (RFC 7515 §2: "with all trailing '=' characters
// omitted").
bool DecodePart(std::string_view part, Bytes* out) {
  if (part.empty() || part.find('=') != std::string_view::npos) return false;
  return Base64UrlDecode(part, out);
}

Status ParseHeader(const Bytes& json, CompactJws* out) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(reinterpret_cast<const char*>(json.data()), json.size());
  simdjson::dom::element root;
  simdjson::dom::object header;
  if (parser.parse(padded).get(root) != SUCCESS || root.get_object().get(header) != SUCCESS ||
      !HasUniqueMembers(root, JsonScratch::kMaxDepth)) {
    return Refuse("JWS header is not one JSON object with unique members");
  }
  std::string_view alg;
  if (header["alg"].get_string().get(alg) != SUCCESS) return Refuse("JWS header has no string alg");
  if (alg != "RS256" && alg != "PS256" && alg != "ES256") {
    return Refuse("JWS alg " + std::string(alg) + " is not RS256, PS256 or ES256");
  }
  out->alg = std::string(alg);
  simdjson::dom::element ignored;
  if (header["crit"].get(ignored) == SUCCESS) return Refuse("JWS header has crit, which we do not understand");
  simdjson::dom::array x5c;
  if (header["x5c"].get_array().get(x5c) != SUCCESS) return Refuse("JWS header has no x5c array");
  if (x5c.size() == 0 || x5c.size() > kMaxJwsCertificates) {
    return Refuse("JWS x5c must hold 1 to 8 certificates");
  }
  for (simdjson::dom::element entry : x5c) {
    std::string_view text;
    Bytes der;
    if (entry.get_string().get(text) != SUCCESS || !DecodeStandardBase64(text, &der)) {
      return Refuse("JWS x5c entry is not a standard base64 string");
    }
    out->x5c.push_back(std::move(der));
  }
  return Status::Ok();
}

// RFC 7518 §3.4: the ES256 signature is R ‖ S, 32 bytes each.
bool VerifyEs256(EVP_PKEY* key, ByteView message, ByteView signature) {
  const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(key);
  if (ec == nullptr || EC_GROUP_get_curve_name(EC_KEY_get0_group(ec)) != NID_X9_62_prime256v1 ||
      signature.size() != 64) {
    return false;
  }
  bssl::UniquePtr<ECDSA_SIG> sig(ECDSA_SIG_new());
  bssl::UniquePtr<BIGNUM> r(BN_bin2bn(signature.data(), 32, nullptr));
  bssl::UniquePtr<BIGNUM> s(BN_bin2bn(signature.data() + 32, 32, nullptr));
  if (!sig || !r || !s || !ECDSA_SIG_set0(sig.get(), r.get(), s.get())) return false;
  r.release();  // owned by sig now
  s.release();
  uint8_t digest[32];
  SHA256(message.data(), message.size(), digest);
  return ECDSA_do_verify(digest, sizeof(digest), sig.get(), ec) == 1;
}

bool VerifyRsa(EVP_PKEY* key, bool pss, ByteView message, ByteView signature) {
  // The MDS signs with RSA-2048 and up; anything weaker is not the MDS.
  if (EVP_PKEY_id(key) != EVP_PKEY_RSA || EVP_PKEY_bits(key) < 2048) return false;
  bssl::ScopedEVP_MD_CTX ctx;
  EVP_PKEY_CTX* pctx = nullptr;
  if (!EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key)) return false;
  if (pss && (!EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) ||
              !EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, -1 /* = digest length, RFC 7518 §3.5 */) ||
              !EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()))) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                          message.size()) == 1;
}

}  // namespace

Status ParseCompactJws(std::string_view text, CompactJws* out) {
  size_t first = text.find('.');
  size_t second = first == std::string_view::npos ? first : text.find('.', first + 1);
  if (second == std::string_view::npos || text.find('.', second + 1) != std::string_view::npos) {
    return Refuse("not a compact JWS (header.payload.signature)");
  }
  CompactJws jws;
  jws.signing_input = text.substr(0, second);
  Bytes header_json;
  if (!DecodePart(text.substr(0, first), &header_json)) return Refuse("JWS header is not base64url");
  if (!DecodePart(text.substr(first + 1, second - first - 1), &jws.payload)) {
    return Refuse("JWS payload is not base64url");
  }
  if (!DecodePart(text.substr(second + 1), &jws.signature)) {
    return Refuse("JWS signature is not base64url");
  }
  if (Status s = ParseHeader(header_json, &jws); !s.ok()) return s;
  *out = std::move(jws);
  return Status::Ok();
}

Status VerifyCompactJws(const CompactJws& jws, const TrustAnchors& root, int64_t now) {
  bssl::UniquePtr<X509> leaf = attestation::ParseCertificate(jws.x5c.front());
  if (!leaf) return Refuse("JWS x5c[0] is not a DER certificate");
  bssl::UniquePtr<EVP_PKEY> key(X509_get_pubkey(leaf.get()));
  ByteView message = AsBytes(jws.signing_input);
  bool ok = key && (jws.alg == "ES256" ? VerifyEs256(key.get(), message, jws.signature)
                                       : VerifyRsa(key.get(), jws.alg == "PS256", message,
                                                   jws.signature));
  ERR_clear_error();
  if (!ok) return Refuse("JWS signature does not verify with x5c[0] (" + jws.alg + ")");
  std::vector<ByteView> chain(jws.x5c.begin(), jws.x5c.end());
  if (!root.Verifies(chain, now)) {
    return Refuse("JWS x5c does not chain to the MDS root at the verification time");
  }
  return Status::Ok();
}

}  // namespace keystorm::metadata
