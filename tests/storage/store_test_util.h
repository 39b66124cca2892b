// Shared helpers of the storage tests: scratch directories and records.
#ifndef KEYSTORM_TESTS_STORAGE_STORE_TEST_UTIL_H_
#define KEYSTORM_TESTS_STORAGE_STORE_TEST_UTIL_H_

#include <string>
#include <string_view>

#include "keystorm/credential_store.h"
#include "keystorm/test/scratch_dir.h"

namespace keystorm::storage::testing {

using ::keystorm::test::ScratchDir;

inline Bytes B(std::string_view s) { return Bytes(s.begin(), s.end()); }

// A complete record: every field set, so a lost field shows.
inline CredentialRecord MakeCredential(std::string_view id, std::string_view user,
                                       uint32_t sign_count = 0) {
  CredentialRecord r;
  r.id = B(id);
  r.user_handle = B(user);
  r.public_key_cose = B(std::string("cose-key-of-") + std::string(id));
  r.algorithm = -7;
  r.sign_count = sign_count;
  r.backup_eligible = true;
  r.backup_state = false;
  r.uv_initialized = true;
  for (size_t i = 0; i < r.aaguid.size(); ++i) r.aaguid[i] = static_cast<uint8_t>(0xa0 + i);
  r.transports = {"internal", "hybrid"};
  r.attestation_format = "packed";
  r.created_at = 1'760'000'000;
  r.last_used_at = 0;
  return r;
}

inline UserRecord MakeUser(std::string_view handle, std::string_view name) {
  UserRecord u;
  u.user_handle = B(handle);
  u.name = std::string(name);
  u.display_name = "Display " + std::string(name);
  u.created_at = 1'760'000'000;
  return u;
}

inline bool SameRecord(const CredentialRecord& a, const CredentialRecord& b) {
  return a.id == b.id && a.user_handle == b.user_handle && a.public_key_cose == b.public_key_cose &&
         a.algorithm == b.algorithm && a.sign_count == b.sign_count &&
         a.backup_eligible == b.backup_eligible && a.backup_state == b.backup_state &&
         a.uv_initialized == b.uv_initialized && a.aaguid == b.aaguid &&
         a.transports == b.transports && a.attestation_format == b.attestation_format &&
         a.created_at == b.created_at && a.last_used_at == b.last_used_at;
}

inline bool SameUser(const UserRecord& a, const UserRecord& b) {
  return a.user_handle == b.user_handle && a.name == b.name && a.display_name == b.display_name &&
         a.created_at == b.created_at && a.must_reregister == b.must_reregister &&
         a.bypass_until == b.bypass_until;
}

}  // namespace keystorm::storage::testing

#endif  // KEYSTORM_TESTS_STORAGE_STORE_TEST_UTIL_H_
