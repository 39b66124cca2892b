// Private: the MDS3 BLOB payload (FIDO Metadata Service v3.0 §3.1.6,
// MetadataBLOBPayload) parsed strictly into owned values.
#ifndef KEYSTORM_ENGINE_SRC_METADATA_BLOB_PAYLOAD_H_
#define KEYSTORM_ENGINE_SRC_METADATA_BLOB_PAYLOAD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "keystorm/bytes.h"
#include "keystorm/metadata.h"
#include "keystorm/status.h"

namespace keystorm::metadata {

struct BlobPayload {
  int64_t serial = 0;  // "no"
  std::string next_update;
  std::string legal_header;
  std::vector<MetadataEntry> entries;
};

// Parses the payload JSON.  InvalidArgument naming the member (and entry
// index) if it is not one JSON object with unique member names; if
// legalHeader, no (integer >= 0), nextUpdate (YYYY-MM-DD) or entries is
// missing or of the wrong type; or if an entry
//   - identifies no authenticator (no aaguid, key identifier or aaid),
//   - has an aaguid that is not a UUID, a key identifier that is not 40 hex
//     digits,
//   - has a metadataStatement without an attestationRootCertificates array,
//     or a root that is not standard base64 of one DER certificate,
//   - has no statusReports, or a report without a string status or with an
//     effectiveDate that is not YYYY-MM-DD.
// Members the MDS defines and Keystorm does not use are not checked.
// Each entry's anchors, latest_report and revoked are filled in.
Status ParseBlobPayload(ByteView json, BlobPayload* out);

}  // namespace keystorm::metadata

#endif  // KEYSTORM_ENGINE_SRC_METADATA_BLOB_PAYLOAD_H_
