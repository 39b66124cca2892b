#!/usr/bin/env bash
# The HTTP replay against the real `keystorm serve` (issue #8), end to end:
# the committed sample corpus is imported into a fresh data folder's store,
# serve starts on it with the bench configuration (ephemeral ports, rate
# limits raised), and `keystorm bench replay --http` sends every login over
# 16 keep-alive connections.  The replay itself fails on any verdict that
# differs from the corpus; this script also checks the verdict counts.
#
# usage: serve_http_replay_test.sh KEYSTORM_BINARY SOURCE_DIR
set -euo pipefail
keystorm=$(realpath "$1")
src=$(realpath "$2")
corpus="$src/corpus/sample/storm_small.ksr"
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# 1. The store, before serve opens it: <data>/<[store].path> ("store").
"$keystorm" bench replay --corpus "$corpus" --prepare-server-db "$work/data/store"

# 2. serve, on ports the kernel picks; the public one is in its banner.  From
# the source root: the bench config names its policy file relative to it.
cd "$src"
"$keystorm" serve --config "$src/bench/replay/config/serve_bench.toml" --data "$work/data" \
  --drain-seconds 1 >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's|.*demo: *http://localhost:\([0-9]*\)/login.*|\1|p' "$work/serve.out")
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.err" >&2; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "serve did not start" >&2; cat "$work/serve.err" >&2; exit 1; }

# 3. The replay: every verdict checked against the corpus (exit 1 otherwise).
"$keystorm" bench replay --corpus "$corpus" --http "http://127.0.0.1:$port" \
  --challenge-key-file "$work/data/challenge.key" --connections 16 \
  --json "$work/http.json" >/dev/null

# 4. The counts: 2000 logins, 1% of each fault (corpus/sample/README.md).
/usr/bin/env python3 - "$work/http.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
# 1% of 2000 for each of the eight faults; the rest verify.
expected = {"ok": 1840, "challenge_unknown": 20, "malformed_request": 20,
            "origin_mismatch": 20, "rp_id_mismatch": 20, "sign_count_regression": 20,
            "signature_invalid": 20, "unknown_credential": 20, "user_not_verified": 20}
if (r["logins"] != 2000 or r["mode"] != "http" or r["verdicts"] != expected
        or r["connections_held"] != 16):
    sys.exit("unexpected report: logins %s, verdicts %s" % (r["logins"], json.dumps(r["verdicts"], sort_keys=True)))
print("http replay: %d logins, verdicts %s" % (r["logins"], json.dumps(r["verdicts"], sort_keys=True)))
PY
