// Per-thread JSON parsing state, reused across requests so that a steady
// stream of verifications allocates nothing for JSON.
//
// Thread safety: none.  One JsonScratch per worker thread.
#ifndef KEYSTORM_JSON_SCRATCH_H_
#define KEYSTORM_JSON_SCRATCH_H_

#include <cstddef>
#include <memory>

#include "keystorm/bytes.h"
#include "keystorm/export.h"

namespace keystorm {

class KEYSTORM_EXPORT JsonScratch {
 public:
  // Deepest nesting accepted in any JSON document we parse.
  static constexpr size_t kMaxDepth = 32;

  JsonScratch();
  ~JsonScratch();
  JsonScratch(const JsonScratch&) = delete;
  JsonScratch& operator=(const JsonScratch&) = delete;

  struct Impl;
  Impl* impl() { return impl_.get(); }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace keystorm

#endif  // KEYSTORM_JSON_SCRATCH_H_
