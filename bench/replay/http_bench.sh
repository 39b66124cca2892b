#!/usr/bin/env bash
# One HTTP-mode replay against a fresh `keystorm serve` (docs/performance.md,
# "HTTP mode against keystorm serve"): imports CORPUS into a temp data folder,
# starts serve with bench/replay/config/serve_bench.toml (io_threads
# overridden), replays, then prints the figures, the server's peak RSS and
# its CPU seconds over the replay (from /proc), split by thread name
# (keystorm/thread_name.h: ks-io, ks-ledger, ks-dispatch, ks-verify,
# ks-commit, ks-log; rocksdb:* are RocksDB's), and the load generator's.
# Exit status: the replay's (1 on any verdict mismatch).
#
# usage: bench/replay/http_bench.sh KEYSTORM CORPUS CONNECTIONS RATE IO_THREADS OUT_JSON [REPLAY_ARGS...]
#   RATE 0: as fast as the connections allow (capacity); else the storm's
#   peak in logins/s.  Run from the repository root.  Also writes
#   OUT_JSON.server.json: the server's CPU seconds over the replay, the
#   same per thread name (server_cpu_s_by_thread) and its peak RSS.
#   REPLAY_ARGS go to the load generator's `keystorm bench replay` (--limit N).
# env: SERVER_CPUS, CLIENT_CPUS: taskset CPU lists for serve and the load
#   generator (unset: unpinned), to keep them off each other's cores.
set -u
server_pin=() client_pin=()
[ -n "${SERVER_CPUS:-}" ] && server_pin=(taskset -c "$SERVER_CPUS")
[ -n "${CLIENT_CPUS:-}" ] && client_pin=(taskset -c "$CLIENT_CPUS")
keystorm=$(realpath "$1") corpus=$2 connections=$3 rate=$4 io_threads=$5 out=$6
replay_args=("${@:7}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$keystorm" bench replay --corpus "$corpus" --prepare-server-db "$work/data/store" 2>/dev/null || exit 1
sed "s/^io_threads = .*/io_threads = $io_threads/" bench/replay/config/serve_bench.toml >"$work/serve.toml"
"${server_pin[@]}" "$keystorm" serve --config "$work/serve.toml" --data "$work/data" --drain-seconds 1 \
  >"$work/serve.out" 2>"$work/serve.err" &
pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's|.*demo: *http://localhost:\([0-9]*\)/login.*|\1|p' "$work/serve.out" 2>/dev/null)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$work/serve.err" >&2; kill "$pid"; exit 1; }
# One line per thread: tid, CPU ticks, name.  The name is read from comm:
# stat's own "(comm)" may hold spaces, so its fields are counted after ")".
thread_ticks() {
  for task in /proc/"$1"/task/*; do
    ticks=$(sed 's/.*) //' "$task/stat" 2>/dev/null | awk '{print $12 + $13}')
    name=$(cat "$task/comm" 2>/dev/null)
    [ -n "$ticks" ] && printf '%s %s %s\n' "${task##*/}" "$ticks" "$name"
  done
}
thread_ticks "$pid" >"$work/threads.before"
cpu_before=$(awk '{print ($14 + $15) / 100}' "/proc/$pid/stat")
"${client_pin[@]}" "$keystorm" bench replay --corpus "$corpus" --http "http://127.0.0.1:$port" \
  --challenge-key-file "$work/data/challenge.key" --connections "$connections" --rate "$rate" \
  --json "$out" "${replay_args[@]}" >/dev/null 2>"$work/replay.err"
rc=$?
rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
cpu_s=$(awk -v b="$cpu_before" '{print ($14 + $15) / 100 - b}' "/proc/$pid/stat")
thread_ticks "$pid" >"$work/threads.after"
kill -TERM "$pid"
wait "$pid"
if [ "$rc" -ne 0 ]; then tail -5 "$work/replay.err" >&2; exit "$rc"; fi
/usr/bin/env python3 - "$out" "$rss_kb" "$cpu_s" "$work/threads.before" "$work/threads.after" <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))
l = r["latency_us"]
server_cpu = float(sys.argv[3])

def ticks(path):
    out = {}
    for line in open(path):
        tid, n, *name = line.split(" ", 2)
        out[tid] = (int(float(n)), name[0].strip() if name else "?")
    return out
before, after = ticks(sys.argv[4]), ticks(sys.argv[5])
by_thread = {}
for tid, (n, name) in after.items():
    group = re.sub(r"-\d+$", "", name)  # ks-io-0 and ks-io-1 are ks-io
    by_thread[group] = by_thread.get(group, 0) + (n - before.get(tid, (0, ""))[0]) / 100
by_thread = {k: round(v, 2) for k, v in sorted(by_thread.items(), key=lambda kv: -kv[1])}
with open(sys.argv[1] + ".server.json", "w") as f:
    json.dump({"server_cpu_s": server_cpu, "server_peak_rss_kb": int(sys.argv[2]),
               "server_cpu_s_by_thread": by_thread}, f)
    f.write("\n")
print("%d connections (%d held), peak %s/s: %.0f/s, p50 %.1f ms, p99 %.1f ms; server peak RSS %.1f MB, "
      "%.2f CPU s (%.0f us per login); load generator %.0f us per login"
      % (r["threads"], r["connections_held"], r["offered_peak_per_s"] or "max", r["throughput_per_s"],
         l["p50"] / 1000, l["p99"] / 1000, int(sys.argv[2]) / 1024, server_cpu,
         server_cpu * 1e6 / r["logins"], r["load_generator_cpu_us_per_login"]))
print("  server us per login by thread: " +
      ", ".join("%s %.1f" % (k, v * 1e6 / r["logins"]) for k, v in by_thread.items() if v > 0))
PY
