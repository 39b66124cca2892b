#!/usr/bin/python3
"""Writes the fuzz seed folders corpus/fuzz/<target>/ deterministically.

Every seed is made here from first principles (a tiny CBOR encoder, textbook
ECDSA over P-256/P-384 with the curve's base point G as the public key, i.e.
private key 1, and an RSA-2048 key derived from a fixed PRNG seed); nothing is
copied from third-party data.  Running the script twice gives byte-identical
folders.  Python 3 standard library only.

  /usr/bin/python3 tools/fuzz/make_seeds.py              # (re)write corpus/fuzz/
  /usr/bin/python3 tools/fuzz/make_seeds.py --out DIR    # write elsewhere
  /usr/bin/python3 tools/fuzz/make_seeds.py --print-constants

--print-constants prints the values the fuzz targets embed (RSA modulus,
fixed messages, the attestation clientDataJSON) so they can be checked
against tests/fuzz/*.cc.
"""

import argparse
import base64
import hashlib
import json
import os
import random
import shutil
import struct
import sys

# ---------------------------------------------------------------------------
# Constants shared with the fuzz targets (tests/fuzz/fuzz_constants.h).

RP_ID = "example.com"
ORIGIN = "https://example.com"
CHALLENGE_BYTES = b"keystorm-fuzz-challenge"
DER_MESSAGE = b"keystorm fuzz_der_signature message"
COSE_MESSAGE = b"keystorm fuzz_cose_key message"
RSA_SEED = 20240601


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


CHALLENGE = b64u(CHALLENGE_BYTES)
# Exactly the bytes tests/fuzz/fuzz_attestation_object.cc uses.
CREATE_CLIENT_DATA = ('{"type":"webauthn.create","challenge":"%s","origin":"%s"}'
                      % (CHALLENGE, ORIGIN)).encode()

# ---------------------------------------------------------------------------
# CBOR (RFC 8949), enough for WebAuthn structures.


class Raw:
    """Pre-encoded CBOR inserted verbatim."""

    def __init__(self, data):
        self.data = data


class Tag:
    def __init__(self, tag, value):
        self.tag, self.value = tag, value


class Undefined:
    pass


class Float:
    def __init__(self, value, width):
        self.value, self.width = value, width


def head(major, value, width=None):
    """A header; `width` forces a (possibly non-shortest) argument size."""
    if width is None:
        if value < 24:
            width = 0
        elif value <= 0xFF:
            width = 1
        elif value <= 0xFFFF:
            width = 2
        elif value <= 0xFFFFFFFF:
            width = 4
        else:
            width = 8
    if width == 0:
        return bytes([(major << 5) | value])
    ai = {1: 24, 2: 25, 4: 26, 8: 27}[width]
    return bytes([(major << 5) | ai]) + value.to_bytes(width, "big")


def canonical_key(encoded):
    """CTAP2 canonical order: major type, then encoded length, then bytes."""
    return (encoded[0] >> 5, len(encoded), encoded)


def cbor(obj, canonical=True):
    if isinstance(obj, Raw):
        return obj.data
    if isinstance(obj, bool):
        return b"\xf5" if obj else b"\xf4"
    if obj is None:
        return b"\xf6"
    if isinstance(obj, Undefined):
        return b"\xf7"
    if isinstance(obj, Float):
        fmt = {2: ">e", 4: ">f", 8: ">d"}[obj.width]
        return bytes([0xF9 + {2: 0, 4: 1, 8: 2}[obj.width]]) + struct.pack(fmt, obj.value)
    if isinstance(obj, int):
        return head(0, obj) if obj >= 0 else head(1, -1 - obj)
    if isinstance(obj, bytes):
        return head(2, len(obj)) + obj
    if isinstance(obj, str):
        data = obj.encode()
        return head(3, len(data)) + data
    if isinstance(obj, Tag):
        return head(6, obj.tag) + cbor(obj.value, canonical)
    if isinstance(obj, list):
        return head(4, len(obj)) + b"".join(cbor(x, canonical) for x in obj)
    if isinstance(obj, dict):
        pairs = [(cbor(k, canonical), cbor(v, canonical)) for k, v in obj.items()]
        if canonical:
            pairs.sort(key=lambda kv: canonical_key(kv[0]))
        return head(5, len(pairs)) + b"".join(k + v for k, v in pairs)
    raise TypeError(type(obj))


def cbor_pairs(pairs):
    """A map with the pairs in the given order (duplicates allowed)."""
    return head(5, len(pairs)) + b"".join(cbor(k) + cbor(v) for k, v in pairs)


# ---------------------------------------------------------------------------
# Elliptic curves and ECDSA (textbook, affine coordinates).


class Curve:
    def __init__(self, name, p, a, b, gx, gy, n, size, hash_fn, cose_crv, cose_alg):
        self.name, self.p, self.a, self.b = name, p, a, b
        self.g = (gx, gy)
        self.n, self.size, self.hash_fn = n, size, hash_fn
        self.cose_crv, self.cose_alg = cose_crv, cose_alg

    def on_curve(self, pt):
        x, y = pt
        return (y * y - (x * x * x + self.a * x + self.b)) % self.p == 0

    def add(self, p1, p2):
        if p1 is None:
            return p2
        if p2 is None:
            return p1
        (x1, y1), (x2, y2) = p1, p2
        if x1 == x2 and (y1 + y2) % self.p == 0:
            return None
        if p1 == p2:
            lam = (3 * x1 * x1 + self.a) * pow(2 * y1, -1, self.p)
        else:
            lam = (y2 - y1) * pow(x2 - x1, -1, self.p)
        lam %= self.p
        x3 = (lam * lam - x1 - x2) % self.p
        return (x3, (lam * (x1 - x3) - y1) % self.p)

    def mul(self, k, pt):
        acc = None
        while k:
            if k & 1:
                acc = self.add(acc, pt)
            pt = self.add(pt, pt)
            k >>= 1
        return acc


P256 = Curve(
    "P-256",
    p=0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF,
    a=-3,
    b=0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
    gx=0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
    gy=0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
    n=0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    size=32, hash_fn=hashlib.sha256, cose_crv=1, cose_alg=-7)

P384 = Curve(
    "P-384",
    p=int("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFE"
          "FFFFFFFF0000000000000000FFFFFFFF", 16),
    a=-3,
    b=int("B3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875A"
          "C656398D8A2ED19D2A85C8EDD3EC2AEF", 16),
    gx=int("AA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A38"
           "5502F25DBF55296C3A545E3872760AB7", 16),
    gy=int("3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C0"
           "0A60B1CE1D7E819D7A431D7C90EA0E5F", 16),
    n=int("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF"
          "581A0DB248B0A77AECEC196ACCC52973", 16),
    size=48, hash_fn=hashlib.sha384, cose_crv=2, cose_alg=-35)

P521_GX = int("00C6858E06B70404E9CD9E3ECB662395B4429C648139053FB521F828AF606B4D"
              "3DBAA14B5E77EFE75928FE1DC127A2FFA8DE3348B3C1856A429BF97E7E31C2E5BD66", 16)
P521_GY = int("011839296A789A3BC0045C8A5FB42C7D1BD998F54449579B446817AFBD17273E"
              "662C97EE72995EF42640C550B9013FAD0761353C7086A272C24088BE94769FD16650", 16)


def coordinate(v, size, length):
    """v as `length` bytes: truncated on the left, or padded with zeros."""
    full = v.to_bytes(size, "big")
    return full[size - length:] if length <= size else b"\x00" * (length - size) + full


def ec_cose_key(curve, point, alg=None, crv=None, x_len=None, y_len=None, kty=2):
    x, y = point
    return cbor({1: kty, 3: curve.cose_alg if alg is None else alg,
                 -1: curve.cose_crv if crv is None else crv,
                 -2: coordinate(x % curve.p, curve.size, x_len or curve.size),
                 -3: coordinate(y % curve.p, curve.size, y_len or curve.size)})


def der_len(n):
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def der_int(v):
    body = v.to_bytes(max(1, (v.bit_length() + 7) // 8), "big")
    if body[0] & 0x80:
        body = b"\x00" + body
    return b"\x02" + der_len(len(body)) + body


def der_seq(body):
    return b"\x30" + der_len(len(body)) + body


def ecdsa_sign(curve, d, message, nonce_label=b""):
    """(r, s) over hash(message); k is derived deterministically."""
    digest = curve.hash_fn(message).digest()
    z = int.from_bytes(digest, "big")
    if len(digest) * 8 > curve.n.bit_length():
        z >>= len(digest) * 8 - curve.n.bit_length()
    counter = 0
    while True:
        k_seed = hashlib.sha512(b"k" + nonce_label + message + bytes([counter])).digest()
        k = int.from_bytes(k_seed, "big") % curve.n
        counter += 1
        if k == 0:
            continue
        r = curve.mul(k, curve.g)[0] % curve.n
        s = pow(k, -1, curve.n) * (z + r * d) % curve.n
        if r and s:
            return r, s


def ecdsa_der(curve, d, message, nonce_label=b""):
    r, s = ecdsa_sign(curve, d, message, nonce_label)
    return der_seq(der_int(r) + der_int(s))


# ---------------------------------------------------------------------------
# RSA (deterministic key from a fixed seed; PKCS#1 v1.5 signatures).


def is_probable_prime(n):
    if n < 2:
        return False
    small = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]
    for p in small:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for a in small:
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def rsa_key(bits, seed, e=65537):
    rng = random.Random(seed)
    while True:
        primes = []
        while len(primes) < 2:
            cand = rng.getrandbits(bits // 2) | (3 << (bits // 2 - 2)) | 1
            if is_probable_prime(cand) and (cand - 1) % e != 0:
                primes.append(cand)
        p, q = primes
        n = p * q
        if p != q and n.bit_length() == bits:
            d = pow(e, -1, (p - 1) * (q - 1))
            return n, e, d


SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


def rsa_pkcs1_sign(n, d, message):
    k = (n.bit_length() + 7) // 8
    t = SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
    em = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
    return pow(int.from_bytes(em, "big"), d, n).to_bytes(k, "big")


def rsa_cose_key(n, e, alg=-257):
    return cbor({1: 3, 3: alg, -1: n.to_bytes((n.bit_length() + 7) // 8, "big"),
                 -2: e.to_bytes((e.bit_length() + 7) // 8, "big")})


RSA_N, RSA_E, RSA_D = rsa_key(2048, RSA_SEED)

# Ed25519: the encoding of the base point (y = 4/5), a valid public key.
ED25519_B = bytes([0x58]) + bytes([0x66]) * 31

G256 = P256.g
G384 = P384.g

KEY_ES256 = ec_cose_key(P256, G256)
KEY_ES384 = ec_cose_key(P384, G384)
KEY_ED25519 = cbor({1: 1, 3: -8, -1: 6, -2: ED25519_B})
KEY_RS256 = rsa_cose_key(RSA_N, RSA_E)

# ---------------------------------------------------------------------------
# authenticatorData.

FLAG_UP, FLAG_UV, FLAG_BE, FLAG_BS, FLAG_AT, FLAG_ED = 0x01, 0x04, 0x08, 0x10, 0x40, 0x80
RP_ID_HASH = hashlib.sha256(RP_ID.encode()).digest()
AAGUID = bytes(range(16))


def auth_data(flags, sign_count=0, cred_id=None, cose_key=None, extensions=None,
              rp_id_hash=RP_ID_HASH, id_len=None):
    out = rp_id_hash + bytes([flags]) + struct.pack(">I", sign_count)
    if cred_id is not None:
        out += AAGUID + struct.pack(">H", len(cred_id) if id_len is None else id_len) + cred_id
        out += cose_key or b""
    if extensions is not None:
        out += extensions
    return out


CRED_ID = hashlib.sha256(b"credential").digest()

# ---------------------------------------------------------------------------
# Seeds, one function per target.  Each returns {name: bytes}.


def seeds_cbor():
    s = {}
    for v in [0, 1, 23, 24, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**64 - 1]:
        s["uint_%d" % v] = cbor(v)
    for v in [-1, -24, -25, -256, -257, -2**32, -2**63, -2**64]:
        s["negint_%d" % -v] = cbor(v)
    s["bytes_empty"] = cbor(b"")
    s["bytes_5"] = cbor(b"hello")
    s["bytes_300"] = cbor(bytes(range(256)) + bytes(44))
    s["text_ascii"] = cbor("webauthn")
    s["text_utf8"] = cbor("\u00e9\u4e2d\U0001F600")
    s["array_nested"] = cbor([1, [2, 3], [], [[4]]])
    s["map_canonical"] = cbor({1: 2, 3: 4, -1: b"x", "fmt": "none"})
    s["map_nested"] = cbor({"a": {"b": {"c": [1, 2, {"d": None}]}}})
    s["cose_key_es256"] = KEY_ES256
    s["tag_24"] = cbor(Tag(24, b"\x01"))
    s["tag_big"] = cbor(Tag(2**40, "x"))
    s["simple_values"] = cbor([True, False, None, Undefined()])
    s["floats"] = cbor([Float(1.5, 2), Float(3.25, 4), Float(1e300, 8)])
    s["attestation_object_shape"] = cbor(
        {"fmt": "none", "attStmt": {}, "authData": auth_data(FLAG_UP | FLAG_AT, 0, CRED_ID, KEY_ES256)})
    # Invalid: each breaks one rule.
    s["bad_nonshortest_uint"] = head(0, 5, width=1)
    s["bad_nonshortest_len"] = head(2, 1, width=2) + b"a"
    s["bad_nonshortest_tag"] = head(6, 1, width=1) + b"\x00"
    s["bad_nonshortest_map_count"] = head(5, 1, width=1) + b"\x01\x02"
    s["bad_indefinite_array"] = b"\x9f\x01\x02\xff"
    s["bad_indefinite_bytes"] = b"\x5f\x41a\xff"
    s["bad_indefinite_map"] = b"\xbf\x01\x02\xff"
    s["bad_break_alone"] = b"\xff"
    s["bad_reserved_ai"] = b"\x1c"
    s["bad_duplicate_keys"] = cbor_pairs([(1, 2), (1, 3)])
    s["bad_order"] = cbor_pairs([(3, 1), (1, 2)])
    s["order_text_keys_reversed"] = cbor_pairs([("fmt", "none"), ("attStmt", {})])
    s["bad_length_beyond_input"] = b"\x5a\xff\xff\xff\xff" + b"abc"
    s["bad_huge_array"] = b"\x9b" + b"\xff" * 8 + b"\x00"
    s["bad_huge_map"] = b"\xbb" + b"\x7f" + b"\xff" * 7 + b"\x00\x00"
    s["bad_trailing_byte"] = cbor({1: 2}) + b"\x00"
    s["bad_truncated_map"] = cbor({1: 2, 3: 4})[:-1]
    s["deep_15"] = b"\x81" * 15 + b"\x00"
    s["bad_deep_40"] = b"\x81" * 40 + b"\x00"
    s["bad_many_items"] = head(4, 5000) + b"\x00" * 5000
    # An empty container opens no nesting level: accepted right at the limit.
    s["empty_array_at_cose_depth_limit"] = b"\x81" * 4 + b"\x80"
    s["empty_map_at_depth_limit"] = b"\x81" * 16 + b"\xa0"
    return s


def seeds_base64url():
    s = {}
    cases = {
        "empty": "", "two": "AA", "three": "AAA", "four": "AAAA", "pad2": "QQ==",
        "pad1": "QUI=", "bad_pad_short": "QQ=", "unpadded": "QQ", "bad_len1": "Q",
        "bad_len5": "AAAAB", "bad_plus_slash": "a+b/", "bad_space": "ab cd",
        "bad_newline": "abcd\n", "urlsafe": "_-_-", "nonzero_low_bits": "aaa",
        "bad_only_pad": "====", "bad_pad3": "A===", "bad_pad_middle": "AB=A",
        "bad_too_much_pad": "QQ===",
        "alphabet": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        "bad_nul": "AA\x00A", "bad_high": "AA\xc3\xa9",
    }
    for name, text in cases.items():
        s[name] = text.encode("latin-1") if name != "bad_high" else b"AA\xc3\xa9"
    s["challenge"] = CHALLENGE.encode()
    s["long"] = b64u(hashlib.sha512(b"long").digest() * 4).encode()
    return s


def client_data(type_="webauthn.create", challenge=CHALLENGE, origin=ORIGIN, **extra):
    d = {"type": type_, "challenge": challenge, "origin": origin}
    d.update(extra)
    return json.dumps(d, separators=(",", ":")).encode()


def seeds_client_data():
    s = {}
    s["create"] = CREATE_CLIENT_DATA
    s["get"] = client_data("webauthn.get")
    s["cross_origin_false"] = client_data(crossOrigin=False)
    s["cross_origin_true"] = client_data(crossOrigin=True, topOrigin="https://top.example")
    s["cross_origin_null"] = client_data(crossOrigin=None)
    s["top_origin_null"] = client_data(topOrigin=None)
    s["extra_members"] = client_data(tokenBinding={"status": "present", "id": "abc"},
                                     other_keys_can_be_added_here="x")
    s["pretty_printed"] = json.dumps({"type": "webauthn.get", "challenge": CHALLENGE,
                                      "origin": ORIGIN}, indent=2).encode()
    s["unicode_escapes"] = b'{"type":"webauthn.\\u0067et","challenge":"abc","origin":"https://\\u00e9.example"}'
    s["utf8_origin"] = client_data(origin="https://\u00e9xample.com").replace(b"\\u00e9", "\u00e9".encode())
    s["bom"] = b"\xef\xbb\xbf" + CREATE_CLIENT_DATA
    s["bad_double_bom"] = b"\xef\xbb\xbf\xef\xbb\xbf" + CREATE_CLIENT_DATA
    s["bad_invalid_utf8"] = CREATE_CLIENT_DATA.replace(b"example", b"ex\xc3\x28ample")
    s["bad_overlong_utf8"] = CREATE_CLIENT_DATA.replace(b"example", b"ex\xc0\xafample")
    s["bad_duplicate_top"] = CREATE_CLIENT_DATA[:-1] + b',"type":"webauthn.get"}'
    s["bad_duplicate_nested"] = CREATE_CLIENT_DATA[:-1] + b',"tokenBinding":{"a":1,"a":2}}'
    s["bad_trailing"] = CREATE_CLIENT_DATA + b"x"
    s["trailing_whitespace"] = CREATE_CLIENT_DATA + b" \n"
    s["bad_two_objects"] = CREATE_CLIENT_DATA + CREATE_CLIENT_DATA
    s["bad_deep"] = CREATE_CLIENT_DATA[:-1] + b',"x":' + b"[" * 40 + b"]" * 40 + b"}"
    s["deep_ok"] = CREATE_CLIENT_DATA[:-1] + b',"x":' + b"[" * 20 + b"]" * 20 + b"}"
    s["bad_type_number"] = b'{"type":1,"challenge":"abc","origin":"https://example.com"}'
    s["bad_cross_origin_string"] = client_data(crossOrigin="true")
    s["bad_top_origin_number"] = client_data(topOrigin=7)
    s["bad_missing_origin"] = b'{"type":"webauthn.create","challenge":"abc"}'
    s["bad_array"] = b'["webauthn.create"]'
    s["bad_empty"] = b""
    s["bad_unterminated"] = CREATE_CLIENT_DATA[:-1]
    return s


def seeds_authenticator_data():
    s = {}
    ext = cbor({"credProtect": 2, "hmac-secret": True})
    s["minimal_get"] = auth_data(FLAG_UP, 42)
    s["get_uv_be_bs"] = auth_data(FLAG_UP | FLAG_UV | FLAG_BE | FLAG_BS, 0xFFFFFFFF)
    s["at_es256"] = auth_data(FLAG_UP | FLAG_AT, 0, CRED_ID, KEY_ES256)
    s["at_es384"] = auth_data(FLAG_UP | FLAG_UV | FLAG_AT, 1, CRED_ID, KEY_ES384)
    s["at_ed25519"] = auth_data(FLAG_UP | FLAG_AT, 0, CRED_ID[:16], KEY_ED25519)
    s["at_rs256"] = auth_data(FLAG_UP | FLAG_AT, 0, b"\x01", KEY_RS256)
    s["at_empty_id"] = auth_data(FLAG_UP | FLAG_AT, 0, b"", KEY_ES256)
    s["at_ed"] = auth_data(FLAG_UP | FLAG_AT | FLAG_ED, 7, CRED_ID, KEY_ES256, ext)
    s["ed_only"] = auth_data(FLAG_UP | FLAG_ED, 7, extensions=ext)
    s["ed_empty_map"] = auth_data(FLAG_UP | FLAG_ED, 7, extensions=cbor({}))
    s["long_credential_id"] = auth_data(FLAG_UP | FLAG_AT, 0, bytes(1024), KEY_ES256)
    s["bad_short"] = auth_data(FLAG_UP)[:36]
    s["bad_empty"] = b""
    s["bad_leftover_byte"] = auth_data(FLAG_UP) + b"\x00"
    s["bad_at_without_data"] = auth_data(FLAG_UP | FLAG_AT)
    s["bad_at_truncated_aaguid"] = auth_data(FLAG_UP | FLAG_AT) + AAGUID[:8]
    s["bad_id_length_beyond"] = auth_data(FLAG_UP | FLAG_AT, 0, CRED_ID, b"", id_len=500)
    s["bad_at_no_key"] = auth_data(FLAG_UP | FLAG_AT, 0, CRED_ID, b"")
    s["bad_key_noncanonical"] = auth_data(
        FLAG_UP | FLAG_AT, 0, CRED_ID,
        cbor_pairs([(3, -7), (1, 2), (-1, 1), (-2, G256[0].to_bytes(32, "big")),
                    (-3, G256[1].to_bytes(32, "big"))]))
    s["bad_key_trailing"] = auth_data(FLAG_UP | FLAG_AT, 0, CRED_ID, KEY_ES256 + b"\x00")
    s["bad_ed_flag_no_data"] = auth_data(FLAG_UP | FLAG_ED)
    s["bad_ed_not_map"] = auth_data(FLAG_UP | FLAG_ED, extensions=cbor([1, 2]))
    s["bad_ed_noncanonical"] = auth_data(FLAG_UP | FLAG_ED,
                                         extensions=cbor_pairs([("b", 1), ("a", 2)]))
    s["bad_extensions_without_ed"] = auth_data(FLAG_UP, extensions=ext)
    s["bad_at_ed_missing_ext"] = auth_data(FLAG_UP | FLAG_AT | FLAG_ED, 0, CRED_ID, KEY_ES256)
    return s


def attestation_object(fmt, ad, att_stmt, canonical=False):
    # Browsers commonly send fmt, attStmt, authData (not CTAP2 order).
    if canonical:
        return cbor({"fmt": fmt, "attStmt": Raw(att_stmt), "authData": ad})
    return cbor_pairs([("fmt", fmt), ("attStmt", Raw(att_stmt)), ("authData", ad)])


def packed_self(curve_or_rsa, ad):
    client_data_hash = hashlib.sha256(CREATE_CLIENT_DATA).digest()
    msg = ad + client_data_hash
    if curve_or_rsa == "rsa":
        return cbor({"alg": -257, "sig": rsa_pkcs1_sign(RSA_N, RSA_D, msg)})
    curve = curve_or_rsa
    return cbor({"alg": curve.cose_alg, "sig": ecdsa_der(curve, 1, msg)})


def seeds_attestation_object():
    s = {}
    flags = FLAG_UP | FLAG_UV | FLAG_AT
    ad256 = auth_data(flags, 0, CRED_ID, KEY_ES256)
    ad384 = auth_data(flags, 0, CRED_ID, KEY_ES384)
    ad_rsa = auth_data(flags, 0, CRED_ID, KEY_RS256)
    ad_ed = auth_data(flags, 0, CRED_ID, KEY_ED25519)
    ad_ext = auth_data(flags | FLAG_ED, 0, CRED_ID, KEY_ES256, cbor({"credProtect": 1}))
    empty = cbor({})
    s["none_es256"] = attestation_object("none", ad256, empty)
    s["none_es256_ctap2_order"] = attestation_object("none", ad256, empty, canonical=True)
    s["none_ed25519"] = attestation_object("none", ad_ed, empty)
    s["none_extensions"] = attestation_object("none", ad_ext, empty)
    s["packed_self_es256"] = attestation_object("packed", ad256, packed_self(P256, ad256))
    s["packed_self_es384"] = attestation_object("packed", ad384, packed_self(P384, ad384))
    s["packed_self_rs256"] = attestation_object("packed", ad_rsa, packed_self("rsa", ad_rsa))
    s["packed_attstmt_reordered"] = attestation_object(
        "packed", ad256, cbor_pairs([("sig", ecdsa_der(P256, 1, ad256 + hashlib.sha256(
            CREATE_CLIENT_DATA).digest())), ("alg", -7)]))
    s["bad_packed_wrong_sig"] = attestation_object("packed", ad256, packed_self(P256, ad384))
    s["bad_packed_alg_mismatch"] = attestation_object(
        "packed", ad256, cbor({"alg": -35, "sig": b"\x30\x00"}))
    s["bad_packed_x5c_garbage"] = attestation_object(
        "packed", ad256, cbor({"alg": -7, "sig": b"\x30\x00", "x5c": [b"\x30\x03\x02\x01\x01"]}))
    s["bad_fido_u2f_empty"] = attestation_object("fido-u2f", ad256, cbor({"sig": b"", "x5c": []}))
    s["bad_none_nonempty_stmt"] = attestation_object("none", ad256, cbor({"x": 1}))
    s["bad_unknown_fmt"] = attestation_object("tpm", ad256, empty)
    s["bad_rp_id_hash"] = attestation_object(
        "none", auth_data(flags, 0, CRED_ID, KEY_ES256, rp_id_hash=bytes(32)), empty)
    s["bad_no_up"] = attestation_object("none", auth_data(FLAG_AT, 0, CRED_ID, KEY_ES256), empty)
    s["bad_bs_without_be"] = attestation_object(
        "none", auth_data(flags | FLAG_BS, 0, CRED_ID, KEY_ES256), empty)
    s["bad_no_at"] = attestation_object("none", auth_data(FLAG_UP), empty)
    s["bad_long_cred_id"] = attestation_object("none", auth_data(flags, 0, bytes(1024), KEY_ES256), empty)
    s["bad_key_off_curve"] = attestation_object(
        "none", auth_data(flags, 0, CRED_ID, ec_cose_key(P256, (G256[0], G256[1] + 1))), empty)
    s["bad_key_ed448"] = attestation_object(
        "none", auth_data(flags, 0, CRED_ID, cbor({1: 1, 3: -8, -1: 7, -2: bytes(57)})), empty)
    s["bad_duplicate_fmt"] = cbor_pairs([("fmt", "none"), ("fmt", "none"), ("attStmt", {}),
                                         ("authData", ad256)])
    s["bad_attstmt_not_map"] = cbor_pairs([("fmt", "none"), ("attStmt", []), ("authData", ad256)])
    s["bad_missing_authdata"] = cbor_pairs([("fmt", "none"), ("attStmt", {})])
    s["bad_fmt_bytes"] = cbor_pairs([("fmt", b"none"), ("attStmt", {}), ("authData", ad256)])
    s["bad_trailing"] = attestation_object("none", ad256, empty) + b"\x00"
    s["bad_not_map"] = cbor(["none", {}, ad256])
    return s


def seeds_cose_key():
    s = {}
    g256x, g256y = (c.to_bytes(32, "big") for c in G256)
    s["es256_g"] = KEY_ES256
    s["es256_2g"] = ec_cose_key(P256, P256.mul(2, G256))
    s["esp256_g"] = ec_cose_key(P256, G256, alg=-9)
    s["es384_g"] = KEY_ES384
    s["es512_g"] = cbor({1: 2, 3: -36, -1: 3, -2: P521_GX.to_bytes(66, "big"),
                         -3: P521_GY.to_bytes(66, "big")})
    s["ed25519"] = KEY_ED25519
    s["ed25519_fully_specified"] = cbor({1: 1, 3: -19, -1: 6, -2: ED25519_B})
    s["rs256"] = KEY_RS256
    s["ps256"] = rsa_cose_key(RSA_N, RSA_E, alg=-37)
    s["rs1"] = rsa_cose_key(RSA_N, RSA_E, alg=-65535)
    s["unsupported_ed448"] = cbor({1: 1, 3: -8, -1: 7, -2: bytes(57)})
    s["unsupported_mldsa65"] = cbor({1: 7, 3: -49, -1: bytes(64)})
    s["unsupported_alg"] = cbor({1: 2, 3: -1000, -1: 1, -2: g256x, -3: g256y})
    s["bad_off_curve"] = ec_cose_key(P256, (G256[0], G256[1] + 1))
    s["bad_x_short"] = ec_cose_key(P256, G256, x_len=31)
    s["bad_y_long"] = ec_cose_key(P256, G256, y_len=33)
    s["bad_crv_mismatch"] = ec_cose_key(P256, G256, crv=2)
    s["bad_kty_mismatch"] = ec_cose_key(P256, G256, kty=1)
    s["bad_alg_for_curve"] = ec_cose_key(P256, G256, alg=-35)
    s["bad_compressed_y"] = cbor({1: 2, 3: -7, -1: 1, -2: g256x, -3: True})
    s["bad_missing_alg"] = cbor({1: 2, -1: 1, -2: g256x, -3: g256y})
    s["bad_noncanonical"] = cbor_pairs([(3, -7), (1, 2), (-1, 1), (-2, g256x), (-3, g256y)])
    s["bad_duplicate_label"] = cbor_pairs([(1, 2), (1, 2), (3, -7), (-1, 1), (-2, g256x), (-3, g256y)])
    s["bad_trailing"] = KEY_ES256 + b"\x00"
    s["bad_not_map"] = cbor([2, -7])
    # Regression (fuzz_cose_key): an invalid key followed by trailing bytes
    # must be malformed_cbor, not invalid_public_key.
    s["bad_invalid_key_then_trailing"] = ec_cose_key(P256, G256, x_len=31) + b"\x60"
    n1024, e1024, _ = rsa_key(1024, RSA_SEED + 1)
    s["bad_rsa_1024"] = rsa_cose_key(n1024, e1024)
    s["bad_rsa_e3"] = rsa_cose_key(RSA_N, 3)
    s["bad_rsa_even_modulus"] = rsa_cose_key(RSA_N + 1, RSA_E)
    s["bad_ed25519_short"] = cbor({1: 1, 3: -8, -1: 6, -2: ED25519_B[:31]})
    return s


def seeds_der_signature():
    s = {}
    for i in range(4):
        s["es256_valid_%d" % i] = ecdsa_der(P256, 1, DER_MESSAGE, b"%d" % i)
    for i in range(2):
        s["es384_valid_%d" % i] = ecdsa_der(P384, 1, DER_MESSAGE, b"%d" % i)
    s["rs256_valid"] = rsa_pkcs1_sign(RSA_N, RSA_D, DER_MESSAGE)
    r, sv = ecdsa_sign(P256, 1, DER_MESSAGE, b"0")
    ri, si = der_int(r), der_int(sv)
    s["es256_high_s"] = der_seq(ri + der_int(P256.n - sv))
    s["bad_trailing_byte"] = der_seq(ri + si) + b"\x00"
    s["bad_long_form_length"] = b"\x30\x81" + bytes([len(ri + si)]) + ri + si
    s["bad_indefinite_length"] = b"\x30\x80" + ri + si + b"\x00\x00"
    s["bad_padded_integer"] = der_seq(b"\x02" + bytes([len(ri) - 1]) + b"\x00" + ri[2:] + si)
    unpadded = r.to_bytes(32, "big")
    s["bad_negative_r"] = der_seq(b"\x02\x20" + bytes([unpadded[0] | 0x80]) + unpadded[1:] + si)
    s["bad_r_zero"] = der_seq(der_int(0) + si)
    s["bad_s_equals_n"] = der_seq(ri + der_int(P256.n))
    s["bad_wrong_tag"] = b"\x31" + der_seq(ri + si)[1:]
    s["bad_three_integers"] = der_seq(ri + si + der_int(1))
    s["bad_raw_r_s"] = r.to_bytes(32, "big") + sv.to_bytes(32, "big")
    s["bad_empty_sequence"] = b"\x30\x00"
    s["bad_empty"] = b""
    s["bad_rsa_short"] = rsa_pkcs1_sign(RSA_N, RSA_D, DER_MESSAGE)[1:]
    return s


def registration_json(**over):
    client = b64u(CREATE_CLIENT_DATA)
    att = b64u(seeds_attestation_object()["none_es256"])
    d = {"id": b64u(CRED_ID), "rawId": b64u(CRED_ID), "type": "public-key",
         "response": {"clientDataJSON": client, "attestationObject": att,
                      "transports": ["usb", "nfc"]},
         "clientExtensionResults": {}, "authenticatorAttachment": "cross-platform"}
    d.update(over)
    return d


def authentication_json(**over):
    ad = auth_data(FLAG_UP, 5)
    client = client_data("webauthn.get")
    sig = ecdsa_der(P256, 1, ad + hashlib.sha256(client).digest())
    d = {"id": b64u(CRED_ID), "rawId": b64u(CRED_ID), "type": "public-key",
         "response": {"clientDataJSON": b64u(client), "authenticatorData": b64u(ad),
                      "signature": b64u(sig), "userHandle": b64u(b"user-1")},
         "clientExtensionResults": {}}
    d.update(over)
    return d


def dumps(d):
    return json.dumps(d, separators=(",", ":")).encode()


def seeds_webauthn_json():
    s = {}
    s["registration"] = dumps(registration_json())
    s["registration_minimal"] = dumps({k: v for k, v in registration_json().items()
                                       if k not in ("clientExtensionResults",
                                                    "authenticatorAttachment")})
    s["registration_no_rawid"] = dumps({k: v for k, v in registration_json().items()
                                        if k != "rawId"})
    s["registration_conformance_ext"] = dumps(
        {**{k: v for k, v in registration_json().items() if k != "clientExtensionResults"},
         "getClientExtensionResults": {}})
    s["authentication"] = dumps(authentication_json())
    resp = authentication_json()["response"]
    s["authentication_user_handle_null"] = dumps(authentication_json(response={**resp, "userHandle": None}))
    s["authentication_user_handle_empty"] = dumps(authentication_json(response={**resp, "userHandle": ""}))
    s["authentication_user_handle_absent"] = dumps(authentication_json(
        response={k: v for k, v in resp.items() if k != "userHandle"}))
    s["authentication_padded"] = dumps(authentication_json(id=b64u(b"ab") + "=",
                                                           rawId=b64u(b"ab")))
    s["bad_id_rawid_differ"] = dumps(registration_json(rawId=b64u(b"other")))
    s["bad_type"] = dumps(registration_json(type="password"))
    s["bad_id_number"] = dumps(registration_json(id=5))
    s["bad_base64_plus"] = dumps(registration_json(id="ab+c", rawId="ab+c"))
    s["bad_missing_response"] = dumps({k: v for k, v in registration_json().items()
                                       if k != "response"})
    s["bad_ext_not_object"] = dumps(registration_json(clientExtensionResults=[]))
    s["bad_transports_not_array"] = dumps(registration_json(
        response={**registration_json()["response"], "transports": "usb"}))
    s["bad_attachment_number"] = dumps(registration_json(authenticatorAttachment=1))
    s["bad_user_handle_number"] = dumps(authentication_json(response={**resp, "userHandle": 1}))
    s["bad_duplicate_member"] = dumps(registration_json())[:-1] + b',"type":"public-key"}'
    s["bad_duplicate_nested"] = dumps(registration_json(clientExtensionResults={})).replace(
        b'"clientExtensionResults":{}', b'"clientExtensionResults":{"a":1,"a":1}')
    s["bad_not_object"] = b"[]"
    s["bad_trailing"] = dumps(authentication_json()) + b"]"
    s["bad_empty"] = b""
    return s


TARGETS = {
    "fuzz_cbor": seeds_cbor,
    "fuzz_base64url": seeds_base64url,
    "fuzz_client_data": seeds_client_data,
    "fuzz_authenticator_data": seeds_authenticator_data,
    "fuzz_attestation_object": seeds_attestation_object,
    "fuzz_cose_key": seeds_cose_key,
    "fuzz_der_signature": seeds_der_signature,
    "fuzz_webauthn_json": seeds_webauthn_json,
}


def self_check():
    assert P256.on_curve(G256) and P384.on_curve(G384)
    assert not P256.on_curve((G256[0], G256[1] + 1))
    assert P256.mul(P256.n, G256) is None
    # ECDSA with d = 1: verify one signature by the textbook equation.
    r, s = ecdsa_sign(P256, 1, DER_MESSAGE)
    z = int.from_bytes(hashlib.sha256(DER_MESSAGE).digest(), "big")
    w = pow(s, -1, P256.n)
    pt = P256.add(P256.mul(z * w % P256.n, G256), P256.mul(r * w % P256.n, G256))
    assert pt[0] % P256.n == r
    sig = rsa_pkcs1_sign(RSA_N, RSA_D, DER_MESSAGE)
    assert pow(int.from_bytes(sig, "big"), RSA_E, RSA_N).to_bytes(256, "big").endswith(
        hashlib.sha256(DER_MESSAGE).digest())


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", default=os.path.join(root, "corpus", "fuzz"))
    ap.add_argument("--print-constants", action="store_true")
    args = ap.parse_args()
    self_check()
    if args.print_constants:
        print("rsa_n = %x" % RSA_N)
        print("create_client_data = %s" % CREATE_CLIENT_DATA.decode())
        print("der_message = %s" % DER_MESSAGE.decode())
        print("cose_message = %s" % COSE_MESSAGE.decode())
        return 0
    total = 0
    for target, make in TARGETS.items():
        folder = os.path.join(args.out, target)
        if os.path.isdir(folder):
            shutil.rmtree(folder)
        os.makedirs(folder)
        for name, data in sorted(make().items()):
            with open(os.path.join(folder, name), "wb") as f:
                f.write(data)
            total += 1
        print("%-26s %3d seeds" % (target, len(make())))
    print("wrote %d seeds under %s" % (total, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
