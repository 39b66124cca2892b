// keystorm store export / import: JSON lines that round-trip exactly, and an
// importer that refuses what it does not understand.
#include <gtest/gtest.h>

#include <sstream>

#include "keystorm/storage/store_export.h"
#include "store_test_util.h"

namespace keystorm::storage::testing {
namespace {

constexpr int64_t kNow = 1'800'000'000'000;

std::unique_ptr<RocksCredentialStore> OpenAt(const std::string& path) {
  StoreConfig config;
  config.path = path;
  config.challenge_sweep_interval_ms = 0;
  auto store = RocksCredentialStore::Open(config);
  EXPECT_TRUE(store.has_value()) << store.error().ToString();
  return store.has_value() ? std::move(store.value()) : nullptr;
}

// A store with every kind of record and every field in use.
void Fill(RocksCredentialStore* store) {
  UserInsertOutcome outcome{};
  UserRecord alice = MakeUser(std::string("\x00\xff"
                                          "alice",
                                          7),
                              "alice@example.org");
  alice.display_name = "Alice \xc3\x84rger \"quoted\" \\ back\nslash";  // UTF-8, escapes
  ASSERT_TRUE(store->InsertUserIfAbsent(alice, &outcome).ok());
  ASSERT_TRUE(store->InsertUserIfAbsent(MakeUser("bob", "bob"), &outcome).ok());
  ASSERT_TRUE(store->SetBypass(B("bob"), 1'900'000'000).ok());
  size_t removed = 0;
  ASSERT_TRUE(store->ResetUser(B("bob"), &removed).ok());
  for (int i = 0; i < 5; ++i) {
    CredentialRecord r = MakeCredential("cred-" + std::to_string(i), "alice", 100 + i);
    r.user_handle = alice.user_handle;
    r.id.push_back(0xff);
    r.last_used_at = 1'790'000'000 + i;
    r.transports = i % 2 ? std::vector<std::string>{} : std::vector<std::string>{"usb", "nfc"};
    bool inserted = false;
    ASSERT_TRUE(store->InsertCredentialIfAbsent(r, &inserted).ok());
  }
  std::vector<Bytes> ids = {B("ch-1"), B("ch-2")};
  std::vector<ChallengeUse> uses = {{ids[0], kNow + 1000}, {ids[1], kNow + 2000}};
  std::vector<ChallengeOutcome> out;
  ASSERT_TRUE(store->ConsumeChallenges(uses, kNow, &out).ok());
}

std::string ExportText(RocksCredentialStore* store, DumpCounts* counts) {
  std::ostringstream out;
  Status s = ExportJsonLines(store, &out, counts);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out.str();
}

TEST(StoreExport, RoundTripIsByteIdentical) {
  ScratchDir dir;
  auto source = OpenAt(dir.Sub("a"));
  Fill(source.get());
  DumpCounts counts;
  std::string text = ExportText(source.get(), &counts);
  EXPECT_EQ(counts.users, 2u);
  EXPECT_EQ(counts.credentials, 5u);
  EXPECT_EQ(counts.consumed_challenges, 2u);
  EXPECT_EQ(text.substr(0, text.find('\n')), R"({"keystorm_store_export":1,"format_version":1})");

  auto target = OpenAt(dir.Sub("b"));
  std::istringstream in(text);
  DumpCounts imported;
  Status s = ImportJsonLines(&in, target.get(), /*batch_lines=*/3, &imported);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(imported.credentials, 5u);
  DumpCounts again;
  EXPECT_EQ(ExportText(target.get(), &again), text);
  IntegrityReport report;
  ASSERT_TRUE(target->CheckIntegrity(&report).ok());
  EXPECT_EQ(report.credentials, 5u);
  EXPECT_EQ(report.users, 2u);

  // What was imported behaves as stored: the user reset holds, the consumed
  // challenge stays consumed, the counter rule sees the imported counter.
  std::optional<UserRecord> bob;
  ASSERT_TRUE(target->LookupUserByName("bob", &bob).ok());
  ASSERT_TRUE(bob);
  EXPECT_TRUE(bob->must_reregister);
  EXPECT_EQ(bob->bypass_until, std::optional<int64_t>(1'900'000'000));
  Bytes ch = B("ch-1");
  ChallengeUse use{ch, kNow + 1000};
  std::vector<ChallengeOutcome> out;
  ASSERT_TRUE(target->ConsumeChallenges(std::span<const ChallengeUse>(&use, 1), kNow, &out).ok());
  EXPECT_EQ(out[0], ChallengeOutcome::kAlreadyUsed);

  // Importing the same again conflicts and is refused.
  std::istringstream twice(text);
  EXPECT_EQ(ImportJsonLines(&twice, target.get(), 100, &imported).code(),
            Status::Code::kInvalidArgument);
}

TEST(StoreExport, ImportRefusesWhatItDoesNotUnderstand) {
  ScratchDir dir;
  auto store = OpenAt(dir.Sub("db"));
  const std::string header = R"({"keystorm_store_export":1,"format_version":1})";
  const std::string good_user =
      R"({"type":"user","user_handle":"aGFuZGxl","name":"n","display_name":"","created_at":1,"must_reregister":false,"bypass_until":null})";
  struct Case {
    std::string text;
    std::string_view why;
  };
  const Case cases[] = {
      {"", "empty input"},
      {good_user + "\n", "no header"},
      {R"({"keystorm_store_export":2,"format_version":1})"
       "\n",
       "newer export version"},
      {header + "\n" + R"({"type":"martian"})" + "\n", "unknown type"},
      {header + "\n" + good_user.substr(0, good_user.size() - 1) + R"(,"extra":1})" + "\n",
       "unknown field"},
      {header + "\n" + R"({"type":"user","user_handle":"aGFuZGxl","name":"n"})" + "\n",
       "missing fields"},
      {header + "\n" +
           R"({"type":"user","user_handle":"aGFuZGxl=","name":"n","display_name":"","created_at":1,"must_reregister":false,"bypass_until":null})" +
           "\n",
       "padded base64url"},
      {header + "\n" +
           R"({"type":"user","user_handle":"aGFuZGxl","name":"n","display_name":"","created_at":"1","must_reregister":false,"bypass_until":null})" +
           "\n",
       "string for a number"},
      {header + "\nnot json\n", "not JSON"},
      {header + "\n" +
           R"({"type":"consumed_challenge","id":"","expires_at_ms":5,"consumed_at_ms":1})" + "\n",
       "empty challenge id"},
  };
  for (const Case& c : cases) {
    std::istringstream in(c.text);
    DumpCounts counts;
    Status s = ImportJsonLines(&in, store.get(), 100, &counts);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << c.why << ": " << s.ToString();
  }
  DumpCounts counts;
  std::string text = ExportText(store.get(), &counts);
  EXPECT_EQ(counts.users + counts.credentials + counts.consumed_challenges, 0u)
      << "nothing of the refused imports was written";
}

}  // namespace
}  // namespace keystorm::storage::testing
