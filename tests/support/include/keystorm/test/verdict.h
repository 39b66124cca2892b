// The one way engine tests assert a verdict, so that outcome_coverage_test
// can find, for every VerifyError code, a test that expects it:
//   EXPECT_VERDICT(VerifyError::kRpIdMismatch, Verify(...));
// Write the expected code literally as VerifyError::kName (the coverage test
// reads the sources).  Failures print codes by their stable names.
#ifndef KEYSTORM_TEST_VERDICT_H_
#define KEYSTORM_TEST_VERDICT_H_

#include <gtest/gtest.h>

#include <ostream>

#include "keystorm/verify_error.h"

namespace keystorm {

// Found by gtest through ADL: "rp_id_mismatch" rather than a byte value.
inline void PrintTo(VerifyError error, std::ostream* os) { *os << VerifyErrorName(error); }

}  // namespace keystorm

#define EXPECT_VERDICT(expected, expr) EXPECT_EQ(expected, expr)

#endif  // KEYSTORM_TEST_VERDICT_H_
