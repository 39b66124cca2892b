// FIDO Metadata Service (MDS3) metadata: the signed BLOB that says which
// authenticator models exist, which roots their attestation chains to, and
// which of them are compromised or revoked.
//
// Keystorm never fetches anything.  The operator downloads the BLOB out of
// band (https://mds3.fidoalliance.org/), checks it with `keystorm metadata
// check BLOB --root ROOT.pem`, and installs it; the server's admin API then
// calls ReloadableMetadata::LoadFile.  docs/attestation.md has the procedure.
//
// A BLOB is a JWT (compact JWS, RFC 7515): BASE64URL(header) '.'
// BASE64URL(payload) '.' BASE64URL(signature).  Loading it
//   1. checks the JWS shape; the header's alg must be RS256, PS256 or ES256
//      and its x5c (standard base64 DER, leaf first) must not be empty;
//   2. verifies the signature with x5c[0]'s public key;
//   3. validates the path x5c -> the operator's MDS root at `now`;
//   4. parses the payload strictly (legalHeader, no, nextUpdate, entries);
//   5. refuses it if nextUpdate (YYYY-MM-DD) is before the UTC date of `now`.
// ReloadableMetadata adds 6.: a BLOB whose serial `no` is lower than the
// loaded one's is a rollback and is refused.  Every refusal is a Status whose
// message names the check; the metadata in force stays as it was.
//
// Revocation: an entry's latest status report (greatest effectiveDate; on a
// tie, the later one in the array) decides.  REVOKED,
// USER_VERIFICATION_BYPASS, ATTESTATION_KEY_COMPROMISE,
// USER_KEY_REMOTE_COMPROMISE and USER_KEY_PHYSICAL_COMPROMISE revoke the
// model; the verifier then answers attestation_revoked at registration
// (by AAGUID, or for fido-u2f by attestation key identifier) and at every
// later assertion of a credential stored with that AAGUID
// (Requirements::metadata, verifier.h).
//
// Thread safety and lifetimes: a MetadataBlob is immutable after Load and
// shared through shared_ptr<const MetadataBlob>; every lookup is const and
// may run on any number of threads.  Pointers returned by lookups live as
// long as the blob.  ReloadableMetadata swaps whole blobs atomically, so a
// ceremony keeps the blob it started with; reading Current() takes no lock.
#ifndef KEYSTORM_METADATA_H_
#define KEYSTORM_METADATA_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "keystorm/attestation.h"
#include "keystorm/bytes.h"
#include "keystorm/export.h"
#include "keystorm/status.h"

namespace keystorm {

using Aaguid = std::array<uint8_t, 16>;

// The largest BLOB we read (the real one is a few MiB).
inline constexpr size_t kMaxMetadataBlobBytes = 64 << 20;

// True for the five AuthenticatorStatus values that revoke a model.
KEYSTORM_EXPORT bool IsRevokingStatus(std::string_view status);

// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lowercase (ParseAaguid, in
// trust_store.h, reads it back).
KEYSTORM_EXPORT std::string FormatAaguid(const Aaguid& aaguid);

// The attestationCertificateKeyIdentifiers form of a certificate: lowercase
// hex of SHA-1 over its subjectPublicKey BIT STRING value (RFC 5280
// §4.2.1.2 method 1).  Empty if `der` is not one certificate.
KEYSTORM_EXPORT std::string AttestationKeyIdentifier(ByteView certificate_der);

// One StatusReport of an entry.
struct KEYSTORM_EXPORT MetadataStatusReport {
  std::string status;          // AuthenticatorStatus, e.g. "FIDO_CERTIFIED_L1"
  std::string effective_date;  // YYYY-MM-DD; empty if the report has none
};

// One element of the payload's entries[] (UAF entries, which carry only an
// aaid, are kept but index nothing).
struct KEYSTORM_EXPORT MetadataEntry {
  std::optional<Aaguid> aaguid;                   // FIDO2 models
  std::vector<std::string> key_identifiers;       // U2F models, lowercase hex
  std::string description;                        // metadataStatement.description
  std::vector<Bytes> attestation_root_certificates;  // DER
  // The roots above as anchors; nullptr if there are none.
  std::shared_ptr<const TrustAnchors> anchors;
  std::vector<MetadataStatusReport> status_reports;  // as in the BLOB, never empty
  size_t latest_report = 0;                          // index of the deciding report
  bool revoked = false;  // IsRevokingStatus(status_reports[latest_report].status)

  const MetadataStatusReport& latest() const { return status_reports[latest_report]; }
};

class KEYSTORM_EXPORT MetadataBlob {
 public:
  // Runs checks 1-5 above on `jwt` (the BLOB file's text; surrounding
  // whitespace is ignored) with `mds_root` as the only trust anchor and
  // `now` (unix seconds) as the verification time.
  static Result<std::shared_ptr<const MetadataBlob>> Load(std::string_view jwt,
                                                          const TrustAnchors& mds_root,
                                                          int64_t now);

  int64_t serial() const { return serial_; }                   // payload "no"
  const std::string& next_update() const { return next_update_; }  // YYYY-MM-DD
  const std::string& legal_header() const { return legal_header_; }
  const std::vector<MetadataEntry>& entries() const { return entries_; }
  size_t revoked_count() const { return revoked_count_; }

  // The entry of a model, or nullptr.  O(1).
  const MetadataEntry* FindByAaguid(const Aaguid& aaguid) const;
  // `key_identifier`: 40 hex digits, any case.
  const MetadataEntry* FindByKeyIdentifier(std::string_view key_identifier) const;

  // True if the model's latest status revokes it.  The zero AAGUID (no
  // model: none attestation, U2F) is never revoked.  O(1), no allocation:
  // the assertion path calls it for every login.
  bool IsRevoked(const Aaguid& aaguid) const { return revoked_aaguids_.count(aaguid) != 0; }

 private:
  MetadataBlob() = default;

  struct AaguidHash {
    size_t operator()(const Aaguid& a) const;
  };
  int64_t serial_ = 0;
  std::string next_update_;
  std::string legal_header_;
  std::vector<MetadataEntry> entries_;
  size_t revoked_count_ = 0;
  std::unordered_map<Aaguid, size_t, AaguidHash> by_aaguid_;
  std::unordered_map<std::string, size_t> by_key_identifier_;
  std::unordered_set<Aaguid, AaguidHash> revoked_aaguids_;
};

// The metadata in force in a process.  The admin API calls LoadFile (or
// Load) after the operator installed a new BLOB; ceremonies read Current()
// and put it into Requirements::metadata.
class KEYSTORM_EXPORT ReloadableMetadata {
 public:
  ReloadableMetadata() = default;

  // Reads the MDS root(s) from `root_pem_path` and the BLOB from
  // `blob_path`, loads it as MetadataBlob::Load does, refuses a rollback
  // (serial lower than the current one's) and swaps it in.  On any failure
  // the current metadata stays and the Status says why.
  Status LoadFile(const std::filesystem::path& blob_path,
                  const std::filesystem::path& root_pem_path, int64_t now);
  // The same with the BLOB text and the root already in memory.
  Status Load(std::string_view jwt, const TrustAnchors& mds_root, int64_t now);
  // Installs an already verified blob (same rollback rule).
  Status Install(std::shared_ptr<const MetadataBlob> blob);

  // The blob in force; nullptr before the first successful load.  Called
  // once per ceremony from any thread: an atomic load, no mutex.
  std::shared_ptr<const MetadataBlob> Current() const { return current_.load(); }

 private:
  std::mutex install_mu_;  // serialises installs: the rollback check and the swap
  std::atomic<std::shared_ptr<const MetadataBlob>> current_;
};

// 00:00 UTC of an MDS date ("YYYY-MM-DD", e.g. nextUpdate) as unix
// seconds; nullopt if it is not a real date.  For monitoring, which wants
// numbers (the server's keystorm_metadata_next_update_seconds).
KEYSTORM_EXPORT std::optional<int64_t> MetadataDateToUnixSeconds(std::string_view date);

// Reads a whole file (for BLOBs and root PEM files), at most `max_bytes`.
KEYSTORM_EXPORT Result<std::string> ReadMetadataFile(const std::filesystem::path& path, size_t max_bytes);

}  // namespace keystorm

#endif  // KEYSTORM_METADATA_H_
