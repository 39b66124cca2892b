// HTTP mode against a stand-in for `keystorm serve` that speaks its wire
// protocol: a loopback HTTP/1.1 keep-alive server, one thread per
// connection, that splits the challenge into seal and bound user handle,
// redeems it (storage::RedeemChallenge) and verifies through the Pipeline,
// answering 200 {"verified":true} or 401/400 {"error":{"code":...}}.  It
// checks the driver's half of the contract (sealed, bound challenges issued
// with the server's key, re-signed bodies, replays reusing the spent
// challenge, keep-alive framing, the verdict check, and the order of
// dependent logins over many connections).  The real server is driven by
// tests/replay/serve_http_replay_test.sh.
#include <gtest/gtest.h>

#include <boost/asio.hpp>

#include <atomic>
#include <filesystem>
#include <thread>

#include "keystorm/base64url.h"
#include "keystorm/bench/http_replay.h"
#include "keystorm/client_data.h"
#include "keystorm/corpus/corpus_generator.h"
#include "keystorm/corpus/login_builder.h"
#include "keystorm/pipeline.h"
#include "keystorm/storage/challenge_redeem.h"
#include "keystorm/storage/memory_store.h"
#include "keystorm/storage/rocks_store.h"
#include "keystorm/webauthn_json.h"

namespace keystorm::bench {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::shared_ptr<const storage::ChallengeSealer> TestSealer() {
  storage::ChallengeKey key;
  key.id = 7;
  key.secret.fill(0x42);
  Result<storage::ChallengeSealer> made = storage::ChallengeSealer::Create({key}, 600'000);
  EXPECT_TRUE(made.has_value());
  return std::make_shared<const storage::ChallengeSealer>(std::move(*made));
}

class StandInServer {
 public:
  StandInServer(const corpus::ReplayCorpus& corpus,
                std::shared_ptr<const storage::ChallengeSealer> sealer)
      : sealer_(std::move(sealer)), verifier_(Rp(corpus)), acceptor_(io_, {tcp::v4(), 0}) {
    for (const corpus::CorpusCredential& c : corpus.credentials) {
      CredentialRecord r;
      r.id = c.credential_id;
      r.user_handle = c.user_handle;
      r.public_key_cose = c.cose_key;
      r.algorithm = c.algorithm;
      r.backup_eligible = r.backup_state = c.backup_eligible;
      bool inserted = false;
      EXPECT_TRUE(store_.InsertCredentialIfAbsent(r, &inserted).ok());
    }
    PipelineOptions po;
    po.workers = 1;
    pipeline_ = std::make_unique<Pipeline>(&verifier_, &store_, po);
    thread_ = std::thread([this] { AcceptLoop(); });
  }
  ~StandInServer() {
    stopping_ = true;
    // A blocking accept() is not woken by close(): connect once to end it.
    boost::system::error_code ignored;
    asio::io_context io;
    tcp::socket wake(io);
    wake.connect({asio::ip::address_v4::loopback(), port()}, ignored);
    thread_.join();
    acceptor_.close(ignored);
    for (auto& t : connections_) t.join();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  static RelyingPartyConfig Rp(const corpus::ReplayCorpus& corpus) {
    RelyingPartyConfig rp;
    rp.rp_id = corpus.rp_id;
    rp.origins = {corpus.origin};
    return rp;
  }

  void AcceptLoop() {
    while (!stopping_) {
      auto socket = std::make_shared<tcp::socket>(io_);
      boost::system::error_code ec;
      acceptor_.accept(*socket, ec);
      if (ec || stopping_) return;
      connections_.emplace_back([this, socket] { Serve(socket.get()); });
    }
  }

  void Serve(tcp::socket* socket) {
    asio::streambuf buffer;
    for (;;) {
      boost::system::error_code ec;
      size_t head_len = asio::read_until(*socket, buffer, "\r\n\r\n", ec);
      if (ec) return;
      std::string head(asio::buffers_begin(buffer.data()),
                       asio::buffers_begin(buffer.data()) + head_len);
      buffer.consume(head_len);
      size_t at = head.find("Content-Length:");
      size_t length = at == std::string::npos ? 0 : std::stoul(head.substr(at + 15));
      if (buffer.size() < length) asio::read(*socket, buffer, asio::transfer_exactly(length - buffer.size()), ec);
      if (ec) return;
      std::string body(asio::buffers_begin(buffer.data()), asio::buffers_begin(buffer.data()) + length);
      buffer.consume(length);
      VerifyError verdict = Verify(body);
      std::string answer = verdict == VerifyError::kOk
                               ? std::string("{\"verified\":true}")
                               : "{\"error\":{\"code\":\"" + std::string(VerifyErrorName(verdict)) +
                                     "\",\"message\":\"no\"}}";
      std::string status = verdict == VerifyError::kOk ? "200 OK" : "401 Unauthorized";
      std::string response = "HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " +
                             std::to_string(answer.size()) + "\r\n\r\n" + answer;
      asio::write(*socket, asio::buffer(response), ec);
      if (ec) return;
    }
  }

  VerifyError Verify(const std::string& body) {
    JsonScratch scratch;
    AuthenticationResponse response;
    if (VerifyError e = ParseAuthenticationResponseJson(body, &scratch, &response); e != VerifyError::kOk) {
      return e;
    }
    CollectedClientData client_data;
    if (VerifyError e = ParseClientData(response.client_data_json, &scratch, &client_data);
        e != VerifyError::kOk) {
      return e;
    }
    std::string challenge(client_data.challenge);
    Bytes decoded;
    if (!Base64UrlDecode(challenge, &decoded) || decoded.size() < storage::kSealedChallengeBytes) {
      return VerifyError::kChallengeUnknown;
    }
    ByteView sealed(decoded.data(), storage::kSealedChallengeBytes);
    Bytes user_handle(decoded.begin() + storage::kSealedChallengeBytes, decoded.end());
    storage::ChallengeCheck check;
    Status st = storage::RedeemChallenge(*sealer_, &store_, sealed,
                                         storage::CeremonyKind::kAuthentication, user_handle,
                                         NowMs(), &check);
    if (!st.ok() || check != storage::ChallengeCheck::kOk) return VerifyError::kChallengeUnknown;
    AssertionJob job;
    job.response_json = body;
    job.expected.challenge = challenge;
    job.expected.user_handle = user_handle;
    job.expected.requirements.user_verification_required = true;
    return pipeline_->SubmitAssertion(std::move(job)).get().verdict;
  }

  std::shared_ptr<const storage::ChallengeSealer> sealer_;
  storage::MemoryCredentialStore store_;
  Verifier verifier_;
  std::unique_ptr<Pipeline> pipeline_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::vector<std::thread> connections_;
  std::atomic<bool> stopping_{false};
};

corpus::ReplayCorpus FaultyCorpus() {
  corpus::GeneratorOptions o;
  o.seed = 51;
  o.users = 12;
  o.logins = 360;
  o.storm.peak_rate = 5000;
  o.storm.ramp_s = 0.01;
  EXPECT_TRUE(corpus::ParseFaults("all=0.025", &o).ok());
  Result<corpus::ReplayCorpus> c = corpus::GenerateReplayCorpus(o);
  EXPECT_TRUE(c.has_value());
  return std::move(*c);
}

TEST(HttpReplay, EveryFaultGetsItsCodeFromAServerThatSealsChallenges) {
  corpus::ReplayCorpus corpus = FaultyCorpus();
  auto sealer = TestSealer();
  StandInServer server(corpus, sealer);
  Result<std::vector<std::string>> bodies =
      PresignLogins(corpus, 0, SealedChallengeIssuer(corpus, sealer));
  ASSERT_TRUE(bodies.has_value()) << bodies.error().ToString();
  HttpReplayOptions o;
  ASSERT_TRUE(ParseHttpUrl("http://127.0.0.1:" + std::to_string(server.port()), &o).ok());
  // Many connections: pinning keeps a login before its replay and before
  // its credential's counter regression (http_replay.h, "Order").
  o.connections = 16;
  o.rate = 20000;
  Result<ReplayResult> r = RunHttpReplay(corpus, *bodies, o);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->logins, corpus.logins.size());
  for (const ReplayMismatch& m : r->mismatches) {
    ADD_FAILURE() << "login " << m.login << " (" << corpus::FaultName(m.fault) << "): expected "
                  << VerifyErrorName(m.expected) << ", got " << m.got;
  }
  EXPECT_EQ(r->verdicts["challenge_unknown"], 9u);  // 2.5% of 360 replays
  EXPECT_EQ(r->verdicts["sign_count_regression"], 9u);
  EXPECT_EQ(r->mode, "http");
}

TEST(HttpReplay, ManyKeepAliveConnectionsCarryEveryLogin) {
  corpus::GeneratorOptions g;
  g.seed = 52;
  g.users = 30;
  g.logins = 300;
  g.mix = {1, 0, 0};  // synced passkeys: no counter ordering between logins
  Result<corpus::ReplayCorpus> made = corpus::GenerateReplayCorpus(g);
  ASSERT_TRUE(made.has_value());
  corpus::ReplayCorpus corpus = std::move(*made);
  auto sealer = TestSealer();
  StandInServer server(corpus, sealer);
  Result<std::vector<std::string>> bodies = PresignLogins(corpus, 0, SealedChallengeIssuer(corpus, sealer));
  ASSERT_TRUE(bodies.has_value());
  HttpReplayOptions o;
  o.port = server.port();
  o.connections = 8;
  Result<ReplayResult> r = RunHttpReplay(corpus, *bodies, o);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->mismatches.empty());
  EXPECT_EQ(r->verdicts["ok"], 300u);
  EXPECT_EQ(r->connections_held, 8u);
}

TEST(HttpReplay, NoServerIsUnavailable) {
  corpus::ReplayCorpus corpus = FaultyCorpus();
  std::vector<std::string> bodies(3, "{}");
  HttpReplayOptions o;
  // A port bound but never listened on refuses connections, and being
  // bound, no other test's listener can take it meanwhile.
  asio::io_context io;
  tcp::socket bound(io);
  bound.open(tcp::v4());
  bound.bind({asio::ip::make_address("127.0.0.1"), 0});
  o.port = bound.local_endpoint().port();
  o.connections = 2;
  Result<ReplayResult> r = RunHttpReplay(corpus, bodies, o);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), Status::Code::kUnavailable);
}

TEST(HttpReplay, UrlParsing) {
  HttpReplayOptions o;
  ASSERT_TRUE(ParseHttpUrl("http://localhost:9443/v2/verify", &o).ok());
  EXPECT_EQ(o.host, "localhost");
  EXPECT_EQ(o.port, 9443);
  EXPECT_EQ(o.path, "/v2/verify");
  EXPECT_EQ(ParseHttpUrl("https://localhost:9443", &o).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(ParseHttpUrl("http://localhost", &o).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(ParseHttpUrl("http://localhost:99999", &o).code(), Status::Code::kInvalidArgument);
}

TEST(HttpReplay, ServerStoreImportHoldsEveryCredentialAndRefusesAUsedDirectory) {
  corpus::ReplayCorpus corpus = FaultyCorpus();
  std::string dir = ::testing::TempDir() + "/keystorm_http_import_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(ImportCorpusIntoStore(corpus, dir).ok());
  EXPECT_EQ(ImportCorpusIntoStore(corpus, dir).code(), Status::Code::kInvalidArgument);
  storage::StoreConfig config;
  config.path = dir;
  config.read_only = true;
  auto store = storage::RocksCredentialStore::Open(config);
  ASSERT_TRUE(store.has_value());
  std::vector<ByteView> ids;
  for (const auto& c : corpus.credentials) ids.push_back(c.credential_id);
  std::vector<std::optional<CredentialRecord>> found;
  ASSERT_TRUE((*store)->MultiLookup(ids, &found).ok());
  for (size_t i = 0; i < ids.size(); ++i) {
    ASSERT_TRUE(found[i].has_value()) << i;
    EXPECT_EQ(found[i]->public_key_cose, corpus.credentials[i].cose_key);
  }
  std::optional<UserRecord> user;
  ASSERT_TRUE((*store)->LookupUserByName("user-0", &user).ok());
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->user_handle, corpus.credentials[0].user_handle);
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace keystorm::bench
