// Helpers for parsers_test: a tiny CBOR writer (it writes exactly what it is
// told, in the given order, so tests can build non-canonical input too),
// hex, the data-file reader for testdata/*.txt, and BoringSSL-made keys.
#ifndef KEYSTORM_TESTS_PARSERS_PARSERS_TEST_UTIL_H_
#define KEYSTORM_TESTS_PARSERS_PARSERS_TEST_UTIL_H_

#include <openssl/base.h>
#include <openssl/ec_key.h>
#include <openssl/rsa.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "keystorm/bytes.h"
#include "keystorm/verify_error.h"

namespace keystorm {

// Lets gtest print a VerifyError by its stable name.
void PrintTo(VerifyError error, std::ostream* os);

}  // namespace keystorm

namespace keystorm::testing {

// ---- CBOR -----------------------------------------------------------------

// The head of major type `major` with argument `value`; `width` 0 means the
// shortest form, otherwise 1, 2, 4 or 8 argument bytes (maybe non-shortest).
Bytes CborHead(int major, uint64_t value, int width = 0);
Bytes CborUint(uint64_t v);
Bytes CborInt(int64_t v);
Bytes CborBytes(ByteView b);
Bytes CborText(std::string_view s);
Bytes CborArray(std::initializer_list<Bytes> items);
// Pairs are written in the order given (no sorting, duplicates kept).
Bytes CborMap(const std::vector<std::pair<Bytes, Bytes>>& pairs);
Bytes Concat(std::initializer_list<ByteView> parts);

// ---- Hex and data files ---------------------------------------------------

Bytes FromHex(std::string_view hex);  // REQUIRES: even length, hex digits
std::string ToHex(ByteView b);

// One non-blank, non-comment line of a testdata file, split into fields.
// Fields are separated by blanks; a field in double quotes may hold blanks
// and the escapes \n \t \r \\ \" \xNN; '#' outside quotes starts a comment.
struct VectorLine {
  int line_number;
  std::vector<std::string> fields;
};
// Reads tests/parsers/testdata/<name>; fails the current test if unreadable.
std::vector<VectorLine> ReadVectorFile(std::string_view name);

// ---- Keys (BoringSSL) ------------------------------------------------------

struct EcTestKey {
  bssl::UniquePtr<EC_KEY> key;
  Bytes x, y;  // big-endian, exactly the field length
};
EcTestKey NewEcKey(int curve_nid);
// COSE_Key {1: 2, 3: alg, -1: crv, -2: x, -3: y} in canonical order.
Bytes Ec2CoseKey(int64_t alg, int64_t crv, ByteView x, ByteView y);
// ECDSA over `hash_nid`'s digest of `message`, as DER.
Bytes EcdsaSignDer(const EC_KEY* key, int hash_nid, ByteView message);
// The (r, s) of a fresh ECDSA signature, each big-endian without padding.
std::pair<Bytes, Bytes> EcdsaSignRaw(const EC_KEY* key, int hash_nid, ByteView message);

// Cached per process: generating RSA keys is slow under sanitizers.
const RSA* Rsa2048();
const RSA* Rsa1024();
// COSE_Key {1: 3, 3: alg, -1: n, -2: e} in canonical order.
Bytes RsaCoseKey(int64_t alg, ByteView n, ByteView e);
Bytes RsaModulus(const RSA* rsa);
Bytes RsaSignPkcs1(const RSA* rsa, int hash_nid, ByteView message);
Bytes RsaSignPss(const RSA* rsa, int hash_nid, ByteView message);

}  // namespace keystorm::testing

#endif  // KEYSTORM_TESTS_PARSERS_PARSERS_TEST_UTIL_H_
