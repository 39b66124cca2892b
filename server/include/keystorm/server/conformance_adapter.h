// The FIDO2 conformance tool's server API (shared/reference/spec-checklist.md
// §(d)), served on the public listener only when [conformance].enabled:
//
//   POST /attestation/options   ServerPublicKeyCredentialCreationOptionsRequest
//   POST /attestation/result    ServerPublicKeyCredential (attestation)
//   POST /assertion/options     ServerPublicKeyCredentialGetOptionsRequest
//   POST /assertion/result      ServerPublicKeyCredential (assertion)
//
// Every answer is a ServerResponse {"status":"ok"|"failed","errorMessage"}:
// 200 with status ok, or 4xx/5xx with status failed and errorMessage the
// outcome code.  Unlike the /v1 API, the tool registers many credentials per
// user, so the adapter skips the login policy (it is a test mode: never turn
// it on for real users).
//
// Stateless like /v1: the challenge is sealed ‖ user handle.  The requested
// userVerification is remembered by the sealing key: a challenge issued for
// "required" is sealed with a key of its own, so the result endpoint knows,
// from an authenticated source, whether UV is required.
#ifndef KEYSTORM_SERVER_CONFORMANCE_ADAPTER_H_
#define KEYSTORM_SERVER_CONFORMANCE_ADAPTER_H_

#include <functional>
#include <memory>
#include <string>

#include "keystorm/credential_store.h"
#include "keystorm/metadata.h"
#include "keystorm/pipeline.h"
#include "keystorm/server/http.h"
#include "keystorm/storage/challenge_sealer.h"

namespace keystorm::server {

struct ConformanceAdapterOptions {
  std::string rp_id;
  std::string rp_name;
  int64_t timeout_ms = 60'000;
  std::function<int64_t()> now_ms;  // default: the system clock
  // Optional: the FIDO metadata in force, put into every job's Requirements
  // (the conformance tool's MDS tests revoke models through it).
  std::function<std::shared_ptr<const MetadataBlob>()> metadata;
};

class ConformanceAdapter {
 public:
  // `uv_sealer` seals challenges whose ceremony requires UV; `sealer` the
  // others.  They must use different keys.  REQUIRES: store and pipeline
  // outlive the adapter.
  ConformanceAdapter(ConformanceAdapterOptions options, CredentialStore* store,
                     Pipeline* pipeline, std::shared_ptr<const storage::ChallengeSealer> sealer,
                     std::shared_ptr<const storage::ChallengeSealer> uv_sealer);
  ~ConformanceAdapter();

  void AddRoutes(Router* router);

  void AttestationOptions(HttpRequest&& request, Responder respond);
  void AttestationResult(HttpRequest&& request, Responder respond);
  void AssertionOptions(HttpRequest&& request, Responder respond);
  void AssertionResult(HttpRequest&& request, Responder respond);

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_CONFORMANCE_ADAPTER_H_
