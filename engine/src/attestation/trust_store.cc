#include "keystorm/trust_store.h"

#include <algorithm>

#include "keystorm/read_file.h"

namespace keystorm {
namespace {

// Appends every *.pem file directly inside `dir` to *pem; counts them.
Status ReadPemFiles(const std::filesystem::path& dir, std::string* pem, size_t* files) {
  std::error_code ec;
  std::vector<std::filesystem::path> paths;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".pem") paths.push_back(e.path());
  }
  if (ec) return Status::IOError("cannot list " + dir.string() + ": " + ec.message());
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) {
    std::optional<std::string> text = ReadWholeFile(path);
    if (!text) return Status::IOError("cannot read " + path.string());
    // Each file must hold at least one certificate on its own.
    Result<std::shared_ptr<const TrustAnchors>> check = TrustAnchors::FromPem(*text);
    if (!check) return Status::InvalidArgument(path.string() + ": " + std::string(check.error().message()));
    *pem += *text;
    *pem += "\n";
    ++*files;
  }
  return Status::Ok();
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool ParseAaguid(std::string_view text, std::array<uint8_t, 16>* out) {
  if (text.size() != 36) return false;
  size_t n = 0;
  for (size_t i = 0; i < text.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return false;
      ++i;
      continue;
    }
    int hi = HexDigit(text[i]), lo = HexDigit(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[n++] = static_cast<uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return n == 16;
}

Result<std::shared_ptr<const TrustStore>> TrustStore::LoadDirectory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return Status::NotFound("no trust anchor directory " + dir.string());
  }
  std::shared_ptr<TrustStore> store(new TrustStore());
  size_t files = 0;
  if (Status s = ReadPemFiles(dir, &store->global_pem_, &files); !s.ok()) return s;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (!e.is_directory()) continue;
    std::string name = e.path().filename().string();
    if (name == "aaguid") {
      for (const auto& m : std::filesystem::directory_iterator(e.path(), ec)) {
        std::array<uint8_t, 16> aaguid;
        if (!m.is_directory() || !ParseAaguid(m.path().filename().string(), &aaguid)) {
          return Status::InvalidArgument(m.path().string() + ": not an AAGUID folder");
        }
        if (Status s = ReadPemFiles(m.path(), &store->pem_by_aaguid_[aaguid], &files); !s.ok()) {
          return s;
        }
      }
    } else {
      if (Status s = ReadPemFiles(e.path(), &store->pem_by_format_[name], &files); !s.ok()) {
        return s;
      }
    }
  }
  if (ec) return Status::IOError("cannot list " + dir.string() + ": " + ec.message());
  store->certificate_count_ = files;
  // Every file was checked above, so these parses succeed.
  auto parse = [](const std::string& pem) -> std::shared_ptr<const TrustAnchors> {
    if (pem.empty()) return nullptr;
    Result<std::shared_ptr<const TrustAnchors>> anchors = TrustAnchors::FromPem(pem);
    return anchors ? *anchors : nullptr;
  };
  store->global_ = parse(store->global_pem_);
  for (const auto& [fmt, pem] : store->pem_by_format_) {
    store->by_format_[fmt] = parse(store->global_pem_ + pem);
  }
  for (const auto& [aaguid, pem] : store->pem_by_aaguid_) {
    store->by_aaguid_[aaguid] = parse(store->global_pem_ + pem);
  }
  return std::shared_ptr<const TrustStore>(std::move(store));
}

std::shared_ptr<const TrustAnchors> TrustStore::AnchorsFor(
    std::string_view fmt, const std::array<uint8_t, 16>& aaguid) const {
  auto by_format = by_format_.find(fmt);
  auto by_aaguid = by_aaguid_.find(aaguid);
  if (by_format == by_format_.end()) {
    return by_aaguid == by_aaguid_.end() ? global_ : by_aaguid->second;
  }
  if (by_aaguid == by_aaguid_.end()) return by_format->second;
  // Both a format and a model folder apply: their union (rare).
  Result<std::shared_ptr<const TrustAnchors>> anchors = TrustAnchors::FromPem(
      global_pem_ + pem_by_format_.find(fmt)->second + pem_by_aaguid_.find(aaguid)->second);
  return anchors ? *anchors : nullptr;
}

Status ReloadableTrustStore::Reload() {
  Result<std::shared_ptr<const TrustStore>> fresh = TrustStore::LoadDirectory(dir_);
  if (!fresh) return fresh.error();
  std::lock_guard<std::mutex> lock(mu_);
  current_ = std::move(*fresh);
  return Status::Ok();
}

std::shared_ptr<const TrustStore> ReloadableTrustStore::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

}  // namespace keystorm
