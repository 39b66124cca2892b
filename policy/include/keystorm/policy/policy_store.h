// Hot reload: the running policy, swapped atomically (RCU style).
//
// A reload compiles the new file off to the side; only a policy that compiled
// replaces the running one, and the swap is one atomic pointer store. A
// reader holds a shared_ptr to the version it started with, so an in-flight
// evaluation finishes on that version and the old policy is freed when its
// last reader lets go. Each decision carries the policy's version.
//
// Thread safety: any number of threads may call Current() while others call
// Reload() or Install(); writers are serialised by an internal mutex.
// Current() uses std::atomic_load on the shared_ptr, which libstdc++
// implements with a small pool of mutexes (held for a pointer copy); a
// PolicyReader avoids even that on the steady path (one acquire load of a
// generation counter).
#ifndef KEYSTORM_POLICY_POLICY_STORE_H_
#define KEYSTORM_POLICY_POLICY_STORE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "keystorm/export.h"
#include "keystorm/policy/diagnostic.h"
#include "keystorm/policy/policy.h"
#include "keystorm/status.h"

namespace keystorm::policy {

class KEYSTORM_EXPORT PolicyStore {
 public:
  // REQUIRES: initial != nullptr.
  explicit PolicyStore(std::shared_ptr<const CompiledPolicy> initial);
  PolicyStore(const PolicyStore&) = delete;
  PolicyStore& operator=(const PolicyStore&) = delete;

  // Parses and compiles `toml_text` with version = running version + 1 and,
  // only on success, swaps it in. On failure the running policy stays, the
  // Status says why and the diagnostics are appended (when not null).
  Status Reload(std::string_view toml_text, std::vector<Diagnostic>* diagnostics);

  // Swaps in an already compiled policy. REQUIRES: policy != nullptr.
  void Install(std::shared_ptr<const CompiledPolicy> policy);

  // The running policy; never null. Hold the pointer for the whole login.
  std::shared_ptr<const CompiledPolicy> Current() const;

  // Counts the swaps; changes after the new pointer is visible.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  std::mutex write_mu_;  // serialises Reload/Install (version numbering)
  // Read and written only through std::atomic_load / std::atomic_store.
  std::shared_ptr<const CompiledPolicy> current_;
  std::atomic<uint64_t> generation_{0};
};

// One thread's cached view of a PolicyStore. Refresh() costs one atomic load
// while the policy is unchanged and re-reads the store after a swap.
// Not thread-safe: one reader per thread. REQUIRES: the store outlives it.
class KEYSTORM_EXPORT PolicyReader {
 public:
  explicit PolicyReader(const PolicyStore& store);

  // The running policy. The reference (and decisions made with it) stay
  // valid until the next Refresh() on this reader.
  const CompiledPolicy& Refresh();

  // The policy the last Refresh() returned, to keep it beyond the next one.
  const std::shared_ptr<const CompiledPolicy>& snapshot() const { return cached_; }

 private:
  const PolicyStore& store_;
  uint64_t cached_generation_;
  std::shared_ptr<const CompiledPolicy> cached_;
};

}  // namespace keystorm::policy

#endif  // KEYSTORM_POLICY_POLICY_STORE_H_
