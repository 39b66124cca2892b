// Secrets `keystorm serve` keeps in files: the challenge keys and the admin
// bearer token.  Each is created on first start (from the CSPRNG, mode 0600)
// when its file is absent, and read as it is afterwards, so a load
// generator or a second instance can share them by pointing at the same file.
//
// Challenge key file: one key per line, "<key id> <64 hex digits>"; the
// first line issues, every other line is a retired key still accepted
// (rotation: put the new key first, keep the old one below for one TTL).
// '#' starts a comment line.
#ifndef KEYSTORM_SERVER_SECRET_FILES_H_
#define KEYSTORM_SERVER_SECRET_FILES_H_

#include <string>
#include <string_view>
#include <vector>

#include "keystorm/status.h"
#include "keystorm/storage/challenge_sealer.h"

namespace keystorm::server {

// Parses the challenge key file format above.  InvalidArgument names the line.
Result<std::vector<storage::ChallengeKey>> ParseChallengeKeys(std::string_view text,
                                                              int64_t retired_at_ms);

// Reads `path`, or writes a fresh single-key file there first.
Result<std::vector<storage::ChallengeKey>> LoadOrCreateChallengeKeys(const std::string& path,
                                                                     int64_t now_ms);

// The first line of `path` without surrounding white space (a token or a
// shared secret); InvalidArgument when missing or empty.
Result<std::string> ReadSecretFile(const std::string& path);

// ReadSecretFile, or writes a fresh random token (base64url, 32 bytes) first.
Result<std::string> LoadOrCreateToken(const std::string& path);

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_SECRET_FILES_H_
