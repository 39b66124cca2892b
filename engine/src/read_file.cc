#include "keystorm/read_file.h"

#include <cstdio>
#include <utility>

namespace keystorm {

std::optional<std::string> ReadWholeFile(const std::filesystem::path& path) {
  // stdio, not an ifstream: ferror tells a failed read (a directory reads
  // as EISDIR) from the end of the file, which a stream's state does not.
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return std::nullopt;
  std::string text;
  char buffer[1 << 14];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) text.append(buffer, n);
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) return std::nullopt;
  return text;
}

Result<std::string> ReadConfiguredFile(const std::filesystem::path& path) {
  std::optional<std::string> text = ReadWholeFile(path);
  if (!text) return Status::InvalidArgument(path.string() + ": cannot be read");
  return std::move(*text);
}

}  // namespace keystorm
