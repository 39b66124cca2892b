#include "keystorm/bench/p256_ceiling.h"

#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <time.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "keystorm/thread_name.h"
#include "keystorm/usable_cores.h"

namespace keystorm::bench {
namespace {

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

}  // namespace

struct P256Ceiling::Item {
  const EC_KEY* key;
  uint8_t digest[32];
  Bytes sig;
};

P256Ceiling::P256Ceiling() = default;
P256Ceiling::~P256Ceiling() = default;
P256Ceiling::P256Ceiling(P256Ceiling&&) noexcept = default;
P256Ceiling& P256Ceiling::operator=(P256Ceiling&&) noexcept = default;

size_t P256Ceiling::size() const { return items_.size(); }

Status P256Ceiling::Add(ByteView cose_key, ByteView authenticator_data, ByteView client_data_json,
                        ByteView signature) {
  std::unique_ptr<PublicKey> key;
  if (PublicKey::Parse(cose_key, &key) != VerifyError::kOk || !key->evp()) {
    return Status::Internal("ceiling: cannot parse the key");
  }
  const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(const_cast<EVP_PKEY*>(key->evp()));
  if (!ec) return Status::Internal("ceiling: not an EC key");
  Item item;
  item.key = ec;
  // The signed message is authenticatorData ‖ SHA-256(clientDataJSON).
  uint8_t cdj_hash[32];
  SHA256(client_data_json.data(), client_data_json.size(), cdj_hash);
  Bytes message(authenticator_data.begin(), authenticator_data.end());
  message.insert(message.end(), cdj_hash, cdj_hash + 32);
  SHA256(message.data(), message.size(), item.digest);
  item.sig.assign(signature.begin(), signature.end());
  if (ECDSA_verify(0, item.digest, 32, item.sig.data(), item.sig.size(), item.key) != 1) {
    return Status::Internal("ceiling: an item does not verify");
  }
  keys_.push_back(std::move(key));
  items_.push_back(std::move(item));
  return Status::Ok();
}

Result<double> P256Ceiling::Measure(int threads, double seconds) const {
  Result<Rates> rates = MeasureRates(threads, seconds);
  if (!rates) return rates.error();
  return rates->per_s;
}

Result<P256Ceiling::Rates> P256Ceiling::MeasureRates(int threads, double seconds) const {
  if (items_.empty()) return Status::Internal("ceiling: no items");
  using Clock = std::chrono::steady_clock;
  std::atomic<bool> stop{false}, failed{false};
  std::vector<uint64_t> counts(threads, 0);
  std::vector<double> cpu_s(threads, 0);
  std::vector<std::thread> pool;
  auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      NameThisThread("ks-ceiling");
      size_t i = static_cast<size_t>(t) * 997;
      uint64_t n = 0;
      double cpu_start = ThreadCpuSeconds();
      // At least one round per thread, even if the thread first runs after
      // the deadline (a loaded machine, a very short measurement): a rate of
      // 0 would be no measurement at all.
      do {
        for (int k = 0; k < 64; ++k, ++i) {
          const Item& item = items_[i % items_.size()];
          if (ECDSA_verify(0, item.digest, 32, item.sig.data(), item.sig.size(), item.key) != 1) {
            failed = true;
          }
          ++n;
        }
      } while (!stop.load(std::memory_order_relaxed));
      counts[t] = n;
      cpu_s[t] = ThreadCpuSeconds() - cpu_start;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  if (failed) return Status::Internal("a ceiling verification failed");
  uint64_t total = 0;
  double cpu_total = 0;
  for (int t = 0; t < threads; ++t) {
    total += counts[t];
    cpu_total += cpu_s[t];
  }
  Rates rates;
  rates.per_s = total / elapsed;
  rates.per_cpu_s = cpu_total > 0 ? total / cpu_total : 0;
  return rates;
}

std::string MachineDescription() {
  std::ifstream in("/proc/cpuinfo");
  std::string line, model = "unknown CPU";
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  std::string description =
      model + ", " + std::to_string(std::thread::hardware_concurrency()) + " hardware threads";
  // Under taskset, a cpuset or a CPU quota the run had fewer: say so.
  int usable = UsableCores();
  if (usable != static_cast<int>(std::thread::hardware_concurrency())) {
    description += ", " + std::to_string(usable) + " usable";
  }
  return description;
}

}  // namespace keystorm::bench
