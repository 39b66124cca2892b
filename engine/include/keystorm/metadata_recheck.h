// The batched re-check after a new FIDO metadata BLOB is loaded: which
// stored credentials belong to an authenticator model the BLOB revokes.
//
// Their logins are already refused (attestation_revoked, from the next
// assertion on: Requirements::metadata); the re-check tells the operator
// who is affected, one audit event per credential, so that the users can be
// asked to register another authenticator before they are locked out.
// It reads the store and writes nothing to it.
//
// Thread safety: RecheckStoredCredentials may run while the store serves
// logins (it only reads); one AuditSink must not be shared by concurrent
// re-checks unless the sink says it may.
#ifndef KEYSTORM_METADATA_RECHECK_H_
#define KEYSTORM_METADATA_RECHECK_H_

#include <array>
#include <cstdint>
#include <ostream>
#include <string_view>

#include "keystorm/bytes.h"
#include "keystorm/credential_store.h"
#include "keystorm/export.h"
#include "keystorm/metadata.h"
#include "keystorm/status.h"

namespace keystorm {

// One audit record.  Views are valid during the Emit call only.
struct KEYSTORM_EXPORT AuditEvent {
  std::string_view event;  // e.g. kCredentialRevokedEvent
  ByteView credential_id;
  ByteView user_handle;
  std::array<uint8_t, 16> aaguid{};
  std::string_view status;          // the deciding AuthenticatorStatus
  std::string_view effective_date;  // its effectiveDate (may be empty)
};

// The event RecheckStoredCredentials emits for each affected credential.
inline constexpr std::string_view kCredentialRevokedEvent = "credential_authenticator_revoked";

class KEYSTORM_EXPORT AuditSink {
 public:
  virtual ~AuditSink() = default;
  // A failed write fails the re-check (an audit trail with holes is worse
  // than a re-check run again).
  virtual Status Emit(const AuditEvent& event) = 0;
};

// Writes one JSON object per line:
//   {"event":"credential_authenticator_revoked","credential_id":"<b64url>",
//    "user_handle":"<b64url>","aaguid":"<uuid>","status":"REVOKED",
//    "effective_date":"2026-01-01"}
// Not thread-safe.
class KEYSTORM_EXPORT JsonLinesAuditSink final : public AuditSink {
 public:
  explicit JsonLinesAuditSink(std::ostream* out) : out_(out) {}
  Status Emit(const AuditEvent& event) override;

 private:
  std::ostream* out_;
};

struct KEYSTORM_EXPORT RecheckCounts {
  uint64_t credentials_scanned = 0;
  uint64_t credentials_revoked = 0;  // events emitted
};

// Walks every credential of `store` (CredentialStore::ForEachCredential) and
// emits one event to `sink` for each whose AAGUID `blob` revokes.  Zero
// AAGUIDs (none attestation, U2F) are never affected.  Returns the store's
// or the sink's error; *counts holds what was done up to then.
KEYSTORM_EXPORT Status RecheckStoredCredentials(const MetadataBlob& blob, CredentialStore* store, AuditSink* sink,
                                RecheckCounts* counts);

}  // namespace keystorm

#endif  // KEYSTORM_METADATA_RECHECK_H_
