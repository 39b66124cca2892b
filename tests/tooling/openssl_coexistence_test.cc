// OpenSSL 3 (dynamic, unprefixed) and Keystorm's BoringSSL (static, KSBSSL_
// prefixed) in one process: both work, neither resolves to the other.  This
// is what lets Keystorm embed in processes that already link OpenSSL (libpq,
// the HTTP stack of a host application).
#include <gtest/gtest.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <memory>

#include "keystorm/cose_key.h"
#include "openssl_side.h"

namespace keystorm {
namespace {

TEST(OpenSslCoexistence, BothLibrariesAnswerFromOneProcess) {
  EXPECT_NE(openssl_side::Version().find("OpenSSL 3"), std::string::npos);
  // The same function name answers from our BoringSSL; if the prefix were
  // missing, this call could bind to OpenSSL's definition instead.
  EXPECT_STREQ(OpenSSL_version(OPENSSL_VERSION), "BoringSSL");
}

TEST(OpenSslCoexistence, Sha256AgreesAcrossLibraries) {
  std::vector<uint8_t> data = {'k', 'e', 'y', 's', 't', 'o', 'r', 'm'};
  uint8_t ours[SHA256_DIGEST_LENGTH];
  SHA256(data.data(), data.size(), ours);
  EXPECT_EQ(openssl_side::Sha256(data), std::vector<uint8_t>(ours, ours + sizeof(ours)));
}

TEST(OpenSslCoexistence, KeystormVerifiesAnOpenSslSignature) {
  std::vector<uint8_t> message(69, 0x5a);
  std::vector<uint8_t> point, sig;
  ASSERT_TRUE(openssl_side::SignP256(message, &point, &sig));
  // COSE_Key {1: 2, 3: -7, -1: 1, -2: x, -3: y}
  Bytes cose = {0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20};
  cose.insert(cose.end(), point.begin() + 1, point.begin() + 33);
  cose.insert(cose.end(), {0x22, 0x58, 0x20});
  cose.insert(cose.end(), point.begin() + 33, point.end());
  std::unique_ptr<PublicKey> key;
  ASSERT_EQ(PublicKey::Parse(cose, &key), VerifyError::kOk);
  EXPECT_TRUE(key->Verify(message, sig));
  message[0] ^= 1;
  EXPECT_FALSE(key->Verify(message, sig));
}

}  // namespace
}  // namespace keystorm
