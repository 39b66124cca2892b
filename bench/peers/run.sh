#!/usr/bin/env bash
# Keystorm vs its peers (python-fido2, SimpleWebAuthn) on the same logins,
# single-threaded, measured in one run (bench/peers/compare.py):
#   1. an ES256-only corpus (synced passkeys; the issue's per-core targets),
#   2. the committed mixed sample (ES256, EdDSA, RS256, every fault).
# Usage: bench/peers/run.sh [KEYSTORM_BIN] [OUT_DIR]
#   PEERS_LOGINS (default 20000) sizes the ES256 corpus; PEERS_REPETITIONS
#   (default 3) the rounds per figure.  Exit 1 if any peer's verdict differs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
keystorm=${1:-$root/build/release/tools/keystorm}
out=${2:-$root/build/peers}
logins=${PEERS_LOGINS:-20000}
repetitions=${PEERS_REPETITIONS:-3}
mkdir -p "$out"

# The exact SimpleWebAuthn version of package-lock.json.
if [ ! -d "$here/simplewebauthn/node_modules/@simplewebauthn/server" ]; then
  (cd "$here/simplewebauthn" && npm ci --no-audit --no-fund --loglevel=error)
fi

"$keystorm" corpus generate --out "$out/peers_es256.ksr" --seed 8 --users 500 \
  --logins "$logins" --mix platform=100 --quiet \
  --faults bad_signature=0.005,replayed_challenge=0.005,wrong_origin=0.005,wrong_rp_id=0.005,unknown_credential=0.005,uv_missing=0.005,malformed_body=0.005
/usr/bin/python3 "$here/compare.py" --keystorm "$keystorm" --corpus "$out/peers_es256.ksr" \
  --repetitions "$repetitions" --out "$out/peers_es256.json"
/usr/bin/python3 "$here/compare.py" --keystorm "$keystorm" \
  --corpus "$root/corpus/sample/storm_small.ksr" --repetitions "$repetitions" \
  --out "$out/peers_mixed.json"
