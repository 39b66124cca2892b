// P-256 ECDSA verification rate of the BoringSSL Keystorm links (static,
// built from Debian's source without OPENSSL_SMALL), next to Debian's binary
// android-libboringssl (built with OPENSSL_SMALL) and OpenSSL 3, in one run.
//
// All three time the same operation — ECDSA_verify of a DER signature over a
// SHA-256 digest with a pre-parsed key — plus, for ours, the engine's own
// path (PublicKey::Verify2: hash authData ‖ clientDataHash, then verify).
// Run with --benchmark_repetitions=N --benchmark_enable_random_interleaving
// to get paired, interleaved rounds and their medians (docs/performance.md).
#include <benchmark/benchmark.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/nid.h>
#include <openssl/sha.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "dl_libcrypto.h"
#include "keystorm/cose_key.h"

namespace {

// authenticatorData (37 bytes) ‖ SHA-256(clientDataJSON): what A21 verifies.
constexpr uint8_t kMessage[69] = {0x49, 0x96, 0x0d, 0xe5, 0x88, 0x0e, 0x8c, 0x68, 0x74, 0x34, 0x17,
                                  0x0f, 0x64, 0x76, 0x60, 0x5b, 0x8f, 0xe4, 0xae, 0xb9, 0xa2, 0x86,
                                  0x32, 0xc7, 0x99, 0x5c, 0xf3, 0xba, 0x83, 0x1d, 0x97, 0x63, 0x05};

void Fail(benchmark::State& state, const char* what) { state.SkipWithError(what); }

void BM_P256Verify_Keystorm(benchmark::State& state) {
  bssl::UniquePtr<EC_KEY> key(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
  uint8_t digest[32], sig[160];
  unsigned sig_len = 0;
  SHA256(kMessage, sizeof(kMessage), digest);
  if (!key || !EC_KEY_generate_key(key.get()) ||
      !ECDSA_sign(0, digest, sizeof(digest), sig, &sig_len, key.get()) ||
      ECDSA_verify(0, digest, sizeof(digest), sig, sig_len, key.get()) != 1) {
    return Fail(state, "setup or first verification failed");
  }
  for (auto _ : state) {
    int ok = ECDSA_verify(0, digest, sizeof(digest), sig, sig_len, key.get());
    benchmark::DoNotOptimize(ok);
    if (ok != 1) return Fail(state, "verification failed");
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("static BoringSSL (Debian source, no OPENSSL_SMALL, KSBSSL_ prefix)");
}
BENCHMARK(BM_P256Verify_Keystorm)->MinTime(1.0);

// The engine's path: COSE key parsed once, hash + verify per call.
void BM_P256Verify_EnginePublicKey(benchmark::State& state) {
  bssl::UniquePtr<EC_KEY> key(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
  if (!key || !EC_KEY_generate_key(key.get())) return Fail(state, "keygen");
  // COSE_Key {1:2, 3:-7, -1:1, -2:x, -3:y}
  uint8_t point[65];
  EC_POINT_point2oct(EC_KEY_get0_group(key.get()), EC_KEY_get0_public_key(key.get()),
                     POINT_CONVERSION_UNCOMPRESSED, point, sizeof(point), nullptr);
  keystorm::Bytes cose = {0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20};
  cose.insert(cose.end(), point + 1, point + 33);
  cose.insert(cose.end(), {0x22, 0x58, 0x20});
  cose.insert(cose.end(), point + 33, point + 65);
  std::unique_ptr<keystorm::PublicKey> pub;
  if (keystorm::PublicKey::Parse(cose, &pub) != keystorm::VerifyError::kOk) {
    return Fail(state, "COSE parse");
  }
  keystorm::ByteView auth_data(kMessage, 37), client_hash(kMessage + 37, 32);
  uint8_t digest[32], sig[160];
  unsigned sig_len = 0;
  SHA256(kMessage, sizeof(kMessage), digest);
  ECDSA_sign(0, digest, sizeof(digest), sig, &sig_len, key.get());
  keystorm::ByteView signature(sig, sig_len);
  if (!pub->Verify2(auth_data, client_hash, signature)) return Fail(state, "first verification");
  for (auto _ : state) {
    bool ok = pub->Verify2(auth_data, client_hash, signature);
    benchmark::DoNotOptimize(ok);
    if (!ok) return Fail(state, "verification failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_P256Verify_EnginePublicKey)->MinTime(1.0);

void BenchForeign(benchmark::State& state, const char* env, const char* default_path,
                  const char* label) {
  const char* path = std::getenv(env);
  std::string error;
  auto lib = keystorm::bench::DlLibcrypto::Load(path ? path : default_path, &error);
  if (!lib) return Fail(state, ("cannot load: " + error).c_str());
  if (!lib->Prepare(kMessage, sizeof(kMessage))) return Fail(state, "setup failed");
  for (auto _ : state) {
    bool ok = lib->VerifyOnce();
    benchmark::DoNotOptimize(ok);
    if (!ok) return Fail(state, "verification failed");
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::string(label) + " " + lib->path());
}

void BM_P256Verify_DebianAndroidBoringssl(benchmark::State& state) {
  BenchForeign(state, "KEYSTORM_BENCH_DEBIAN_BORINGSSL",
               "/usr/lib/x86_64-linux-gnu/android/libcrypto.so.0",
               "Debian android-libboringssl (OPENSSL_SMALL)");
}
BENCHMARK(BM_P256Verify_DebianAndroidBoringssl)->MinTime(1.0);

void BM_P256Verify_OpenSSL3(benchmark::State& state) {
  BenchForeign(state, "KEYSTORM_BENCH_OPENSSL", "libcrypto.so.3", "OpenSSL 3 (Debian libssl3)");
}
BENCHMARK(BM_P256Verify_OpenSSL3)->MinTime(1.0);

}  // namespace

BENCHMARK_MAIN();
