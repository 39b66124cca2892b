# Sourced by tools/setup/test.sh after its ThreadSanitizer build (build/tsan):
# the embedding API's and the user directory's concurrency (racing
# directory writers, pipeline callbacks, back-pressure) under TSan.  Reuses
# that tree, so only the relying-party library and two suites are built: a
# minute or two.
embed_tsan_targets="relying_party_test directory_test"
if ks_build build/tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKEYSTORM_TSAN=ON \
  -DKEYSTORM_BUILD_BENCH=OFF --target $embed_tsan_targets; then
  for t in $embed_tsan_targets; do
    bin=$(find "$KS_ROOT/build/tsan/tests" -type f -name "$t" | head -1)
    ks_log "$t (ThreadSanitizer)"
    set +e
    out=$(TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" "$bin" 2>&1)
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
else
  failed=$((failed + 1))
  echo "embed-tsan: build failed"
fi
