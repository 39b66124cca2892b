// Authenticator data (WebAuthn L3 §6.1), parsed by a bounds-checked cursor.
#ifndef KEYSTORM_AUTHENTICATOR_DATA_H_
#define KEYSTORM_AUTHENTICATOR_DATA_H_

#include <array>
#include <cstdint>
#include <optional>

#include "keystorm/bytes.h"
#include "keystorm/export.h"
#include "keystorm/verify_error.h"

namespace keystorm {

// Flag bits of authenticatorData byte 32.
enum AuthenticatorFlag : uint8_t {
  kFlagUserPresent = 0x01,       // UP
  kFlagUserVerified = 0x04,      // UV
  kFlagBackupEligible = 0x08,    // BE
  kFlagBackupState = 0x10,       // BS
  kFlagAttestedData = 0x40,      // AT
  kFlagExtensionData = 0x80,     // ED
};

inline constexpr size_t kMaxCredentialIdLength = 1023;  // §7.1 step 25 (R25)

struct KEYSTORM_EXPORT AttestedCredentialData {
  std::array<uint8_t, 16> aaguid{};
  ByteView credential_id;
  ByteView credential_public_key;  // one canonical CBOR COSE_Key
};

// Views into the buffer given to ParseAuthenticatorData.
struct KEYSTORM_EXPORT AuthenticatorData {
  ByteView raw;
  ByteView rp_id_hash;  // 32 bytes
  uint8_t flags = 0;
  uint32_t sign_count = 0;
  std::optional<AttestedCredentialData> attested;
  ByteView extensions;  // canonical CBOR map; empty when ED is clear

  bool user_present() const { return flags & kFlagUserPresent; }
  bool user_verified() const { return flags & kFlagUserVerified; }
  bool backup_eligible() const { return flags & kFlagBackupEligible; }
  bool backup_state() const { return flags & kFlagBackupState; }
};

// Parses rpIdHash, flags, signCount, attested credential data (iff AT) and
// extensions (iff ED), and requires that nothing is left.  The COSE key and
// the extensions must be canonical CBOR.  Returns kOk, kMalformedCbor (CBOR
// rules) or kMalformedAuthenticatorData (length, flag/content mismatch).
// A credential ID longer than 1023 bytes still parses; R25 rejects it.
KEYSTORM_EXPORT VerifyError ParseAuthenticatorData(ByteView raw, AuthenticatorData* out);

}  // namespace keystorm

#endif  // KEYSTORM_AUTHENTICATOR_DATA_H_
