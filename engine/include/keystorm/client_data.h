// CollectedClientData (WebAuthn L3 §5.8.1): the JSON the browser signs over.
#ifndef KEYSTORM_CLIENT_DATA_H_
#define KEYSTORM_CLIENT_DATA_H_

#include <optional>
#include <string_view>

#include "keystorm/bytes.h"
#include "keystorm/export.h"
#include "keystorm/verify_error.h"

namespace keystorm {

class JsonScratch;

// Views into the parser's storage: valid until the JsonScratch parses again.
struct KEYSTORM_EXPORT CollectedClientData {
  std::string_view type;
  std::string_view challenge;
  std::string_view origin;
  bool cross_origin = false;           // absent means false
  std::optional<std::string_view> top_origin;
};

// R5-R6 / A8-A9: strict UTF-8 (a leading BOM is stripped), one JSON object,
// no duplicate members, no trailing bytes, depth-limited; type, challenge and
// origin must be strings; crossOrigin a boolean and topOrigin a string when
// present.  Returns kOk or kMalformedClientData.
KEYSTORM_EXPORT VerifyError ParseClientData(ByteView json, JsonScratch* scratch, CollectedClientData* out);

}  // namespace keystorm

#endif  // KEYSTORM_CLIENT_DATA_H_
