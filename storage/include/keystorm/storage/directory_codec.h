// The directory user: its limits, its canonical form and its versioned
// RocksDB value encoding (docs/storage_format.md, "directory").
//
// Every UserDirectory Keystorm ships stores users in canonical form (groups
// sorted, without duplicates) and refuses a user beyond the limits below
// with InvalidArgument naming the field, before anything is written.  The
// limits are the policy engine's input limits, so that whatever the
// directory holds can be handed to policy::CompiledPolicy::Prepare.
//
// All functions are pure and thread-safe.
#ifndef KEYSTORM_STORAGE_DIRECTORY_CODEC_H_
#define KEYSTORM_STORAGE_DIRECTORY_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "keystorm/export.h"
#include "keystorm/status.h"
#include "keystorm/user_directory.h"

namespace keystorm::storage {

inline constexpr uint8_t kDirectoryUserValueVersion = 1;

inline constexpr size_t kMaxDirectoryNameBytes = 256;          // login name, group, attribute
inline constexpr size_t kMaxDirectoryDisplayNameBytes = 1024;  // as UserRecord
inline constexpr size_t kMaxDirectoryEmailBytes = 320;         // policy::kMaxEmailBytes
inline constexpr size_t kMaxDirectoryGroups = 4096;            // policy::kMaxInputGroups
inline constexpr size_t kMaxDirectoryAttributes = 256;         // policy::kMaxInputAttributes

// Sorts the groups and drops duplicates.
KEYSTORM_EXPORT void CanonicalizeDirectoryUser(DirectoryUser* user);

// InvalidArgument naming the first field out of bounds: an empty or
// overlong name, group or attribute name; an overlong attribute value,
// display name or e-mail address; too many groups or attributes.
KEYSTORM_EXPORT Status ValidateDirectoryUser(const DirectoryUser& user);

// What ApplyBatch checks before it writes anything, shared by every Keystorm
// directory: each upsert valid (its position named on failure), each removal
// a valid name, and no name twice in the batch (upserts and removals
// together: the outcome would depend on the order).  On success *canonical
// holds the upserts in canonical form, in the given order.
KEYSTORM_EXPORT Status PrepareDirectoryBatch(std::span<const DirectoryUser> upserts,
                             std::span<const std::string> removals,
                             std::vector<DirectoryUser>* canonical);

// The value stored under the user's name (the name is the key and is not
// repeated).  REQUIRES: the user is canonical.
KEYSTORM_EXPORT void EncodeDirectoryUserValue(const DirectoryUser& user, std::string* out);

// Strict: an unknown version, a field beyond its limit, unsorted or repeated
// groups, or a trailing byte is Corruption naming the user.
KEYSTORM_EXPORT Status DecodeDirectoryUserValue(std::string_view name, std::string_view value,
                                DirectoryUser* out);

}  // namespace keystorm::storage

#endif  // KEYSTORM_STORAGE_DIRECTORY_CODEC_H_
