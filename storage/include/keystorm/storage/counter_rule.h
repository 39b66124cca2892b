// §7.2 step 22 as the stores apply it at commit time, against the value
// stored then (not the one the verifier saw).  Shared by every store so the
// rule is written once.
#ifndef KEYSTORM_STORAGE_COUNTER_RULE_H_
#define KEYSTORM_STORAGE_COUNTER_RULE_H_

#include "keystorm/credential_store.h"
#include "keystorm/export.h"

namespace keystorm::storage {

// Applies `update` to `record` (flags, counter, last use) and says what
// happened.  The counter never goes backwards; a synced passkey that reports
// 0 with a stored 0 and no flag change writes nothing (kUnchanged).
KEYSTORM_EXPORT CommitOutcome ApplyCounterUpdate(const CounterUpdate& update, CredentialRecord* record);

}  // namespace keystorm::storage

#endif  // KEYSTORM_STORAGE_COUNTER_RULE_H_
