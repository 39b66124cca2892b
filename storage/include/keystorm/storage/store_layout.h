// The RocksDB store's layout: column family names and key encodings, as
// docs/storage_format.md describes them.  Public so that tools and tests that
// open a store's files directly (export checks, corruption tests) use the
// same names and keys as the store; the store itself is the only writer.
//
// Every key function is pure and allocates only its result.
#ifndef KEYSTORM_STORAGE_STORE_LAYOUT_H_
#define KEYSTORM_STORAGE_STORE_LAYOUT_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "keystorm/bytes.h"
#include "keystorm/export.h"

namespace keystorm::storage::layout {

// Column families.  RocksDB's own "default" family exists too, and stays empty.
inline constexpr char kCredentialsCf[] = "credentials";           // id -> record
inline constexpr char kUserCredentialsCf[] = "user_credentials";  // handle, id -> ""
inline constexpr char kUsersCf[] = "users";                       // 'h' handle / 'n' name
inline constexpr char kChallengesCf[] = "consumed_challenges";    // expiry, id -> use
inline constexpr char kMetaCf[] = "meta";                         // store-wide values
// The user directory (user_directory.h): login name -> directory user.  Its
// own family, so the account checks (CheckIntegrity, Export) never see it.
inline constexpr char kDirectoryCf[] = "directory";
inline constexpr std::array<const char*, 6> kColumnFamilies = {
    kCredentialsCf, kUserCredentialsCf, kUsersCf, kChallengesCf, kMetaCf, kDirectoryCf};

// The layout version this code writes and reads (meta "format_version").
inline constexpr uint32_t kFormatVersion = 1;

// meta keys.
inline constexpr char kFormatVersionKey[] = "format_version";        // fixed32 LE
inline constexpr char kChallengeHorizonKey[] = "challenge_horizon";  // fixed64 BE, unix ms

// credentials: the key is the credential ID itself.
inline std::string CredentialKey(ByteView id) { return std::string(AsChars(id)); }

// user_credentials: u8 len(handle) ‖ handle ‖ credential id.  The length
// byte makes a user's entries one contiguous prefix that no other handle
// shares.  REQUIRES: handle.size() <= 255.
KEYSTORM_EXPORT std::string UserCredentialKey(ByteView user_handle, ByteView credential_id);
KEYSTORM_EXPORT std::string UserCredentialPrefix(ByteView user_handle);
// Splits a user_credentials key; false if it is malformed.
KEYSTORM_EXPORT bool SplitUserCredentialKey(std::string_view key, ByteView* user_handle, ByteView* credential_id);

// users: 'h' ‖ handle -> user record; 'n' ‖ name -> handle.
inline constexpr char kUserTag = 'h';
inline constexpr char kNameTag = 'n';
KEYSTORM_EXPORT std::string UserKey(ByteView user_handle);
KEYSTORM_EXPORT std::string NameKey(std::string_view name);

// consumed_challenges: u64 BE expiry (unix ms) ‖ id.  Expiry first, so that
// everything expired before T is the one key range [0, T), which a sweep
// drops with a single range deletion.  REQUIRES: expires_at_ms >= 0.
KEYSTORM_EXPORT std::string ChallengeKey(int64_t expires_at_ms, ByteView id);
KEYSTORM_EXPORT std::string ChallengeKeyBound(int64_t expires_at_ms);  // the first key of expiry T
KEYSTORM_EXPORT bool SplitChallengeKey(std::string_view key, int64_t* expires_at_ms, ByteView* id);

}  // namespace keystorm::storage::layout

#endif  // KEYSTORM_STORAGE_STORE_LAYOUT_H_
