// HTTP mode of the replay (`keystorm bench replay --http URL`): the corpus
// against a running `keystorm serve` over loopback keep-alive connections.
//
// What it relies on of the server (server/src/app/webauthn_service.cc;
// docs/corpus_format.md, "HTTP mode"):
//   - POST {path} (default /v1/authentication/verify) takes a plain W3C
//     AuthenticationResponseJSON; the challenge is read from clientDataJSON;
//   - it answers 200 {"verified":true,...}, or an error status with
//     {"error":{"code":"<SCHEMA.md code>","message":...}};
//   - its challenges are the 95-byte seal (storage::ChallengeSealer, keys
//     from its challenge_key_file) followed by the user handle the seal is
//     bound to, and it redeems them single-use itself;
//   - it opens the RocksDB directory <data dir>/<[store].path> into which
//     ImportCorpusIntoStore wrote the corpus's users and credentials before
//     it started.
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

// Issues authentication challenges with `sealer` (which must hold the
// server's issuing key), valid from now, in the server's wire form: the seal
// bound to the user handle of the login's credential, then that handle (as
// if the user had named themself at /v1/login/start).  `corpus` must outlive
// the issuer.
ChallengeIssuer SealedChallengeIssuer(const corpus::ReplayCorpus& corpus,
                                      std::shared_ptr<const storage::ChallengeSealer> sealer);

// Every login (or the first `limit`) re-signed over an issued challenge,
// faults kept.  A replayed_challenge login reuses the challenge issued to the
// earlier login whose challenge it replays, so the server must refuse it.
Result<std::vector<std::string>> PresignLogins(const corpus::ReplayCorpus& corpus, size_t limit,
                                               const ChallengeIssuer& issuer);

// Step 3: drives the server open-loop and checks every answer; the result
// has the in-process report's shape (mode "http": no ceiling unless the
// caller fills it).  Unavailable if no connection can be made.
//
// Order: the verdicts of counter_regression and replayed_challenge logins
// depend on an earlier login being answered first.  Every login is pinned
// to one connection (a hash of its credential id; a replayed_challenge
// login to the connection of the login whose challenge it replays), each
// connection has one request in flight and takes its logins in arrival
// order, so any such pair is answered in corpus order with any number of
// connections.  The price: a connection's queue waits for its own server
// answer even when another connection is idle (latency counts it).
Result<ReplayResult> RunHttpReplay(const corpus::ReplayCorpus& corpus,
                                   const std::vector<std::string>& bodies,
                                   const HttpReplayOptions& options);

}  // namespace keystorm::bench

#endif  // KEYSTORM_BENCH_HTTP_REPLAY_H_
