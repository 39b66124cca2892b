#include "dl_libcrypto.h"

#include <dlfcn.h>

namespace keystorm::bench {
namespace {

constexpr int kNidP256 = 415;  // NID_X9_62_prime256v1 in both libraries

template <typename F>
bool Resolve(void* handle, const char* name, F* out, std::string* error) {
  *out = reinterpret_cast<F>(dlsym(handle, name));
  if (*out == nullptr) *error = std::string("missing symbol ") + name;
  return *out != nullptr;
}

}  // namespace

std::unique_ptr<DlLibcrypto> DlLibcrypto::Load(const std::string& path, std::string* error) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    *error = dlerror();
    return nullptr;
  }
  std::unique_ptr<DlLibcrypto> lib(new DlLibcrypto());
  lib->handle_ = handle;
  lib->path_ = path;
  if (!Resolve(handle, "EC_KEY_new_by_curve_name", &lib->ec_key_new_by_curve_name_, error) ||
      !Resolve(handle, "EC_KEY_generate_key", &lib->ec_key_generate_key_, error) ||
      !Resolve(handle, "EC_KEY_free", &lib->ec_key_free_, error) ||
      !Resolve(handle, "ECDSA_sign", &lib->ecdsa_sign_, error) ||
      !Resolve(handle, "ECDSA_verify", &lib->ecdsa_verify_, error) ||
      !Resolve(handle, "SHA256", &lib->sha256_, error)) {
    return nullptr;
  }
  return lib;
}

DlLibcrypto::~DlLibcrypto() {
  if (key_ != nullptr) ec_key_free_(key_);
  if (handle_ != nullptr) dlclose(handle_);
}

bool DlLibcrypto::Prepare(const uint8_t* msg, size_t len) {
  key_ = ec_key_new_by_curve_name_(kNidP256);
  if (key_ == nullptr || !ec_key_generate_key_(key_)) return false;
  sha256_(msg, len, digest_);
  return ecdsa_sign_(0, digest_, sizeof(digest_), sig_, &sig_len_, key_) == 1 && VerifyOnce();
}

bool DlLibcrypto::VerifyOnce() const {
  return ecdsa_verify_(0, digest_, sizeof(digest_), sig_, sig_len_, key_) == 1;
}

}  // namespace keystorm::bench
