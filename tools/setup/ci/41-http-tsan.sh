# HTTP machinery (issue #7) under ThreadSanitizer: connections on strands,
# Responders answering from other threads, graceful stop.  Reuses the TSan
# tree of step 3 (only the server library and its test are compiled here).
ks_build build/tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKEYSTORM_TSAN=ON -DKEYSTORM_BUILD_BENCH=OFF \
  --target server_http_test
ks_log "server_http_test (ThreadSanitizer)"
set +e
http_tsan_supp="$KS_ROOT/tests/server/http_tsan.supp"
http_tsan_out=$(TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$http_tsan_supp" \
  "$KS_ROOT/build/tsan/tests/server/server_http_test" 2>&1)
http_tsan_rc=$?
set -e
echo "$http_tsan_out" | tail -3
http_tsan_n=$(echo "$http_tsan_out" | sed -nE 's/^\[  PASSED  \] ([0-9]+) tests?\.$/\1/p' | tail -1)
if [ "$http_tsan_rc" -eq 0 ] && [ -n "$http_tsan_n" ]; then
  passed=$((passed + http_tsan_n))
else
  echo "$http_tsan_out" | grep -A30 'WARNING: ThreadSanitizer' | head -60 || true
  failed=$((failed + 1))
fi
