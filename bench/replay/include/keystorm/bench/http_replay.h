// HTTP mode of the replay (`keystorm bench replay --http URL`): the corpus
// against a running `keystorm serve` over loopback keep-alive connections.
//
// NOT WIRED YET: the server is built on another branch.  What this assumes
// of it (docs/corpus_format.md, "HTTP mode"):
//   - POST {path} (default /v1/authentication/verify) takes a W3C
//     AuthenticationResponseJSON body and answers a JSON object carrying
//     "outcome":"<code>" (SCHEMA.md codes; "ok" when verified);
//   - its challenges are sealed by storage::ChallengeSealer with the keys of
//     its challenge_key_file, and it redeems them single-use itself;
//   - it opens a RocksDB directory into which ImportCorpusIntoStore wrote the
//     corpus's users and credentials before it started.
// The three steps are separate so that each can be adapted to the server as
// merged without touching the others.
#ifndef KEYSTORM_BENCH_HTTP_REPLAY_H_
#define KEYSTORM_BENCH_HTTP_REPLAY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "keystorm/bench/replay_driver.h"
#include "keystorm/corpus/replay_corpus.h"
#include "keystorm/status.h"
#include "keystorm/storage/challenge_sealer.h"

namespace keystorm::bench {

struct HttpReplayOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  std::string path = "/v1/authentication/verify";
  int connections = 64;    // keep-alive connections, one request in flight each
  double rate = 0;         // the storm's peak, logins/s; 0: as fast as connections allow
  size_t limit = 0;        // first N logins; 0: all
};

// "http://host:port[/path]" into options (no TLS: loopback only).
// InvalidArgument for anything else.
Status ParseHttpUrl(std::string_view url, HttpReplayOptions* options);

// Step 1, before the server starts: one user per corpus credential (name
// "user-<index>") and the credentials, registered as the corpus registered
// them, in synced batches.  REQUIRES: db_dir absent or empty (else
// InvalidArgument, nothing written).
Status ImportCorpusIntoStore(const corpus::ReplayCorpus& corpus, const std::string& db_dir);

// Step 2: a fresh challenge (base64url) for a login, issued with the
// server's key.  Called in arrival order, once per login.
using ChallengeIssuer = std::function<Result<std::string>(const corpus::CorpusLogin& login)>;

// Issues unbound authentication challenges with `sealer` (which must hold the
// server's keys) valid from now.
ChallengeIssuer SealedChallengeIssuer(std::shared_ptr<const storage::ChallengeSealer> sealer);

// Every login (or the first `limit`) re-signed over an issued challenge,
// faults kept.  A replayed_challenge login reuses the challenge issued to the
// earlier login whose challenge it replays, so the server must refuse it.
Result<std::vector<std::string>> PresignLogins(const corpus::ReplayCorpus& corpus, size_t limit,
                                               const ChallengeIssuer& issuer);

// Step 3: drives the server open-loop and checks every answer; the result
// has the in-process report's shape (mode "http": no ceiling unless the
// caller fills it).  Unavailable if no connection can be made.
Result<ReplayResult> RunHttpReplay(const corpus::ReplayCorpus& corpus,
                                   const std::vector<std::string>& bodies,
                                   const HttpReplayOptions& options);

}  // namespace keystorm::bench

#endif  // KEYSTORM_BENCH_HTTP_REPLAY_H_
