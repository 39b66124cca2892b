// MetadataBlob::Load: the five checks of metadata.h in order, then the
// indexes the ceremonies look models up in.
#include <cstring>

#include "keystorm/metadata.h"
#include "metadata/blob_payload.h"
#include "metadata/compact_jws.h"
#include "metadata/mds_date.h"

namespace keystorm {
namespace {

constexpr std::string_view kRevokingStatuses[] = {
    "REVOKED", "USER_VERIFICATION_BYPASS", "ATTESTATION_KEY_COMPROMISE",
    "USER_KEY_REMOTE_COMPROMISE", "USER_KEY_PHYSICAL_COMPROMISE"};

std::string_view TrimWhitespace(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(kSpace) - begin + 1);
}

}  // namespace

std::string FormatAaguid(const Aaguid& aaguid) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < aaguid.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[aaguid[i] >> 4];
    out += kHex[aaguid[i] & 15];
  }
  return out;
}

bool IsRevokingStatus(std::string_view status) {
  for (std::string_view revoking : kRevokingStatuses) {
    if (status == revoking) return true;
  }
  return false;
}

size_t MetadataBlob::AaguidHash::operator()(const Aaguid& a) const {
  // AAGUIDs are random (UUIDv4) or vendor-chosen; mixing two halves suffices.
  uint64_t lo, hi;
  std::memcpy(&lo, a.data(), 8);
  std::memcpy(&hi, a.data() + 8, 8);
  return static_cast<size_t>(lo * 0x9e3779b97f4a7c15ULL ^ hi);
}

Result<std::shared_ptr<const MetadataBlob>> MetadataBlob::Load(std::string_view jwt,
                                                               const TrustAnchors& mds_root,
                                                               int64_t now) {
  jwt = TrimWhitespace(jwt);
  if (jwt.size() > kMaxMetadataBlobBytes) return Status::InvalidArgument("metadata BLOB: too large");
  // 1-3: the envelope, its signature and its certificate path.
  metadata::CompactJws jws;
  if (Status s = metadata::ParseCompactJws(jwt, &jws); !s.ok()) return s;
  if (Status s = metadata::VerifyCompactJws(jws, mds_root, now); !s.ok()) return s;
  // 4: the payload (only now: nothing unsigned is parsed any further).
  metadata::BlobPayload payload;
  if (Status s = metadata::ParseBlobPayload(jws.payload, &payload); !s.ok()) return s;
  // 5: a BLOB past its nextUpdate is stale; its revocations may be missing.
  std::string today = metadata::UtcDate(now);
  if (payload.next_update < today) {
    return Status::InvalidArgument("metadata BLOB: expired (nextUpdate " + payload.next_update +
                                   " is before " + today + ")");
  }
  std::shared_ptr<MetadataBlob> blob(new MetadataBlob());
  blob->serial_ = payload.serial;
  blob->next_update_ = std::move(payload.next_update);
  blob->legal_header_ = std::move(payload.legal_header);
  blob->entries_ = std::move(payload.entries);
  // The indexes.  Two entries for one model would make the verdict depend on
  // which one we read: refuse the BLOB instead.
  for (size_t i = 0; i < blob->entries_.size(); ++i) {
    const MetadataEntry& entry = blob->entries_[i];
    if (entry.aaguid) {
      if (!blob->by_aaguid_.emplace(*entry.aaguid, i).second) {
        return Status::InvalidArgument("metadata BLOB payload: aaguid " + FormatAaguid(*entry.aaguid) +
                                       " appears in two entries");
      }
      // The zero AAGUID names no model; it is never revoked by AAGUID.
      if (entry.revoked && *entry.aaguid != Aaguid{}) blob->revoked_aaguids_.insert(*entry.aaguid);
    }
    for (const std::string& id : entry.key_identifiers) {
      if (!blob->by_key_identifier_.emplace(id, i).second) {
        return Status::InvalidArgument("metadata BLOB payload: key identifier " + id +
                                       " appears in two entries");
      }
    }
    if (entry.revoked) ++blob->revoked_count_;
  }
  return std::shared_ptr<const MetadataBlob>(std::move(blob));
}

const MetadataEntry* MetadataBlob::FindByAaguid(const Aaguid& aaguid) const {
  auto it = by_aaguid_.find(aaguid);
  return it == by_aaguid_.end() ? nullptr : &entries_[it->second];
}

const MetadataEntry* MetadataBlob::FindByKeyIdentifier(std::string_view key_identifier) const {
  std::string lower(key_identifier);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  auto it = by_key_identifier_.find(lower);
  return it == by_key_identifier_.end() ? nullptr : &entries_[it->second];
}

}  // namespace keystorm
