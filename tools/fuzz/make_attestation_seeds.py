#!/usr/bin/python3
"""Writes the attestation fuzz seed folders deterministically:

  corpus/fuzz/tpm_structures/           TPMT_PUBLIC and TPMS_ATTEST byte strings
  corpus/fuzz/android_key_description/  DER KeyDescription values
  corpus/fuzz/safetynet_jws/            SafetyNet JWS compact serializations

Every seed is made here from the structure definitions (TPM 2.0 Part 2, the
Android key attestation schema, RFC 7515); nothing is copied from captures.
Byte strings that stand for keys, digests, certificates and signatures come
from a fixed PRNG, so running the script twice gives identical folders.
Python 3 standard library only.

  /usr/bin/python3 tools/fuzz/make_attestation_seeds.py            # (re)write corpus/fuzz/
  /usr/bin/python3 tools/fuzz/make_attestation_seeds.py --out DIR  # write elsewhere
"""

import argparse
import base64
import json
import os
import random
import shutil
import struct

SEED = 20261127
FOLDERS = ("tpm_structures", "android_key_description", "safetynet_jws")


def prng_bytes(rng, n):
    return bytes(rng.getrandbits(8) for _ in range(n))


# ---------------------------------------------------------------------------
# TPM 2.0 structures (big-endian; TPM2B = u16 size + bytes).

ALG_RSA, ALG_SHA1, ALG_SHA256, ALG_NULL, ALG_ECC = 0x0001, 0x0004, 0x000B, 0x0010, 0x0023
ALG_AES, ALG_CFB, ALG_RSASSA, ALG_ECDSA, ALG_ECDAA, ALG_KDF2 = 0x0006, 0x0043, 0x0014, 0x0018, 0x001A, 0x0021
ECC_NIST_P256 = 0x0003
GENERATED = 0xFF544347
ST_ATTEST_CERTIFY, ST_ATTEST_QUOTE = 0x8017, 0x8018


def u16(v):
    return struct.pack(">H", v)


def u32(v):
    return struct.pack(">I", v)


def u64(v):
    return struct.pack(">Q", v)


def tpm2b(b):
    return u16(len(b)) + b


def pub_area_rsa(rng, scheme=ALG_NULL, exponent=0, bits=2048):
    out = u16(ALG_RSA) + u16(ALG_SHA256) + u32(0x00060472) + tpm2b(prng_bytes(rng, 32))
    out += u16(ALG_NULL)  # symmetric
    out += u16(scheme) + (u16(ALG_SHA256) if scheme != ALG_NULL else b"")
    out += u16(bits) + u32(exponent) + tpm2b(prng_bytes(rng, bits // 8))
    return out


def pub_area_ecc(rng, symmetric=False, scheme=ALG_ECDSA, kdf=ALG_NULL):
    out = u16(ALG_ECC) + u16(ALG_SHA256) + u32(0x00040072) + tpm2b(b"")
    out += u16(ALG_AES) + u16(128) + u16(ALG_CFB) if symmetric else u16(ALG_NULL)
    if scheme == ALG_ECDAA:
        out += u16(scheme) + u16(ALG_SHA256) + u16(1)
    elif scheme == ALG_NULL:
        out += u16(scheme)
    else:
        out += u16(scheme) + u16(ALG_SHA256)
    out += u16(ECC_NIST_P256)
    out += u16(kdf) + (u16(ALG_SHA256) if kdf != ALG_NULL else b"")
    return out + tpm2b(prng_bytes(rng, 32)) + tpm2b(prng_bytes(rng, 32))


def cert_info(rng, type_=ST_ATTEST_CERTIFY, extra_len=32, attested=None):
    out = u32(GENERATED) + u16(type_)
    out += tpm2b(u16(ALG_SHA256) + prng_bytes(rng, 32))  # qualifiedSigner
    out += tpm2b(prng_bytes(rng, extra_len))              # extraData
    out += u64(0x1122334455) + u32(7) + u32(3) + b"\x01"  # clockInfo
    out += u64(0x2000000000000)                           # firmwareVersion
    if attested is None:
        attested = tpm2b(u16(ALG_SHA256) + prng_bytes(rng, 32)) + tpm2b(u16(ALG_SHA256) + prng_bytes(rng, 32))
    return out + attested


def tpm_seeds(rng):
    seeds = {
        "pubarea_rsa_2048": pub_area_rsa(rng),
        "pubarea_rsa_rsassa_e65537": pub_area_rsa(rng, scheme=ALG_RSASSA, exponent=65537),
        "pubarea_ecc_p256_ecdsa": pub_area_ecc(rng),
        "pubarea_ecc_null_scheme": pub_area_ecc(rng, scheme=ALG_NULL),
        "pubarea_ecc_aes_ecdaa_kdf2": pub_area_ecc(rng, symmetric=True, scheme=ALG_ECDAA, kdf=ALG_KDF2),
        "certinfo_certify_sha256": cert_info(rng),
        "certinfo_certify_sha1_extra": cert_info(rng, extra_len=20),
        "certinfo_certify_empty_names": cert_info(rng, attested=tpm2b(b"") + tpm2b(b"")),
        "certinfo_quote": cert_info(rng, type_=ST_ATTEST_QUOTE, attested=prng_bytes(rng, 40)),
    }
    good_pub = seeds["pubarea_ecc_p256_ecdsa"]
    good_info = seeds["certinfo_certify_sha256"]
    seeds["bad_pubarea_truncated"] = good_pub[:-5]
    seeds["bad_pubarea_trailing"] = good_pub + b"\x00"
    seeds["bad_pubarea_unknown_scheme"] = good_pub[:12] + u16(0x0099) + good_pub[14:]
    seeds["bad_pubarea_keyedhash"] = u16(0x0008) + good_pub[2:]
    seeds["bad_certinfo_size_overflow"] = u32(GENERATED) + u16(ST_ATTEST_CERTIFY) + u16(0xFFFF) + b"\x00"
    seeds["bad_certinfo_trailing"] = good_info + b"\x00\x00"
    seeds["bad_empty"] = b""
    return seeds


# ---------------------------------------------------------------------------
# DER (X.690) for the Android KeyDescription.

def der_len(n):
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag, content):
    return tag + der_len(len(content)) + content


def der_int(v):
    body = v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True)
    return tlv(b"\x02", body)


def der_enum(v):
    return tlv(b"\x0a", bytes([v]))


def octets(b):
    return tlv(b"\x04", b)


def seq(*parts):
    return tlv(b"\x30", b"".join(parts))


def der_set(*parts):
    return tlv(b"\x31", b"".join(sorted(parts)))


def explicit(number, content):
    """[number] EXPLICIT, constructed context-specific (high tag numbers too)."""
    if number < 31:
        tag = bytes([0xA0 | number])
    else:
        digits = []
        n = number
        while True:
            digits.append(n & 0x7F)
            n >>= 7
            if not n:
                break
        digits.reverse()
        tag = bytes([0xBF]) + bytes([0x80 | d for d in digits[:-1]] + [digits[-1]])
    return tlv(tag, content)


def auth_list(purpose=None, all_apps=False, origin=None, extras=()):
    members = []
    if purpose is not None:
        members.append((1, explicit(1, der_set(*[der_int(p) for p in purpose]))))
    members.extend(extras)
    if all_apps:
        members.append((600, explicit(600, b"\x05\x00")))
    if origin is not None:
        members.append((702, explicit(702, der_int(origin))))
    members.sort(key=lambda m: m[0])
    return seq(*[m[1] for m in members])


def key_description(rng, version=300, level=1, sw=None, tee=None, challenge=None):
    return seq(der_int(version), der_enum(level), der_int(version), der_enum(level),
               octets(challenge if challenge is not None else prng_bytes(rng, 32)), octets(b""),
               sw if sw is not None else auth_list(),
               tee if tee is not None else auth_list(purpose=[2], origin=0))


def android_seeds(rng):
    root_of_trust = seq(octets(prng_bytes(rng, 32)), b"\x01\x01\xff", der_enum(0), octets(prng_bytes(rng, 32)))
    rich_tee = auth_list(
        purpose=[2], origin=0,
        extras=[(2, explicit(2, der_int(3))), (3, explicit(3, der_int(256))),
                (5, explicit(5, der_set(der_int(4)))), (10, explicit(10, der_int(1))),
                (503, explicit(503, b"\x05\x00")), (704, explicit(704, root_of_trust)),
                (705, explicit(705, der_int(130000))), (706, explicit(706, der_int(202501))),
                (718, explicit(718, der_int(20250105))), (719, explicit(719, der_int(20250105)))])
    sw_extras = [(701, explicit(701, der_int(1700000000000))),
                 (709, explicit(709, octets(seq(der_set(seq(octets(b"com.example.app"), der_int(1)))))))]
    seeds = {
        "tee_generated_sign": key_description(rng),
        "tee_rich_keymint_v300": key_description(rng, sw=auth_list(extras=sw_extras), tee=rich_tee),
        "keymaster_v3_software": key_description(rng, version=3, level=0,
                                                 sw=auth_list(purpose=[2, 3], origin=0), tee=auth_list()),
        "strongbox_v400": key_description(rng, version=400, level=2),
        "empty_lists": key_description(rng, tee=auth_list()),
        "all_applications": key_description(rng, sw=auth_list(all_apps=True)),
        "origin_imported": key_description(rng, tee=auth_list(purpose=[2], origin=2)),
        "purpose_verify_only": key_description(rng, tee=auth_list(purpose=[3], origin=0)),
        "long_challenge": key_description(rng, challenge=prng_bytes(rng, 200)),
    }
    good = seeds["tee_generated_sign"]
    seeds["bad_truncated"] = good[:-3]
    seeds["bad_trailing"] = good + b"\x00"
    seeds["bad_duplicate_origin"] = key_description(rng, tee=auth_list(
        purpose=[2], origin=0, extras=[(702, explicit(702, der_int(0)))]))
    seeds["bad_negative_origin"] = key_description(rng, tee=seq(explicit(702, tlv(b"\x02", b"\xff"))))
    seeds["bad_ber_length"] = b"\x30\x81" + good[1:]
    seeds["bad_untagged_member"] = key_description(rng, tee=seq(der_int(1)))
    return seeds


# ---------------------------------------------------------------------------
# SafetyNet JWS (RFC 7515 compact serialization).

def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def jws(header, payload, signature):
    h = header if isinstance(header, bytes) else json.dumps(header, separators=(",", ":")).encode()
    p = payload if isinstance(payload, bytes) else json.dumps(payload, separators=(",", ":")).encode()
    return b64u(h) + b"." + b64u(p) + b"." + b64u(signature)


def fake_cert(rng, n):
    # A DER SEQUENCE header around filler: certificate-shaped, not a certificate.
    return base64.b64encode(b"\x30\x82" + struct.pack(">H", n) + prng_bytes(rng, n)).decode()


def safetynet_seeds(rng):
    x5c = [fake_cert(rng, 600), fake_cert(rng, 500)]
    payload = {
        "nonce": base64.b64encode(prng_bytes(rng, 32)).decode(),
        "timestampMs": 1767225595000,
        "apkPackageName": "com.google.android.gms",
        "apkDigestSha256": base64.b64encode(prng_bytes(rng, 32)).decode(),
        "ctsProfileMatch": True,
        "apkCertificateDigestSha256": [base64.b64encode(prng_bytes(rng, 32)).decode()],
        "basicIntegrity": True,
        "evaluationType": "BASIC",
    }
    sig256 = prng_bytes(rng, 256)
    seeds = {
        "rs256_two_certs": jws({"alg": "RS256", "x5c": x5c}, payload, sig256),
        "es256_one_cert": jws({"alg": "ES256", "x5c": x5c[:1]}, payload, prng_bytes(rng, 64)),
        "cts_false": jws({"alg": "RS256", "x5c": x5c}, dict(payload, ctsProfileMatch=False), sig256),
        "no_timestamp": jws({"alg": "RS256", "x5c": x5c},
                            {k: v for k, v in payload.items() if k != "timestampMs"}, sig256),
        "alg_none": jws({"alg": "none", "x5c": x5c}, payload, b"\x00"),
    }
    good = seeds["rs256_two_certs"]
    h, p, s = good.split(b".")
    seeds["bad_two_parts"] = h + b"." + p
    seeds["bad_four_parts"] = good + b"." + s
    seeds["bad_padding_chars"] = good + b"=="
    seeds["bad_header_array"] = b64u(b"[1,2]") + b"." + p + b"." + s
    seeds["bad_duplicate_alg"] = b64u(b'{"alg":"RS256","alg":"none","x5c":["AAAA"]}') + b"." + p + b"." + s
    seeds["bad_x5c_not_base64"] = b64u(b'{"alg":"RS256","x5c":["!!!!"]}') + b"." + p + b"." + s
    seeds["bad_nonce_number"] = h + b"." + b64u(b'{"nonce":12}') + b"." + s
    seeds["bad_deep_json"] = h + b"." + b64u(b'{"nonce":"a","x":' + b"[" * 40 + b"]" * 40 + b"}") + b"." + s
    seeds["bad_empty"] = b""
    return seeds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "corpus", "fuzz"))
    args = parser.parse_args()
    rng = random.Random(SEED)
    groups = {
        "tpm_structures": tpm_seeds(rng),
        "android_key_description": android_seeds(rng),
        "safetynet_jws": safetynet_seeds(rng),
    }
    for folder, seeds in groups.items():
        path = os.path.join(args.out, folder)
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
        for name, data in sorted(seeds.items()):
            with open(os.path.join(path, name), "wb") as f:
                f.write(data)
        print(f"{folder}: {len(seeds)} seeds")


if __name__ == "__main__":
    main()
