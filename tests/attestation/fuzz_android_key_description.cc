// Fuzzes the Android KeyDescription parser
// (engine/src/attestation/android_key_description.h).
//
// Invariants:
//   - the challenge and uniqueId views lie inside the input;
//   - a list's purposes are only reported when the purpose member was there,
//     and there are never more of them than a third of the input's bytes
//     (each INTEGER takes at least three);
//   - parsing is deterministic: a second parse gives the same fields;
//   - any proper prefix of an accepted input is refused (DER lengths frame
//     the whole structure).
#include <cstdint>

#include "attestation/android_key_description.h"
#include "fuzz_support.h"

namespace keystorm {
namespace {

namespace android = attestation::android;

bool SameList(const android::AuthorizationList& a, const android::AuthorizationList& b) {
  return a.purpose == b.purpose && a.has_purpose == b.has_purpose &&
         a.all_applications == b.all_applications && a.origin == b.origin;
}

void CheckList(const android::AuthorizationList& list, ByteView input) {
  if (!list.has_purpose) FUZZ_CHECK(list.purpose.empty());
  FUZZ_CHECK(list.purpose.size() <= input.size() / 3);
}

}  // namespace
}  // namespace keystorm

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace keystorm;
  ByteView input(data, size);
  android::KeyDescription kd;
  if (!android::ParseKeyDescription(input, &kd)) return 0;
  FUZZ_CHECK(fuzz::Inside(kd.attestation_challenge, input));
  FUZZ_CHECK(fuzz::Inside(kd.unique_id, input));
  CheckList(kd.software_enforced, input);
  CheckList(kd.tee_enforced, input);
  android::KeyDescription again;
  FUZZ_CHECK(android::ParseKeyDescription(input, &again));
  FUZZ_CHECK(again.attestation_version == kd.attestation_version &&
             again.attestation_security_level == kd.attestation_security_level &&
             again.keymint_version == kd.keymint_version &&
             again.keymint_security_level == kd.keymint_security_level &&
             Equal(again.attestation_challenge, kd.attestation_challenge) &&
             Equal(again.unique_id, kd.unique_id) &&
             SameList(again.software_enforced, kd.software_enforced) &&
             SameList(again.tee_enforced, kd.tee_enforced));
  for (size_t n : {size_t{0}, size / 2, size - 1}) {
    if (n < size) FUZZ_CHECK(!android::ParseKeyDescription(input.first(n), &again));
  }
  return 0;
}
