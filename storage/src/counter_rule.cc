#include "keystorm/storage/counter_rule.h"

namespace keystorm::storage {

CommitOutcome ApplyCounterUpdate(const CounterUpdate& update, CredentialRecord* record) {
  bool either_nonzero = update.sign_count != 0 || record->sign_count != 0;
  bool regressed = either_nonzero && update.sign_count <= record->sign_count;
  if (regressed && !update.accept_regression) return CommitOutcome::kRegression;

  // uv_initialized only ever goes from false to true (a later assertion
  // without UV does not un-initialise it), so only that direction is a change.
  const bool uv_initialized = record->uv_initialized || update.uv_initialized;
  bool flags_change =
      record->backup_state != update.backup_state || record->uv_initialized != uv_initialized;
  if (!either_nonzero && !flags_change) return CommitOutcome::kUnchanged;

  if (!regressed) record->sign_count = update.sign_count;
  record->backup_state = update.backup_state;
  record->uv_initialized = uv_initialized;
  record->last_used_at = update.used_at;
  return regressed ? CommitOutcome::kRegressionAccepted : CommitOutcome::kApplied;
}

}  // namespace keystorm::storage
