#include "keystorm/test/test_mds.h"

#include <gtest/gtest.h>
#include <openssl/base64.h>
#include <openssl/bn.h>
#include <openssl/bytestring.h>
#include <openssl/ecdsa.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "keystorm/base64url.h"
#include "keystorm/test/json_object.h"

namespace keystorm::test {
namespace {

const char* JwsAlg(int64_t alg) {
  switch (alg) {
    case -257: return "RS256";
    case -37: return "PS256";
    case -7: return "ES256";
  }
  ADD_FAILURE() << "no JWS name for COSE alg " << alg;
  return "none";
}

// ECDSA as JWS writes it (RFC 7518 §3.4): R ‖ S, 32 bytes each.
Bytes DerToRawEcdsa(const Bytes& der) {
  bssl::UniquePtr<ECDSA_SIG> sig(ECDSA_SIG_from_bytes(der.data(), der.size()));
  Bytes raw(64);
  if (!sig || !BN_bn2bin_padded(raw.data(), 32, ECDSA_SIG_get0_r(sig.get())) ||
      !BN_bn2bin_padded(raw.data() + 32, 32, ECDSA_SIG_get0_s(sig.get()))) {
    ADD_FAILURE() << "cannot convert an ECDSA signature";
  }
  return raw;
}

std::string JsonStringArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + JsonQuote(items[i]);
  return out + "]";
}

}  // namespace

std::string StandardBase64(ByteView data) {
  size_t len = 0;
  EVP_EncodedLength(&len, data.size());
  std::string out(len, '\0');
  size_t written = EVP_EncodeBlock(reinterpret_cast<uint8_t*>(out.data()), data.data(), data.size());
  out.resize(written);
  return out;
}

std::string AaguidText(const std::array<uint8_t, 16>& aaguid) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < aaguid.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[aaguid[i] >> 4];
    out += kHex[aaguid[i] & 15];
  }
  return out;
}

std::string MdsEntryJson(const MdsEntrySpec& spec) {
  JsonObject entry;
  if (spec.aaguid) entry.SetString("aaguid", *spec.aaguid);
  if (!spec.key_identifiers.empty()) {
    entry.SetRaw("attestationCertificateKeyIdentifiers", JsonStringArray(spec.key_identifiers));
  }
  if (spec.with_statement) {
    std::vector<std::string> roots;
    for (const Bytes& der : spec.attestation_roots) roots.push_back(StandardBase64(der));
    JsonObject statement;
    statement.SetString("description", "Keystorm test authenticator");
    statement.SetRaw("attestationRootCertificates", JsonStringArray(roots));
    entry.SetObject("metadataStatement", std::move(statement));
  }
  std::string reports = "[";
  for (size_t i = 0; i < spec.reports.size(); ++i) {
    JsonObject report;
    report.SetString("status", spec.reports[i].first);
    if (!spec.reports[i].second.empty()) report.SetString("effectiveDate", spec.reports[i].second);
    reports += (i ? "," : "") + report.ToString();
  }
  entry.SetRaw("statusReports", reports + "]");
  entry.SetString("timeOfLastStatusChange", "2025-01-01");
  return entry.ToString();
}

std::string MdsPayloadJson(int64_t no, std::string_view next_update,
                           const std::vector<std::string>& entries) {
  std::string list = "[";
  for (size_t i = 0; i < entries.size(); ++i) list += (i ? "," : "") + entries[i];
  JsonObject payload;
  payload.SetString("legalHeader", "Keystorm test metadata; not the FIDO Alliance's.");
  payload.SetRaw("no", std::to_string(no));
  payload.SetString("nextUpdate", next_update);
  payload.SetRaw("entries", list + "]");
  return payload.ToString();
}

TestMds::TestMds(int64_t alg, int slot)
    : alg_(alg),
      root_("Keystorm Test MDS Root", 100 + 2 * slot),
      intermediate_("Keystorm Test MDS Intermediate", 101 + 2 * slot, &root_),
      signing_key_(TestKey::Cached(alg, 500 + slot)) {
  CertificateOptions options;
  options.common_name = "Keystorm Test MDS BLOB Signer";
  options.organizational_unit = "Metadata";
  signing_certificate_ = intermediate_.Issue(options, signing_key_);
}

std::shared_ptr<const TrustAnchors> TestMds::RootAnchors() const {
  Result<std::shared_ptr<const TrustAnchors>> anchors = TrustAnchors::FromDer({root_certificate()});
  EXPECT_TRUE(anchors.has_value());
  return anchors.has_value() ? *anchors : nullptr;
}

std::string TestMds::RootPem() const {
  const uint8_t* p = root_certificate().data();
  bssl::UniquePtr<X509> cert(d2i_X509(nullptr, &p, static_cast<long>(root_certificate().size())));
  bssl::UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  EXPECT_TRUE(cert && bio && PEM_write_bio_X509(bio.get(), cert.get()));
  const uint8_t* data = nullptr;
  size_t len = 0;
  BIO_mem_contents(bio.get(), &data, &len);
  return std::string(reinterpret_cast<const char*>(data), len);
}

std::string TestMds::HeaderJson() const {
  JsonObject header;
  header.SetString("alg", JwsAlg(alg_));
  header.SetString("typ", "JWT");
  header.SetRaw("x5c", JsonStringArray({StandardBase64(signing_certificate_),
                                        StandardBase64(intermediate_.certificate())}));
  return header.ToString();
}

std::string TestMds::Sign(std::string_view payload_json) const {
  return SignWithHeader(HeaderJson(), payload_json);
}

std::string TestMds::SignWithHeader(std::string_view header_json,
                                    std::string_view payload_json) const {
  std::string signing_input =
      Base64UrlEncode(AsBytes(header_json)) + "." + Base64UrlEncode(AsBytes(payload_json));
  Bytes signature = signing_key_.Sign(AsBytes(signing_input));
  if (alg_ == -7) signature = DerToRawEcdsa(signature);
  return signing_input + "." + Base64UrlEncode(signature);
}

}  // namespace keystorm::test
