// Trust anchors from the operator's PEM directory, per format and per AAGUID,
// and their replacement at run time (trust_store.h).
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <filesystem>
#include <fstream>

#include "keystorm/test/scratch_dir.h"
#include "keystorm/test/verdict.h"
#include "keystorm/trust_store.h"
#include "registration_fixture.h"

namespace keystorm {
namespace {

using test::AttestationShape;

std::string Pem(const Bytes& der) {
  const uint8_t* p = der.data();
  bssl::UniquePtr<X509> cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  bssl::UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert.get());
  const uint8_t* data;
  size_t len;
  BIO_mem_contents(bio.get(), &data, &len);
  return std::string(reinterpret_cast<const char*>(data), len);
}

void Write(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

class TrustStoreTest : public RegistrationTest {
 protected:
  TrustStoreTest() : dir_(scratch_.path()) {
    root_pem_ = Pem(test::DefaultCertificateAuthority().certificate());
  }
  void SetUp() override { ASSERT_FALSE(scratch_.path().empty()); }

  // A packed full attestation from the default test CA, judged with the
  // directory's anchors and trust required.
  VerifyError VerifyWith(std::shared_ptr<const TrustStore> store) {
    test::RegistrationOptions o;
    o.attestation = AttestationShape::kPackedFull;
    o.aaguid = test::kTestAaguid;
    RegistrationExpectations e = Expectations();
    e.requirements.trust_store = std::move(store);
    e.requirements.require_trusted_attestation = true;
    return Verify(es256_.Register(o), e);
  }

  test::ScratchDir scratch_{"keystorm-trust"};
  std::filesystem::path dir_;
  std::string root_pem_;
};

TEST_F(TrustStoreTest, AnchorsForTheFormatAreUsed) {
  Write(dir_ / "packed" / "vendor.pem", root_pem_);
  auto store = TrustStore::LoadDirectory(dir_);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  EXPECT_VERDICT(VerifyError::kOk, VerifyWith(*store));
  EXPECT_TRUE(credential_.attestation_trusted);
}

TEST_F(TrustStoreTest, AnchorsOfAnotherFormatDoNotApply) {
  Write(dir_ / "tpm" / "vendor.pem", root_pem_);
  auto store = TrustStore::LoadDirectory(dir_);
  ASSERT_TRUE(store.has_value());
  EXPECT_VERDICT(VerifyError::kAttestationUntrusted, VerifyWith(*store));
  EXPECT_EQ((*store)->AnchorsFor("packed", test::kTestAaguid), nullptr);
}

TEST_F(TrustStoreTest, WithoutRequirementAnUnanchoredStatementIsReportedNotRefused) {
  auto store = TrustStore::LoadDirectory(dir_);
  ASSERT_TRUE(store.has_value());
  test::RegistrationOptions o;
  o.attestation = AttestationShape::kPackedFull;
  RegistrationExpectations e = Expectations();
  e.requirements.trust_store = *store;
  EXPECT_VERDICT(VerifyError::kOk, Verify(es256_.Register(o), e));
  EXPECT_FALSE(credential_.attestation_trusted);
}

TEST_F(TrustStoreTest, AnchorsPerAaguidAndGlobalAnchors) {
  Write(dir_ / "aaguid" / "6b657973-746f-726d-2d74-6573742d3031" / "model.pem", root_pem_);
  auto by_model = TrustStore::LoadDirectory(dir_);
  ASSERT_TRUE(by_model.has_value()) << by_model.error().ToString();
  EXPECT_VERDICT(VerifyError::kOk, VerifyWith(*by_model));
  std::array<uint8_t, 16> other = test::kTestAaguid;
  other[15] ^= 1;
  EXPECT_EQ((*by_model)->AnchorsFor("packed", other), nullptr);

  std::filesystem::remove_all(dir_ / "aaguid");
  Write(dir_ / "all.pem", root_pem_);
  auto global = TrustStore::LoadDirectory(dir_);
  ASSERT_TRUE(global.has_value());
  EXPECT_VERDICT(VerifyError::kOk, VerifyWith(*global));
}

TEST_F(TrustStoreTest, ABadFileFailsTheWholeLoad) {
  Write(dir_ / "packed" / "vendor.pem", root_pem_);
  Write(dir_ / "packed" / "broken.pem", "-----BEGIN CERTIFICATE-----\nnot base64\n");
  EXPECT_FALSE(TrustStore::LoadDirectory(dir_).has_value());
  std::filesystem::remove(dir_ / "packed" / "broken.pem");
  Write(dir_ / "aaguid" / "not-a-uuid" / "x.pem", root_pem_);
  EXPECT_FALSE(TrustStore::LoadDirectory(dir_).has_value());
}

TEST_F(TrustStoreTest, ReloadSwapsInNewRootsAndKeepsTheOldOnFailure) {
  ReloadableTrustStore live(dir_);
  ASSERT_TRUE(live.Reload().ok());
  EXPECT_VERDICT(VerifyError::kAttestationUntrusted, VerifyWith(live.Current()));
  // The operator installs the vendor's root: no restart.
  Write(dir_ / "packed" / "vendor.pem", root_pem_);
  ASSERT_TRUE(live.Reload().ok());
  std::shared_ptr<const TrustStore> before = live.Current();
  EXPECT_VERDICT(VerifyError::kOk, VerifyWith(before));
  // A broken update is refused and the running roots stay.
  Write(dir_ / "packed" / "zz-broken.pem", "garbage");
  EXPECT_FALSE(live.Reload().ok());
  EXPECT_EQ(live.Current(), before);
  EXPECT_VERDICT(VerifyError::kOk, VerifyWith(live.Current()));
}

TEST(ParseAaguidTest, AcceptsUuidTextOnly) {
  std::array<uint8_t, 16> out;
  ASSERT_TRUE(ParseAaguid("6B657973-746f-726d-2d74-6573742d3031", &out));
  EXPECT_EQ(out, test::kTestAaguid);
  EXPECT_FALSE(ParseAaguid("6b657973746f726d2d746573742d3031", &out));
  EXPECT_FALSE(ParseAaguid("6b657973-746f-726d-2d74-6573742d303g", &out));
}

}  // namespace
}  // namespace keystorm
