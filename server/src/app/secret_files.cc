#include "keystorm/server/secret_files.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>

#include "keystorm/base64url.h"
#include "keystorm/read_file.h"

namespace keystorm::server {
namespace {

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

// Creates `path` with mode 0600 and writes `text`; refuses to overwrite (two
// instances starting at once: the loser reads the winner's file).
Status WriteNewSecretFile(const std::string& path, std::string_view text) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::Ok();
    return Status::IOError(path + ": " + std::strerror(errno));
  }
  size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n <= 0) {
      ::close(fd);
      return Status::IOError(path + ": write failed");
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) return Status::IOError(path + ": sync failed");
  return Status::Ok();
}

}  // namespace

Result<std::vector<storage::ChallengeKey>> ParseChallengeKeys(std::string_view text,
                                                              int64_t retired_at_ms) {
  std::vector<storage::ChallengeKey> keys;
  int line_number = 0;
  while (!text.empty()) {
    size_t newline = text.find('\n');
    std::string_view line = Trim(text.substr(0, newline));
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    auto bad = [line_number](std::string_view why) {
      return Status::InvalidArgument("line " + std::to_string(line_number) + ": " +
                                     std::string(why));
    };
    size_t space = line.find(' ');
    if (space == std::string_view::npos) return bad("expected \"<key id> <64 hex digits>\"");
    storage::ChallengeKey key;
    std::string_view id_text = line.substr(0, space);
    auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), key.id);
    if (ec != std::errc() || end != id_text.data() + id_text.size()) return bad("bad key id");
    std::string_view hex = Trim(line.substr(space + 1));
    if (hex.size() != 64) return bad("the secret must be 64 hex digits");
    for (size_t i = 0; i < 32; ++i) {
      int high = Hex(hex[2 * i]);
      int low = Hex(hex[2 * i + 1]);
      if (high < 0 || low < 0) return bad("the secret must be 64 hex digits");
      key.secret[i] = static_cast<uint8_t>(high * 16 + low);
    }
    if (!keys.empty()) key.retired_at_ms = retired_at_ms;
    keys.push_back(key);
  }
  if (keys.empty()) return Status::InvalidArgument("no challenge key");
  return keys;
}

Result<std::vector<storage::ChallengeKey>> LoadOrCreateChallengeKeys(const std::string& path,
                                                                     int64_t now_ms) {
  if (!std::filesystem::exists(path)) {
    uint8_t secret[32];
    uint32_t id = 0;
    if (RAND_bytes(secret, sizeof(secret)) != 1 ||
        RAND_bytes(reinterpret_cast<uint8_t*>(&id), sizeof(id)) != 1) {
      return Status::Internal("CSPRNG failed");
    }
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string line = "# keystorm challenge keys: \"<key id> <secret hex>\"; first line issues\n";
    line += std::to_string(id) + " ";
    for (uint8_t byte : secret) {
      line.push_back(kDigits[byte >> 4]);
      line.push_back(kDigits[byte & 15]);
    }
    line += "\n";
    std::memset(secret, 0, sizeof(secret));
    Status written = WriteNewSecretFile(path, line);
    if (!written.ok()) return written;
  }
  auto text = ReadConfiguredFile(path);
  if (!text) return text.error();
  auto keys = ParseChallengeKeys(*text, now_ms);
  if (!keys) return Status::InvalidArgument(path + ": " + std::string(keys.error().message()));
  return keys;
}

Result<std::string> ReadSecretFile(const std::string& path) {
  auto text = ReadConfiguredFile(path);
  if (!text) return text.error();
  std::string_view first = *text;
  first = Trim(first.substr(0, first.find('\n')));
  if (first.empty()) return Status::InvalidArgument(path + ": empty");
  return std::string(first);
}

Result<std::string> LoadOrCreateToken(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    uint8_t random[32];
    if (RAND_bytes(random, sizeof(random)) != 1) return Status::Internal("CSPRNG failed");
    std::string token = Base64UrlEncode(ByteView(random, sizeof(random)));
    Status written = WriteNewSecretFile(path, token + "\n");
    if (!written.ok()) return written;
  }
  return ReadSecretFile(path);
}

}  // namespace keystorm::server
