// Private: what a JsonScratch holds.  Only engine .cc files include this.
#ifndef KEYSTORM_ENGINE_SRC_JSON_SCRATCH_IMPL_H_
#define KEYSTORM_ENGINE_SRC_JSON_SCRATCH_IMPL_H_

#include <simdjson.h>

#include <cstring>

#include "keystorm/json_scratch.h"

namespace keystorm {

// The largest JSON document (request envelope or clientDataJSON) we parse.
inline constexpr size_t kMaxJsonBytes = 1 << 20;

struct JsonScratch::Impl {
  // Separate parsers so that views into clientDataJSON stay valid while the
  // envelope is read, and the other way round.
  simdjson::dom::parser envelope{kMaxJsonBytes};
  simdjson::dom::parser client_data{kMaxJsonBytes};
  // Input copied here with simdjson's padding; reused, so a steady load
  // allocates nothing.
  Bytes padded;

  simdjson::simdjson_result<simdjson::dom::element> Parse(simdjson::dom::parser& parser,
                                                           ByteView json) {
    padded.resize(json.size() + simdjson::SIMDJSON_PADDING);
    if (!json.empty()) std::memcpy(padded.data(), json.data(), json.size());
    return parser.parse(padded.data(), json.size(), false);
  }
};

// True if every object in `element` (recursively) has distinct member names.
bool HasUniqueMembers(simdjson::dom::element element, size_t depth_left);

}  // namespace keystorm

#endif  // KEYSTORM_ENGINE_SRC_JSON_SCRATCH_IMPL_H_
