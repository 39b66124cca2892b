// keystorm corpus generate | info | export: the replay corpus (issue #8,
// docs/corpus_format.md).
//
//   generate  writes a corpus that is a pure function of its options;
//             progress on stderr
//   info      counts per kind, fault and expected verdict (JSON)
//   export    the logins as neutral JSON lines for other libraries
//             (bench/peers): each request with everything a stateless
//             verifier needs — the stored credential as it is just before
//             this login, the challenge, the origin and the RP ID
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>

#include "commands.h"
#include "keystorm/base64url.h"
#include "keystorm/corpus/corpus_generator.h"
#include "keystorm/corpus/login_builder.h"
#include "keystorm/json_writer.h"

namespace keystorm::cli {
namespace {

struct GenerateArgs {
  std::string out;
  corpus::GeneratorOptions options;
  std::string mix = "platform=60,security-key=30,hello=10";
  std::string faults;
  bool quiet = false;
};

int Generate(GenerateArgs& args) {
  Status st = corpus::ParseMix(args.mix, &args.options);
  if (st.ok() && !args.faults.empty()) st = corpus::ParseFaults(args.faults, &args.options);
  if (!st.ok()) {
    std::cerr << "corpus generate: " << st.ToString() << "\n";
    return 2;
  }
  int last_percent = -1;
  std::string last_phase;
  auto progress = [&](std::string_view phase, size_t done, size_t total) {
    if (args.quiet) return;
    // A terminal sees a running percentage; a log only each phase's end.
    if (!isatty(STDERR_FILENO) && done != total) return;
    int percent = static_cast<int>(100 * done / total);
    if (percent == last_percent && phase == last_phase) return;
    last_percent = percent;
    last_phase = phase;
    std::fprintf(stderr, "\r%-12.*s %3d%% (%zu/%zu)", static_cast<int>(phase.size()), phase.data(),
                 percent, done, total);
    if (done == total) std::fprintf(stderr, "\n");
  };
  Result<corpus::ReplayCorpus> c = corpus::GenerateReplayCorpus(args.options, progress);
  if (!c) {
    std::cerr << "corpus generate: " << c.error().ToString() << "\n";
    return c.error().code() == Status::Code::kInvalidArgument ? 2 : 1;
  }
  st = corpus::WriteReplayCorpusFile(args.out, *c);
  if (!st.ok()) {
    std::cerr << "corpus generate: " << st.ToString() << "\n";
    return 1;
  }
  if (!args.quiet) {
    std::cerr << "wrote " << args.out << ": " << c->credentials.size() << " credentials, "
              << c->logins.size() << " logins\n";
  }
  return 0;
}

int Info(const std::string& path) {
  Result<corpus::ReplayCorpus> c = corpus::ReadReplayCorpusFile(path);
  if (!c) {
    std::cerr << "corpus info: " << c.error().ToString() << "\n";
    return 1;
  }
  std::map<std::string, uint64_t> kinds, algorithms, faults, expected;
  for (const auto& cred : c->credentials) {
    ++kinds[std::string(corpus::AuthenticatorKindName(cred.kind))];
    ++algorithms[std::to_string(cred.algorithm)];
  }
  for (const auto& l : c->logins) {
    ++faults[std::string(corpus::FaultName(l.fault))];
    ++expected[std::string(VerifyErrorName(l.expected))];
  }
  JsonWriter w;
  w.BeginObject();
  w.Key("seed").Uint(c->seed);
  w.Key("rp_id").String(c->rp_id);
  w.Key("origin").String(c->origin);
  w.Key("peak_rate").Double(c->storm.peak_rate);
  w.Key("ramp_s").Double(c->storm.ramp_s);
  w.Key("credentials").Uint(c->credentials.size());
  w.Key("logins").Uint(c->logins.size());
  w.Key("timeline_s").Double(c->logins.empty() ? 0 : c->logins.back().arrival_us / 1e6);
  auto counts = [&](const char* name, const std::map<std::string, uint64_t>& map) {
    w.Key(name).BeginObject();
    for (const auto& [k, v] : map) w.Key(k).Uint(v);
    w.EndObject();
  };
  counts("kinds", kinds);
  counts("algorithms", algorithms);
  counts("faults", faults);
  counts("expected", expected);
  w.EndObject();
  std::cout << w.str() << "\n";
  return 0;
}

int Export(const std::string& path, const std::string& out_path, size_t limit) {
  Result<corpus::ReplayCorpus> c = corpus::ReadReplayCorpusFile(path);
  if (!c) {
    std::cerr << "corpus export: " << c.error().ToString() << "\n";
    return 1;
  }
  std::ofstream file;
  if (out_path != "-") {
    file.open(out_path, std::ios::trunc);
    if (!file) {
      std::cerr << "corpus export: cannot write " << out_path << "\n";
      return 1;
    }
  }
  std::ostream& out = out_path == "-" ? std::cout : file;
  // The stored counter per registered credential, advanced by every login
  // the corpus expects to be accepted (what a store would hold).
  std::vector<uint32_t> stored(c->credentials.size(), 0);
  size_t n = limit > 0 ? std::min(limit, c->logins.size()) : c->logins.size();
  for (size_t i = 0; i < n; ++i) {
    const corpus::CorpusLogin& l = c->logins[i];
    const corpus::CorpusCredential& cred = c->CredentialOf(l);
    bool registered = !(l.flags & corpus::kLoginUnregisteredCredential);
    JsonWriter w;
    w.BeginObject();
    w.Key("index").Uint(i);
    w.Key("fault").String(corpus::FaultName(l.fault));
    w.Key("expected").String(VerifyErrorName(l.expected));
    w.Key("rpId").String(c->rp_id);
    w.Key("origin").String(c->origin);
    w.Key("challenge").String(Base64UrlEncode(l.challenge));
    w.Key("userVerificationRequired").Bool(true);
    w.Key("kind").String(corpus::AuthenticatorKindName(cred.kind));
    w.Key("algorithm").Int(cred.algorithm);
    // The stored record; for an unknown_credential login the store has none.
    w.Key("credential");
    if (registered) {
      w.BeginObject();
      w.Key("id").String(Base64UrlEncode(cred.credential_id));
      w.Key("publicKey").String(Base64UrlEncode(cred.cose_key));
      w.Key("signCount").Uint(stored[l.credential]);
      w.Key("userHandle").String(Base64UrlEncode(cred.user_handle));
      w.Key("backupEligible").Bool(cred.backup_eligible);
      w.EndObject();
    } else {
      w.Null();
    }
    w.Key("response_json").String(corpus::LoginAssertionJson(*c, l));
    w.EndObject();
    out << w.str() << "\n";
    if (registered && l.expected == VerifyError::kOk) stored[l.credential] = l.sign_count;
  }
  out.flush();
  if (!out) {
    std::cerr << "corpus export: write failed\n";
    return 1;
  }
  return 0;
}

}  // namespace

void AddCorpusCommand(CLI::App* app, int* exit_code) {
  auto* corpus_cmd = app->add_subcommand("corpus", "Replay corpora: generate, inspect, export");
  corpus_cmd->require_subcommand(1);

  static GenerateArgs g;
  auto* gen = corpus_cmd->add_subcommand("generate", "Write a deterministic replay corpus");
  gen->add_option("--out", g.out, "Output file")->required();
  gen->add_option("--seed", g.options.seed, "Seed: the same options give the same bytes");
  gen->add_option("--users", g.options.users, "Users (one credential each)");
  gen->add_option("--logins", g.options.logins, "Logins on the storm timeline");
  gen->add_option("--mix", g.mix, "Weights of platform, security-key, hello");
  gen->add_option("--eddsa-fraction", g.options.security_key_eddsa_fraction,
                  "Fraction of security keys with EdDSA keys");
  gen->add_option("--peak-rate", g.options.storm.peak_rate, "Peak arrival rate, logins/s");
  gen->add_option("--ramp-s", g.options.storm.ramp_s, "Seconds from the start rate to the peak");
  gen->add_option("--start-fraction", g.options.storm.start_fraction,
                  "Start rate as a fraction of the peak");
  gen->add_option("--faults", g.faults,
                  "Fault rates, e.g. bad_signature=0.01,replayed_challenge=0.005 (all=R for each)");
  gen->add_option("--rp-id", g.options.rp_id, "RP ID");
  gen->add_option("--origin", g.options.origin, "Origin");
  gen->add_flag("--quiet", g.quiet, "No progress on stderr");
  gen->callback([exit_code] { *exit_code = Generate(g); });

  static std::string info_path;
  auto* info = corpus_cmd->add_subcommand("info", "Counts per kind, fault and verdict (JSON)");
  info->add_option("corpus", info_path, "Corpus file")->required();
  info->callback([exit_code] { *exit_code = Info(info_path); });

  static std::string export_path, export_out = "-";
  static size_t export_limit = 0;
  auto* exp = corpus_cmd->add_subcommand("export", "Logins as neutral JSON lines (bench/peers)");
  exp->add_option("corpus", export_path, "Corpus file")->required();
  exp->add_option("--out", export_out, "Output file (- for stdout)");
  exp->add_option("--limit", export_limit, "First N logins only (0: all)");
  exp->callback([exit_code] { *exit_code = Export(export_path, export_out, export_limit); });
}

}  // namespace keystorm::cli
