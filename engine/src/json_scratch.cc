#include "keystorm/json_scratch.h"

#include <algorithm>
#include <array>
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
  // Real objects have a handful of members: compare them on the stack; only
  // a large object pays for a sorted heap copy.
  constexpr size_t kInline = 16;
  std::array<std::string_view, kInline> inline_keys;
  std::vector<std::string_view> many;
  size_t n = 0;
  for (simdjson::dom::key_value_pair field : object) {
    if (!HasUniqueMembers(field.value, depth_left - 1)) return false;
    if (n < kInline) {
      for (size_t i = 0; i < n; ++i) {
        if (inline_keys[i] == field.key) return false;
      }
      inline_keys[n] = field.key;
    } else {
      if (many.empty()) many.assign(inline_keys.begin(), inline_keys.end());
      many.push_back(field.key);
    }
    ++n;
  }
  if (many.empty()) return true;
  std::sort(many.begin(), many.end());
  return std::adjacent_find(many.begin(), many.end()) == many.end();
}

}  // namespace keystorm
