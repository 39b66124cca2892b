// The credential store as the engine sees it: a batched interface, so that
// a pipeline batch costs one lookup per chunk and one commit, not one of
// each per login.
//
// The engine never sees RocksDB.  Implementations: MemoryCredentialStore
// (tests, benchmarks) and the RocksDB store in storage/; an integrator may
// bring a third.  Every implementation must pass the same contract tests.
//
// Thread safety: every method may be called from any number of threads at
// once.  Durability: a method that returns OK has made its writes durable
// (synced WAL or equivalent) unless the implementation documents otherwise.
// A method that fails has acknowledged nothing: the caller must treat the
// ceremony as failed (fail closed), whatever was or was not written.
//
// The first six methods are what the pipeline uses.  The account, admin and
// challenge methods after them came later and have default bodies that
// refuse (Status::Unavailable), so a decorator written against the first
// five still compiles; CredentialWriteEpoch, the third, defaults to "keeps
// none", which is always safe.  Every Keystorm store overrides every method
// that refuses by default, and the contract suite
// (tests/storage/include/keystorm/storage/testing/store_contract.h)
// requires them.
#ifndef KEYSTORM_CREDENTIAL_STORE_H_
#define KEYSTORM_CREDENTIAL_STORE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "keystorm/bytes.h"
#include "keystorm/export.h"
#include "keystorm/status.h"

namespace keystorm {

// R27: a stored credential record.
struct KEYSTORM_EXPORT CredentialRecord {
  Bytes id;           // credential ID (unique across all users: R26)
  Bytes user_handle;  // the owning account
  Bytes public_key_cose;
  int64_t algorithm = 0;
  uint32_t sign_count = 0;
  bool backup_eligible = false;
  bool backup_state = false;
  bool uv_initialized = false;
  std::array<uint8_t, 16> aaguid{};
  std::vector<std::string> transports;
  std::string attestation_format;
  int64_t created_at = 0;    // unix seconds
  int64_t last_used_at = 0;  // unix seconds, 0 = never
};

// A24: one verified assertion's state change, applied by CommitUpdates.
struct KEYSTORM_EXPORT CounterUpdate {
  Bytes credential_id;
  uint32_t sign_count = 0;  // the authenticator's new signCount
  bool backup_state = false;
  bool uv_initialized = false;
  int64_t used_at = 0;
  // SignCountPolicy::kWarn: a regression is accepted and flagged, and the
  // stored counter is left as it is (never lowered).
  bool accept_regression = false;
  // Optional hints, for a store that can use them: the record MultiLookup
  // returned for this credential (owned by the caller until CommitUpdates
  // returns), and CredentialWriteEpoch() as read just before that lookup.
  // A store that knows nothing has written the credential since that epoch
  // may apply the update to `looked_up` instead of reading the credential
  // again; otherwise it reads it, as without hints.  nullptr / 0: no hint.
  const CredentialRecord* looked_up = nullptr;
  uint64_t looked_up_at_epoch = 0;
};

enum class CommitOutcome : uint8_t {
  kApplied,         // written
  kUnchanged,       // nothing to write (counter 0 with stored 0, same flags)
  kRegression,      // the §7.2 step 22 rule failed against the stored counter
  kRegressionAccepted,  // failed, but accept_regression was set: flags written
  kNotFound,        // the credential was deleted meanwhile
};

// An account.  user_handle is WebAuthn's user.id (1-64 opaque bytes, from a
// CSPRNG); name is the login name.  Both are unique; names are compared byte
// for byte, so callers normalise (case, Unicode) before they store or look up.
struct KEYSTORM_EXPORT UserRecord {
  Bytes user_handle;
  std::string name;
  std::string display_name;
  int64_t created_at = 0;  // unix seconds
  // Set by ResetUser; cleared by the next registration of a credential for
  // this user, atomically with that insert.
  bool must_reregister = false;
  // An administrator's bypass: the user skips WebAuthn while now < it (unix
  // seconds; policy::PolicyInput::bypass_until).  nullopt: none.
  std::optional<int64_t> bypass_until;
};

enum class UserInsertOutcome : uint8_t {
  kInserted,
  kNameTaken,    // another user has this name; nothing written
  kHandleTaken,  // another user has this user handle; nothing written
};

// One challenge to consume: the ledger identity of a sealed challenge (its
// random part, see storage/include/keystorm/storage/challenge_sealer.h) and
// when it expires.  The store remembers it until then.
struct KEYSTORM_EXPORT ChallengeUse {
  ByteView id;            // 1-64 bytes
  int64_t expires_at_ms;  // unix milliseconds
};

enum class ChallengeOutcome : uint8_t {
  kConsumed,     // first use: now recorded as used (durably, on OK)
  kAlreadyUsed,  // recorded before, or earlier in the same call
  kExpired,      // expires_at_ms <= now_ms, or at or before a past sweep's
                 // horizon (so a swept entry stays refused if the clock steps back)
};

class KEYSTORM_EXPORT CredentialStore {
 public:
  virtual ~CredentialStore() = default;

  // Looks up every id.  (*out)[i] is the record of ids[i], or nullopt.
  virtual Status MultiLookup(std::span<const ByteView> ids,
                             std::vector<std::optional<CredentialRecord>>* out) = 0;

  // Applies updates in order.  For each credential the counter rule is
  // re-checked against the value stored at commit time, atomically, so that
  // two racing assertions of one credential can never both be accepted with
  // the same counter: if either the stored or the new counter is non-zero,
  // the new one must be greater.  (*outcomes)[i] says what happened to
  // updates[i].  The whole batch is durable when OK is returned.
  virtual Status CommitUpdates(std::span<const CounterUpdate> updates,
                               std::vector<CommitOutcome>* outcomes) = 0;

  // A number that grows with every write of any credential record: read
  // it before MultiLookup and hand it back with the update
  // (CounterUpdate::looked_up_at_epoch).  0, the default, means this store
  // keeps none, and a hint with epoch 0 is never trusted.  A store that
  // trusts hints writes `looked_up` back as the stored record, so the
  // record must be exactly what its own MultiLookup returned: a decorator
  // that changes, caches or serves MultiLookup's records itself must answer
  // 0 here rather than forward.
  virtual uint64_t CredentialWriteEpoch() { return 0; }

  // R26: inserts `record` unless a credential with its id exists (for any
  // user).  *inserted says which.  Atomic with respect to concurrent inserts.
  virtual Status InsertCredentialIfAbsent(const CredentialRecord& record, bool* inserted) = 0;

  // All credentials of a user, in id order.
  virtual Status ListForUser(ByteView user_handle, std::vector<CredentialRecord>* out) = 0;

  // Removes one credential; NotFound if absent.
  virtual Status Delete(ByteView credential_id) = 0;

  // ---- Accounts (usernameless login looks users up by handle) ----

  // Inserts `user` unless its name or its handle is taken; *outcome says
  // which.  Atomic with respect to concurrent inserts.
  virtual Status InsertUserIfAbsent(const UserRecord& /*user*/, UserInsertOutcome* /*outcome*/) {
    return Unsupported("InsertUserIfAbsent");
  }

  // *out is the user, or nullopt.
  virtual Status LookupUserByName(std::string_view /*name*/, std::optional<UserRecord>* /*out*/) {
    return Unsupported("LookupUserByName");
  }
  virtual Status LookupUserByHandle(ByteView /*user_handle*/, std::optional<UserRecord>* /*out*/) {
    return Unsupported("LookupUserByHandle");
  }

  // ---- Administration ----

  // Removes every credential of the user and sets must_reregister, in one
  // atomic write; *removed (may be null) is how many credentials went.
  // NotFound if there is no such user record.
  virtual Status ResetUser(ByteView /*user_handle*/, size_t* /*removed*/) {
    return Unsupported("ResetUser");
  }

  // Sets (or, with nullopt, clears) the user's bypass.  NotFound if no user.
  virtual Status SetBypass(ByteView /*user_handle*/, std::optional<int64_t> /*until*/) {
    return Unsupported("SetBypass");
  }

  // ---- Challenges: single use ----

  // Consumes each use in order; (*outcomes)[i] says what happened to
  // uses[i].  A challenge is kConsumed by exactly one call, however many
  // threads race; on OK every kConsumed entry is durable, so the challenge
  // stays refused after a crash.  `now_ms` is the caller's clock.
  virtual Status ConsumeChallenges(std::span<const ChallengeUse> /*uses*/, int64_t /*now_ms*/,
                                   std::vector<ChallengeOutcome>* /*outcomes*/) {
    return Unsupported("ConsumeChallenges");
  }

  // As ConsumeChallenges, except that the consumption need not be durable
  // when this returns: it is refused to every later call at once (single use
  // holds among live threads), and it is durable once a SyncWrites() that
  // began after this returned has returned OK.  For callers that answer only
  // after such a sync anyway (the pipeline syncs before it completes a
  // batch): one fsync covers the challenges and the counters instead of one
  // each.  The default is ConsumeChallenges, durable at once.
  virtual Status ConsumeChallengesUnsynced(std::span<const ChallengeUse> uses, int64_t now_ms,
                                           std::vector<ChallengeOutcome>* outcomes) {
    return ConsumeChallenges(uses, now_ms, outcomes);
  }

  // A mark for SyncWritesUpTo, taken after the writes it is to cover have
  // returned.  SyncWritesUpTo(mark) makes those durable and has nothing to
  // do if a synced write or a sync has covered them since, however much
  // was written after the mark: the pipeline takes a mark when it forms a
  // batch and syncs up to it after the batch's commit, which then covers
  // it.  The defaults (no marks, nothing to sync) are right for a store
  // whose writes are all durable when they return.
  virtual uint64_t WriteMark() { return 0; }
  virtual Status SyncWritesUpTo(uint64_t /*mark*/) { return Status::Ok(); }

  // Makes every write that returned before this call durable.  Cheap when
  // nothing is pending.
  Status SyncWrites() { return SyncWritesUpTo(WriteMark()); }

  // Forgets consumed challenges that expired at or before now_ms (they are
  // refused as kExpired from then on, whatever clock a later call brings).
  // Stores that clean up by themselves may do nothing here.
  virtual Status SweepExpiredChallenges(int64_t /*now_ms*/) {
    return Unsupported("SweepExpiredChallenges");
  }

  // ---- Enumeration (metadata re-check, metadata_recheck.h) ----

  // Calls `visit` once for every stored credential, in no promised order; a
  // non-OK return from `visit` stops the walk and is returned.  The walk
  // need not be one snapshot: a credential inserted or deleted meanwhile may
  // or may not be visited.  `visit` may call other methods of the store.
  virtual Status ForEachCredential(
      const std::function<Status(const CredentialRecord&)>& /*visit*/) {
    return Unsupported("ForEachCredential");
  }

 protected:
  static Status Unsupported(std::string_view operation) {
    return Status::Unavailable(std::string(operation) + ": not supported by this store");
  }
};

}  // namespace keystorm

#endif  // KEYSTORM_CREDENTIAL_STORE_H_
