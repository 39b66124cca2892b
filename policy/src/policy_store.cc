#include "keystorm/policy/policy_store.h"

#include <utility>

namespace keystorm::policy {

PolicyStore::PolicyStore(std::shared_ptr<const CompiledPolicy> initial)
    : current_(std::move(initial)) {}

Status PolicyStore::Reload(std::string_view toml_text, std::vector<Diagnostic>* diagnostics) {
  std::lock_guard<std::mutex> lock(write_mu_);
  uint64_t version = std::atomic_load(&current_)->version() + 1;
  // Compiled off to the side: readers keep using the running policy, and a
  // file that fails never replaces it.
  Result<std::shared_ptr<const CompiledPolicy>> next = LoadPolicy(toml_text, version, diagnostics);
  if (!next) return next.error();
  std::atomic_store(&current_, std::move(*next));
  generation_.fetch_add(1, std::memory_order_release);
  return Status::Ok();
}

void PolicyStore::Install(std::shared_ptr<const CompiledPolicy> policy) {
  std::lock_guard<std::mutex> lock(write_mu_);
  std::atomic_store(&current_, std::move(policy));
  generation_.fetch_add(1, std::memory_order_release);
}

std::shared_ptr<const CompiledPolicy> PolicyStore::Current() const {
  return std::atomic_load(&current_);
}

PolicyReader::PolicyReader(const PolicyStore& store)
    : store_(store), cached_generation_(store.generation()), cached_(store.Current()) {}

const CompiledPolicy& PolicyReader::Refresh() {
  // The generation is bumped after the pointer is stored, so seeing a new
  // generation guarantees Current() returns that policy or a newer one.
  uint64_t generation = store_.generation();
  if (generation != cached_generation_) {
    cached_ = store_.Current();
    cached_generation_ = generation;
  }
  return *cached_;
}

}  // namespace keystorm::policy
