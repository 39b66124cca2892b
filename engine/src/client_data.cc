#include "keystorm/client_data.h"

#include "json_scratch_impl.h"

namespace keystorm {

VerifyError ParseClientData(ByteView json, JsonScratch* scratch, CollectedClientData* out) {
  // R5/A8: a leading byte order mark is stripped, not an error.
  static constexpr uint8_t kBom[] = {0xEF, 0xBB, 0xBF};
  if (json.size() >= 3 && std::equal(kBom, kBom + 3, json.begin())) json = json.subspan(3);
  if (json.size() > kMaxJsonBytes) return VerifyError::kMalformedClientData;

  // R6/A9: simdjson validates UTF-8 strictly and rejects trailing content.
  simdjson::dom::element root;
  if (scratch->impl()->Parse(scratch->impl()->client_data, json).get(root) != simdjson::SUCCESS) {
    return VerifyError::kMalformedClientData;
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) return VerifyError::kMalformedClientData;
  if (!HasUniqueMembers(root, JsonScratch::kMaxDepth)) return VerifyError::kMalformedClientData;

  CollectedClientData c;
  if (obj["type"].get_string().get(c.type) != simdjson::SUCCESS ||
      obj["challenge"].get_string().get(c.challenge) != simdjson::SUCCESS ||
      obj["origin"].get_string().get(c.origin) != simdjson::SUCCESS) {
    return VerifyError::kMalformedClientData;
  }
  simdjson::dom::element cross;
  if (obj["crossOrigin"].get(cross) == simdjson::SUCCESS && !cross.is_null()) {
    if (cross.get_bool().get(c.cross_origin) != simdjson::SUCCESS) {
      return VerifyError::kMalformedClientData;
    }
  }
  simdjson::dom::element top;
  if (obj["topOrigin"].get(top) == simdjson::SUCCESS && !top.is_null()) {
    std::string_view top_origin;
    if (top.get_string().get(top_origin) != simdjson::SUCCESS) return VerifyError::kMalformedClientData;
    c.top_origin = top_origin;
  }
  *out = c;
  return VerifyError::kOk;
}

}  // namespace keystorm
