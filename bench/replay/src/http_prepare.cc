// HTTP mode, the untimed steps: the server's store and the re-signed bodies.
#include <chrono>
#include <filesystem>
#include <map>

#include "keystorm/base64url.h"
#include "keystorm/bench/http_replay.h"
#include "keystorm/corpus/login_builder.h"
#include "keystorm/storage/rocks_store.h"

namespace keystorm::bench {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Status ParseHttpUrl(std::string_view url, HttpReplayOptions* options) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return Status::InvalidArgument("--http: only http://host:port[/path] (loopback, no TLS)");
  }
  std::string_view rest = url.substr(kScheme.size());
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Status::InvalidArgument("--http: the URL needs host:port");
  }
  std::string port_text(authority.substr(colon + 1));
  char* end = nullptr;
  long port = std::strtol(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || port <= 0 || port > 65535) {
    return Status::InvalidArgument("--http: bad port '" + port_text + "'");
  }
  options->host = std::string(authority.substr(0, colon));
  options->port = static_cast<uint16_t>(port);
  if (slash != std::string_view::npos && slash + 1 < rest.size()) {
    options->path = std::string(rest.substr(slash));
  }
  return Status::Ok();
}

Status ImportCorpusIntoStore(const corpus::ReplayCorpus& corpus, const std::string& db_dir) {
  std::error_code ec;
  if (std::filesystem::exists(db_dir, ec) && !std::filesystem::is_empty(db_dir, ec)) {
    return Status::InvalidArgument(db_dir + " is not empty");
  }
  // The server's data folder may not exist yet (serve creates the rest).
  std::filesystem::create_directories(db_dir, ec);
  if (ec) return Status::IOError(db_dir + ": " + ec.message());
  storage::StoreConfig config;
  config.path = db_dir;
  config.challenge_sweep_interval_ms = 0;
  Result<std::unique_ptr<storage::RocksCredentialStore>> store =
      storage::RocksCredentialStore::Open(config);
  if (!store) return store.error();
  constexpr size_t kChunk = 5000;
  int64_t now_s = NowMs() / 1000;
  for (size_t first = 0; first < corpus.credentials.size(); first += kChunk) {
    storage::ImportBatch batch;
    for (size_t i = first; i < std::min(first + kChunk, corpus.credentials.size()); ++i) {
      const corpus::CorpusCredential& c = corpus.credentials[i];
      UserRecord user;
      user.user_handle = c.user_handle;
      user.name = "user-" + std::to_string(i);
      user.display_name = user.name;
      user.created_at = now_s;
      batch.users.push_back(std::move(user));
      // The record the corpus's registration produces (R27).
      CredentialRecord record;
      record.id = c.credential_id;
      record.user_handle = c.user_handle;
      record.public_key_cose = c.cose_key;
      record.algorithm = c.algorithm;
      record.backup_eligible = c.backup_eligible;
      record.backup_state = c.backup_eligible;
      record.uv_initialized = true;
      record.transports = {c.kind == corpus::AuthenticatorKind::kSecurityKey ? "usb" : "internal"};
      record.attestation_format = "none";
      record.created_at = now_s;
      batch.credentials.push_back(std::move(record));
    }
    Status st = (*store)->Import(batch);
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

ChallengeIssuer SealedChallengeIssuer(const corpus::ReplayCorpus& corpus,
                                      std::shared_ptr<const storage::ChallengeSealer> sealer) {
  return [&corpus, sealer](const corpus::CorpusLogin& login) -> Result<std::string> {
    // The user the login is for, as /v1/login/start names it: the handle of
    // the credential that signs (an unregistered credential's handle belongs
    // to no account, so the server answers unknown_credential).
    const Bytes& user_handle = corpus.CredentialOf(login).user_handle;
    Result<Bytes> challenge =
        sealer->Issue(storage::CeremonyKind::kAuthentication, user_handle, NowMs());
    if (!challenge) return challenge.error();
    // The server's wire form: the seal, then the handle it is bound to.
    challenge->insert(challenge->end(), user_handle.begin(), user_handle.end());
    return Base64UrlEncode(*challenge);
  };
}

Result<std::vector<std::string>> PresignLogins(const corpus::ReplayCorpus& corpus, size_t limit,
                                               const ChallengeIssuer& issuer) {
  size_t n = limit > 0 ? std::min(limit, corpus.logins.size()) : corpus.logins.size();
  std::vector<std::unique_ptr<corpus::CredentialSigner>> signers, unregistered;
  for (const auto* pool : {&corpus.credentials, &corpus.unregistered}) {
    for (const corpus::CorpusCredential& c : *pool) {
      Result<std::unique_ptr<corpus::CredentialSigner>> s = corpus::CredentialSigner::Create(c);
      if (!s) return s.error();
      (pool == &corpus.credentials ? signers : unregistered).push_back(std::move(*s));
    }
  }
  // The corpus's challenge -> the challenge issued in its place, so that a
  // replay presents the very challenge the original login spent.
  std::map<std::array<uint8_t, 32>, std::string> issued;
  std::vector<std::string> bodies;
  bodies.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const corpus::CorpusLogin& login = corpus.logins[i];
    std::string challenge;
    auto it = issued.find(login.challenge);
    if (login.fault == corpus::Fault::kReplayedChallenge && it != issued.end()) {
      challenge = it->second;
    } else {
      Result<std::string> fresh = issuer(login);
      if (!fresh) return fresh.error();
      challenge = *fresh;
      issued.emplace(login.challenge, challenge);
    }
    const corpus::CredentialSigner& signer = (login.flags & corpus::kLoginUnregisteredCredential)
                                                 ? *unregistered[login.credential]
                                                 : *signers[login.credential];
    bodies.push_back(corpus::ResignedAssertionJson(corpus, login, signer, challenge));
  }
  return bodies;
}

}  // namespace keystorm::bench
