// The versioned value encodings of the RocksDB store (docs/storage_format.md
// is the normative description; testdata/record_v1.txt pins the bytes).
//
// Every value starts with a version byte.  Decoders are strict: an unknown
// version, a short or overlong field, a length beyond its limit, a reserved
// flag bit or a trailing byte is Status::Corruption naming the key, never a
// guess.  Encoders do not check limits; Validate* does, before any write.
// All functions are pure and thread-safe.
#ifndef KEYSTORM_STORAGE_RECORD_CODEC_H_
#define KEYSTORM_STORAGE_RECORD_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "keystorm/credential_store.h"
#include "keystorm/export.h"
#include "keystorm/status.h"

namespace keystorm::storage {

inline constexpr uint8_t kCredentialValueVersion = 1;
inline constexpr uint8_t kUserValueVersion = 1;
inline constexpr uint8_t kNameIndexValueVersion = 1;
inline constexpr uint8_t kConsumedChallengeValueVersion = 1;

// Limits every store enforces on what it accepts (InvalidArgument beyond).
inline constexpr size_t kMaxCredentialIdBytes = 1023;  // WebAuthn §5.1.3 credential ID
inline constexpr size_t kMaxUserHandleBytes = 64;      // WebAuthn user.id
inline constexpr size_t kMaxPublicKeyBytes = 16384;    // a COSE RSA-16384 key fits
inline constexpr size_t kMaxTransports = 16;
inline constexpr size_t kMaxShortStringBytes = 64;  // one transport, attestation format
inline constexpr size_t kMaxUserNameBytes = 256;    // policy::kMaxNameBytes
inline constexpr size_t kMaxDisplayNameBytes = 1024;
inline constexpr size_t kMaxChallengeIdBytes = 64;

// InvalidArgument naming the first field out of bounds.
KEYSTORM_EXPORT Status ValidateCredentialRecord(const CredentialRecord& record);
KEYSTORM_EXPORT Status ValidateUserRecord(const UserRecord& user);
KEYSTORM_EXPORT Status ValidateCredentialId(ByteView id);
KEYSTORM_EXPORT Status ValidateUserHandle(ByteView user_handle);
KEYSTORM_EXPORT Status ValidateChallengeUse(const ChallengeUse& use);

// Credential record value; the ID is the key and is not repeated.
KEYSTORM_EXPORT void EncodeCredentialValue(const CredentialRecord& record, std::string* out);
// On success *out is the record with out->id = id.
KEYSTORM_EXPORT Status DecodeCredentialValue(ByteView id, std::string_view value, CredentialRecord* out);

// User record value; the handle is the key.
KEYSTORM_EXPORT void EncodeUserValue(const UserRecord& user, std::string* out);
KEYSTORM_EXPORT Status DecodeUserValue(ByteView user_handle, std::string_view value, UserRecord* out);

// Name index value: the owning user handle.
KEYSTORM_EXPORT void EncodeNameIndexValue(ByteView user_handle, std::string* out);
KEYSTORM_EXPORT Status DecodeNameIndexValue(std::string_view name, std::string_view value, Bytes* user_handle);

// Consumed challenge value: when it was consumed (unix ms), for forensics.
KEYSTORM_EXPORT void EncodeConsumedChallengeValue(int64_t consumed_at_ms, std::string* out);
KEYSTORM_EXPORT Status DecodeConsumedChallengeValue(std::string_view value, int64_t* consumed_at_ms);

// Lower-case hex of a key, for Status messages (at most 64 bytes shown).
KEYSTORM_EXPORT std::string HexForMessage(ByteView bytes);

}  // namespace keystorm::storage

#endif  // KEYSTORM_STORAGE_RECORD_CODEC_H_
