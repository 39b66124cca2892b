#include "keystorm/storage/directory_codec.h"

#include <algorithm>
#include <set>

#include "coding.h"
#include "keystorm/storage/record_codec.h"

namespace keystorm::storage {
namespace {

Status Refuse(std::string_view field, std::string_view why) {
  return Status::InvalidArgument("directory user: " + std::string(field) + " " + std::string(why));
}

Status CheckName(std::string_view field, std::string_view value) {
  if (value.empty()) return Refuse(field, "is empty");
  if (value.size() > kMaxDirectoryNameBytes) return Refuse(field, "is longer than 256 bytes");
  return Status::Ok();
}

}  // namespace

void CanonicalizeDirectoryUser(DirectoryUser* user) {
  std::sort(user->groups.begin(), user->groups.end());
  user->groups.erase(std::unique(user->groups.begin(), user->groups.end()), user->groups.end());
}

Status ValidateDirectoryUser(const DirectoryUser& user) {
  if (Status s = CheckName("name", user.name); !s.ok()) return s;
  if (user.display_name.size() > kMaxDirectoryDisplayNameBytes) {
    return Refuse("display_name", "is longer than 1024 bytes");
  }
  if (user.email.size() > kMaxDirectoryEmailBytes) {
    return Refuse("email", "is longer than 320 bytes");
  }
  if (user.groups.size() > kMaxDirectoryGroups) return Refuse("groups", "has more than 4096");
  for (const std::string& group : user.groups) {
    if (Status s = CheckName("group", group); !s.ok()) return s;
  }
  if (user.attributes.size() > kMaxDirectoryAttributes) {
    return Refuse("attributes", "has more than 256");
  }
  for (const auto& [name, value] : user.attributes) {
    if (Status s = CheckName("attribute name", name); !s.ok()) return s;
    if (value.size() > kMaxDirectoryNameBytes) {
      return Refuse("attribute " + name, "value is longer than 256 bytes");
    }
  }
  return Status::Ok();
}

Status PrepareDirectoryBatch(std::span<const DirectoryUser> upserts,
                             std::span<const std::string> removals,
                             std::vector<DirectoryUser>* canonical) {
  canonical->clear();
  canonical->reserve(upserts.size());
  std::set<std::string_view> seen;
  for (size_t i = 0; i < upserts.size(); ++i) {
    if (Status s = ValidateDirectoryUser(upserts[i]); !s.ok()) {
      return Status::InvalidArgument("upsert " + std::to_string(i) + ": " + std::string(s.message()));
    }
    if (!seen.insert(upserts[i].name).second) {
      return Status::InvalidArgument("upsert " + std::to_string(i) + ": user " + upserts[i].name +
                                     " appears twice in the batch");
    }
    canonical->push_back(upserts[i]);
    CanonicalizeDirectoryUser(&canonical->back());
  }
  for (size_t i = 0; i < removals.size(); ++i) {
    if (Status s = CheckName("name", removals[i]); !s.ok()) {
      return Status::InvalidArgument("removal " + std::to_string(i) + ": " + std::string(s.message()));
    }
    if (!seen.insert(removals[i]).second) {
      return Status::InvalidArgument("removal " + std::to_string(i) + ": user " + removals[i] +
                                     " appears twice in the batch");
    }
  }
  return Status::Ok();
}

void EncodeDirectoryUserValue(const DirectoryUser& user, std::string* out) {
  coding::PutU8(out, kDirectoryUserValueVersion);
  coding::PutLengthPrefixed(out, user.display_name);
  coding::PutLengthPrefixed(out, user.email);
  coding::PutVarint64(out, user.groups.size());
  for (const std::string& group : user.groups) coding::PutLengthPrefixed(out, group);
  coding::PutVarint64(out, user.attributes.size());
  for (const auto& [name, value] : user.attributes) {
    coding::PutLengthPrefixed(out, name);
    coding::PutLengthPrefixed(out, value);
  }
}

Status DecodeDirectoryUserValue(std::string_view name, std::string_view value,
                                DirectoryUser* out) {
  auto corrupt = [&](std::string_view why) {
    return Status::Corruption("directory user " + HexForMessage(AsBytes(name)) + ": " +
                              std::string(why));
  };
  coding::Reader r(value);
  uint8_t version = 0;
  if (!r.U8(&version)) return corrupt("empty value");
  if (version != kDirectoryUserValueVersion) return corrupt("unknown value version");

  DirectoryUser user;
  user.name = std::string(name);
  std::string_view field;
  if (!r.LengthPrefixed(kMaxDirectoryDisplayNameBytes, &field)) return corrupt("display_name");
  user.display_name = std::string(field);
  if (!r.LengthPrefixed(kMaxDirectoryEmailBytes, &field)) return corrupt("email");
  user.email = std::string(field);

  uint64_t count = 0;
  if (!r.Varint64(&count) || count > kMaxDirectoryGroups) return corrupt("group count");
  user.groups.reserve(static_cast<size_t>(count));
  for (uint64_t i = 0; i < count; ++i) {
    if (!r.LengthPrefixed(kMaxDirectoryNameBytes, &field) || field.empty()) {
      return corrupt("group");
    }
    if (!user.groups.empty() && user.groups.back() >= field) {
      return corrupt("groups not sorted or repeated");
    }
    user.groups.emplace_back(field);
  }

  if (!r.Varint64(&count) || count > kMaxDirectoryAttributes) return corrupt("attribute count");
  user.attributes.reserve(static_cast<size_t>(count));
  for (uint64_t i = 0; i < count; ++i) {
    std::string_view attribute_name, attribute_value;
    if (!r.LengthPrefixed(kMaxDirectoryNameBytes, &attribute_name) || attribute_name.empty() ||
        !r.LengthPrefixed(kMaxDirectoryNameBytes, &attribute_value)) {
      return corrupt("attribute");
    }
    user.attributes.emplace_back(std::string(attribute_name), std::string(attribute_value));
  }
  if (!r.done()) return corrupt("trailing bytes");
  *out = std::move(user);
  return Status::Ok();
}

}  // namespace keystorm::storage
