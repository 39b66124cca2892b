#!/usr/bin/python3
"""python-fido2 (Debian python3-fido2 0.9.1) verifying exported corpus logins.

Reads the JSON lines of `keystorm corpus export` and verifies every login it
supports with Fido2Server.authenticate_complete, single-threaded, the way a
relying party using the library would: decode the W3C JSON, build the
library's objects, call it.  Stored keys are parsed once per credential
before timing (as Keystorm's key cache does), so the comparison favours the
peer if anything.

Unsupported (not checked by the library, so not counted either way):
  replayed_challenge  the library keeps no challenge ledger;
  counter_regression  authenticate_complete does not compare counters.

Prints one JSON object: supported/unsupported counts, mismatches, verdict
counts, wall and CPU seconds of the timed pass, logins per second.
"""
import json
import sys
import time

import fido2
from fido2 import cbor
from fido2.cose import CoseKey
from fido2.server import Fido2Server
from fido2.utils import websafe_decode
from fido2.ctap2 import AttestedCredentialData, AuthenticatorData
from fido2.client import ClientData
from fido2.webauthn import PublicKeyCredentialRpEntity, UserVerificationRequirement

UNSUPPORTED = {"replayed_challenge", "counter_regression"}

# The library raises ValueError with these messages; each is one check.
MESSAGES = [
    ("Incorrect type", "type_mismatch"),
    ("Invalid origin", "origin_mismatch"),
    ("Wrong challenge", "challenge_mismatch"),
    ("Wrong RP ID hash", "rp_id_mismatch"),
    ("User Present flag", "user_not_present"),
    ("User verification required", "user_not_verified"),
    ("Invalid signature", "signature_invalid"),
    ("Unknown credential ID", "unknown_credential"),
]


def classify(error):
    text = str(error)
    for prefix, code in MESSAGES:
        if text.startswith(prefix):
            return code
    return "unclassified: " + text


def prepare(lines):
    """The stored credentials, parsed once, and the supported logins."""
    keys = {}
    logins = []
    unsupported = 0
    for line in lines:
        login = json.loads(line)
        if login["fault"] in UNSUPPORTED:
            unsupported += 1
            continue
        cred = login["credential"]
        if cred is not None and cred["id"] not in keys:
            cred_id = websafe_decode(cred["id"])
            public_key = CoseKey.parse(cbor.decode(websafe_decode(cred["publicKey"])))
            keys[cred["id"]] = AttestedCredentialData.create(b"\0" * 16, cred_id, public_key)
        logins.append(login)
    return keys, logins, unsupported


def verify(server, keys, login):
    """The verdict: 'ok' or an outcome code."""
    try:
        body = json.loads(login["response_json"])
        response = body["response"]
        client_data = ClientData(websafe_decode(response["clientDataJSON"]))
        auth_data = AuthenticatorData(websafe_decode(response["authenticatorData"]))
        signature = websafe_decode(response["signature"])
        credential_id = websafe_decode(body["rawId"])
    except (ValueError, KeyError, TypeError):
        return "malformed_request"
    cred = login["credential"]
    credentials = [keys[cred["id"]]] if cred is not None else []
    state = {"challenge": login["challenge"],
             "user_verification": UserVerificationRequirement.REQUIRED}
    try:
        server.authenticate_complete(state, credentials, credential_id, client_data,
                                     auth_data, signature)
    except ValueError as error:
        return classify(error)
    return "ok"


def main():
    path = sys.argv[1]
    with open(path) as f:
        lines = f.readlines()
    keys, logins, unsupported = prepare(lines)
    if not logins:
        print(json.dumps({"peer": "python-fido2", "error": "no supported logins"}))
        return 1
    rp = PublicKeyCredentialRpEntity(logins[0]["rpId"], "Keystorm peers")
    server = Fido2Server(rp)
    for login in logins[: min(200, len(logins))]:  # warm-up
        verify(server, keys, login)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    verdicts = [verify(server, keys, login) for login in logins]
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    counts, mismatches = {}, []
    for login, got in zip(logins, verdicts):
        counts[got] = counts.get(got, 0) + 1
        if got != login["expected"]:
            mismatches.append({"index": login["index"], "fault": login["fault"],
                               "expected": login["expected"], "got": got})
    print(json.dumps({
        "peer": "python-fido2",
        "version": fido2.__version__,
        "runtime": "python " + sys.version.split()[0],
        "supported": len(logins),
        "unsupported": unsupported,
        "mismatches": len(mismatches),
        "mismatch_list": mismatches[:20],
        "verdicts": counts,
        "wall_s": wall,
        "cpu_s": cpu,
        "per_s": len(logins) / wall,
        "per_cpu_s": len(logins) / cpu if cpu > 0 else 0,
    }))
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
