#!/usr/bin/env bash
# The core-scaling series of docs/performance.md ("Scaling across cores"):
# on a machine with more cores than the runs use, so that neither the
# process's helper threads nor the load generator take a measured core.
#
#   1. in process, durable RocksDB store, for each N in THREADS:
#      pinned:   the whole process on N cores (taskset; one hardware
#                thread per physical core first), N workers;
#      unpinned: N workers, the dispatcher, committer and RocksDB threads
#                free to run on the other cores;
#      LOGINS_PER_THREAD x N logins each, REPS runs each (medians).
#   2. over HTTP, for each K in HTTP_CORES: keystorm serve on K cores,
#      the load generator on the next two; capacity REPS times, then the
#      storm paced to 80% of the median capacity REPS times.  The in-process
#      figure it is compared with is step 1's pinned run at N = K.
#
# Every run's verdicts must match the corpus (a mismatch stops the series).
# usage: bench/replay/scaling.sh KEYSTORM OUT_DIR [REPS]
#   env: THREADS ("1 2 4 ..." up to the usable cores), HTTP_CORES ("1 2 4"),
#        LOGINS_PER_THREAD (25000), CONNECTIONS (512)
# Run from the repository root.  Prints markdown tables; the JSON of every
# run stays in OUT_DIR.
set -euo pipefail
ks=$(realpath "$1") out=$2 reps=${3:-3}
cores=$(nproc)  # nproc reads the affinity mask, as UsableCores does
threads=${THREADS:-$(n=1; while [ "$n" -le "$cores" ]; do printf '%s ' "$n"; n=$((n * 2)); done)}
http_cores=${HTTP_CORES:-"1 2 4"}
per_thread=${LOGINS_PER_THREAD:-25000}
connections=${CONNECTIONS:-512}
max_threads=$(printf '%s\n' $threads $http_cores | sort -n | tail -1)
# A run on fewer cores than its label says would be mislabeled: refuse.
for n in $threads; do
  [ "$n" -le "$cores" ] || { echo "scaling.sh: $n threads, only $cores usable cores" >&2; exit 2; }
done
for k in $http_cores; do
  [ $((k + 2)) -le "$cores" ] ||
    { echo "scaling.sh: HTTP on $k cores needs $((k + 2)) (two for the load generator), $cores usable" >&2; exit 2; }
done
mkdir -p "$out"
corpus=$out/es256_storm.ksr
# The corpus of bench/report/measure.sh (synced passkeys, 0.2% of each fault
# a synced passkey can carry), long enough for the largest run.
[ -f "$corpus" ] || "$ks" corpus generate --out "$corpus" --seed 1 --users 2000 \
  --logins $((per_thread * max_threads)) --mix platform=100 --peak-rate 10000 --ramp-s 3 --quiet \
  --faults bad_signature=0.002,replayed_challenge=0.002,wrong_origin=0.002,wrong_rp_id=0.002,unknown_credential=0.002,uv_missing=0.002,malformed_body=0.002
# The CPUs this process may use, one hardware thread of each physical core
# first: "N cores" are N physical cores wherever the machine has that many,
# not N SMT siblings sharing N/2 of them.
cpu_order=$(/usr/bin/env python3 - <<'PY'
import os
cpus = sorted(os.sched_getaffinity(0))
def siblings(c):
    try:
        text = open(f"/sys/devices/system/cpu/cpu{c}/topology/thread_siblings_list").read().strip()
    except OSError:
        return [c]
    out = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out += range(int(lo), int(hi or lo) + 1)
    return sorted(out)
print(" ".join(str(c) for c in sorted(cpus, key=lambda c: (siblings(c).index(c) if c in siblings(c) else 0, c))))
PY
)
cpus_from() {  # FIRST COUNT: COUNT CPUs of cpu_order from index FIRST, as a taskset list
  echo $cpu_order | tr ' ' '\n' | sed -n "$(($1 + 1)),$(($1 + $2))p" | paste -sd,
}
first_cores() { cpus_from 0 "$1"; }

inproc() {  # MODE N REP
  local pin=()
  [ "$1" = pinned ] && pin=(taskset -c "$(first_cores "$2")")
  rm -rf "$out/db"
  "${pin[@]}" "$ks" bench replay --corpus "$corpus" --store rocksdb --db "$out/db" --threads "$2" \
    --limit $((per_thread * $2)) --ceiling-seconds 0.5 --json "$out/$1-$2-$3.json" >/dev/null
  rm -rf "$out/db"
}
for r in $(seq "$reps"); do
  for n in $threads; do
    inproc pinned "$n" "$r"
    inproc unpinned "$n" "$r"
  done
done
# Step 2 compares with pinned in-process runs at each K of HTTP_CORES.
for k in $http_cores; do
  case " $threads " in *" $k "*) ;; *) for r in $(seq "$reps"); do inproc pinned "$k" "$r"; done ;; esac
done

http() {  # K RATE NAME
  SERVER_CPUS=$(first_cores "$1") CLIENT_CPUS=$(cpus_from "$1" 2) \
    bash bench/replay/http_bench.sh "$ks" "$corpus" "$connections" "$2" 2 "$out/$3.json" \
    --limit $((per_thread * $1)) >/dev/null
}
for k in $http_cores; do
  for r in $(seq "$reps"); do http "$k" 0 "http-$k-$r"; done
  capacity=$(/usr/bin/env python3 -c 'import json, statistics, sys
print(int(0.8 * statistics.median(json.load(open(f))["throughput_per_s"] for f in sys.argv[1:])))' \
    $(for r in $(seq "$reps"); do echo "$out/http-$k-$r.json"; done))
  for r in $(seq "$reps"); do http "$k" "$capacity" "paced-$k-$r"; done
done

echo "CPU order (one thread per physical core first): $cpu_order"
/usr/bin/env python3 - "$out" "$reps" "$threads" "$http_cores" <<'PY'
import json, statistics, sys
out, reps = sys.argv[1], int(sys.argv[2])
threads = [int(t) for t in sys.argv[3].split()]
http_cores = [int(k) for k in sys.argv[4].split()]
load = lambda name: json.load(open(f"{out}/{name}.json"))
med = lambda xs: statistics.median(xs)
def runs(mode, n):
    rs = [load(f"{mode}-{n}-{r}") for r in range(1, reps + 1)]
    assert all(r["mismatches"] == 0 for r in rs)
    return rs
machine = runs("pinned", threads[0])[0]["machine"]
print(f"Machine: {machine}\n")
print("In process, durable RocksDB store (medians of %d runs):\n" % reps)
print("| N | pinned to N cores /s | x 1 core | ratio to the N-thread ceiling | per CPU s vs ceiling | unpinned, N workers /s | x 1 worker | unpinned CPU s per login (us) | P-256 ceiling N threads /s | ceiling x 1 |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
base_p = base_u = base_c = None
for n in threads:
    p, u = runs("pinned", n), runs("unpinned", n)
    pt, ut = med(x["throughput_per_s"] for x in p), med(x["throughput_per_s"] for x in u)
    ceil = med(x["ceiling_p256_per_s"] for x in p)
    base_p, base_u, base_c = base_p or pt, base_u or ut, base_c or ceil
    print(f"| {n} | {pt:,.0f} | {pt / base_p:.2f} | {med(x['ratio_to_ceiling'] for x in p):.2f} | "
          f"{med(x['ratio_per_cpu_second'] for x in p):.2f} | {ut:,.0f} | {ut / base_u:.2f} | "
          f"{med(x['cpu_us_per_login'] for x in u):.0f} | {ceil:,.0f} | {ceil / base_c:.2f} |")
print()
print("Over HTTP: serve pinned to K cores, the load generator on two others (medians of %d runs):\n" % reps)
print("| K | in process on K cores /s | HTTP capacity /s | HTTP / in process | server CPU us/login | generator CPU us/login | paced to 80% /s | p50 ms | p99 ms | p99.9 ms |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for k in http_cores:
    ip = med(x["throughput_per_s"] for x in runs("pinned", k))
    h = [load(f"http-{k}-{r}") for r in range(1, reps + 1)]
    hs = [load(f"http-{k}-{r}.json.server") for r in range(1, reps + 1)]
    pc = [load(f"paced-{k}-{r}") for r in range(1, reps + 1)]
    assert all(x["mismatches"] == 0 for x in h + pc)
    ht = med(x["throughput_per_s"] for x in h)
    cpu = med(s["server_cpu_s"] * 1e6 / x["logins"] for x, s in zip(h, hs))
    gen = med(x["load_generator_cpu_us_per_login"] for x in h)
    lat = lambda q: med(x["latency_us"][q] for x in pc) / 1000
    print(f"| {k} | {ip:,.0f} | {ht:,.0f} | {ht / ip:.2f} | {cpu:.0f} | {gen:.0f} | "
          f"{med(x['offered_peak_per_s'] for x in pc):,.0f} | {lat('p50'):.1f} | {lat('p99'):.1f} | {lat('p999'):.1f} |")
PY
