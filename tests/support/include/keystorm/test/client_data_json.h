// CollectedClientData (§5.8.1) as a browser serializes it, from fields a test
// can change one at a time.
#ifndef KEYSTORM_TEST_CLIENT_DATA_JSON_H_
#define KEYSTORM_TEST_CLIENT_DATA_JSON_H_

#include <optional>
#include <string>

namespace keystorm::test {

struct ClientDataFields {
  std::string type;
  std::string challenge;  // base64url, written as given
  std::string origin;
  std::optional<bool> cross_origin;  // nullopt: member absent
  std::optional<std::string> top_origin;
  // Replaces the whole serialization (malformed-JSON tests).
  std::optional<std::string> raw;
};

// {"type":…,"challenge":…,"origin":…[,"crossOrigin":…][,"topOrigin":…]},
// the member order of §5.8.1.1, or `raw` when set.
std::string ClientDataJson(const ClientDataFields& fields);

}  // namespace keystorm::test

#endif  // KEYSTORM_TEST_CLIENT_DATA_JSON_H_
