// The re-check of stored credentials against a newly loaded BLOB, and the
// JSON-lines audit writer the CLI uses.
#include "keystorm/metadata_recheck.h"

#include "keystorm/base64url.h"
#include "keystorm/json_writer.h"

namespace keystorm {

Status JsonLinesAuditSink::Emit(const AuditEvent& event) {
  JsonWriter json;
  json.BeginObject()
      .Key("event").String(event.event)
      .Key("credential_id").String(Base64UrlEncode(event.credential_id))
      .Key("user_handle").String(Base64UrlEncode(event.user_handle))
      .Key("aaguid").String(FormatAaguid(event.aaguid))
      .Key("status").String(event.status)
      .Key("effective_date").String(event.effective_date)
      .EndObject();
  *out_ << json.str() << '\n';
  if (!*out_) return Status::IOError("cannot write the audit event");
  return Status::Ok();
}

Status RecheckStoredCredentials(const MetadataBlob& blob, CredentialStore* store, AuditSink* sink,
                                RecheckCounts* counts) {
  *counts = RecheckCounts{};
  return store->ForEachCredential([&](const CredentialRecord& record) -> Status {
    ++counts->credentials_scanned;
    if (!blob.IsRevoked(record.aaguid)) return Status::Ok();
    const MetadataEntry* entry = blob.FindByAaguid(record.aaguid);
    AuditEvent event;
    event.event = kCredentialRevokedEvent;
    event.credential_id = record.id;
    event.user_handle = record.user_handle;
    event.aaguid = record.aaguid;
    event.status = entry->latest().status;
    event.effective_date = entry->latest().effective_date;
    if (Status s = sink->Emit(event); !s.ok()) return s;
    ++counts->credentials_revoked;
    return Status::Ok();
  });
}

}  // namespace keystorm
