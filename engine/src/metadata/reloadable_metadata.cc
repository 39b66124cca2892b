// The process's metadata holder: verify off to the side, refuse rollbacks,
// swap whole blobs.

#include "keystorm/metadata.h"
#include "keystorm/read_file.h"

namespace keystorm {

Result<std::string> ReadMetadataFile(const std::filesystem::path& path, size_t max_bytes) {
  std::error_code ec;
  uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return Status::IOError("cannot read " + path.string() + ": " + ec.message());
  if (size > max_bytes) return Status::InvalidArgument(path.string() + ": file too large");
  std::optional<std::string> text = ReadWholeFile(path);
  if (!text) return Status::IOError("cannot read " + path.string());
  return std::move(*text);
}

Status ReloadableMetadata::LoadFile(const std::filesystem::path& blob_path,
                                    const std::filesystem::path& root_pem_path, int64_t now) {
  Result<std::string> root_pem = ReadMetadataFile(root_pem_path, 1 << 20);
  if (!root_pem) return root_pem.error();
  Result<std::shared_ptr<const TrustAnchors>> root = TrustAnchors::FromPem(*root_pem);
  if (!root) {
    return Status::InvalidArgument("MDS root " + root_pem_path.string() + ": " +
                                   std::string(root.error().message()));
  }
  Result<std::string> blob = ReadMetadataFile(blob_path, kMaxMetadataBlobBytes);
  if (!blob) return blob.error();
  return Load(*blob, **root, now);
}

Status ReloadableMetadata::Load(std::string_view jwt, const TrustAnchors& mds_root, int64_t now) {
  Result<std::shared_ptr<const MetadataBlob>> fresh = MetadataBlob::Load(jwt, mds_root, now);
  if (!fresh) return fresh.error();
  return Install(std::move(*fresh));
}

Status ReloadableMetadata::Install(std::shared_ptr<const MetadataBlob> blob) {
  if (!blob) return Status::InvalidArgument("metadata BLOB: null");
  // The compare and the swap under one lock: two racing reloads cannot
  // together install an older serial.  Readers never take it.
  std::lock_guard<std::mutex> lock(install_mu_);
  std::shared_ptr<const MetadataBlob> current = current_.load();
  if (current && blob->serial() < current->serial()) {
    return Status::InvalidArgument("metadata BLOB: rollback (no " + std::to_string(blob->serial()) +
                                   " is lower than the loaded no " +
                                   std::to_string(current->serial()) + ")");
  }
  current_.store(std::move(blob));
  return Status::Ok();
}

}  // namespace keystorm
