#include "attestation_test_support.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/bytestring.h>
#include <openssl/digest.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/mem.h>
#include <openssl/obj.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>
#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <mutex>
#include <sstream>

#include "keystorm/authenticator_data.h"
#include "keystorm/base64url.h"
#include "keystorm/corpus/corpus_case.h"
#include "keystorm/cose_key.h"

namespace keystorm::testing {
namespace {

void AppendHead(Bytes* out, int major, uint64_t value) {
  const uint8_t m = static_cast<uint8_t>(major << 5);
  if (value < 24) {
    out->push_back(static_cast<uint8_t>(m | value));
    return;
  }
  int width = value <= 0xff ? 1 : value <= 0xffff ? 2 : value <= 0xffffffff ? 4 : 8;
  out->push_back(static_cast<uint8_t>(m | (width == 1   ? 24
                                           : width == 2 ? 25
                                           : width == 4 ? 26
                                                        : 27)));
  for (int i = width - 1; i >= 0; --i) out->push_back(static_cast<uint8_t>(value >> (8 * i)));
}

void EncodeTo(const Cbor& v, Bytes* out) {
  switch (v.kind) {
    case Cbor::Kind::kUint:
      AppendHead(out, 0, v.number);
      break;
    case Cbor::Kind::kNint:
      AppendHead(out, 1, v.number);
      break;
    case Cbor::Kind::kBytes:
      AppendHead(out, 2, v.bytes.size());
      out->insert(out->end(), v.bytes.begin(), v.bytes.end());
      break;
    case Cbor::Kind::kText:
      AppendHead(out, 3, v.text.size());
      out->insert(out->end(), v.text.begin(), v.text.end());
      break;
    case Cbor::Kind::kArray:
      AppendHead(out, 4, v.items.size());
      for (const Cbor& item : v.items) EncodeTo(item, out);
      break;
    case Cbor::Kind::kMap:
      AppendHead(out, 5, v.entries.size());
      for (const auto& [key, value] : v.entries) {
        EncodeTo(key, out);
        EncodeTo(value, out);
      }
      break;
    case Cbor::Kind::kBool:
      out->push_back(v.boolean ? 0xf5 : 0xf4);
      break;
    case Cbor::Kind::kNull:
      out->push_back(0xf6);
      break;
  }
}

Cbor FromRef(CborRef ref) {
  Cbor v;
  int64_t i = 0;
  uint64_t u = 0;
  ByteView b;
  std::string_view t;
  bool flag = false;
  switch (ref.type()) {
    case CborType::kUnsigned:
      EXPECT_TRUE(ref.GetUint(&u));
      v.kind = Cbor::Kind::kUint;
      v.number = u;
      break;
    case CborType::kNegative:
      EXPECT_TRUE(ref.GetInt(&i));
      v.kind = Cbor::Kind::kNint;
      v.number = static_cast<uint64_t>(-1 - i);
      break;
    case CborType::kBytes:
      EXPECT_TRUE(ref.GetBytes(&b));
      v.kind = Cbor::Kind::kBytes;
      v.bytes.assign(b.begin(), b.end());
      break;
    case CborType::kText:
      EXPECT_TRUE(ref.GetText(&t));
      v.kind = Cbor::Kind::kText;
      v.text = std::string(t);
      break;
    case CborType::kArray:
      v.kind = Cbor::Kind::kArray;
      for (uint64_t n = 0; n < ref.size(); ++n) v.items.push_back(FromRef(ref.ArrayAt(n)));
      break;
    case CborType::kMap:
      v.kind = Cbor::Kind::kMap;
      for (uint64_t n = 0; n < ref.size(); ++n) {
        v.entries.emplace_back(FromRef(ref.MapKeyAt(n)), FromRef(ref.MapValueAt(n)));
      }
      break;
    case CborType::kBool:
      EXPECT_TRUE(ref.GetBool(&flag));
      v.kind = Cbor::Kind::kBool;
      v.boolean = flag;
      break;
    case CborType::kNull:
      v.kind = Cbor::Kind::kNull;
      break;
    default:
      ADD_FAILURE() << "CBOR type the test model does not hold";
  }
  return v;
}

Bytes ReadFileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  std::string s = buf.str();
  return Bytes(s.begin(), s.end());
}

Bytes B64u(std::string_view text) {
  Bytes out;
  EXPECT_TRUE(Base64UrlDecode(text, &out)) << text;
  return out;
}

int64_t ParseUtc(std::string_view iso) {
  std::tm tm{};
  std::istringstream in{std::string(iso.substr(0, 19))};
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  EXPECT_FALSE(in.fail()) << iso;
  return static_cast<int64_t>(timegm(&tm));
}

bssl::UniquePtr<ASN1_OBJECT> Oid(const std::string& dotted) {
  bssl::UniquePtr<ASN1_OBJECT> obj(OBJ_txt2obj(dotted.c_str(), 1));
  EXPECT_NE(obj, nullptr) << dotted;
  return obj;
}

Bytes Finish(CBB* cbb) {
  uint8_t* data = nullptr;
  size_t len = 0;
  EXPECT_TRUE(CBB_finish(cbb, &data, &len));
  Bytes out(data, data + len);
  OPENSSL_free(data);
  return out;
}

// CBB_add_asn1_oid_from_text writes the contents only: wrap them in OBJECT.
bool AddOid(CBB* cbb, const std::string& dotted) {
  CBB oid;
  return CBB_add_asn1(cbb, &oid, CBS_ASN1_OBJECT) &&
         CBB_add_asn1_oid_from_text(&oid, dotted.data(), dotted.size()) && CBB_flush(cbb);
}

Bytes MakeAuthData(std::string_view rp_id, const std::array<uint8_t, 16>& aaguid, ByteView cred_id,
                   ByteView cose_key) {
  Bytes ad = Sha256(AsBytes(rp_id));
  ad.push_back(0x45);  // UP | UV | AT
  for (int i = 0; i < 4; ++i) ad.push_back(0);
  ad.insert(ad.end(), aaguid.begin(), aaguid.end());
  ad.push_back(static_cast<uint8_t>(cred_id.size() >> 8));
  ad.push_back(static_cast<uint8_t>(cred_id.size()));
  ad.insert(ad.end(), cred_id.begin(), cred_id.end());
  ad.insert(ad.end(), cose_key.begin(), cose_key.end());
  return ad;
}

}  // namespace

// --- Cbor -------------------------------------------------------------------

Cbor* Cbor::Find(std::string_view key) {
  for (auto& [k, v] : entries) {
    if (k.kind == Kind::kText && k.text == key) return &v;
  }
  return nullptr;
}

const Cbor* Cbor::Find(std::string_view key) const { return const_cast<Cbor*>(this)->Find(key); }

Cbor& Cbor::Set(std::string_view key, Cbor value) {
  if (Cbor* existing = Find(key)) {
    *existing = std::move(value);
    return *existing;
  }
  entries.emplace_back(CborText(key), std::move(value));
  return entries.back().second;
}

void Cbor::Erase(std::string_view key) {
  std::erase_if(entries,
                [&](const auto& e) { return e.first.kind == Kind::kText && e.first.text == key; });
}

Bytes Cbor::Encode() const {
  Bytes out;
  EncodeTo(*this, &out);
  return out;
}

Cbor CborInt(int64_t value) {
  Cbor v;
  v.kind = value >= 0 ? Cbor::Kind::kUint : Cbor::Kind::kNint;
  v.number = value >= 0 ? static_cast<uint64_t>(value) : static_cast<uint64_t>(-1 - value);
  return v;
}
Cbor CborBytes(ByteView value) {
  Cbor v;
  v.kind = Cbor::Kind::kBytes;
  v.bytes.assign(value.begin(), value.end());
  return v;
}
Cbor CborText(std::string_view value) {
  Cbor v;
  v.kind = Cbor::Kind::kText;
  v.text = std::string(value);
  return v;
}
Cbor CborBool(bool value) {
  Cbor v;
  v.kind = Cbor::Kind::kBool;
  v.boolean = value;
  return v;
}
Cbor CborArray(std::vector<Cbor> items) {
  Cbor v;
  v.kind = Cbor::Kind::kArray;
  v.items = std::move(items);
  return v;
}
Cbor CborMap(std::vector<std::pair<std::string, Cbor>> members) {
  Cbor v;
  v.kind = Cbor::Kind::kMap;
  for (auto& [k, value] : members) v.entries.emplace_back(CborText(k), std::move(value));
  return v;
}

Cbor DecodeCbor(ByteView encoded) {
  CborDocument doc;
  CborLimits limits;
  limits.canonical_key_order = false;
  if (!doc.Parse(encoded, limits)) {
    ADD_FAILURE() << "test input is not CBOR the engine reads";
    return Cbor();
  }
  return FromRef(doc.root());
}

// --- Keys -------------------------------------------------------------------

bssl::UniquePtr<EVP_PKEY> NewEcKey(int curve_nid) {
  bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_by_curve_name(curve_nid));
  EXPECT_TRUE(ec && EC_KEY_generate_key(ec.get()));
  bssl::UniquePtr<EVP_PKEY> pkey(EVP_PKEY_new());
  EXPECT_TRUE(EVP_PKEY_assign_EC_KEY(pkey.get(), ec.release()));
  return pkey;
}

bssl::UniquePtr<EVP_PKEY> RsaKey(int index) {
  static std::mutex mu;
  static std::vector<bssl::UniquePtr<EVP_PKEY>> pool;
  std::lock_guard<std::mutex> lock(mu);
  while (pool.size() <= static_cast<size_t>(index)) {
    bssl::UniquePtr<RSA> rsa(RSA_new());
    bssl::UniquePtr<BIGNUM> e(BN_new());
    EXPECT_TRUE(BN_set_word(e.get(), 65537));
    EXPECT_TRUE(RSA_generate_key_ex(rsa.get(), 2048, e.get(), nullptr));
    bssl::UniquePtr<EVP_PKEY> pkey(EVP_PKEY_new());
    EXPECT_TRUE(EVP_PKEY_assign_RSA(pkey.get(), rsa.release()));
    pool.push_back(std::move(pkey));
  }
  return bssl::UpRef(pool[index]);
}

Bytes CoseKey(EVP_PKEY* key, int64_t alg) {
  Cbor map;
  map.kind = Cbor::Kind::kMap;
  if (const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(key)) {
    const EC_GROUP* group = EC_KEY_get0_group(ec);
    const size_t field = (EC_GROUP_get_degree(group) + 7) / 8;
    int crv = EC_GROUP_get_curve_name(group) == NID_X9_62_prime256v1 ? 1
              : EC_GROUP_get_curve_name(group) == NID_secp384r1      ? 2
                                                                     : 3;
    bssl::UniquePtr<BIGNUM> x(BN_new()), y(BN_new());
    EXPECT_TRUE(EC_POINT_get_affine_coordinates_GFp(group, EC_KEY_get0_public_key(ec), x.get(),
                                                    y.get(), nullptr));
    Bytes xb(field), yb(field);
    EXPECT_TRUE(BN_bn2bin_padded(xb.data(), field, x.get()));
    EXPECT_TRUE(BN_bn2bin_padded(yb.data(), field, y.get()));
    // CTAP2 canonical order: 1, 3, -1, -2, -3.
    map.entries.emplace_back(CborInt(1), CborInt(2));
    map.entries.emplace_back(CborInt(3), CborInt(alg));
    map.entries.emplace_back(CborInt(-1), CborInt(crv));
    map.entries.emplace_back(CborInt(-2), CborBytes(xb));
    map.entries.emplace_back(CborInt(-3), CborBytes(yb));
    return map.Encode();
  }
  const RSA* rsa = EVP_PKEY_get0_RSA(key);
  EXPECT_NE(rsa, nullptr);
  Bytes n(BN_num_bytes(RSA_get0_n(rsa))), e(BN_num_bytes(RSA_get0_e(rsa)));
  BN_bn2bin(RSA_get0_n(rsa), n.data());
  BN_bn2bin(RSA_get0_e(rsa), e.data());
  map.entries.emplace_back(CborInt(1), CborInt(3));
  map.entries.emplace_back(CborInt(3), CborInt(alg));
  map.entries.emplace_back(CborInt(-1), CborBytes(n));
  map.entries.emplace_back(CborInt(-2), CborBytes(e));
  return map.Encode();
}

Bytes Sign(EVP_PKEY* key, const EVP_MD* md, ByteView message) {
  bssl::ScopedEVP_MD_CTX ctx;
  EXPECT_TRUE(EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key));
  size_t len = 0;
  EXPECT_TRUE(EVP_DigestSign(ctx.get(), nullptr, &len, message.data(), message.size()));
  Bytes sig(len);
  EXPECT_TRUE(EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()));
  sig.resize(len);
  return sig;
}

Bytes Sha256(ByteView data) {
  Bytes out(32);
  SHA256(data.data(), data.size(), out.data());
  return out;
}

Bytes Concat(ByteView a, ByteView b) {
  Bytes out(a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

// --- Certificates -----------------------------------------------------------

Cert BuildCert(const CertSpec& spec, EVP_PKEY* subject_key, EVP_PKEY* issuer_key,
               const Cert* issuer) {
  static uint64_t serial = 1000;
  bssl::UniquePtr<X509> x(X509_new());
  EXPECT_TRUE(X509_set_version(x.get(), spec.version - 1));
  EXPECT_TRUE(ASN1_INTEGER_set_uint64(X509_get_serialNumber(x.get()), ++serial));
  X509_NAME* subject = X509_get_subject_name(x.get());
  for (const auto& [field, value] : spec.subject) {
    EXPECT_TRUE(X509_NAME_add_entry_by_txt(subject, field.c_str(), MBSTRING_UTF8,
                                           reinterpret_cast<const uint8_t*>(value.data()),
                                           static_cast<int>(value.size()), -1, 0));
  }
  EXPECT_TRUE(
      X509_set_issuer_name(x.get(), issuer ? X509_get_subject_name(issuer->x509.get()) : subject));
  EXPECT_TRUE(ASN1_TIME_set(X509_getm_notBefore(x.get()), static_cast<time_t>(spec.not_before)));
  EXPECT_TRUE(ASN1_TIME_set(X509_getm_notAfter(x.get()), static_cast<time_t>(spec.not_after)));
  EXPECT_TRUE(X509_set_pubkey(x.get(), subject_key));
  for (const CertSpec::Extension& e : spec.extensions) {
    bssl::UniquePtr<ASN1_OCTET_STRING> value(ASN1_OCTET_STRING_new());
    EXPECT_TRUE(
        ASN1_OCTET_STRING_set(value.get(), e.value.data(), static_cast<int>(e.value.size())));
    bssl::UniquePtr<X509_EXTENSION> ext(
        X509_EXTENSION_create_by_OBJ(nullptr, Oid(e.oid).get(), e.critical, value.get()));
    EXPECT_TRUE(ext && X509_add_ext(x.get(), ext.get(), -1));
  }
  EXPECT_TRUE(X509_sign(x.get(), issuer_key, EVP_sha256()));
  uint8_t* der = nullptr;
  int len = i2d_X509(x.get(), &der);
  EXPECT_GT(len, 0);
  Cert cert{std::move(x), Bytes(der, der + len)};
  OPENSSL_free(der);
  return cert;
}

TestCa MakeCa(std::string_view common_name) {
  TestCa ca;
  ca.key = NewEcKey(NID_X9_62_prime256v1);
  CertSpec spec;
  spec.subject = {{"CN", std::string(common_name)}, {"O", "Keystorm tests"}};
  spec.not_before = kNow - 10 * 86400;
  spec.not_after = kNow + 10 * 365 * 86400;
  spec.Add("2.5.29.19", true, DerBasicConstraints(true));
  ca.cert = BuildCert(spec, ca.key.get(), ca.key.get(), nullptr);
  return ca;
}

Bytes DerBasicConstraints(bool ca) {
  bssl::ScopedCBB cbb;
  CBB seq;
  EXPECT_TRUE(CBB_init(cbb.get(), 16) && CBB_add_asn1(cbb.get(), &seq, CBS_ASN1_SEQUENCE));
  if (ca) {
    EXPECT_TRUE(CBB_add_asn1_bool(&seq, 1));
  }
  return Finish(cbb.get());
}

Bytes DerExtendedKeyUsage(const std::vector<std::string>& oids) {
  bssl::ScopedCBB cbb;
  CBB seq;
  EXPECT_TRUE(CBB_init(cbb.get(), 16) && CBB_add_asn1(cbb.get(), &seq, CBS_ASN1_SEQUENCE));
  for (const std::string& oid : oids) {
    EXPECT_TRUE(AddOid(&seq, oid));
  }
  return Finish(cbb.get());
}

Bytes DerOctetString(ByteView contents) {
  bssl::ScopedCBB cbb;
  EXPECT_TRUE(CBB_init(cbb.get(), contents.size() + 4) &&
              CBB_add_asn1_octet_string(cbb.get(), contents.data(), contents.size()));
  return Finish(cbb.get());
}

Bytes DerDirectoryNameSan(const std::vector<std::pair<std::string, std::string>>& attributes) {
  bssl::ScopedCBB cbb;
  CBB names, directory, name;
  EXPECT_TRUE(
      CBB_init(cbb.get(), 64) && CBB_add_asn1(cbb.get(), &names, CBS_ASN1_SEQUENCE) &&
      CBB_add_asn1(&names, &directory, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 4) &&
      CBB_add_asn1(&directory, &name, CBS_ASN1_SEQUENCE));
  for (const auto& [oid, value] : attributes) {
    CBB rdn, atv, text;
    EXPECT_TRUE(CBB_add_asn1(&name, &rdn, CBS_ASN1_SET) &&
                CBB_add_asn1(&rdn, &atv, CBS_ASN1_SEQUENCE) && AddOid(&atv, oid) &&
                CBB_add_asn1(&atv, &text, CBS_ASN1_UTF8STRING) &&
                CBB_add_bytes(&text, reinterpret_cast<const uint8_t*>(value.data()), value.size()));
  }
  return Finish(cbb.get());
}

Bytes DerDnsNameSan(std::string_view dns_name) {
  bssl::ScopedCBB cbb;
  CBB names, name;
  EXPECT_TRUE(
      CBB_init(cbb.get(), 64) && CBB_add_asn1(cbb.get(), &names, CBS_ASN1_SEQUENCE) &&
      CBB_add_asn1(&names, &name, CBS_ASN1_CONTEXT_SPECIFIC | 2) &&
      CBB_add_bytes(&name, reinterpret_cast<const uint8_t*>(dns_name.data()), dns_name.size()));
  return Finish(cbb.get());
}

namespace {

void AddAuthorizationList(CBB* parent, const AuthorizationListSpec& list) {
  constexpr unsigned kExplicit = CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED;
  CBB seq;
  EXPECT_TRUE(CBB_add_asn1(parent, &seq, CBS_ASN1_SEQUENCE));
  if (list.purpose) {
    CBB tagged, set;
    EXPECT_TRUE(CBB_add_asn1(&seq, &tagged, kExplicit | 1) &&
                CBB_add_asn1(&tagged, &set, CBS_ASN1_SET));
    for (uint64_t p : *list.purpose) EXPECT_TRUE(CBB_add_asn1_uint64(&set, p));
  }
  if (list.all_applications) {
    CBB tagged, null;
    EXPECT_TRUE(CBB_add_asn1(&seq, &tagged, kExplicit | 600) &&
                CBB_add_asn1(&tagged, &null, CBS_ASN1_NULL));
  }
  if (list.origin) {
    CBB tagged;
    EXPECT_TRUE(CBB_add_asn1(&seq, &tagged, kExplicit | 702) &&
                CBB_add_asn1_uint64(&tagged, *list.origin));
  }
  EXPECT_TRUE(CBB_flush(parent));
}

}  // namespace

Bytes DerKeyDescription(const KeyDescriptionSpec& spec) {
  bssl::ScopedCBB cbb;
  CBB seq, level, km_level;
  EXPECT_TRUE(CBB_init(cbb.get(), 128) && CBB_add_asn1(cbb.get(), &seq, CBS_ASN1_SEQUENCE) &&
              CBB_add_asn1_uint64(&seq, spec.attestation_version) &&
              CBB_add_asn1(&seq, &level, CBS_ASN1_ENUMERATED) &&
              CBB_add_u8(&level, static_cast<uint8_t>(spec.security_level)) &&
              CBB_add_asn1_uint64(&seq, 300) &&
              CBB_add_asn1(&seq, &km_level, CBS_ASN1_ENUMERATED) &&
              CBB_add_u8(&km_level, static_cast<uint8_t>(spec.security_level)) &&
              CBB_add_asn1_octet_string(&seq, spec.challenge.data(), spec.challenge.size()) &&
              CBB_add_asn1_octet_string(&seq, nullptr, 0));
  AddAuthorizationList(&seq, spec.software_enforced);
  AddAuthorizationList(&seq, spec.tee_enforced);
  return Finish(cbb.get());
}

// --- Ceremony ---------------------------------------------------------------

Ceremony::Ceremony(EVP_PKEY* credential_key, int64_t alg) {
  for (size_t i = 0; i < aaguid_.size(); ++i) aaguid_[i] = static_cast<uint8_t>(0xa0 + i);
  std::string cdj = std::string(R"({"type":"webauthn.create","challenge":")") +
                    std::string(kChallenge) + R"(","origin":")" + std::string(kOrigin) + R"("})";
  client_data_json_.assign(cdj.begin(), cdj.end());
  client_data_hash_ = Sha256(client_data_json_);
  const Bytes cred_id(16, 0x42);
  auth_data_ = MakeAuthData(kRpId, aaguid_, cred_id, CoseKey(credential_key, alg));
}

VerifyError Ceremony::Verify(std::string_view fmt, const Cbor& att_stmt,
                             const AttestationPolicy& policy, int64_t verification_time,
                             AttestationStatementResult* result) const {
  return VerifyStatement(fmt, att_stmt, auth_data_, client_data_hash_, policy, verification_time,
                         result);
}

Bytes Ceremony::AttestationObject(std::string_view fmt, const Cbor& att_stmt) const {
  return CborMap(
             {{"fmt", CborText(fmt)}, {"attStmt", att_stmt}, {"authData", CborBytes(auth_data_)}})
      .Encode();
}

Cbor MakeAndroidKeyStatement(const Ceremony& ceremony, EVP_PKEY* credential_key, const TestCa& ca,
                             const KeyDescriptionSpec& kd) {
  CertSpec spec;
  spec.subject = {{"CN", "Android Keystore Key"}};
  spec.Add("1.3.6.1.4.1.11129.2.1.17", false, DerKeyDescription(kd));
  Cert leaf = BuildCert(spec, credential_key, ca.key.get(), &ca.cert);
  return CborMap({{"alg", CborInt(-7)},
                  {"sig", CborBytes(Sign(credential_key, EVP_sha256(), ceremony.ToBeSigned()))},
                  {"x5c", CborArray({CborBytes(leaf.der), CborBytes(ca.cert.der)})}});
}

Cbor MakeAppleStatement(EVP_PKEY* credential_key, const TestCa& ca, ByteView nonce) {
  bssl::ScopedCBB cbb;
  CBB seq, tagged;
  EXPECT_TRUE(CBB_init(cbb.get(), 64) && CBB_add_asn1(cbb.get(), &seq, CBS_ASN1_SEQUENCE) &&
              CBB_add_asn1(&seq, &tagged, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 1) &&
              CBB_add_asn1_octet_string(&tagged, nonce.data(), nonce.size()));
  CertSpec spec;
  spec.subject = {{"CN", "credential"}};
  spec.Add("1.2.840.113635.100.8.2", false, Finish(cbb.get()));
  Cert leaf = BuildCert(spec, credential_key, ca.key.get(), &ca.cert);
  return CborMap({{"x5c", CborArray({CborBytes(leaf.der), CborBytes(ca.cert.der)})}});
}

VerifyError VerifyStatement(std::string_view fmt, const Cbor& att_stmt, ByteView auth_data,
                            ByteView client_data_hash, const AttestationPolicy& policy,
                            int64_t verification_time, AttestationStatementResult* result) {
  AuthenticatorData ad;
  EXPECT_EQ(ParseAuthenticatorData(auth_data, &ad), VerifyError::kOk);
  EXPECT_TRUE(ad.attested.has_value());
  if (!ad.attested) return VerifyError::kMalformedAuthenticatorData;
  std::unique_ptr<PublicKey> key;
  EXPECT_EQ(PublicKey::Parse(ad.attested->credential_public_key, &key), VerifyError::kOk);
  if (!key) return VerifyError::kInvalidPublicKey;
  Bytes stmt = att_stmt.Encode();
  CborDocument doc;
  CborLimits limits;
  limits.canonical_key_order = false;
  EXPECT_TRUE(doc.Parse(stmt, limits));
  AttestationContext ctx{&ad, client_data_hash, key.get(), verification_time, policy};
  AttestationStatementResult local;
  VerifyError err = VerifyAttestationStatement(fmt, doc.root(), ctx, &local);
  if (err == VerifyError::kOk && result != nullptr) {
    // The trust path may point into `stmt`, which dies here: hand out copies.
    auto certs = std::make_shared<std::vector<Bytes>>();
    for (ByteView der : local.trust_path) certs->emplace_back(der.begin(), der.end());
    result->type = local.type;
    result->trust_path.assign(certs->begin(), certs->end());
    result->owned_certificates = std::move(certs);
  }
  return err;
}

// --- Corpus -----------------------------------------------------------------

std::filesystem::path CorpusDir() {
  return std::filesystem::path(KEYSTORM_CORPUS_DIR) / "conformance";
}

bool CorpusPresent() { return std::filesystem::is_directory(CorpusDir() / "registration"); }

std::string Capture::fmt() const { return attestation_object.Find("fmt")->text; }
const Cbor& Capture::att_stmt() const { return *attestation_object.Find("attStmt"); }
const Bytes& Capture::auth_data() const { return attestation_object.Find("authData")->bytes; }

VerifyError Capture::Verify(const Cbor* stmt) const { return VerifyWithPolicy(policy, stmt); }

VerifyError Capture::VerifyWithPolicy(const AttestationPolicy& p, const Cbor* stmt) const {
  return VerifyStatement(fmt(), stmt ? *stmt : att_stmt(), auth_data(), client_data_hash, p,
                         verification_time);
}

Capture LoadCapture(std::string_view id) {
  const std::filesystem::path path = CorpusDir() / "registration" / (std::string(id) + ".json");
  Bytes text = ReadFileBytes(path);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  EXPECT_EQ(parser.parse(reinterpret_cast<const char*>(text.data()), text.size()).get(doc),
            simdjson::SUCCESS)
      << path;
  Capture c;
  c.id = std::string(id);
  std::string_view cdj, att_obj, time;
  EXPECT_EQ(doc["response"]["response"]["clientDataJSON"].get_string().get(cdj), simdjson::SUCCESS);
  EXPECT_EQ(doc["response"]["response"]["attestationObject"].get_string().get(att_obj),
            simdjson::SUCCESS);
  c.client_data_json = B64u(cdj);
  c.client_data_hash = Sha256(c.client_data_json);
  c.attestation_object = DecodeCbor(B64u(att_obj));
  if (doc["expected"]["verificationTime"].get_string().get(time) == simdjson::SUCCESS) {
    c.verification_time = ParseUtc(time);
  } else {
    c.verification_time = static_cast<int64_t>(std::time(nullptr));
  }
  bool flag = false;
  if (doc["expected"]["safetyNetEnforceCTSCheck"].get_bool().get(flag) == simdjson::SUCCESS) {
    c.policy.safetynet_enforce_cts_profile_match = flag;
  }
  if (doc["expected"]["safetyNetTimestampCheck"].get_bool().get(flag) == simdjson::SUCCESS) {
    c.policy.safetynet_check_timestamp = flag;
  }
  return c;
}

CaseVerdict RunCorpusCase(std::string_view id) {
  const std::filesystem::path path = CorpusDir() / "registration" / (std::string(id) + ".json");
  Result<corpus::CaseResult> r = corpus::RunCaseFile(path, corpus::CaseOptions{});
  EXPECT_TRUE(r.has_value()) << path;
  if (!r.has_value()) return {};
  return {r->pass, r->expected, r->got};
}

std::vector<std::pair<std::string, Bytes>> FuzzSeeds(std::string_view folder) {
  std::vector<std::pair<std::string, Bytes>> seeds;
  const std::filesystem::path dir =
      std::filesystem::path(KEYSTORM_SOURCE_DIR) / "corpus" / "fuzz" / folder;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    seeds.emplace_back(entry.path().filename().string(), ReadFileBytes(entry.path()));
  }
  std::sort(seeds.begin(), seeds.end());
  EXPECT_FALSE(seeds.empty()) << dir;
  return seeds;
}

}  // namespace keystorm::testing
