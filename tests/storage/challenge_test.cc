// Sealed challenges (matrix CHL-01..05, STO-03): issuing writes nothing,
// opening checks the seal and the claims, redeeming consumes once.
#include <gtest/gtest.h>

#include "keystorm/base64url.h"
#include "keystorm/storage/challenge_redeem.h"
#include "keystorm/storage/challenge_sealer.h"
#include "keystorm/storage/memory_store.h"
#include "keystorm/storage/rocks_store.h"
#include "store_test_util.h"

namespace keystorm::storage::testing {
namespace {

constexpr int64_t kT0 = 1'800'000'000'000;  // unix ms
constexpr int64_t kTtl = 300'000;           // the matrix's 300 s

ChallengeKey Key(uint32_t id, uint8_t fill, std::optional<int64_t> retired = std::nullopt) {
  ChallengeKey k;
  k.id = id;
  k.secret.fill(fill);
  k.retired_at_ms = retired;
  return k;
}

ChallengeSealer MakeSealer(uint32_t id = 1, uint8_t fill = 0x11) {
  auto s = ChallengeSealer::Create({Key(id, fill)}, kTtl);
  EXPECT_TRUE(s.has_value()) << s.error().ToString();
  return std::move(s.value());
}

Bytes Issue(const ChallengeSealer& sealer, CeremonyKind kind, const Bytes& user, int64_t now) {
  auto c = sealer.Issue(kind, user, now);
  EXPECT_TRUE(c.has_value());
  return c.has_value() ? c.value() : Bytes();
}

ChallengeCheck Redeem(const ChallengeSealer& sealer, CredentialStore* store, const Bytes& challenge,
                      CeremonyKind kind, const Bytes& user, int64_t now) {
  ChallengeCheck check = ChallengeCheck::kOk;
  Status s = RedeemChallenge(sealer, store, challenge, kind, user, now, &check);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return check;
}

const Bytes kAlice = B("user-alice"), kBob = B("user-bob"), kNobody;

TEST(ChallengeSealer, IssueWritesNothingAndOpensWithItsClaims) {
  ChallengeSealer sealer = MakeSealer(7);
  MemoryCredentialStore store;
  Bytes c = Issue(sealer, CeremonyKind::kAuthentication, kAlice, kT0);
  ASSERT_EQ(c.size(), kSealedChallengeBytes);
  // Nothing consumed or recorded: the first redemption is the first write.
  OpenedChallenge opened;
  ASSERT_EQ(sealer.Open(c, CeremonyKind::kAuthentication, kAlice, kT0 + 1, &opened),
            ChallengeCheck::kOk);
  EXPECT_EQ(opened.key_id, 7u);
  EXPECT_TRUE(opened.user_bound);
  EXPECT_EQ(opened.expires_at_ms, kT0 + kTtl);
  EXPECT_EQ(Base64UrlEncode(c).size(), 127u);
}

// CHL-05: the issuer always draws 32 fresh CSPRNG bytes.
TEST(ChallengeSealer, EveryChallengeHas32FreshRandomBytes) {
  ChallengeSealer sealer = MakeSealer();
  OpenedChallenge a, b;
  Bytes ca = Issue(sealer, CeremonyKind::kRegistration, kNobody, kT0);
  Bytes cb = Issue(sealer, CeremonyKind::kRegistration, kNobody, kT0);
  ASSERT_EQ(sealer.Open(ca, CeremonyKind::kRegistration, kNobody, kT0, &a), ChallengeCheck::kOk);
  ASSERT_EQ(sealer.Open(cb, CeremonyKind::kRegistration, kNobody, kT0, &b), ChallengeCheck::kOk);
  EXPECT_EQ(a.random.size(), 32u);
  EXPECT_NE(a.random, b.random);
}

// CHL-05: a challenge we never issued, or an altered one, never opens.
TEST(ChallengeSealer, ForgedAlteredOrEmptyChallengesAreRefused) {
  ChallengeSealer sealer = MakeSealer();
  Bytes c = Issue(sealer, CeremonyKind::kAuthentication, kNobody, kT0);
  OpenedChallenge opened;
  for (size_t i = 0; i < c.size(); ++i) {
    Bytes altered = c;
    altered[i] ^= 0x01;
    EXPECT_NE(sealer.Open(altered, CeremonyKind::kAuthentication, kNobody, kT0, &opened),
              ChallengeCheck::kOk)
        << "byte " << i;
  }
  EXPECT_EQ(sealer.Open(Bytes(), CeremonyKind::kAuthentication, kNobody, kT0, &opened),
            ChallengeCheck::kMalformed);
  EXPECT_EQ(sealer.Open(Bytes(c.begin(), c.end() - 1), CeremonyKind::kAuthentication, kNobody, kT0,
                        &opened),
            ChallengeCheck::kMalformed);
  // Sealed with another server's key (same key id, other secret).
  ChallengeSealer other = MakeSealer(1, 0x22);
  Bytes foreign = Issue(other, CeremonyKind::kAuthentication, kNobody, kT0);
  EXPECT_EQ(sealer.Open(foreign, CeremonyKind::kAuthentication, kNobody, kT0, &opened),
            ChallengeCheck::kBadTag);
}

// CHL-01 and CHL-02: the second redemption of a challenge is refused, whether
// the first ceremony succeeded or failed (it was consumed before verifying).
TEST(ChallengeRedeem, ReplayIsRefused) {
  ChallengeSealer sealer = MakeSealer();
  MemoryCredentialStore store;
  Bytes c = Issue(sealer, CeremonyKind::kAuthentication, kNobody, kT0);
  EXPECT_EQ(Redeem(sealer, &store, c, CeremonyKind::kAuthentication, kAlice, kT0 + 10),
            ChallengeCheck::kOk);
  EXPECT_EQ(Redeem(sealer, &store, c, CeremonyKind::kAuthentication, kAlice, kT0 + 20),
            ChallengeCheck::kAlreadyUsed);
  EXPECT_EQ(ToVerifyError(ChallengeCheck::kAlreadyUsed), VerifyError::kChallengeUnknown);
}

// CHL-03: TTL 300 s with an injected clock; the response at TTL + 1 s fails.
TEST(ChallengeRedeem, ExpiredChallengeIsRefused) {
  ChallengeSealer sealer = MakeSealer();
  MemoryCredentialStore store;
  Bytes late = Issue(sealer, CeremonyKind::kAuthentication, kNobody, kT0);
  EXPECT_EQ(Redeem(sealer, &store, late, CeremonyKind::kAuthentication, kNobody, kT0 + kTtl + 1000),
            ChallengeCheck::kExpired);
  EXPECT_EQ(Redeem(sealer, &store, late, CeremonyKind::kAuthentication, kNobody, kT0 + kTtl),
            ChallengeCheck::kExpired);  // at the expiry instant already
  Bytes in_time = Issue(sealer, CeremonyKind::kAuthentication, kNobody, kT0);
  EXPECT_EQ(Redeem(sealer, &store, in_time, CeremonyKind::kAuthentication, kNobody, kT0 + kTtl - 1),
            ChallengeCheck::kOk);
}

// CHL-04: a registration challenge for a login, and the reverse.
TEST(ChallengeRedeem, WrongCeremonyIsRefusedAndNotConsumed) {
  ChallengeSealer sealer = MakeSealer();
  MemoryCredentialStore store;
  Bytes reg = Issue(sealer, CeremonyKind::kRegistration, kAlice, kT0);
  EXPECT_EQ(Redeem(sealer, &store, reg, CeremonyKind::kAuthentication, kAlice, kT0),
            ChallengeCheck::kWrongCeremony);
  Bytes login = Issue(sealer, CeremonyKind::kAuthentication, kAlice, kT0);
  EXPECT_EQ(Redeem(sealer, &store, login, CeremonyKind::kRegistration, kAlice, kT0),
            ChallengeCheck::kWrongCeremony);
  // A refusal before the ledger writes nothing: the right ceremony still works.
  EXPECT_EQ(Redeem(sealer, &store, reg, CeremonyKind::kRegistration, kAlice, kT0),
            ChallengeCheck::kOk);
}

// CHL-04: user A's challenge in user B's session.
TEST(ChallengeRedeem, ChallengeBoundToAnotherUserIsRefused) {
  ChallengeSealer sealer = MakeSealer();
  MemoryCredentialStore store;
  Bytes for_alice = Issue(sealer, CeremonyKind::kAuthentication, kAlice, kT0);
  EXPECT_EQ(Redeem(sealer, &store, for_alice, CeremonyKind::kAuthentication, kBob, kT0),
            ChallengeCheck::kWrongUser);
  EXPECT_EQ(Redeem(sealer, &store, for_alice, CeremonyKind::kAuthentication, kNobody, kT0),
            ChallengeCheck::kWrongUser);
  EXPECT_EQ(Redeem(sealer, &store, for_alice, CeremonyKind::kAuthentication, kAlice, kT0),
            ChallengeCheck::kOk);
  // Usernameless: an unbound challenge is good for whichever user answers.
  Bytes unbound = Issue(sealer, CeremonyKind::kAuthentication, kNobody, kT0);
  EXPECT_EQ(Redeem(sealer, &store, unbound, CeremonyKind::kAuthentication, kBob, kT0),
            ChallengeCheck::kOk);
}

TEST(ChallengeSealer, RotationKeepsOldChallengesUntilTheyExpire) {
  ChallengeSealer old_sealer = MakeSealer(1, 0x11);
  Bytes before = Issue(old_sealer, CeremonyKind::kAuthentication, kNobody, kT0);
  const int64_t rotated_at = kT0 + 1000;
  auto rotated = old_sealer.Rotated(Key(2, 0x22), rotated_at);
  ASSERT_TRUE(rotated.has_value()) << rotated.error().ToString();
  const ChallengeSealer& sealer = rotated.value();
  EXPECT_EQ(sealer.issuing_key_id(), 2u);
  EXPECT_EQ(sealer.key_count(), 2u);

  OpenedChallenge opened;
  // The old key's challenge still opens until its own expiry ...
  EXPECT_EQ(sealer.Open(before, CeremonyKind::kAuthentication, kNobody, kT0 + kTtl - 1, &opened),
            ChallengeCheck::kOk);
  EXPECT_EQ(opened.key_id, 1u);
  EXPECT_EQ(sealer.Open(before, CeremonyKind::kAuthentication, kNobody, kT0 + kTtl, &opened),
            ChallengeCheck::kExpired);
  // ... new challenges use the new key, which the old sealer does not know ...
  Bytes after = Issue(sealer, CeremonyKind::kAuthentication, kNobody, rotated_at);
  EXPECT_EQ(sealer.Open(after, CeremonyKind::kAuthentication, kNobody, rotated_at, &opened),
            ChallengeCheck::kOk);
  EXPECT_EQ(opened.key_id, 2u);
  EXPECT_EQ(old_sealer.Open(after, CeremonyKind::kAuthentication, kNobody, rotated_at, &opened),
            ChallengeCheck::kUnknownKey);
  // ... a retired key cannot vouch for a challenge expiring later than any
  // it issued before retirement (a node that missed the rotation) ...
  Bytes straggler = Issue(old_sealer, CeremonyKind::kAuthentication, kNobody, rotated_at + 5000);
  EXPECT_EQ(
      sealer.Open(straggler, CeremonyKind::kAuthentication, kNobody, rotated_at + 5000, &opened),
      ChallengeCheck::kExpired);
  // ... and once all its challenges have expired, the next rotation drops it.
  auto again = sealer.Rotated(Key(3, 0x33), rotated_at + kTtl + 1);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again.value().key_count(), 2u);  // keys 2 (retired now) and 3
  EXPECT_EQ(again.value().Open(before, CeremonyKind::kAuthentication, kNobody, kT0, &opened),
            ChallengeCheck::kUnknownKey);
}

TEST(ChallengeSealer, CreateRefusesBadKeyRings) {
  EXPECT_FALSE(ChallengeSealer::Create({}, kTtl).has_value());
  EXPECT_FALSE(ChallengeSealer::Create({Key(1, 1), Key(2, 2)}, kTtl).has_value());
  EXPECT_FALSE(ChallengeSealer::Create({Key(1, 1), Key(1, 2, kT0)}, kTtl).has_value());
  EXPECT_FALSE(ChallengeSealer::Create({Key(1, 1)}, 0).has_value());
  EXPECT_FALSE(ChallengeSealer::Create({Key(1, 1)}, 3'600'001).has_value());
  EXPECT_TRUE(ChallengeSealer::Create({Key(1, 1), Key(2, 2, kT0)}, kTtl).has_value());
}

TEST(ChallengeRedeem, TextFormIsTheClientsBase64url) {
  ChallengeSealer sealer = MakeSealer();
  MemoryCredentialStore store;
  Bytes c = Issue(sealer, CeremonyKind::kAuthentication, kNobody, kT0);
  ChallengeCheck check{};
  ASSERT_TRUE(RedeemChallengeText(sealer, &store, Base64UrlEncode(c), CeremonyKind::kAuthentication,
                                  kNobody, kT0, &check)
                  .ok());
  EXPECT_EQ(check, ChallengeCheck::kOk);
  ASSERT_TRUE(RedeemChallengeText(sealer, &store, "not base64url!", CeremonyKind::kAuthentication,
                                  kNobody, kT0, &check)
                  .ok());
  EXPECT_EQ(check, ChallengeCheck::kMalformed);
}

// A store that cannot record the use must not let the ceremony through.
TEST(ChallengeRedeem, StoreFailureFailsClosed) {
  class NoLedger final : public CredentialStore {
   public:
    Status MultiLookup(std::span<const ByteView>,
                       std::vector<std::optional<CredentialRecord>>*) override {
      return Status::Ok();
    }
    Status CommitUpdates(std::span<const CounterUpdate>, std::vector<CommitOutcome>*) override {
      return Status::Ok();
    }
    Status InsertCredentialIfAbsent(const CredentialRecord&, bool*) override {
      return Status::Ok();
    }
    Status ListForUser(ByteView, std::vector<CredentialRecord>*) override { return Status::Ok(); }
    Status Delete(ByteView) override { return Status::Ok(); }
  } store;
  ChallengeSealer sealer = MakeSealer();
  Bytes c = Issue(sealer, CeremonyKind::kAuthentication, kNobody, kT0);
  ChallengeCheck check = ChallengeCheck::kOk;
  Status s =
      RedeemChallenge(sealer, &store, c, CeremonyKind::kAuthentication, kNobody, kT0, &check);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(check, ChallengeCheck::kOk);
}

// STO-03 in-process: consumed, store closed, reopened: still refused.  (The
// kill -9 version is the crash loop, store_crash_test.)
TEST(ChallengeRedeem, ConsumedChallengeStaysRefusedAfterRestart) {
  ScratchDir dir;
  StoreConfig config;
  config.path = dir.Sub("db");
  config.challenge_sweep_interval_ms = 0;
  ChallengeSealer sealer = MakeSealer();
  Bytes c = Issue(sealer, CeremonyKind::kAuthentication, kAlice, kT0);
  {
    auto store = RocksCredentialStore::Open(config);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    EXPECT_EQ(Redeem(sealer, store.value().get(), c, CeremonyKind::kAuthentication, kAlice, kT0),
              ChallengeCheck::kOk);
  }
  auto store = RocksCredentialStore::Open(config);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  EXPECT_EQ(Redeem(sealer, store.value().get(), c, CeremonyKind::kAuthentication, kAlice, kT0 + 5),
            ChallengeCheck::kAlreadyUsed);
}

}  // namespace
}  // namespace keystorm::storage::testing
