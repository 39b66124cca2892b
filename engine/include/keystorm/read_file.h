// Reading a whole file into memory: configuration, policies, templates,
// secrets, metadata blobs, trust anchors.  One helper, so that every reader
// treats a missing file, a directory and a read error alike.
#ifndef KEYSTORM_READ_FILE_H_
#define KEYSTORM_READ_FILE_H_

#include <filesystem>
#include <optional>
#include <string>

#include "keystorm/export.h"
#include "keystorm/status.h"

namespace keystorm {

// The bytes of the file at `path`, or nullopt if it cannot be opened, is a
// directory, or a read fails part way.  The caller words the error: what
// the file was for says more than errno does.
KEYSTORM_EXPORT std::optional<std::string> ReadWholeFile(const std::filesystem::path& path);

// ReadWholeFile for a file the operator named in the configuration (a
// policy, a key file, the configuration itself): InvalidArgument
// "PATH: cannot be read" when it cannot be.
KEYSTORM_EXPORT Result<std::string> ReadConfiguredFile(const std::filesystem::path& path);

}  // namespace keystorm

#endif  // KEYSTORM_READ_FILE_H_
