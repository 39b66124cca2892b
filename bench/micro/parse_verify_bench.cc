// Micro-benchmarks of the hot per-login functions the other suites do not
// cover (p256_verify_bench has raw ES256, store_bench the store,
// policy_evaluate_bench the policy):
//
//   BM_ParseAuthenticationResponseJson   the W3C JSON envelope + base64url
//   BM_ParseClientData                   clientDataJSON (simdjson, reused scratch)
//   BM_ParseAuthenticatorData            an assertion's authenticatorData
//   BM_ParseCoseKey/{ES256,EdDSA,RS256}  COSE_Key -> PublicKey (cache misses pay it)
//   BM_Verify/{ES256,EdDSA,RS256}        PublicKey::Verify2, authData ‖ hash
//   BM_VerifyPreparedES256/32            the pipeline's ES256 path for a chunk
//                                        of 32: one shared inversion, then 32
//                                        Verify2 (time per chunk; items/s is
//                                        signatures)
//
// Inputs are corpus logins (login_builder.h).  Every benchmark checks its
// result once before timing and reports an error instead of a figure if it
// is wrong.
#include <benchmark/benchmark.h>
#include <openssl/sha.h>

#include <map>
#include <memory>

#include "keystorm/authenticator_data.h"
#include "keystorm/base64url.h"
#include "keystorm/client_data.h"
#include "keystorm/corpus/login_builder.h"
#include "keystorm/cose_key.h"
#include "keystorm/webauthn_json.h"
#include "p256_signature_batch.h"

namespace {

using namespace keystorm;

struct Sample {
  corpus::ReplayCorpus corpus;
  corpus::CorpusLogin login;
  std::string json;
  Bytes auth_data;
  std::string client_data;
  std::array<uint8_t, 32> client_data_hash{};
};

// One honest login by a credential of COSE algorithm `alg`.
const Sample& SampleFor(int64_t alg) {
  static std::map<int64_t, std::unique_ptr<Sample>> samples;
  auto& slot = samples[alg];
  if (slot) return *slot;
  slot = std::make_unique<Sample>();
  Sample& s = *slot;
  s.corpus.rp_id = "login.example.com";
  s.corpus.origin = "https://login.example.com";
  corpus::AuthenticatorKind kind = alg == -257 ? corpus::AuthenticatorKind::kHello
                                   : alg == -8 ? corpus::AuthenticatorKind::kSecurityKey
                                               : corpus::AuthenticatorKind::kPlatform;
  s.corpus.credentials.push_back(*corpus::NewCorpusCredential(kind, alg, 99));
  Result<std::unique_ptr<corpus::CredentialSigner>> signer =
      corpus::CredentialSigner::Create(s.corpus.credentials[0]);
  s.login.challenge.fill(0x5a);
  s.login.sign_count = alg == -7 ? 0 : 7;
  s.auth_data = corpus::LoginAuthenticatorData(s.corpus, s.login);
  s.client_data = corpus::LoginClientData(s.corpus, s.login);
  SHA256(reinterpret_cast<const uint8_t*>(s.client_data.data()), s.client_data.size(),
         s.client_data_hash.data());
  Bytes message = s.auth_data;
  message.insert(message.end(), s.client_data_hash.begin(), s.client_data_hash.end());
  s.login.signature = (*signer)->Sign(message);
  s.json = corpus::LoginAssertionJson(s.corpus, s.login);
  return s;
}

void BM_ParseAuthenticationResponseJson(benchmark::State& state) {
  const Sample& s = SampleFor(-7);
  JsonScratch scratch;
  AuthenticationResponse r;
  if (ParseAuthenticationResponseJson(s.json, &scratch, &r) != VerifyError::kOk ||
      r.signature != s.login.signature) {
    state.SkipWithError("the envelope does not parse back");
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(ParseAuthenticationResponseJson(s.json, &scratch, &r));
  }
}
BENCHMARK(BM_ParseAuthenticationResponseJson);

void BM_ParseClientData(benchmark::State& state) {
  const Sample& s = SampleFor(-7);
  JsonScratch scratch;
  CollectedClientData c;
  if (ParseClientData(AsBytes(s.client_data), &scratch, &c) != VerifyError::kOk ||
      c.type != "webauthn.get" || c.challenge != Base64UrlEncode(s.login.challenge)) {
    state.SkipWithError("clientDataJSON does not parse back");
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(ParseClientData(AsBytes(s.client_data), &scratch, &c));
  }
}
BENCHMARK(BM_ParseClientData);

void BM_ParseAuthenticatorData(benchmark::State& state) {
  const Sample& s = SampleFor(-257);
  AuthenticatorData ad;
  if (ParseAuthenticatorData(s.auth_data, &ad) != VerifyError::kOk || ad.sign_count != 7) {
    state.SkipWithError("authenticatorData does not parse back");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(ParseAuthenticatorData(s.auth_data, &ad));
}
BENCHMARK(BM_ParseAuthenticatorData);

void BM_ParseCoseKey(benchmark::State& state, int64_t alg) {
  const Sample& s = SampleFor(alg);
  std::unique_ptr<PublicKey> key;
  if (PublicKey::Parse(s.corpus.credentials[0].cose_key, &key) != VerifyError::kOk ||
      !key->Verify2(s.auth_data, s.client_data_hash, s.login.signature)) {
    state.SkipWithError("the parsed key does not verify the sample");
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(PublicKey::Parse(s.corpus.credentials[0].cose_key, &key));
  }
}
BENCHMARK_CAPTURE(BM_ParseCoseKey, ES256, -7);
BENCHMARK_CAPTURE(BM_ParseCoseKey, EdDSA, -8);
BENCHMARK_CAPTURE(BM_ParseCoseKey, RS256, -257);

void BM_Verify(benchmark::State& state, int64_t alg) {
  const Sample& s = SampleFor(alg);
  std::unique_ptr<PublicKey> key;
  Bytes bad = s.login.signature;
  bad[bad.size() / 2] ^= 1;
  if (PublicKey::Parse(s.corpus.credentials[0].cose_key, &key) != VerifyError::kOk ||
      !key->Verify2(s.auth_data, s.client_data_hash, s.login.signature) ||
      key->Verify2(s.auth_data, s.client_data_hash, bad)) {
    state.SkipWithError("verification answers wrongly on the sample");
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(key->Verify2(s.auth_data, s.client_data_hash, s.login.signature));
  }
}
BENCHMARK_CAPTURE(BM_Verify, ES256, -7);
BENCHMARK_CAPTURE(BM_Verify, EdDSA, -8);
BENCHMARK_CAPTURE(BM_Verify, RS256, -257);

void BM_VerifyPreparedES256(benchmark::State& state) {
  const Sample& s = SampleFor(-7);
  std::unique_ptr<PublicKey> key;
  const size_t chunk = static_cast<size_t>(state.range(0));
  Bytes bad = s.login.signature;
  bad[bad.size() / 2] ^= 1;
  std::vector<ByteView> signatures(chunk, ByteView(s.login.signature));
  signatures[chunk / 2] = bad;
  std::vector<PreparedP256Signature> prepared(chunk);
  if (PublicKey::Parse(s.corpus.credentials[0].cose_key, &key) != VerifyError::kOk) {
    state.SkipWithError("the sample key does not parse");
    return;
  }
  PrepareP256Signatures(signatures, prepared);
  for (size_t i = 0; i < chunk; ++i) {
    if (key->Verify2(s.auth_data, s.client_data_hash, signatures[i], &prepared[i]) !=
        (i != chunk / 2)) {
      state.SkipWithError("the prepared path answers wrongly on the sample");
      return;
    }
  }
  for (auto _ : state) {
    PrepareP256Signatures(signatures, prepared);
    for (size_t i = 0; i < chunk; ++i) {
      benchmark::DoNotOptimize(
          key->Verify2(s.auth_data, s.client_data_hash, signatures[i], &prepared[i]));
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * chunk));
}
BENCHMARK(BM_VerifyPreparedES256)->Arg(32);

}  // namespace

BENCHMARK_MAIN();
