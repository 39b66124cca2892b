#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "attestation/certificate.h"
#include "keystorm/attestation.h"

namespace keystorm {

struct TrustAnchors::Impl {
  bssl::UniquePtr<X509_STORE> store{X509_STORE_new()};
  size_t count = 0;
};

TrustAnchors::TrustAnchors() : impl_(std::make_unique<Impl>()) {}
TrustAnchors::~TrustAnchors() = default;
size_t TrustAnchors::size() const { return impl_->count; }

Result<std::shared_ptr<const TrustAnchors>> TrustAnchors::FromDer(const std::vector<Bytes>& certs) {
  std::shared_ptr<TrustAnchors> anchors(new TrustAnchors());
  for (const Bytes& der : certs) {
    bssl::UniquePtr<X509> cert = attestation::ParseCertificate(der);
    if (!cert) return Status::InvalidArgument("trust anchor is not one DER certificate");
    if (!X509_STORE_add_cert(anchors->impl_->store.get(), cert.get())) {
      return Status::Internal("X509_STORE_add_cert failed");
    }
    ++anchors->impl_->count;
  }
  return std::shared_ptr<const TrustAnchors>(std::move(anchors));
}

Result<std::shared_ptr<const TrustAnchors>> TrustAnchors::FromPem(std::string_view pem) {
  bssl::UniquePtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::vector<Bytes> certs;
  while (true) {
    bssl::UniquePtr<X509> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    uint8_t* der = nullptr;
    int len = i2d_X509(cert.get(), &der);
    if (len <= 0) return Status::InvalidArgument("cannot re-encode PEM certificate");
    certs.emplace_back(der, der + len);
    OPENSSL_free(der);
  }
  ERR_clear_error();
  if (certs.empty()) return Status::InvalidArgument("no PEM certificate found");
  return FromDer(certs);
}

bool TrustAnchors::Verifies(const std::vector<ByteView>& chain, int64_t unix_time) const {
  if (chain.empty()) return false;
  std::vector<bssl::UniquePtr<X509>> certs;
  for (ByteView der : chain) {
    bssl::UniquePtr<X509> cert = attestation::ParseCertificate(der);
    if (!cert) return false;
    certs.push_back(std::move(cert));
  }
  // The stack frees its elements (sk_X509_pop_free): give it references of its own.
  bssl::UniquePtr<STACK_OF(X509)> untrusted(sk_X509_new_null());
  for (size_t i = 1; i < certs.size(); ++i) {
    if (!untrusted || !bssl::PushToStack(untrusted.get(), bssl::UpRef(certs[i]))) return false;
  }
  bssl::UniquePtr<X509_STORE_CTX> ctx(X509_STORE_CTX_new());
  if (!ctx || !X509_STORE_CTX_init(ctx.get(), impl_->store.get(), certs[0].get(), untrusted.get())) {
    return false;
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(unix_time));
  // An anchor may be an intermediate (or the attestation certificate itself):
  // the operator trusts exactly what it configured.
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  bool ok = X509_verify_cert(ctx.get()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace keystorm
