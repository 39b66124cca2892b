# HTTP machinery (issue #7): the loopback load check.  Passes when 10,000
# keep-alive connections are held and answered at once and the server
# drains on SIGTERM; the throughput figure is printed, not asserted.
ks_log "HTTP load check (10,000 held keep-alive connections, 1 s throughput)"
if "$KS_ROOT/build/release/server/keystorm_http_load_check" --seconds 1 --clients 4 \
    --connections 10000; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi
