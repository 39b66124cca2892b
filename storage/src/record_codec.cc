#include "keystorm/storage/record_codec.h"

#include <simdjson.h>

#include <algorithm>

#include "coding.h"

namespace keystorm::storage {
namespace {

constexpr uint8_t kFlagBackupEligible = 1 << 0;
constexpr uint8_t kFlagBackupState = 1 << 1;
constexpr uint8_t kFlagUvInitialized = 1 << 2;
constexpr uint8_t kCredentialFlagMask = kFlagBackupEligible | kFlagBackupState | kFlagUvInitialized;

constexpr uint8_t kUserFlagMustReregister = 1 << 0;
constexpr uint8_t kUserFlagBypass = 1 << 1;
constexpr uint8_t kUserFlagMask = kUserFlagMustReregister | kUserFlagBypass;

Status TooLong(std::string_view field, size_t limit) {
  return Status::InvalidArgument(std::string(field) + " is empty or longer than " +
                                 std::to_string(limit) + " bytes");
}

// Text fields are UTF-8 (WebAuthn DOMStrings), so a JSON export of them
// round-trips.
Status CheckText(std::string_view field, std::string_view text) {
  if (!simdjson::validate_utf8(text)) {
    return Status::InvalidArgument(std::string(field) + " is not valid UTF-8");
  }
  return Status::Ok();
}

Status Bad(std::string_view what, ByteView key, std::string_view why) {
  return Status::Corruption(std::string(what) + " " + HexForMessage(key) + ": " + std::string(why));
}

// The version byte: Corruption names it when this build cannot read it.
Status ReadVersion(coding::Reader* r, uint8_t want, std::string_view what, ByteView key) {
  uint8_t version = 0;
  if (!r->U8(&version)) return Bad(what, key, "empty value");
  if (version != want) {
    return Bad(what, key,
               "value version " + std::to_string(version) + " is not supported (this build reads " +
                   std::to_string(want) + ")");
  }
  return Status::Ok();
}

}  // namespace

std::string HexForMessage(ByteView bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  size_t n = std::min<size_t>(bytes.size(), 64);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 15]);
  }
  if (n < bytes.size()) out += "...";
  return out;
}

Status ValidateCredentialId(ByteView id) {
  if (id.empty() || id.size() > kMaxCredentialIdBytes) {
    return TooLong("credential id", kMaxCredentialIdBytes);
  }
  return Status::Ok();
}

Status ValidateUserHandle(ByteView user_handle) {
  if (user_handle.empty() || user_handle.size() > kMaxUserHandleBytes) {
    return TooLong("user handle", kMaxUserHandleBytes);
  }
  return Status::Ok();
}

Status ValidateCredentialRecord(const CredentialRecord& r) {
  if (Status s = ValidateCredentialId(r.id); !s.ok()) return s;
  if (Status s = ValidateUserHandle(r.user_handle); !s.ok()) return s;
  if (r.public_key_cose.empty() || r.public_key_cose.size() > kMaxPublicKeyBytes) {
    return TooLong("public key", kMaxPublicKeyBytes);
  }
  if (r.transports.size() > kMaxTransports) {
    return Status::InvalidArgument("more than " + std::to_string(kMaxTransports) + " transports");
  }
  for (const std::string& t : r.transports) {
    if (t.empty() || t.size() > kMaxShortStringBytes)
      return TooLong("transport", kMaxShortStringBytes);
    if (Status s = CheckText("transport", t); !s.ok()) return s;
  }
  if (r.attestation_format.size() > kMaxShortStringBytes) {
    return TooLong("attestation format", kMaxShortStringBytes);
  }
  return CheckText("attestation format", r.attestation_format);
}

Status ValidateUserRecord(const UserRecord& u) {
  if (Status s = ValidateUserHandle(u.user_handle); !s.ok()) return s;
  if (u.name.empty() || u.name.size() > kMaxUserNameBytes)
    return TooLong("user name", kMaxUserNameBytes);
  if (u.display_name.size() > kMaxDisplayNameBytes) {
    return TooLong("display name", kMaxDisplayNameBytes);
  }
  if (Status s = CheckText("user name", u.name); !s.ok()) return s;
  return CheckText("display name", u.display_name);
}

Status ValidateChallengeUse(const ChallengeUse& use) {
  if (use.id.empty() || use.id.size() > kMaxChallengeIdBytes) {
    return TooLong("challenge id", kMaxChallengeIdBytes);
  }
  if (use.expires_at_ms < 0) return Status::InvalidArgument("challenge expiry before 1970");
  return Status::Ok();
}

void EncodeCredentialValue(const CredentialRecord& r, std::string* out) {
  using namespace coding;
  PutU8(out, kCredentialValueVersion);
  PutLengthPrefixed(out, AsChars(r.user_handle));
  PutLengthPrefixed(out, AsChars(r.public_key_cose));
  PutSigned(out, r.algorithm);
  PutFixed32Le(out, r.sign_count);
  uint8_t flags = (r.backup_eligible ? kFlagBackupEligible : 0) |
                  (r.backup_state ? kFlagBackupState : 0) |
                  (r.uv_initialized ? kFlagUvInitialized : 0);
  PutU8(out, flags);
  out->append(reinterpret_cast<const char*>(r.aaguid.data()), r.aaguid.size());
  PutVarint64(out, r.transports.size());
  for (const std::string& t : r.transports) PutLengthPrefixed(out, t);
  PutLengthPrefixed(out, r.attestation_format);
  PutSigned(out, r.created_at);
  PutSigned(out, r.last_used_at);
}

Status DecodeCredentialValue(ByteView id, std::string_view value, CredentialRecord* out) {
  static constexpr std::string_view kWhat = "credential";
  coding::Reader r(value);
  if (Status s = ReadVersion(&r, kCredentialValueVersion, kWhat, id); !s.ok()) return s;
  CredentialRecord rec;
  rec.id.assign(id.begin(), id.end());
  std::string_view handle, key, aaguid, fmt;
  uint8_t flags = 0;
  uint64_t n_transports = 0;
  if (!r.LengthPrefixed(kMaxUserHandleBytes, &handle) || handle.empty() ||
      !r.LengthPrefixed(kMaxPublicKeyBytes, &key) || key.empty() || !r.Signed(&rec.algorithm) ||
      !r.Fixed32Le(&rec.sign_count) || !r.U8(&flags) || !r.Raw(rec.aaguid.size(), &aaguid) ||
      !r.Varint64(&n_transports)) {
    return Bad(kWhat, id, "truncated or malformed field");
  }
  if ((flags & ~kCredentialFlagMask) != 0) return Bad(kWhat, id, "reserved flag bit set");
  if (n_transports > kMaxTransports) return Bad(kWhat, id, "too many transports");
  for (uint64_t i = 0; i < n_transports; ++i) {
    std::string_view t;
    if (!r.LengthPrefixed(kMaxShortStringBytes, &t)) return Bad(kWhat, id, "malformed transport");
    rec.transports.emplace_back(t);
  }
  if (!r.LengthPrefixed(kMaxShortStringBytes, &fmt) || !r.Signed(&rec.created_at) ||
      !r.Signed(&rec.last_used_at)) {
    return Bad(kWhat, id, "truncated or malformed field");
  }
  if (!r.done()) return Bad(kWhat, id, "trailing bytes");
  rec.user_handle.assign(handle.begin(), handle.end());
  rec.public_key_cose.assign(key.begin(), key.end());
  rec.backup_eligible = flags & kFlagBackupEligible;
  rec.backup_state = flags & kFlagBackupState;
  rec.uv_initialized = flags & kFlagUvInitialized;
  std::copy(aaguid.begin(), aaguid.end(), rec.aaguid.begin());
  rec.attestation_format = std::string(fmt);
  *out = std::move(rec);
  return Status::Ok();
}

void EncodeUserValue(const UserRecord& u, std::string* out) {
  using namespace coding;
  PutU8(out, kUserValueVersion);
  PutLengthPrefixed(out, u.name);
  PutLengthPrefixed(out, u.display_name);
  PutSigned(out, u.created_at);
  uint8_t flags =
      (u.must_reregister ? kUserFlagMustReregister : 0) | (u.bypass_until ? kUserFlagBypass : 0);
  PutU8(out, flags);
  if (u.bypass_until) PutSigned(out, *u.bypass_until);
}

Status DecodeUserValue(ByteView user_handle, std::string_view value, UserRecord* out) {
  static constexpr std::string_view kWhat = "user";
  coding::Reader r(value);
  if (Status s = ReadVersion(&r, kUserValueVersion, kWhat, user_handle); !s.ok()) return s;
  UserRecord u;
  std::string_view name, display;
  uint8_t flags = 0;
  if (!r.LengthPrefixed(kMaxUserNameBytes, &name) || name.empty() ||
      !r.LengthPrefixed(kMaxDisplayNameBytes, &display) || !r.Signed(&u.created_at) ||
      !r.U8(&flags)) {
    return Bad(kWhat, user_handle, "truncated or malformed field");
  }
  if ((flags & ~kUserFlagMask) != 0) return Bad(kWhat, user_handle, "reserved flag bit set");
  if (flags & kUserFlagBypass) {
    int64_t until = 0;
    if (!r.Signed(&until)) return Bad(kWhat, user_handle, "malformed bypass");
    u.bypass_until = until;
  }
  if (!r.done()) return Bad(kWhat, user_handle, "trailing bytes");
  u.user_handle.assign(user_handle.begin(), user_handle.end());
  u.name = std::string(name);
  u.display_name = std::string(display);
  u.must_reregister = flags & kUserFlagMustReregister;
  *out = std::move(u);
  return Status::Ok();
}

void EncodeNameIndexValue(ByteView user_handle, std::string* out) {
  coding::PutU8(out, kNameIndexValueVersion);
  out->append(AsChars(user_handle));
}

Status DecodeNameIndexValue(std::string_view name, std::string_view value, Bytes* user_handle) {
  static constexpr std::string_view kWhat = "user name";
  coding::Reader r(value);
  if (Status s = ReadVersion(&r, kNameIndexValueVersion, kWhat, AsBytes(name)); !s.ok()) return s;
  ByteView handle = AsBytes(r.rest());
  if (handle.empty() || handle.size() > kMaxUserHandleBytes) {
    return Bad(kWhat, AsBytes(name), "bad user handle length");
  }
  user_handle->assign(handle.begin(), handle.end());
  return Status::Ok();
}

void EncodeConsumedChallengeValue(int64_t consumed_at_ms, std::string* out) {
  coding::PutU8(out, kConsumedChallengeValueVersion);
  coding::PutSigned(out, consumed_at_ms);
}

Status DecodeConsumedChallengeValue(std::string_view value, int64_t* consumed_at_ms) {
  static constexpr std::string_view kWhat = "consumed challenge";
  coding::Reader r(value);
  if (Status s = ReadVersion(&r, kConsumedChallengeValueVersion, kWhat, {}); !s.ok()) return s;
  if (!r.Signed(consumed_at_ms) || !r.done()) return Bad(kWhat, {}, "malformed value");
  return Status::Ok();
}

}  // namespace keystorm::storage
