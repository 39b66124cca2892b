#!/usr/bin/env bash
# The measurement series behind docs/performance.md "Replay and peers":
#   - an ES256 storm corpus (synced passkeys, 0.2% of each fault that a
#     synced passkey can carry: all but counter_regression);
#   - in process, RocksDB store with synced writes, as fast as it goes, at
#     1 thread and at all cores, REPS runs each (medians reported);
#   - the storm paced at each of PACED_RATES (the last one is plotted over time);
#   - store scale: FILLER_SMALL vs FILLER_LARGE extra stored credentials;
#   - the peers (bench/peers/run.sh);
# then bench/report/report.py writes the section and the plots.
# Usage: bench/report/measure.sh [KEYSTORM_BIN]   (env: REPS, LOGINS, USERS, PACED_RATES,
#        FILLER_SMALL, FILLER_LARGE, OUT)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ks=${1:-$root/build/release/tools/keystorm}
out=${OUT:-$root/build/measure}
reps=${REPS:-3}
logins=${LOGINS:-40000}
users=${USERS:-2000}
paced_rates=${PACED_RATES:-"4000 8000"}
filler_small=${FILLER_SMALL:-10000}
filler_large=${FILLER_LARGE:-1000000}
cores=$(nproc)
rm -rf "$out" && mkdir -p "$out"
cmds="$out/commands.txt"
: > "$cmds"
run() { echo "$*" | sed "s|$out/|\$OUT/|g; s|$root/||g" >> "$cmds"; "$@"; }

run "$ks" corpus generate --out "$out/es256_storm.ksr" --seed 1 --users "$users" --logins "$logins" \
  --mix platform=100 --peak-rate 10000 --ramp-s 3 --quiet \
  --faults bad_signature=0.002,replayed_challenge=0.002,wrong_origin=0.002,wrong_rp_id=0.002,unknown_credential=0.002,uv_missing=0.002,malformed_body=0.002
args=()
for i in $(seq "$reps"); do
  for t in 1 "$cores"; do
    run "$ks" bench replay --corpus "$out/es256_storm.ksr" --store rocksdb --db "$out/db-$t-$i" \
      --threads "$t" --rate 0 --json "$out/fast-$t-$i.json" >/dev/null
    rm -rf "$out/db-$t-$i"
    args+=(--run "ES256 RocksDB, $t thread(s), unpaced=$out/fast-$t-$i.json")
  done
done
for paced in $paced_rates; do
  run "$ks" bench replay --corpus "$out/es256_storm.ksr" --store rocksdb --db "$out/db-paced" \
    --threads "$cores" --rate "$paced" --json "$out/paced-$paced.json" >/dev/null
  rm -rf "$out/db-paced"
  args+=(--run "ES256 RocksDB, $cores threads, storm paced to $paced/s=$out/paced-$paced.json")
done
for filler in "$filler_small" "$filler_large"; do
  run "$ks" bench replay --corpus "$out/es256_storm.ksr" --store rocksdb --db "$out/db-fill" \
    --threads "$cores" --rate 0 --filler "$filler" --json "$out/fill-$filler.json" >/dev/null
  rm -rf "$out/db-fill"
  args+=(--run "ES256 RocksDB, $cores threads, +$filler stored=$out/fill-$filler.json")
done
echo "PEERS_LOGINS=${PEERS_LOGINS:-20000} bench/peers/run.sh $ks \$OUT" | sed "s|$root/||g" >> "$cmds"
PEERS_LOGINS=${PEERS_LOGINS:-20000} "$root/bench/peers/run.sh" "$ks" "$out" >/dev/null
/usr/bin/python3 "$root/bench/report/report.py" "${args[@]}" --storm "$out/paced-$paced.json" \
  --peers "$out/peers_es256.json" --peers "$out/peers_mixed.json" --commands "$cmds" \
  --img-dir "$root/docs/img" --doc "$root/docs/performance.md"
echo "results in $out; docs/performance.md and docs/img/ updated"
