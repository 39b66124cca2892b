#!/usr/bin/env bash
# Installs everything on a fresh Debian 12 machine, builds Keystorm from
# scratch and runs every test:
#   1. Release build: all GoogleTest suites, the conformance corpus, the
#      linkage checks and the fuzz-seed replays (ctest);
#   2. Debug build with ASan+UBSan: the same ctest suites;
#   3. ThreadSanitizer build (over a TSan-built oneTBB): the concurrency
#      suites;
#   4. clang libFuzzer build: every fuzzer replays its seeds and runs a short
#      smoke;
#   5. the P-256 micro-benchmark, once, to show the harness runs (figures are
#      printed, not asserted).
# Ends with one line `tests: N passed, N failed` over all of them.
set -euo pipefail
source "$(dirname "$0")/common.sh"
ks_install
ks_boringssl

passed=0
failed=0
# run_ctest DIR LABEL [ctest args]: runs ctest, adds its counts to the totals.
run_ctest() {
  local dir=$1 label=$2 log
  shift 2
  log=$(mktemp)
  ks_log "ctest ($label)"
  set +e
  (cd "$KS_ROOT/$dir" && ctest --output-on-failure -j "$KS_JOBS" --timeout 600 "$@") 2>&1 | tee "$log"
  set -e
  local line total fails
  line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1)
  if [ -z "$line" ]; then
    echo "ctest ($label) printed no summary" >&2
    failed=$((failed + 1))
  else
    fails=$(echo "$line" | sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/')
    total=$(echo "$line" | sed -E 's/.* out of ([0-9]+).*/\1/')
    passed=$((passed + total - fails))
    failed=$((failed + fails))
  fi
  rm -f "$log"
}

ks_build build/release -DCMAKE_BUILD_TYPE=Release
run_ctest build/release release

ks_build build/asan -DCMAKE_BUILD_TYPE=Debug -DKEYSTORM_BUILD_BENCH=OFF
run_ctest build/asan "debug, ASan+UBSan"

# ThreadSanitizer: the concurrency suites, over a TSan-built TBB: the
# pipeline, policy reload, stores, the HTTP machinery (strands, Responders
# answering from other threads, graceful stop), the embedding API and the
# user directory.  One suppression, for Asio's own signal handler
# (tests/server/http_tsan.supp).
bash "$KS_ROOT/tools/setup/build_tbb_tsan.sh"
tsan_targets="pipeline_test policy_test storage_test server_http_test relying_party_test directory_test"
tsan_supp="$KS_ROOT/tests/server/http_tsan.supp"
ks_build build/tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKEYSTORM_TSAN=ON -DKEYSTORM_BUILD_BENCH=OFF \
  --target $tsan_targets
for t in $tsan_targets; do
  bin=$(find "$KS_ROOT/build/tsan/tests" -type f -name "$t" | head -1)
  ks_log "$t (ThreadSanitizer)"
  set +e
  out=$(TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$tsan_supp" "$bin" 2>&1)
  rc=$?
  set -e
  echo "$out" | tail -3
  n=$(echo "$out" | sed -nE 's/^\[  PASSED  \] ([0-9]+) tests?\.$/\1/p' | tail -1)
  if [ "$rc" -eq 0 ] && [ -n "$n" ]; then
    passed=$((passed + n))
  else
    echo "$out" | grep -A30 'WARNING: ThreadSanitizer' | head -60
    failed=$((failed + 1))
  fi
done

if command -v clang++ >/dev/null; then
  ks_build build/fuzz -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=clang \
    -DCMAKE_CXX_COMPILER=clang++ -DKEYSTORM_BUILD_FUZZERS=ON -DKEYSTORM_BUILD_BENCH=OFF \
    --target keystorm_fuzzers
  run_ctest build/fuzz "libFuzzer smoke" -L fuzz
fi

# Further steps, one script each (tools/setup/ci/NN-name.sh), sourced in
# order so that they can use ks_build, run_ctest and the pass/fail counters.
for step in "$KS_ROOT"/tools/setup/ci/*.sh; do
  [ -f "$step" ] || continue
  ks_log "step $(basename "$step")"
  # shellcheck source=/dev/null
  source "$step"
done

ks_log "P-256 verify rate of the linked BoringSSL vs Debian's package and OpenSSL 3"
"$KS_ROOT/build/release/bench/p256_verify_bench" --benchmark_repetitions=3 \
  --benchmark_enable_random_interleaving=true --benchmark_format=json \
  --benchmark_out="$KS_ROOT/build/release/p256.json" --benchmark_out_format=json >/dev/null
/usr/bin/python3 "$KS_ROOT/bench/p256_report.py" "$KS_ROOT/build/release/p256.json"

echo
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
