#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine (README's first command):
# installs everything, builds Keystorm (Release) and runs `keystorm serve`
# with an embedded RocksDB store under a data folder, printing the demo URL.
#
#   tools/setup/main.sh                 # data in ./keystorm-data, http://localhost:8080/login
#   KEYSTORM_DATA=/var/tmp/ks tools/setup/main.sh
#   KEYSTORM_CONFIG=my.toml tools/setup/main.sh   # any setting (docs/configuration.md)
#
# Stop it with Ctrl-C (SIGINT): in-flight requests finish, then it exits.
set -euo pipefail
source "$(dirname "$0")/common.sh"
ks_install
ks_boringssl
ks_build build/release -DCMAKE_BUILD_TYPE=Release -DKEYSTORM_BUILD_TESTS=OFF -DKEYSTORM_BUILD_BENCH=OFF \
  --target keystorm
data=${KEYSTORM_DATA:-$KS_ROOT/keystorm-data}
args=(serve --data "$data")
if [ -n "${KEYSTORM_CONFIG:-}" ]; then
  args+=(--config "$KEYSTORM_CONFIG")
fi
ks_log "keystorm ${args[*]}  (open the demo URL below in a browser on this machine)"
exec "$KS_ROOT/build/release/tools/keystorm" "${args[@]}"
