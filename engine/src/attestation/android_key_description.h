// Private: the Android key attestation extension (OID 1.3.6.1.4.1.11129.2.1.17),
// the KeyDescription of Android's key attestation schema (all versions share
// these eight fields):
//
//   KeyDescription ::= SEQUENCE {
//     attestationVersion INTEGER, attestationSecurityLevel SecurityLevel,
//     keyMintVersion INTEGER, keyMintSecurityLevel SecurityLevel,
//     attestationChallenge OCTET STRING, uniqueId OCTET STRING,
//     softwareEnforced AuthorizationList, hardwareEnforced AuthorizationList }
//   AuthorizationList ::= SEQUENCE { purpose [1] EXPLICIT SET OF INTEGER OPTIONAL, ...,
//     allApplications [600] EXPLICIT NULL OPTIONAL, ...,
//     origin [702] EXPLICIT INTEGER OPTIONAL, ... }
//
// Only the members WebAuthn §8.4 reads are kept; the others are skipped after
// their DER framing is checked.  Views point into the parsed input.
#ifndef KEYSTORM_ENGINE_SRC_ATTESTATION_ANDROID_KEY_DESCRIPTION_H_
#define KEYSTORM_ENGINE_SRC_ATTESTATION_ANDROID_KEY_DESCRIPTION_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "keystorm/bytes.h"

namespace keystorm::attestation::android {

inline constexpr uint64_t kOriginGenerated = 0;  // KM_ORIGIN_GENERATED
inline constexpr uint64_t kPurposeSign = 2;      // KM_PURPOSE_SIGN

// Context tag numbers of the AuthorizationList members read here.
inline constexpr unsigned kTagPurpose = 1;
inline constexpr unsigned kTagAllApplications = 600;
inline constexpr unsigned kTagOrigin = 702;

struct AuthorizationList {
  std::vector<uint64_t> purpose;  // empty when the member is absent
  bool has_purpose = false;
  bool all_applications = false;
  std::optional<uint64_t> origin;
};

struct KeyDescription {
  uint64_t attestation_version = 0;
  uint64_t attestation_security_level = 0;  // 0 Software, 1 TrustedEnvironment, 2 StrongBox
  uint64_t keymint_version = 0;
  uint64_t keymint_security_level = 0;
  ByteView attestation_challenge;
  ByteView unique_id;
  AuthorizationList software_enforced;
  AuthorizationList tee_enforced;  // hardwareEnforced in KeyMint's schema
};

// Parses a DER KeyDescription filling all of `der`.  False if the framing is
// not DER, a member has the wrong type, an integer is negative or wider than
// 64 bits, or purpose/allApplications/origin appears twice in one list.
bool ParseKeyDescription(ByteView der, KeyDescription* out);

}  // namespace keystorm::attestation::android

#endif  // KEYSTORM_ENGINE_SRC_ATTESTATION_ANDROID_KEY_DESCRIPTION_H_
