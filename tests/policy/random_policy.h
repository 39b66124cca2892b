// Random policies and logins for the differential test. Every policy the
// generator makes compiles; the name pools overlap on purpose (exact and regex
// groups, exact and wildcard domains, upper-case spellings, groups no policy
// names) so that rules match often and every path of Prepare is taken.
#ifndef KEYSTORM_TESTS_POLICY_RANDOM_POLICY_H_
#define KEYSTORM_TESTS_POLICY_RANDOM_POLICY_H_

#include <cstdint>
#include <random>

#include "keystorm/policy/policy_spec.h"
#include "policy_test_util.h"

namespace keystorm::policy::testing {

inline constexpr int64_t kRandomEpoch = 1'780'000'000;  // "now" is around here

// `max_rules` bounds the number of rules (0 to max_rules).
PolicySpec RandomPolicy(std::mt19937_64& rng, int max_rules);

Login RandomLogin(std::mt19937_64& rng);

}  // namespace keystorm::policy::testing

#endif  // KEYSTORM_TESTS_POLICY_RANDOM_POLICY_H_
