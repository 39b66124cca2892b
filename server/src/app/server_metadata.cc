#include "server_metadata.h"

#include <optional>
#include <string_view>
#include <utility>

#include "keystorm/base64url.h"
#include "keystorm/metadata_recheck.h"

namespace keystorm::server {
namespace {

// The re-check's events as audit-log entries: the audit log is where an
// operator already looks for what happened to a user's credentials.
class AuditLogSink final : public AuditSink {
 public:
  explicit AuditLogSink(AuditLog* audit) : audit_(audit) {}

  Status Emit(const AuditEvent& event) override {
    // The user handle, not the name: the re-check runs inside the store's
    // credential scan, where a second store read per event is not wanted.
    std::string detail = "credential " + Base64UrlEncode(event.credential_id) +
                         " (user handle " + Base64UrlEncode(event.user_handle) + "): aaguid " +
                         FormatAaguid(event.aaguid) + " " + std::string(event.status);
    if (!event.effective_date.empty()) detail += " since " + std::string(event.effective_date);
    return audit_->Write(AuditEntry{.actor = "metadata",
                                    .action = event.event,
                                    .outcome = "attestation_revoked",
                                    .detail = detail});
  }

 private:
  AuditLog* audit_;
};

}  // namespace

ServerMetadata::ServerMetadata(std::string blob_file, std::string root_file,
                               CredentialStore* store, AuditLog* audit)
    : blob_file_(std::move(blob_file)),
      root_file_(std::move(root_file)),
      store_(store),
      audit_(audit) {}

Status ServerMetadata::LoadAtStart(int64_t now) {
  Status status = holder_.LoadFile(blob_file_, root_file_, now);
  if (!status.ok()) {
    return Status::InvalidArgument("metadata.blob_file " + blob_file_ + " (root " + root_file_ +
                                   "): " + std::string(status.message()));
  }
  return Status::Ok();
}

Status ServerMetadata::Reload(int64_t now, std::string* detail) {
  std::lock_guard lock(reload_mu_);
  Status status = holder_.LoadFile(blob_file_, root_file_, now);
  if (!status.ok()) {
    load_failures_.fetch_add(1, std::memory_order_relaxed);
    return status;
  }
  std::shared_ptr<const MetadataBlob> blob = holder_.Current();
  AuditLogSink sink(audit_);
  RecheckCounts counts;
  status = RecheckStoredCredentials(*blob, store_, &sink, &counts);
  // The new BLOB is in force either way (logins already use it); a failed
  // re-check is reported so the operator runs the reload again.
  if (!status.ok()) {
    return Status::Internal("metadata serial " + std::to_string(blob->serial()) +
                                     " loaded, but the re-check failed after " +
                                     std::to_string(counts.credentials_scanned) +
                                     " credentials: " + std::string(status.message()));
  }
  *detail = "metadata serial " + std::to_string(blob->serial()) + ": " +
            std::to_string(blob->entries().size()) + " entries, " +
            std::to_string(counts.credentials_scanned) + " credentials checked, " +
            std::to_string(counts.credentials_revoked) + " revoked";
  return Status::Ok();
}

void ServerMetadata::Collect(MetricsWriter& out) const {
  std::shared_ptr<const MetadataBlob> blob = holder_.Current();
  out.Family("keystorm_metadata_entries", "Authenticator models in the FIDO metadata in force.",
             MetricType::kGauge);
  out.Sample("keystorm_metadata_entries", {},
             blob ? static_cast<double>(blob->entries().size()) : 0.0);
  out.Family("keystorm_metadata_revoked_entries",
             "Models the FIDO metadata in force revokes (their logins are refused).",
             MetricType::kGauge);
  out.Sample("keystorm_metadata_revoked_entries", {},
             blob ? static_cast<double>(blob->revoked_count()) : 0.0);
  out.Family("keystorm_metadata_serial", "Serial number (no) of the FIDO metadata in force.",
             MetricType::kGauge);
  out.Sample("keystorm_metadata_serial", {}, blob ? static_cast<double>(blob->serial()) : 0.0);
  out.Family("keystorm_metadata_next_update_seconds",
             "nextUpdate of the FIDO metadata in force, unix seconds (alert before it passes).",
             MetricType::kGauge);
  const std::optional<int64_t> next =
      blob ? MetadataDateToUnixSeconds(blob->next_update()) : std::nullopt;
  out.Sample("keystorm_metadata_next_update_seconds", {}, next ? static_cast<double>(*next) : 0.0);
  out.Family("keystorm_metadata_load_failures_total",
             "Metadata reloads refused (the previous BLOB stayed in force).",
             MetricType::kCounter);
  out.Sample("keystorm_metadata_load_failures_total", {},
             static_cast<double>(load_failures_.load(std::memory_order_relaxed)));
}

}  // namespace keystorm::server
