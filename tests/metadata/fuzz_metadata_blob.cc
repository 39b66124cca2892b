// Fuzzes the MDS3 BLOB readers (engine/src/metadata): the input is tried as
// a compact JWS and, since no fuzzed input carries a real signature, also
// directly as the payload JSON, so that the payload parser is reached.
//
// Invariants:
//   - a parsed JWS has a signing input that is the input up to its last
//     '.', an allowed alg, 1..kMaxJwsCertificates non-empty certificates and
//     a non-empty signature; with no trust anchor its verification fails;
//   - a parsed payload has valid dates, entries with at least one status
//     report, a deciding report inside the list and a revoked flag that is
//     the deciding status's;
//   - nothing crashes, leaks or reads outside the input (ASan/UBSan).
#include <cstdint>
#include <memory>

#include "fuzz_support.h"
#include "keystorm/attestation.h"
#include "keystorm/metadata.h"
#include "metadata/blob_payload.h"
#include "metadata/compact_jws.h"
#include "metadata/mds_date.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace keystorm;
  static const std::shared_ptr<const TrustAnchors> no_anchors = *TrustAnchors::FromDer({});
  ByteView input(data, size);
  const std::string_view text = AsChars(input);

  metadata::CompactJws jws;
  if (metadata::ParseCompactJws(text, &jws).ok()) {
    FUZZ_CHECK(jws.signing_input.data() == text.data());
    FUZZ_CHECK(jws.signing_input.size() == text.rfind('.'));
    FUZZ_CHECK(jws.alg == "RS256" || jws.alg == "PS256" || jws.alg == "ES256");
    FUZZ_CHECK(!jws.x5c.empty() && jws.x5c.size() <= metadata::kMaxJwsCertificates);
    for (const Bytes& der : jws.x5c) FUZZ_CHECK(!der.empty());
    FUZZ_CHECK(!jws.signature.empty());
    FUZZ_CHECK(!metadata::VerifyCompactJws(jws, *no_anchors, 1767225600).ok());
  }
  FUZZ_CHECK(!MetadataBlob::Load(text, *no_anchors, 1767225600).has_value());

  metadata::BlobPayload payload;
  if (metadata::ParseBlobPayload(input, &payload).ok()) {
    FUZZ_CHECK(payload.serial >= 0);
    FUZZ_CHECK(metadata::IsMdsDate(payload.next_update));
    for (const MetadataEntry& entry : payload.entries) {
      FUZZ_CHECK(!entry.status_reports.empty());
      FUZZ_CHECK(entry.latest_report < entry.status_reports.size());
      FUZZ_CHECK(entry.revoked == IsRevokingStatus(entry.latest().status));
      for (const MetadataStatusReport& report : entry.status_reports) {
        FUZZ_CHECK(report.effective_date.empty() || metadata::IsMdsDate(report.effective_date));
      }
      FUZZ_CHECK((entry.anchors != nullptr) == !entry.attestation_root_certificates.empty());
      for (const std::string& id : entry.key_identifiers) FUZZ_CHECK(id.size() == 40);
    }
  }
  return 0;
}
