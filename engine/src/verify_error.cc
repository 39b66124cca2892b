#include "keystorm/verify_error.h"

namespace keystorm {

std::string_view VerifyErrorName(VerifyError error) {
  switch (error) {
#define KEYSTORM_X_NAME(e, name, step, doc) \
  case VerifyError::e: return name;
    KEYSTORM_VERIFY_ERRORS(KEYSTORM_X_NAME)
#undef KEYSTORM_X_NAME
  }
  return "unknown";
}

std::string_view VerifyErrorSpecStep(VerifyError error) {
  switch (error) {
#define KEYSTORM_X_STEP(e, name, step, doc) \
  case VerifyError::e: return step;
    KEYSTORM_VERIFY_ERRORS(KEYSTORM_X_STEP)
#undef KEYSTORM_X_STEP
  }
  return "";
}

std::optional<VerifyError> VerifyErrorFromName(std::string_view name) {
#define KEYSTORM_X_FROM(e, n, step, doc) \
  if (name == n) return VerifyError::e;
  KEYSTORM_VERIFY_ERRORS(KEYSTORM_X_FROM)
#undef KEYSTORM_X_FROM
  return std::nullopt;
}

}  // namespace keystorm
