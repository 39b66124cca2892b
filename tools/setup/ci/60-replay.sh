# Sourced by tools/setup/test.sh (uses ks_build, ks_log, $passed, $failed).
# The replay corpus on every submission (issue #8):
#   1. the committed sample corpus (2000 logins, every fault) in process
#      against the RocksDB store (synced writes), as fast as it goes: any
#      verdict that differs from the corpus fails the step;
#   2. the same corpus paced on its storm timeline (latency under load);
#   3. HTTP mode: the same corpus against the real `keystorm serve` on
#      loopback (bench/replay/config/serve_bench.toml, a fresh data folder);
#      a verdict mismatch fails the step;
#   4. the peers (python-fido2, SimpleWebAuthn) on the same logins, if node
#      and the pinned package are available: a verdict mismatch fails.
# Figures, and the ratio to the P-256 ceiling measured in the same run, are
# printed, never asserted: CI machines are shared.
ks_build build/release -DCMAKE_BUILD_TYPE=Release --target keystorm
replay_bin="$KS_ROOT/build/release/tools/keystorm"
replay_corpus="$KS_ROOT/corpus/sample/storm_small.ksr"
replay_tmp=$(mktemp -d)

replay_summary() {
  /usr/bin/python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
l = r["latency_us"]
print("  %d logins, %s store, %d threads: %.0f/s, p50 %.0f us, p99 %.0f us, p99.9 %.0f us"
      % (r["logins"], r["store"], r["threads"], r["throughput_per_s"], l["p50"], l["p99"], l["p999"]))
print("  P-256 ceiling (same run) %.0f/s, ratio %.2f; per CPU second %.0f vs ceiling %.0f, ratio %.2f"
      % (r["ceiling_p256_per_s"], r["ratio_to_ceiling"], r["per_cpu_s"],
         r["ceiling_p256_per_cpu_s"], r["ratio_per_cpu_second"]))
print("  verdicts %s" % json.dumps(r["verdicts"], sort_keys=True))
PY
}

for replay_mode in fast paced; do
  ks_log "replay: sample corpus, in process, RocksDB store ($replay_mode)"
  replay_rate=0
  [ "$replay_mode" = paced ] && replay_rate=1000  # the corpus's own peak
  set +e
  "$replay_bin" bench replay --corpus "$replay_corpus" --store rocksdb \
    --db "$replay_tmp/db-$replay_mode" --threads "$KS_JOBS" --rate "$replay_rate" \
    --ceiling-seconds 0.5 --json "$replay_tmp/$replay_mode.json" >/dev/null
  replay_rc=$?
  set -e
  if [ "$replay_rc" -eq 0 ]; then
    replay_summary "$replay_tmp/$replay_mode.json"
    passed=$((passed + 1))
  else
    echo "replay ($replay_mode) FAILED (exit $replay_rc)" >&2
    failed=$((failed + 1))
  fi
done

ks_log "replay: sample corpus over HTTP against keystorm serve (16 connections)"
replay_http() {
  local data="$replay_tmp/http-data" port="" pid rc
  "$replay_bin" bench replay --corpus "$replay_corpus" --prepare-server-db "$data/store" 2>/dev/null ||
    return 1
  # From the source root: the bench config names its policy file relative to it.
  (cd "$KS_ROOT" && exec "$replay_bin" serve --config bench/replay/config/serve_bench.toml \
    --data "$data" --drain-seconds 1 >"$replay_tmp/serve.out" 2>"$replay_tmp/serve.err") &
  pid=$!
  for _ in $(seq 1 100); do
    port=$(sed -n 's|.*demo: *http://localhost:\([0-9]*\)/login.*|\1|p' "$replay_tmp/serve.out" 2>/dev/null)
    [ -n "$port" ] && break
    sleep 0.1
  done
  rc=1
  if [ -n "$port" ]; then
    "$replay_bin" bench replay --corpus "$replay_corpus" --http "http://127.0.0.1:$port" \
      --challenge-key-file "$data/challenge.key" --connections 16 \
      --json "$replay_tmp/http.json" >/dev/null
    rc=$?
  fi
  kill -TERM "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return "$rc"
}
set +e
replay_http
replay_rc=$?
set -e
if [ "$replay_rc" -eq 0 ]; then
  /usr/bin/python3 - "$replay_tmp/http.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
l = r["latency_us"]
print("  %d logins over %d connections: %.0f/s, p50 %.0f us, p99 %.0f us; verdicts %s"
      % (r["logins"], r["threads"], r["throughput_per_s"], l["p50"], l["p99"],
         json.dumps(r["verdicts"], sort_keys=True)))
PY
  passed=$((passed + 1))
else
  echo "replay (http) FAILED (exit $replay_rc)" >&2
  failed=$((failed + 1))
fi

ks_log "replay: peers on the sample corpus (single-threaded, same logins)"
if command -v node >/dev/null && command -v npm >/dev/null; then
  if [ ! -d "$KS_ROOT/bench/peers/simplewebauthn/node_modules/@simplewebauthn/server" ]; then
    (cd "$KS_ROOT/bench/peers/simplewebauthn" && npm ci --no-audit --no-fund --loglevel=error) || true
  fi
fi
replay_peers=python-fido2
[ -d "$KS_ROOT/bench/peers/simplewebauthn/node_modules/@simplewebauthn/server" ] &&
  replay_peers=python-fido2,SimpleWebAuthn
set +e
/usr/bin/python3 "$KS_ROOT/bench/peers/compare.py" --keystorm "$replay_bin" \
  --corpus "$replay_corpus" --repetitions 1 --peers "$replay_peers" \
  --out "$replay_tmp/peers.json" >/dev/null
replay_rc=$?
set -e
if [ "$replay_rc" -eq 0 ]; then
  /usr/bin/python3 - "$replay_tmp/peers.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("  Keystorm 1 thread: %.0f logins per CPU second" % r["keystorm"]["per_cpu_s"])
for p in r["peers"]:
    print("  %s %s: %d supported, %d unsupported, 0 mismatches, %.0f per CPU second; Keystorm %.1fx per core"
          % (p["peer"], p["version"], p["supported"], p["unsupported"], p["per_cpu_s"],
             p["keystorm_per_core_ratio"]))
PY
  passed=$((passed + 1))
else
  echo "peers comparison FAILED (exit $replay_rc)" >&2
  failed=$((failed + 1))
fi
rm -rf "$replay_tmp"
