#include "keystorm/storage/store_layout.h"

#include "coding.h"

namespace keystorm::storage::layout {

std::string UserCredentialPrefix(ByteView user_handle) {
  std::string key;
  key.reserve(1 + user_handle.size());
  coding::PutU8(&key, static_cast<uint8_t>(user_handle.size()));
  key.append(AsChars(user_handle));
  return key;
}

std::string UserCredentialKey(ByteView user_handle, ByteView credential_id) {
  std::string key = UserCredentialPrefix(user_handle);
  key.append(AsChars(credential_id));
  return key;
}

bool SplitUserCredentialKey(std::string_view key, ByteView* user_handle, ByteView* credential_id) {
  if (key.empty()) return false;
  size_t handle_len = static_cast<uint8_t>(key[0]);
  if (key.size() < 1 + handle_len + 1) return false;  // ids are never empty
  *user_handle = AsBytes(key.substr(1, handle_len));
  *credential_id = AsBytes(key.substr(1 + handle_len));
  return true;
}

std::string UserKey(ByteView user_handle) {
  std::string key(1, kUserTag);
  key.append(AsChars(user_handle));
  return key;
}

std::string NameKey(std::string_view name) {
  std::string key(1, kNameTag);
  key.append(name);
  return key;
}

std::string ChallengeKeyBound(int64_t expires_at_ms) {
  std::string key;
  coding::PutFixed64Be(&key, static_cast<uint64_t>(expires_at_ms));
  return key;
}

std::string ChallengeKey(int64_t expires_at_ms, ByteView id) {
  std::string key = ChallengeKeyBound(expires_at_ms);
  key.append(AsChars(id));
  return key;
}

bool SplitChallengeKey(std::string_view key, int64_t* expires_at_ms, ByteView* id) {
  if (key.size() < 9) return false;
  uint64_t expiry = coding::DecodeFixed64Be(key.data());
  if (expiry > static_cast<uint64_t>(INT64_MAX)) return false;
  *expires_at_ms = static_cast<int64_t>(expiry);
  *id = AsBytes(key.substr(8));
  return true;
}

}  // namespace keystorm::storage::layout
