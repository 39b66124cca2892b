#include "admin_directory.h"

#include <initializer_list>
#include <optional>
#include <utility>

#include "keystorm/json_writer.h"
#include "keystorm/server/api_error.h"
#include "keystorm/server/pages.h"
#include "keystorm/server/webauthn_service.h"
#include "keystorm/storage/directory_codec.h"

namespace keystorm::server {
namespace {

using Kind = RequestObject::Member::Kind;

AdminOutcome Invalid(std::string message) {
  return AdminError(400, kCodeInvalidArgument, message);
}

// The first member `body` has that `allowed` does not name, or empty.  An
// unknown member is refused: a misspelt "group" must not silently leave the
// user without groups.
std::string UnknownMember(const RequestObject& body, std::initializer_list<std::string_view> allowed) {
  for (const RequestObject::Member& member : body.members) {
    bool known = false;
    for (std::string_view name : allowed) known = known || member.name == name;
    if (!known) return member.name;
  }
  return {};
}

// A string member: absent is "", another type is an error.
bool OptionalString(const RequestObject& body, std::string_view name, std::string* out,
                    std::optional<AdminOutcome>* error) {
  const RequestObject::Member* member = body.Find(name);
  if (member == nullptr) return true;
  if (member->kind != Kind::kString) {
    *error = Invalid(std::string(name) + " must be a string.");
    return false;
  }
  *out = member->text;
  return true;
}

// An array of strings; an empty JSON array parses as kStringArray too.
bool StringArray(const RequestObject& body, std::string_view name, bool required,
                 std::vector<std::string>* out, std::optional<AdminOutcome>* error) {
  const RequestObject::Member* member = body.Find(name);
  if (member == nullptr) {
    if (required) *error = Invalid(std::string(name) + " is required (an array of strings).");
    return !required;
  }
  if (member->kind != Kind::kStringArray) {
    *error = Invalid(std::string(name) + " must be an array of strings.");
    return false;
  }
  *out = member->strings;
  return true;
}

void WriteUser(JsonWriter& json, const DirectoryUser& user,
               const std::vector<std::string>* effective_groups) {
  json.BeginObject();
  json.Key("username").String(user.name);
  json.Key("displayName").String(user.display_name);
  json.Key("email").String(user.email);
  json.Key("groups").BeginArray();
  for (const std::string& group : user.groups) json.String(group);
  json.EndArray();
  // A repeated attribute becomes an array, as it was given.
  json.Key("attributes").BeginObject();
  for (size_t i = 0; i < user.attributes.size(); ++i) {
    const std::string& name = user.attributes[i].first;
    bool seen = false;
    for (size_t j = 0; j < i; ++j) seen = seen || user.attributes[j].first == name;
    if (seen) continue;
    size_t count = 0;
    for (const auto& attribute : user.attributes) count += attribute.first == name;
    json.Key(name);
    if (count == 1) {
      json.String(user.attributes[i].second);
      continue;
    }
    json.BeginArray();
    for (const auto& attribute : user.attributes) {
      if (attribute.first == name) json.String(attribute.second);
    }
    json.EndArray();
  }
  json.EndObject();
  if (effective_groups != nullptr) {
    json.Key("effectiveGroups").BeginArray();
    for (const std::string& group : *effective_groups) json.String(group);
    json.EndArray();
  }
  json.EndObject();
}

AdminOutcome StoreFailure(const Status& status) {
  return AdminError(500, kCodeInternal, "Directory failure.", status.ToString());
}

// Canonical form, then the directory's limits; the message names the field.
std::optional<AdminOutcome> Validate(DirectoryUser* user) {
  storage::CanonicalizeDirectoryUser(user);
  Status valid = storage::ValidateDirectoryUser(*user);
  if (!valid.ok()) return Invalid(std::string(valid.message()));
  return std::nullopt;
}

}  // namespace

bool IsDirectoryAction(std::string_view action) {
  return action == "show_directory_user" || action == "upsert_directory_user" ||
         action == "delete_directory_user" || action == "set_directory_groups";
}

AdminOutcome HandleDirectoryAction(std::string_view action, const HttpRequest& request,
                                   const RequestObject& body, const AdminDirectoryDeps& deps,
                                   std::string* username) {
  if (deps.directory == nullptr) {
    return AdminError(501, "not_implemented", "No user directory is configured.");
  }
  const bool is_get = request.method == "GET";
  if (!is_get) {
    std::string unknown;
    if (action == "upsert_directory_user") {
      unknown = UnknownMember(body, {"username", "displayName", "email", "groups", "attributes"});
    } else if (action == "set_directory_groups") {
      unknown = UnknownMember(body, {"username", "groups"});
    } else {
      unknown = UnknownMember(body, {"username"});
    }
    if (!unknown.empty()) return Invalid("Unknown member \"" + unknown + "\".");
  }
  std::string raw_name;
  if (is_get) {
    raw_name = QueryParameter(request.query, "username").value_or("");
  } else {
    std::optional<AdminOutcome> error;
    if (!OptionalString(body, "username", &raw_name, &error)) return *error;
  }
  *username = WebAuthnService::NormalizeUsername(raw_name);
  if (username->empty()) {
    return Invalid("username is required (1-256 bytes, no control characters).");
  }

  std::optional<DirectoryUser> existing;
  Status status = deps.directory->FindByName(*username, &existing);
  if (!status.ok()) return StoreFailure(status);

  if (action == "show_directory_user") {
    if (!existing) return AdminError(404, kCodeNotFound, "No such directory user.");
    std::optional<std::vector<std::string>> effective;
    if (deps.effective_groups) effective = deps.effective_groups(*existing);
    JsonWriter json;
    WriteUser(json, *existing, effective ? &*effective : nullptr);
    return AdminOk(json, std::to_string(existing->groups.size()) + " groups");
  }

  if (action == "delete_directory_user") {
    if (!existing) return AdminError(404, kCodeNotFound, "No such directory user.");
    status = deps.directory->Remove(*username);
    if (status.code() == Status::Code::kNotFound) {
      return AdminError(404, kCodeNotFound, "No such directory user.");
    }
    if (!status.ok()) return StoreFailure(status);
    JsonWriter json;
    json.BeginObject().Key("ok").Bool(true).EndObject();
    return AdminOk(json, "removed");
  }

  DirectoryUser user;
  std::optional<AdminOutcome> error;
  if (action == "set_directory_groups") {
    if (!existing) return AdminError(404, kCodeNotFound, "No such directory user.");
    user = std::move(*existing);
    if (!StringArray(body, "groups", /*required=*/true, &user.groups, &error)) return *error;
  } else {  // upsert_directory_user
    user.name = *username;
    if (!OptionalString(body, "displayName", &user.display_name, &error) ||
        !OptionalString(body, "email", &user.email, &error) ||
        !StringArray(body, "groups", /*required=*/false, &user.groups, &error)) {
      return *error;
    }
    if (const RequestObject::Member* attributes = body.Find("attributes")) {
      if (attributes->kind != Kind::kStringMap) {
        return Invalid("attributes must be an object of strings or arrays of strings.");
      }
      user.attributes = attributes->pairs;
    }
  }
  if (auto invalid = Validate(&user)) return *invalid;
  status = deps.directory->Upsert(user);
  if (!status.ok()) return StoreFailure(status);
  JsonWriter json;
  json.BeginObject().Key("ok").Bool(true);
  if (action == "upsert_directory_user") json.Key("created").Bool(!existing);
  json.EndObject();
  return AdminOk(json, (existing ? "updated, " : "created, ") +
                           std::to_string(user.groups.size()) + " groups");
}

}  // namespace keystorm::server
