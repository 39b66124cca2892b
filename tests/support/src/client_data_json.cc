#include "keystorm/test/client_data_json.h"

#include "keystorm/test/json_object.h"

namespace keystorm::test {

std::string ClientDataJson(const ClientDataFields& fields) {
  if (fields.raw) return *fields.raw;
  JsonObject c;
  c.SetString("type", fields.type);
  c.SetString("challenge", fields.challenge);
  c.SetString("origin", fields.origin);
  if (fields.cross_origin) c.SetBool("crossOrigin", *fields.cross_origin);
  if (fields.top_origin) c.SetString("topOrigin", *fields.top_origin);
  return c.ToString();
}

}  // namespace keystorm::test
