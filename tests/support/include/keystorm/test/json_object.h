// A JSON object writer that keeps members in insertion order and lets tests
// replace or remove any member, nested objects included.  Used for the W3C
// RegistrationResponseJSON / AuthenticationResponseJSON envelopes and for
// clientDataJSON.  Values are kept as JSON text, so a test can also write
// invalid JSON on purpose.
#ifndef KEYSTORM_TEST_JSON_OBJECT_H_
#define KEYSTORM_TEST_JSON_OBJECT_H_

#include <string>
#include <string_view>
#include <vector>

namespace keystorm::test {

// `text` as a JSON string literal, quoted and escaped.
std::string JsonQuote(std::string_view text);

class JsonObject {
 public:
  // Each setter replaces an existing member of that name (keeping its
  // position) or appends one.
  JsonObject& SetRaw(std::string_view name, std::string json_text);
  JsonObject& SetString(std::string_view name, std::string_view text);
  JsonObject& SetBool(std::string_view name, bool value);
  JsonObject& SetObject(std::string_view name, JsonObject value);
  // Appends a member even if the name exists (duplicate-member tests).
  JsonObject& AppendRaw(std::string_view name, std::string json_text);
  JsonObject& Remove(std::string_view name);

  // The nested object member `name`; nullptr if absent or not an object.
  JsonObject* FindObject(std::string_view name);

  std::string ToString() const;

 private:
  struct Member {
    std::string name;
    std::string text;                // used when `object` is empty
    std::vector<JsonObject> object;  // zero or one nested object
  };
  Member* Find(std::string_view name);
  std::vector<Member> members_;
};

}  // namespace keystorm::test

#endif  // KEYSTORM_TEST_JSON_OBJECT_H_
