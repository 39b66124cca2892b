#include "keystorm/corpus/corpus_generator.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include <openssl/sha.h>

#include "keystorm/corpus/login_builder.h"
#include "seeded_stream.h"

namespace keystorm::corpus {
namespace {

// Independent streams per purpose (SubSeed), so that changing, say, the
// number of logins leaves every credential as it was.
enum Purpose : uint64_t {
  kKindDeal = 1,
  kCredential = 2,
  kUnregistered = 3,
  kFaultDeal = 4,
  kTimeline = 5,
  kLoginChallenge = 6,
};

constexpr size_t kUnregisteredPool = 8;  // unknown_credential logins share these

// Items separated by ',', each "name=value".
template <typename Apply>
Status ParsePairs(std::string_view text, Apply apply) {
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    std::string_view item = text.substr(pos, comma == std::string_view::npos ? comma : comma - pos);
    pos = comma == std::string_view::npos ? text.size() + 1 : comma + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return Status::InvalidArgument("'" + std::string(item) + "': expected name=value");
    }
    std::string value(item.substr(eq + 1));
    char* end = nullptr;
    double v = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !std::isfinite(v) || v < 0) {
      return Status::InvalidArgument("'" + std::string(item) + "': value must be a number >= 0");
    }
    Status st = apply(item.substr(0, eq), v);
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

// Largest-remainder apportionment of `total` items over `weights`.
std::vector<size_t> Apportion(size_t total, const std::vector<double>& weights) {
  double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  std::vector<size_t> counts(weights.size(), 0);
  if (sum <= 0) return counts;
  std::vector<std::pair<double, size_t>> remainders;
  size_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    double exact = total * weights[i] / sum;
    counts[i] = static_cast<size_t>(std::floor(exact));
    given += counts[i];
    remainders.push_back({exact - counts[i], i});
  }
  // Ties go to the lower index: stable_sort keeps the order.
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t k = 0; given < total && k < remainders.size(); ++k, ++given) {
    ++counts[remainders[k].second];
  }
  return counts;
}

template <typename T>
void Shuffle(std::vector<T>* v, SeededStream* stream) {
  for (size_t i = v->size(); i > 1; --i) std::swap((*v)[i - 1], (*v)[stream->Below(i)]);
}

bool CountsSignatures(AuthenticatorKind kind) { return kind != AuthenticatorKind::kPlatform; }

Status Validate(const GeneratorOptions& o) {
  if (o.users == 0) return Status::InvalidArgument("--users must be at least 1");
  if (o.users > (size_t{1} << 24)) return Status::InvalidArgument("--users: at most 16M");
  if (o.logins > (size_t{1} << 28)) return Status::InvalidArgument("--logins: at most 256M");
  double mix_sum = 0;
  for (double w : o.mix) {
    if (!(w >= 0)) return Status::InvalidArgument("mix weights must be >= 0");
    mix_sum += w;
  }
  if (mix_sum <= 0) return Status::InvalidArgument("the mix gives every kind weight 0");
  double fault_sum = 0;
  for (int f = 1; f < kFaultCount; ++f) {
    if (!(o.fault_rates[f] >= 0)) return Status::InvalidArgument("fault rates must be >= 0");
    fault_sum += o.fault_rates[f];
  }
  if (fault_sum > 1.0 + 1e-9) return Status::InvalidArgument("fault rates add up to more than 1");
  if (!(o.storm.peak_rate > 0) || !(o.storm.ramp_s >= 0) ||
      !(o.storm.start_fraction > 0 && o.storm.start_fraction <= 1)) {
    return Status::InvalidArgument("storm: peak rate > 0, ramp >= 0, 0 < start fraction <= 1");
  }
  if (!(o.security_key_eddsa_fraction >= 0 && o.security_key_eddsa_fraction <= 1)) {
    return Status::InvalidArgument("EdDSA fraction of security keys must be in [0, 1]");
  }
  bool counting = o.mix[static_cast<int>(AuthenticatorKind::kSecurityKey)] > 0 ||
                  o.mix[static_cast<int>(AuthenticatorKind::kHello)] > 0;
  if (o.fault_rates[static_cast<int>(Fault::kCounterRegression)] > 0 && !counting) {
    return Status::InvalidArgument(
        "counter_regression needs security keys or Windows Hello in the mix (synced passkeys "
        "always send counter 0)");
  }
  if (o.rp_id.empty() || o.origin.empty()) return Status::InvalidArgument("empty RP ID or origin");
  return Status::Ok();
}

// Arrival times of a Poisson process whose rate ramps linearly from
// start_fraction * peak to peak over ramp_s, then holds.
class StormClock {
 public:
  StormClock(const StormShape& shape, uint64_t seed) : shape_(shape), stream_(seed) {}
  uint64_t NextArrivalUs() {
    double ramp = shape_.ramp_s > 0 ? std::min(1.0, t_ / shape_.ramp_s) : 1.0;
    double rate = shape_.peak_rate * (shape_.start_fraction + (1 - shape_.start_fraction) * ramp);
    t_ += -std::log1p(-stream_.Uniform()) / rate;
    return static_cast<uint64_t>(t_ * 1e6);
  }

 private:
  StormShape shape_;
  SeededStream stream_;
  double t_ = 0;
};

struct CredentialState {
  uint32_t counter = 0;  // the stored signCount (0 for synced passkeys)
  bool used = false;     // at least one accepted login
};

}  // namespace

Status ParseMix(std::string_view text, GeneratorOptions* options) {
  std::array<double, kAuthenticatorKindCount> mix{};
  Status st = ParsePairs(text, [&](std::string_view name, double v) {
    std::optional<AuthenticatorKind> kind = AuthenticatorKindFromName(name);
    if (!kind) {
      return Status::InvalidArgument("unknown authenticator kind '" + std::string(name) +
                                     "' (platform, security-key, hello)");
    }
    mix[static_cast<int>(*kind)] = v;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  options->mix = mix;
  return Status::Ok();
}

Status ParseFaults(std::string_view text, GeneratorOptions* options) {
  std::array<double, kFaultCount> rates{};
  Status st = ParsePairs(text, [&](std::string_view name, double v) {
    if (v > 1) return Status::InvalidArgument("fault rate of '" + std::string(name) + "' above 1");
    if (name == "all") {
      for (int f = 1; f < kFaultCount; ++f) rates[f] = v;
      return Status::Ok();
    }
    std::optional<Fault> fault = FaultFromName(name);
    if (!fault || *fault == Fault::kNone) {
      std::string known;
      for (int f = 1; f < kFaultCount; ++f) {
        known += (f > 1 ? ", " : "") + std::string(FaultName(static_cast<Fault>(f)));
      }
      return Status::InvalidArgument("unknown fault '" + std::string(name) + "' (" + known + ")");
    }
    rates[static_cast<int>(*fault)] = v;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  options->fault_rates = rates;
  return Status::Ok();
}

Result<ReplayCorpus> GenerateReplayCorpus(const GeneratorOptions& o,
                                          const GeneratorProgress& progress) {
  Status st = Validate(o);
  if (!st.ok()) return st;
  ReplayCorpus corpus;
  corpus.seed = o.seed;
  corpus.rp_id = o.rp_id;
  corpus.origin = o.origin;
  corpus.storm = o.storm;

  // Kinds, dealt exactly and shuffled over the users.
  std::vector<AuthenticatorKind> kinds;
  {
    std::vector<size_t> counts = Apportion(o.users, std::vector<double>(o.mix.begin(), o.mix.end()));
    for (int k = 0; k < kAuthenticatorKindCount; ++k) {
      kinds.insert(kinds.end(), counts[k], static_cast<AuthenticatorKind>(k));
    }
    SeededStream deal(SubSeed(o.seed, kKindDeal, 0));
    Shuffle(&kinds, &deal);
  }
  size_t report_every = std::max<size_t>(1, o.users / 100);
  for (size_t i = 0; i < o.users; ++i) {
    uint64_t seed = SubSeed(o.seed, kCredential, i);
    int64_t alg = -7;
    if (kinds[i] == AuthenticatorKind::kHello) alg = -257;
    if (kinds[i] == AuthenticatorKind::kSecurityKey &&
        SeededStream(seed ^ 0xA1).Uniform() < o.security_key_eddsa_fraction) {
      alg = -8;
    }
    Result<CorpusCredential> c = NewCorpusCredential(kinds[i], alg, seed);
    if (!c) return c.error();
    corpus.credentials.push_back(std::move(*c));
    if (progress && (i + 1) % report_every == 0) progress("credentials", i + 1, o.users);
  }

  // Signers: one per credential, made once.
  std::vector<std::unique_ptr<CredentialSigner>> signers, unregistered_signers;
  for (const auto& c : corpus.credentials) {
    Result<std::unique_ptr<CredentialSigner>> s = CredentialSigner::Create(c);
    if (!s) return s.error();
    signers.push_back(std::move(*s));
  }
  if (o.fault_rates[static_cast<int>(Fault::kUnknownCredential)] > 0) {
    for (size_t i = 0; i < kUnregisteredPool; ++i) {
      Result<CorpusCredential> c = NewCorpusCredential(AuthenticatorKind::kPlatform, -7,
                                                       SubSeed(o.seed, kUnregistered, i));
      if (!c) return c.error();
      Result<std::unique_ptr<CredentialSigner>> s = CredentialSigner::Create(*c);
      if (!s) return s.error();
      corpus.unregistered.push_back(std::move(*c));
      unregistered_signers.push_back(std::move(*s));
    }
  }

  // Faults, dealt exactly over the login positions.
  std::vector<Fault> planned(o.logins, Fault::kNone);
  {
    size_t next = 0;
    for (int f = 1; f < kFaultCount && next < o.logins; ++f) {
      size_t n = static_cast<size_t>(std::llround(o.fault_rates[f] * static_cast<double>(o.logins)));
      for (size_t k = 0; k < n && next < o.logins; ++k) planned[next++] = static_cast<Fault>(f);
    }
    SeededStream deal(SubSeed(o.seed, kFaultDeal, 0));
    Shuffle(&planned, &deal);
  }

  std::vector<CredentialState> state(o.users);
  std::vector<uint32_t> counting_used;  // counting credentials with an accepted login
  std::vector<size_t> accepted_logins;  // whose challenges a replay can reuse
  // A fault that cannot apply yet (a regression before any counting
  // credential has a counter, a replay before any accepted login) waits for
  // the next login that can carry it, so the dealt counts hold.
  std::deque<Fault> deferred;
  StormClock clock(o.storm, SubSeed(o.seed, kTimeline, 0));
  SeededStream pick(SubSeed(o.seed, kTimeline, 1));
  report_every = std::max<size_t>(1, o.logins / 100);
  corpus.logins.reserve(o.logins);

  for (size_t i = 0; i < o.logins; ++i) {
    CorpusLogin login;
    login.arrival_us = clock.NextArrivalUs();
    login.credential = static_cast<uint32_t>(pick.Below(o.users));
    SeededStream(SubSeed(o.seed, kLoginChallenge, i)).Fill(login.challenge.data(), 32);

    Fault fault = planned[i];
    if (fault == Fault::kNone && !deferred.empty()) {
      fault = deferred.front();
      deferred.pop_front();
    }
    if ((fault == Fault::kCounterRegression && counting_used.empty()) ||
        (fault == Fault::kReplayedChallenge && accepted_logins.empty())) {
      deferred.push_back(fault);
      fault = Fault::kNone;
    }
    if (fault == Fault::kCounterRegression) {
      login.credential = counting_used[pick.Below(counting_used.size())];
    }
    CredentialState& cs = state[login.credential];
    const CorpusCredential& credential = corpus.credentials[login.credential];
    // The counter this login sends: a counting authenticator moves on by a
    // small random step (real keys share one counter across sites).
    uint32_t next_counter = CountsSignatures(credential.kind)
                                ? cs.counter + 1 + static_cast<uint32_t>(pick.Below(4))
                                : 0;
    login.sign_count = next_counter;
    login.fault = fault;
    login.expected = ExpectedVerdict(fault);
    switch (fault) {
      case Fault::kNone: break;
      case Fault::kBadSignature: login.flags |= kLoginCorruptSignature; break;
      case Fault::kReplayedChallenge:
        login.challenge = corpus.logins[accepted_logins[pick.Below(accepted_logins.size())]].challenge;
        break;
      case Fault::kCounterRegression:
        login.sign_count = cs.counter;  // equal is a regression too
        break;
      case Fault::kWrongOrigin: login.flags |= kLoginWrongOrigin; break;
      case Fault::kWrongRpId: login.flags |= kLoginWrongRpId; break;
      case Fault::kUnknownCredential:
        login.flags |= kLoginUnregisteredCredential;
        login.credential = static_cast<uint32_t>(pick.Below(corpus.unregistered.size()));
        login.sign_count = 0;
        break;
      case Fault::kUvMissing: login.flags |= kLoginNoUv; break;
      case Fault::kMalformedBody: login.flags |= kLoginMalformedBody; break;
    }
    const CredentialSigner& signer = (login.flags & kLoginUnregisteredCredential)
                                         ? *unregistered_signers[login.credential]
                                         : *signers[login.credential];
    Bytes message = LoginAuthenticatorData(corpus, login);
    std::string client_data = LoginClientData(corpus, login);
    uint8_t hash[32];
    SHA256(reinterpret_cast<const uint8_t*>(client_data.data()), client_data.size(), hash);
    message.insert(message.end(), hash, hash + 32);
    login.signature = signer.Sign(message);
    if (login.signature.empty()) return Status::Internal("signing failed");
    if (login.flags & kLoginCorruptSignature) login.signature[login.signature.size() / 2] ^= 0x01;

    if (login.expected == VerifyError::kOk) {
      cs.counter = next_counter;
      if (!cs.used && CountsSignatures(credential.kind)) counting_used.push_back(login.credential);
      cs.used = true;
      accepted_logins.push_back(i);
    }
    corpus.logins.push_back(std::move(login));
    if (progress && (i + 1) % report_every == 0) progress("logins", i + 1, o.logins);
  }
  return corpus;
}

}  // namespace keystorm::corpus
