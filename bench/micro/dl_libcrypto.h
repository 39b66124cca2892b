// A foreign libcrypto (Debian's android-libboringssl, or OpenSSL 3) loaded
// with dlopen(RTLD_LOCAL), so that its unprefixed symbols stay out of the
// global namespace and cannot meet our KSBSSL_-prefixed BoringSSL.  Only the
// handful of functions the P-256 benchmark needs are resolved; both libraries
// export them with the same C signatures.
#ifndef KEYSTORM_BENCH_MICRO_DL_LIBCRYPTO_H_
#define KEYSTORM_BENCH_MICRO_DL_LIBCRYPTO_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace keystorm::bench {

class DlLibcrypto {
 public:
  // Loads `path`; nullptr (and *error set) if it or a symbol is missing.
  static std::unique_ptr<DlLibcrypto> Load(const std::string& path, std::string* error);
  ~DlLibcrypto();

  // A fresh P-256 key pair, a signature over a SHA-256 digest of `msg`, and
  // verification of it: the same operations our benchmark times.
  bool Prepare(const uint8_t* msg, size_t len);
  bool VerifyOnce() const;
  const std::string& path() const { return path_; }

 private:
  DlLibcrypto() = default;
  void* handle_ = nullptr;
  std::string path_;
  void* key_ = nullptr;
  uint8_t digest_[32] = {};
  uint8_t sig_[80] = {};
  unsigned sig_len_ = 0;

  void* (*ec_key_new_by_curve_name_)(int) = nullptr;
  int (*ec_key_generate_key_)(void*) = nullptr;
  void (*ec_key_free_)(void*) = nullptr;
  int (*ecdsa_sign_)(int, const uint8_t*, size_t, uint8_t*, unsigned*, const void*) = nullptr;
  int (*ecdsa_verify_)(int, const uint8_t*, size_t, const uint8_t*, size_t, const void*) = nullptr;
  uint8_t* (*sha256_)(const uint8_t*, size_t, uint8_t*) = nullptr;
};

}  // namespace keystorm::bench

#endif  // KEYSTORM_BENCH_MICRO_DL_LIBCRYPTO_H_
