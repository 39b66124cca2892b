#!/usr/bin/env bash
# The floor of one HTTP request on this machine (docs/performance.md, "The
# HTTP path on two cores"): the server CPU a request costs when the handler
# does nothing.  Starts `keystorm serve` on kernel-picked ports with
# IO_THREADS io threads, drives `wrk` (Debian package wrk) with 64 keep-alive
# connections for SECONDS at three routes, and prints the server's CPU µs
# per request for each (from /proc, over the wrk run only).
#
# usage: bench/replay/http_floor.sh KEYSTORM [IO_THREADS] [SECONDS]
set -u
keystorm=$(realpath "$1") io_threads=${2:-2} seconds=${3:-4}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install -y wrk)" >&2; exit 2; }
work=$(mktemp -d)
trap 'kill -INT "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT
cat >"$work/keystorm.toml" <<TOML
[server]
public_listen = "127.0.0.1:0"
admin_listen = "127.0.0.1:0"
management_listen = "127.0.0.1:0"
io_threads = $io_threads
data_dir = "$work/data"
[webauthn]
origins = ["http://localhost"]
[rate_limit]
per_address_rate = 1e9
per_address_burst = 1e9
per_user_rate = 1e9
per_user_burst = 1e9
TOML
"$keystorm" serve --config "$work/keystorm.toml" >"$work/serve.out" 2>"$work/serve.err" &
pid=$!
public="" management=""
for _ in $(seq 100); do
  public=$(sed -n 's|.*demo: *http://localhost:\([0-9]*\)/login.*|\1|p' "$work/serve.out")
  management=$(sed -n 's|.*management: *http://[^ ]*:\([0-9]*\)/metrics.*|\1|p' "$work/serve.out")
  [ -n "$management" ] && break
  sleep 0.1
done
[ -n "$management" ] || { echo "serve did not start" >&2; cat "$work/serve.err" >&2; exit 1; }
body=$(printf 'x%.0s' $(seq 1100))
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = "$body"
wrk.headers["Content-Type"] = "application/json"
LUA
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
measure() {  # NAME URL [LUA_SCRIPT]
  local before after output requests
  before=$(cpu_ticks)
  output=$(wrk -t1 -c64 -d"${seconds}s" ${3:+-s "$3"} "$2" 2>&1)
  after=$(cpu_ticks)
  requests=$(echo "$output" | awk '/requests in/ { print $1 }')
  awk -v n="$1" -v r="$requests" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%-55s %9d requests  %6.1f µs of server CPU each\n", n, r, t / hz * 1e6 / r }'
}
echo "io_threads = $io_threads, wrk -t1 -c64 -d${seconds}s"
measure "GET /health/live (management)" "http://127.0.0.1:$management/health/live"
measure "POST 1.1 KB to /health/live (405)" "http://127.0.0.1:$management/health/live" "$work/post.lua"
measure "POST 1.1 KB to /v1/authentication/verify (malformed)" \
  "http://127.0.0.1:$public/v1/authentication/verify" "$work/post.lua"
