#!/usr/bin/env bash
# The HTTP-vs-in-process series of docs/performance.md ("HTTP mode against
# keystorm serve"), in interleaved rounds so that drift on a shared machine
# hits both modes alike:
#   each round: in process (RocksDB, all cores, unpaced), then HTTP unpaced
#   with CONNECTIONS keep-alive connections (the capacity);
#   then the storm paced to 80% of the median HTTP capacity, ROUNDS times;
# and prints a markdown table of medians and every run.  Every run's
# verdicts must match the corpus (a mismatch stops the series).
# usage: bench/replay/http_series.sh KEYSTORM OUT_DIR [ROUNDS] [CONNECTIONS]
set -euo pipefail
ks=$(realpath "$1") out=$2 rounds=${3:-3} connections=${4:-512}
mkdir -p "$out"
corpus=$out/c20k.ksr
[ -f "$corpus" ] || "$ks" corpus generate --out "$corpus" --seed 7 --users 2000 --logins 20000 \
  --peak-rate 5000 --ramp-s 1 --faults all=0.01 --quiet
for r in $(seq "$rounds"); do
  rm -rf "$out/db"
  "$ks" bench replay --corpus "$corpus" --store rocksdb --db "$out/db" --threads "$(nproc)" \
    --ceiling-seconds 0.5 --json "$out/inproc-$r.json" >/dev/null 2>&1
  rm -rf "$out/db"
  bash bench/replay/http_bench.sh "$ks" "$corpus" "$connections" 0 2 "$out/http-$r.json"
done
capacity=$(/usr/bin/env python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
print(int(0.8 * statistics.median(json.load(open(f"{out}/http-{r}.json"))["throughput_per_s"]
                                  for r in range(1, rounds + 1))))
PY
)
for r in $(seq "$rounds"); do
  bash bench/replay/http_bench.sh "$ks" "$corpus" "$connections" "$capacity" 2 "$out/paced-$r.json"
done
/usr/bin/env python3 - "$out" "$rounds" "$capacity" <<'PY'
import json, statistics, sys
out, rounds, paced = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
load = lambda name: json.load(open(f"{out}/{name}.json"))
rows = []
for r in range(1, rounds + 1):
    ip, h, hs = load(f"inproc-{r}"), load(f"http-{r}"), load(f"http-{r}.json.server")
    rows.append(dict(ip=ip["throughput_per_s"], ip_cpu=ip["cpu_us_per_login"], h=h["throughput_per_s"],
                     h_cpu=hs["server_cpu_s"] * 1e6 / h["logins"], gen=h["load_generator_cpu_us_per_login"]))
    assert ip["mismatches"] == 0 and h["mismatches"] == 0
med = lambda k: statistics.median(x[k] for x in rows)
print("| round | in process /s | in-process CPU us/login | HTTP /s | server CPU us/login | load generator CPU us/login | HTTP / in process |")
print("|---|---:|---:|---:|---:|---:|---:|")
for i, x in enumerate(rows, 1):
    print(f"| {i} | {x['ip']:,.0f} | {x['ip_cpu']:.0f} | {x['h']:,.0f} | {x['h_cpu']:.0f} | {x['gen']:.0f} | {x['h'] / x['ip']:.2f} |")
print(f"| **median** | **{med('ip'):,.0f}** | {med('ip_cpu'):.0f} | **{med('h'):,.0f}** | {med('h_cpu'):.0f} | {med('gen'):.0f} | **{med('h') / med('ip'):.2f}** |")
print()
print(f"Paced to {paced:,}/s at the storm's peak (80% of the median HTTP capacity):")
print()
print("| run | completed /s (storm average) | p50 ms | p90 ms | p99 ms | p99.9 ms | server CPU us/login |")
print("|---|---:|---:|---:|---:|---:|---:|")
p99s = []
for r in range(1, rounds + 1):
    p, ps = load(f"paced-{r}"), load(f"paced-{r}.json.server")
    assert p["mismatches"] == 0
    l = p["latency_us"]
    p99s.append(l["p99"] / 1000)
    print(f"| {r} | {p['throughput_per_s']:,.0f} | {l['p50'] / 1000:.1f} | {l['p90'] / 1000:.1f} | {l['p99'] / 1000:.1f} | {l['p999'] / 1000:.1f} | {ps['server_cpu_s'] * 1e6 / p['logins']:.0f} |")
print(f"\nmedian p99 {statistics.median(p99s):.1f} ms")
PY
