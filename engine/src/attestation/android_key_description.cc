#include "attestation/android_key_description.h"

#include <openssl/bytestring.h>

namespace keystorm::attestation::android {
namespace {

constexpr unsigned kExplicit = CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED;

// A non-negative DER INTEGER or ENUMERATED (tag `tag`) that fits 64 bits.
bool GetUnsigned(CBS* cbs, unsigned tag, uint64_t* out) {
  CBS contents;
  int negative = 0;
  if (!CBS_get_asn1(cbs, &contents, tag) || !CBS_is_valid_asn1_integer(&contents, &negative) ||
      negative) {
    return false;
  }
  // Minimal encoding: a leading zero only before a byte with the top bit set.
  if (CBS_len(&contents) > 1 && CBS_data(&contents)[0] == 0) CBS_skip(&contents, 1);
  if (CBS_len(&contents) > 8) return false;
  uint64_t value = 0;
  for (size_t i = 0; i < CBS_len(&contents); ++i) value = (value << 8) | CBS_data(&contents)[i];
  *out = value;
  return true;
}

// One explicitly tagged member whose contents must be exactly one element.
bool Unwrap(CBS* member, CBS* inner, unsigned tag) {
  return CBS_get_asn1(member, inner, tag) && CBS_len(member) == 0;
}

bool ParseAuthorizationList(CBS* cbs, AuthorizationList* out) {
  CBS list;
  if (!CBS_get_asn1(cbs, &list, CBS_ASN1_SEQUENCE)) return false;
  AuthorizationList a;
  while (CBS_len(&list) > 0) {
    CBS member;
    unsigned tag = 0;
    if (!CBS_get_any_asn1(&list, &member, &tag)) return false;
    // Every AuthorizationList member is an explicitly tagged [n].
    if ((tag & ~CBS_ASN1_TAG_NUMBER_MASK) != kExplicit) return false;
    switch (tag & CBS_ASN1_TAG_NUMBER_MASK) {
      case kTagPurpose: {
        CBS set;
        if (a.has_purpose || !Unwrap(&member, &set, CBS_ASN1_SET)) return false;
        a.has_purpose = true;
        while (CBS_len(&set) > 0) {
          uint64_t purpose = 0;
          if (!GetUnsigned(&set, CBS_ASN1_INTEGER, &purpose)) return false;
          a.purpose.push_back(purpose);
        }
        break;
      }
      case kTagAllApplications: {
        CBS null;
        if (a.all_applications || !Unwrap(&member, &null, CBS_ASN1_NULL) || CBS_len(&null) != 0) {
          return false;
        }
        a.all_applications = true;
        break;
      }
      case kTagOrigin: {
        uint64_t origin = 0;
        if (a.origin || !GetUnsigned(&member, CBS_ASN1_INTEGER, &origin) || CBS_len(&member) != 0) {
          return false;
        }
        a.origin = origin;
        break;
      }
      default:
        break;  // a member §8.4 does not read
    }
  }
  *out = std::move(a);
  return true;
}

}  // namespace

bool ParseKeyDescription(ByteView der, KeyDescription* out) {
  CBS input, seq, challenge, unique_id;
  CBS_init(&input, der.data(), der.size());
  KeyDescription k;
  if (!CBS_get_asn1(&input, &seq, CBS_ASN1_SEQUENCE) || CBS_len(&input) != 0 ||
      !GetUnsigned(&seq, CBS_ASN1_INTEGER, &k.attestation_version) ||
      !GetUnsigned(&seq, CBS_ASN1_ENUMERATED, &k.attestation_security_level) ||
      !GetUnsigned(&seq, CBS_ASN1_INTEGER, &k.keymint_version) ||
      !GetUnsigned(&seq, CBS_ASN1_ENUMERATED, &k.keymint_security_level) ||
      !CBS_get_asn1(&seq, &challenge, CBS_ASN1_OCTETSTRING) ||
      !CBS_get_asn1(&seq, &unique_id, CBS_ASN1_OCTETSTRING) ||
      !ParseAuthorizationList(&seq, &k.software_enforced) ||
      !ParseAuthorizationList(&seq, &k.tee_enforced) || CBS_len(&seq) != 0) {
    return false;
  }
  k.attestation_challenge = ByteView(CBS_data(&challenge), CBS_len(&challenge));
  k.unique_id = ByteView(CBS_data(&unique_id), CBS_len(&unique_id));
  *out = std::move(k);
  return true;
}

}  // namespace keystorm::attestation::android
