// The replay-corpus generator behind `keystorm corpus generate`: N users,
// one credential each in a mix of authenticator kinds, and M logins on a
// Monday-morning storm timeline, with faults injected at given rates.  The
// corpus is a pure function of the options: the same options give the same
// bytes (SerializeReplayCorpus), on any machine.
//
// Exactness: the kinds and the faults are dealt, not drawn: a mix of 60/30/10
// over 1000 users gives exactly 600/300/100, and a fault rate r over M logins
// gives round(r*M) such logins, at random positions.  Only arrival times and
// the choice of user per login are random.
#ifndef KEYSTORM_CORPUS_CORPUS_GENERATOR_H_
#define KEYSTORM_CORPUS_CORPUS_GENERATOR_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "keystorm/corpus/replay_corpus.h"
#include "keystorm/status.h"

namespace keystorm::corpus {

struct GeneratorOptions {
  uint64_t seed = 1;
  size_t users = 1000;
  size_t logins = 10000;
  // Relative weights per AuthenticatorKind: platform, security-key, hello.
  std::array<double, kAuthenticatorKindCount> mix = {60, 30, 10};
  // Of the security keys, the fraction with EdDSA keys (the rest ES256).
  double security_key_eddsa_fraction = 0.3;
  StormShape storm;
  // Per Fault, the fraction of logins that carry it (kNone's entry is
  // ignored: it is the rest).  The sum must not exceed 1.
  std::array<double, kFaultCount> fault_rates{};
  std::string rp_id = "login.example.com";
  std::string origin = "https://login.example.com";
};

// Parses "platform=60,security-key=30,hello=10" into options->mix (kinds not
// named get weight 0).  InvalidArgument names the bad item.
Status ParseMix(std::string_view text, GeneratorOptions* options);

// Parses "bad_signature=0.01,uv_missing=0.005" into options->fault_rates;
// "all=R" sets every fault to R.  InvalidArgument names the bad item.
Status ParseFaults(std::string_view text, GeneratorOptions* options);

// Called now and then with the phase ("credentials", "logins") and progress.
using GeneratorProgress = std::function<void(std::string_view phase, size_t done, size_t total)>;

// InvalidArgument for impossible options (no users, all mix weights zero,
// fault rates above 1, counter regressions without a counting kind, ...).
Result<ReplayCorpus> GenerateReplayCorpus(const GeneratorOptions& options,
                                          const GeneratorProgress& progress = {});

}  // namespace keystorm::corpus

#endif  // KEYSTORM_CORPUS_CORPUS_GENERATOR_H_
