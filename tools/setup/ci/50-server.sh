# keystorm serve (issue #7, app): the OpenAPI lint, the real-browser test
# (headless chromium + virtual authenticator, every API answer validated
# against docs/openapi.yaml), `promtool check metrics` on a live /metrics
# scrape, and `keystorm config check` on the documented example.  Each adds
# one to passed or failed.
ks_server_step() {  # ks_server_step NAME COMMAND...: runs it, counts it
  local name=$1
  shift
  ks_log "$name"
  if "$@"; then
    passed=$((passed + 1))
  else
    echo "FAILED: $name" >&2
    failed=$((failed + 1))
  fi
}

ks_server_bin="${KEYSTORM_BIN:-$KS_ROOT/build/release/tools/keystorm}"
ks_server_npm_ok=0
ks_server_step "npm ci (tests/browser, pinned by package-lock.json)" \
  bash -c "cd '$KS_ROOT/tests/browser' && npm ci --no-audit --no-fund" && ks_server_npm_ok=1

if [ "$ks_server_npm_ok" -eq 1 ]; then
  ks_server_step "redocly lint docs/openapi.yaml" \
    bash -c "cd '$KS_ROOT/tests/browser' && npx --no-install redocly lint ../../docs/openapi.yaml"
  ks_server_step "browser test (chromium, virtual authenticator, OpenAPI response checks)" \
    env KEYSTORM_BIN="$ks_server_bin" KEYSTORM_SCREENSHOT="$KS_ROOT/build/release/login_page.png" \
    node "$KS_ROOT/tests/browser/browser_test.mjs"
fi

ks_server_step "keystorm config check docs/keystorm.example.toml" \
  "$ks_server_bin" config check "$KS_ROOT/docs/keystorm.example.toml"

# promtool on a live scrape: a server on ports the kernel picks (read back
# from serve's banner, so that nothing else on the machine can collide), a
# few requests so that every family has samples (an ok, an error outcome, a
# histogram), then /metrics.
ks_server_metrics_check() {
  local dir pid rc=0 public="" management=""
  dir=$(mktemp -d)
  cat >"$dir/keystorm.toml" <<TOML
[server]
public_listen = "127.0.0.1:0"
admin_listen = "127.0.0.1:0"
management_listen = "127.0.0.1:0"
data_dir = "$dir/data"
[webauthn]
origins = ["http://localhost"]
TOML
  "$ks_server_bin" serve --config "$dir/keystorm.toml" >"$dir/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do
    public=$(sed -n 's|.*demo: *http://localhost:\([0-9]*\)/login.*|\1|p' "$dir/serve.log")
    management=$(sed -n 's|.*management: *http://[^ ]*:\([0-9]*\)/metrics.*|\1|p' "$dir/serve.log")
    [ -n "$management" ] && curl -fs "http://127.0.0.1:$management/health/ready" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -s -X POST -d '{"username":"ci"}' "http://127.0.0.1:$public/v1/login/start" >/dev/null
  curl -s -X POST -d '{"username":"ci"}' "http://127.0.0.1:$public/v1/registration/options" >/dev/null
  curl -s -X POST -d '{"id":"AA"}' "http://127.0.0.1:$public/v1/authentication/verify" >/dev/null
  curl -fs "http://127.0.0.1:$management/metrics" >"$dir/metrics.txt" || rc=1
  kill "$pid" && wait "$pid" || true
  if [ "$rc" -eq 0 ]; then
    grep -q 'keystorm_requests_total{route="/v1/authentication/verify",outcome="malformed_request"} 1' \
      "$dir/metrics.txt" || { echo "metrics lack the request counter" >&2; rc=1; }
    promtool check metrics <"$dir/metrics.txt" || rc=1
  fi
  [ "$rc" -eq 0 ] || tail -20 "$dir/serve.log" >&2
  rm -rf "$dir"
  return "$rc"
}
ks_server_step "promtool check metrics (live /metrics scrape)" ks_server_metrics_check
