// The raw ceiling every Keystorm throughput figure is compared with:
// BoringSSL's P-256 ECDSA_verify on pre-parsed keys and pre-hashed messages,
// nothing else.  The pipeline benchmark and the replay driver measure it in
// the same run, on the same messages, so the ratio is not skewed by the
// machine's mood.
//
// Thread safety: Add before Measure; Measure may not run concurrently with Add.
#ifndef KEYSTORM_BENCH_P256_CEILING_H_
#define KEYSTORM_BENCH_P256_CEILING_H_

#include <memory>
#include <string>
#include <vector>

#include "keystorm/bytes.h"
#include "keystorm/cose_key.h"
#include "keystorm/status.h"

namespace keystorm::bench {

class P256Ceiling {
 public:
  P256Ceiling();
  ~P256Ceiling();
  P256Ceiling(P256Ceiling&&) noexcept;
  P256Ceiling& operator=(P256Ceiling&&) noexcept;

  // One ES256 assertion: its COSE key, authenticatorData, clientDataJSON and
  // DER signature.  Verified once here; Internal if it does not verify or the
  // key is not a P-256 key.
  Status Add(ByteView cose_key, ByteView authenticator_data, ByteView client_data_json,
             ByteView signature);
  size_t size() const;

  // ECDSA_verify calls per second over the items, round robin, with
  // `threads` threads for `seconds`.  Internal if any verification fails or
  // there are no items.
  Result<double> Measure(int threads, double seconds) const;

  // The same run, also per CPU second of the measuring threads: on a shared
  // machine wall time also measures the neighbours, CPU time does not.
  struct Rates {
    double per_s = 0;      // wall clock, all threads
    double per_cpu_s = 0;  // per CPU second (one core's worth)
  };
  Result<Rates> MeasureRates(int threads, double seconds) const;

  struct Item;

 private:
  std::vector<std::unique_ptr<PublicKey>> keys_;
  std::vector<Item> items_;
};

// "CPU model, N hardware threads" from /proc/cpuinfo.
std::string MachineDescription();

}  // namespace keystorm::bench

#endif  // KEYSTORM_BENCH_P256_CEILING_H_
