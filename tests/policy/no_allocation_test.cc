// Evaluate allocates nothing: operator new is counted (on this thread) around
// the call. A warm PreparedInput does not allocate in Prepare either, as long
// as every group name is one the policy knows.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>
#include <new>

#include "policy_test_util.h"

namespace {
thread_local long allocations = 0;
}  // namespace

// Replaces every global allocation function for this test binary (all of
// them, so that no pair is mixed); they go to malloc, which AddressSanitizer
// still intercepts.
namespace {
void* Allocate(size_t size, size_t alignment) {
  ++allocations;
  size = size == 0 ? 1 : size;
  if (alignment <= alignof(std::max_align_t)) return std::malloc(size);
  return std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
}
void* AllocateOrThrow(size_t size, size_t alignment) {
  if (void* p = Allocate(size, alignment)) return p;
  throw std::bad_alloc();
}
}  // namespace

void* operator new(size_t n) { return AllocateOrThrow(n, 0); }
void* operator new[](size_t n) { return AllocateOrThrow(n, 0); }
void* operator new(size_t n, std::align_val_t a) { return AllocateOrThrow(n, size_t(a)); }
void* operator new[](size_t n, std::align_val_t a) { return AllocateOrThrow(n, size_t(a)); }
void* operator new(size_t n, const std::nothrow_t&) noexcept { return Allocate(n, 0); }
void* operator new[](size_t n, const std::nothrow_t&) noexcept { return Allocate(n, 0); }
void* operator new(size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return Allocate(n, size_t(a));
}
void* operator new[](size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return Allocate(n, size_t(a));
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

namespace keystorm::policy::testing {
namespace {

constexpr std::string_view kPolicy = R"(
format = 1
[webauthn]
groups = { admins = "required" }
[[bypass]]
group = "temps"
until = 2030-01-01T00:00:00Z
[[rule]]
id = "regex"
priority = 1
domains = ["example.com"]
group_regex = ["ext-.*"]
target = "deny"
[[rule]]
id = "admins"
priority = 2
groups = ["admins", "temps"]
[groups]
known = ["ext-1", "staff"]
)";

TEST(NoAllocationTest, EvaluateDoesNotAllocate) {
  auto policy = MustLoad(kPolicy);
  Login login("someone");
  login.Email("someone@example.com").Groups({"staff", "ext-1", "admins", "temps"});
  const PolicyInput& input = login.input();
  PreparedInput prepared;
  ASSERT_TRUE(policy->Prepare(input, &prepared).ok());  // warms the buffers
  long before = allocations;
  Decision d = policy->Evaluate(prepared);
  EXPECT_EQ(allocations, before);
  EXPECT_EQ(d.rule_id, "regex");
}

TEST(NoAllocationTest, WarmPrepareWithKnownGroupsDoesNotAllocate) {
  auto policy = MustLoad(kPolicy);
  Login login("someone");
  login.Email("someone@example.com").Groups({"staff", "ext-1", "admins"});
  const PolicyInput& input = login.input();
  PreparedInput prepared;
  ASSERT_TRUE(policy->Prepare(input, &prepared).ok());
  long before = allocations;
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(policy->Prepare(input, &prepared).ok());
  EXPECT_EQ(allocations, before);
}

}  // namespace
}  // namespace keystorm::policy::testing
