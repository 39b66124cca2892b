// FIDO metadata (MDS3) as `keystorm serve` runs it: the BLOB named by
// [metadata].blob_file, checked against [metadata].root_file, loaded at
// start and on POST /admin/v1/metadata/reload.
//
//   start    LoadAtStart: a BLOB that fails any check is an error naming the
//            file and the check, and the server refuses to start (running
//            without the revocations the operator asked for would be silent).
//   reload   Reload: ReloadableMetadata::LoadFile; on failure the metadata in
//            force stays, the failure counter rises and the Status says why.
//            On success the stored credentials are re-checked
//            (metadata_recheck.h) and each one whose authenticator model the
//            new BLOB revokes gets one audit-log entry; *detail reports the
//            serial and the counts.
//   ceremony Current(): an atomic load; the caller keeps the snapshot (in
//            Requirements::metadata) for as long as its ceremony runs.
//
// Metrics (Collect): keystorm_metadata_entries, _revoked_entries,
// _next_update_seconds, _serial, _load_failures_total.
//
// Thread safety: Current and Collect from any thread; Reload is serialised
// by its own mutex (one re-check at a time writes the audit log).
#ifndef KEYSTORM_SERVER_APP_SERVER_METADATA_H_
#define KEYSTORM_SERVER_APP_SERVER_METADATA_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "keystorm/credential_store.h"
#include "keystorm/metadata.h"
#include "keystorm/server/audit_log.h"
#include "keystorm/server/metrics.h"
#include "keystorm/status.h"

namespace keystorm::server {

class ServerMetadata {
 public:
  // REQUIRES: store and audit outlive this object.
  ServerMetadata(std::string blob_file, std::string root_file, CredentialStore* store,
                 AuditLog* audit);

  Status LoadAtStart(int64_t now);
  Status Reload(int64_t now, std::string* detail);
  std::shared_ptr<const MetadataBlob> Current() const { return holder_.Current(); }
  void Collect(MetricsWriter& out) const;

 private:
  std::string blob_file_;
  std::string root_file_;
  CredentialStore* store_;
  AuditLog* audit_;
  ReloadableMetadata holder_;
  std::mutex reload_mu_;
  std::atomic<uint64_t> load_failures_{0};
};

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_APP_SERVER_METADATA_H_
