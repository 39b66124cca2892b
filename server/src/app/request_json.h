// Reading the small JSON request bodies of our own endpoints ({username},
// {username, displayName}, admin bodies).  The W3C response types are parsed
// by the engine (webauthn_json.h), not here.
#ifndef KEYSTORM_SERVER_APP_REQUEST_JSON_H_
#define KEYSTORM_SERVER_APP_REQUEST_JSON_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keystorm::server {

// A flat view of one JSON object's string, bool, integer and string-array
// members, and of objects whose values are strings or arrays of strings
// (kStringMap: flattened into name/value pairs in order, an array giving
// one pair per element; identity-provider attributes look like that);
// anything else is kept as "present" only.  Parse fails (nullopt)
// unless the body is one JSON object (an empty body counts as {}).
struct RequestObject {
  struct Member {
    std::string name;
    enum class Kind { kString, kBool, kInteger, kStringArray, kStringMap, kOther } kind = Kind::kOther;
    std::string text;
    bool boolean = false;
    int64_t integer = 0;
    std::vector<std::string> strings;
    std::vector<std::pair<std::string, std::string>> pairs;  // kStringMap
  };
  std::vector<Member> members;

  static std::optional<RequestObject> Parse(std::string_view body);

  const Member* Find(std::string_view name) const;
  // The string member, nullopt when absent; *type_ok false when present
  // with another type.
  std::optional<std::string> String(std::string_view name, bool* type_ok) const;
};

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_APP_REQUEST_JSON_H_
