// FIDO metadata costs (docs/performance.md): what loading a BLOB costs the
// admin API, what the revocation check adds to every login, and how long the
// re-check of a store takes.
//
//   BM_LoadBlob/N        MetadataBlob::Load of a BLOB with N entries, each
//                        with one attestation root and two status reports
//                        (signature, chain, JSON, root parsing, indexes).
//                        The real MDS3 BLOB has a few hundred FIDO2 entries.
//   BM_IsRevoked         the assertion step's lookup in a 1,000-entry BLOB
//                        (half hits, a tenth revoked)
//   BM_Recheck/N         RecheckStoredCredentials over a memory store of N
//                        credentials, a tenth of a revoked model
#include <benchmark/benchmark.h>

#include <sstream>
#include <string>
#include <vector>

#include "keystorm/metadata.h"
#include "keystorm/metadata_recheck.h"
#include "keystorm/storage/memory_store.h"
#include "keystorm/test/test_certificates.h"
#include "keystorm/test/test_mds.h"

namespace {

using namespace keystorm;

Aaguid ModelAaguid(uint32_t i) {
  Aaguid a{};
  a[0] = 0x4b;
  for (int b = 0; b < 4; ++b) a[12 + b] = static_cast<uint8_t>(i >> (8 * b));
  return a;
}

std::string BlobPayload(int entries) {
  static const Bytes root = test::TestCertificateAuthority("Bench Vendor Root", 40).certificate();
  std::vector<std::string> json;
  for (int i = 0; i < entries; ++i) {
    test::MdsEntrySpec spec;
    spec.aaguid = test::AaguidText(ModelAaguid(static_cast<uint32_t>(i)));
    spec.attestation_roots = {root};
    spec.reports = {{"FIDO_CERTIFIED_L1", "2024-01-01"},
                    {i % 10 == 0 ? "REVOKED" : "FIDO_CERTIFIED_L2", "2025-01-01"}};
    json.push_back(test::MdsEntryJson(spec));
  }
  return test::MdsPayloadJson(1, test::kMdsNextUpdate, json);
}

const test::TestMds& Mds() {
  static const test::TestMds* mds = new test::TestMds();
  return *mds;
}

std::shared_ptr<const MetadataBlob> LoadOrDie(const std::string& jwt) {
  Result<std::shared_ptr<const MetadataBlob>> blob =
      MetadataBlob::Load(jwt, *Mds().RootAnchors(), test::kVerificationTime);
  if (!blob) std::abort();
  return *blob;
}

void BM_LoadBlob(benchmark::State& state) {
  std::string jwt = Mds().Sign(BlobPayload(static_cast<int>(state.range(0))));
  for (auto _ : state) benchmark::DoNotOptimize(LoadOrDie(jwt));
  state.counters["blob_bytes"] = static_cast<double>(jwt.size());
}
BENCHMARK(BM_LoadBlob)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_IsRevoked(benchmark::State& state) {
  std::shared_ptr<const MetadataBlob> blob = LoadOrDie(Mds().Sign(BlobPayload(1000)));
  std::vector<Aaguid> probes;
  for (uint32_t i = 0; i < 2000; ++i) probes.push_back(ModelAaguid(i));
  size_t i = 0, revoked = 0;
  for (auto _ : state) {
    revoked += blob->IsRevoked(probes[i]);
    i = i + 1 == probes.size() ? 0 : i + 1;
  }
  benchmark::DoNotOptimize(revoked);
}
BENCHMARK(BM_IsRevoked);

class NullSink final : public AuditSink {
 public:
  Status Emit(const AuditEvent&) override { return Status::Ok(); }
};

void BM_Recheck(benchmark::State& state) {
  std::shared_ptr<const MetadataBlob> blob = LoadOrDie(Mds().Sign(BlobPayload(100)));
  storage::MemoryCredentialStore store;
  for (int64_t i = 0; i < state.range(0); ++i) {
    CredentialRecord r;
    for (int b = 0; b < 8; ++b) r.id.push_back(static_cast<uint8_t>(i >> (8 * b)));
    r.user_handle = r.id;
    r.public_key_cose = Bytes(77, 1);
    r.aaguid = ModelAaguid(static_cast<uint32_t>(i % 100));
    bool inserted;
    if (!store.InsertCredentialIfAbsent(r, &inserted).ok()) std::abort();
  }
  NullSink sink;
  for (auto _ : state) {
    RecheckCounts counts;
    if (!RecheckStoredCredentials(*blob, &store, &sink, &counts).ok()) std::abort();
    benchmark::DoNotOptimize(counts);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Recheck)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
