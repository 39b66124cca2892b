// Attestation trust anchors an operator installs as PEM files, chosen per
// attestation format and per authenticator model (AAGUID), and replaced at
// run time without a restart (a vendor rotating its root must not need a
// Keystorm release).
//
// Directory layout (every *.pem file may hold several certificates):
//   DIR/*.pem                    anchors for every format
//   DIR/<fmt>/*.pem              anchors for one format ("packed", "tpm", ...)
//   DIR/aaguid/<uuid>/*.pem      anchors for one authenticator model, e.g.
//                                DIR/aaguid/cb69481e-8ff7-4039-93ec-0a2729a154a8/
// A statement of format F from model A is checked against the union of the
// first, the F and the A anchors.
//
// Thread safety: a TrustStore is immutable; ReloadableTrustStore swaps whole
// stores, so a verification keeps the store it started with.
#ifndef KEYSTORM_TRUST_STORE_H_
#define KEYSTORM_TRUST_STORE_H_

#include <array>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "keystorm/attestation.h"
#include "keystorm/export.h"
#include "keystorm/status.h"

namespace keystorm {

class KEYSTORM_EXPORT TrustStore {
 public:
  // Reads the directory.  Any unreadable file or PEM without a certificate
  // fails the whole load (a half-read set of roots must never go live).
  static Result<std::shared_ptr<const TrustStore>> LoadDirectory(const std::filesystem::path& dir);

  // The anchors for a statement of `fmt` from `aaguid`, or nullptr if the
  // operator installed none that apply.
  std::shared_ptr<const TrustAnchors> AnchorsFor(std::string_view fmt,
                                                 const std::array<uint8_t, 16>& aaguid) const;

  size_t certificate_count() const { return certificate_count_; }

 private:
  TrustStore() = default;
  // Parsed once at load: global, global+format, global+AAGUID.  Only a
  // statement whose format and model both have folders builds its union
  // (from the kept PEM text) when asked.
  std::shared_ptr<const TrustAnchors> global_;
  std::map<std::string, std::shared_ptr<const TrustAnchors>, std::less<>> by_format_;
  std::map<std::array<uint8_t, 16>, std::shared_ptr<const TrustAnchors>> by_aaguid_;
  std::string global_pem_;
  std::map<std::string, std::string, std::less<>> pem_by_format_;
  std::map<std::array<uint8_t, 16>, std::string> pem_by_aaguid_;
  size_t certificate_count_ = 0;
};

// The live TrustStore of a process, replaced atomically by Reload.
class KEYSTORM_EXPORT ReloadableTrustStore {
 public:
  explicit ReloadableTrustStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // Loads the directory off to the side and swaps it in; on failure the
  // running store stays and the error is returned.
  Status Reload();

  // The current store (nullptr before the first successful Reload).
  std::shared_ptr<const TrustStore> Current() const;

 private:
  const std::filesystem::path dir_;
  mutable std::mutex mu_;
  std::shared_ptr<const TrustStore> current_;  // GUARDED_BY(mu_)
};

// Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (any case).
KEYSTORM_EXPORT bool ParseAaguid(std::string_view text, std::array<uint8_t, 16>* out);

}  // namespace keystorm

#endif  // KEYSTORM_TRUST_STORE_H_
