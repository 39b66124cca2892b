#include "keystorm/json_scratch.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "json_scratch_impl.h"

namespace keystorm {

JsonScratch::JsonScratch() : impl_(std::make_unique<Impl>()) {
  // Depth limits are set once; simdjson keeps them across re-allocations.
  // Failure here is an out-of-memory at start-up, not input-driven.
  if (impl_->envelope.allocate(4096, kMaxDepth) != simdjson::SUCCESS) std::abort();
  if (impl_->client_data.allocate(1024, kMaxDepth) != simdjson::SUCCESS) std::abort();
}

JsonScratch::~JsonScratch() = default;

bool HasUniqueMembers(simdjson::dom::element element, size_t depth_left) {
  if (depth_left == 0) return false;
  simdjson::dom::array array;
  if (element.get_array().get(array) == simdjson::SUCCESS) {
    for (simdjson::dom::element child : array) {
      if (!HasUniqueMembers(child, depth_left - 1)) return false;
    }
    return true;
  }
  simdjson::dom::object object;
  if (element.get_object().get(object) != simdjson::SUCCESS) return true;
  std::vector<std::string_view> keys;
  for (simdjson::dom::key_value_pair field : object) {
    keys.push_back(field.key);
    if (!HasUniqueMembers(field.value, depth_left - 1)) return false;
  }
  std::sort(keys.begin(), keys.end());
  return std::adjacent_find(keys.begin(), keys.end()) == keys.end();
}

}  // namespace keystorm
