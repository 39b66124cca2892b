#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: installs everything, builds
# Keystorm (Release) and runs it.  Until the HTTP server lands (issue #7) the
# main job is `keystorm verify-corpus` over the shared conformance corpus.
set -euo pipefail
source "$(dirname "$0")/common.sh"
ks_install
ks_boringssl
ks_build build/release -DCMAKE_BUILD_TYPE=Release -DKEYSTORM_BUILD_TESTS=OFF -DKEYSTORM_BUILD_BENCH=OFF
corpus=${KEYSTORM_CORPUS_DIR:-$KS_ROOT/../shared/corpus}/conformance
if [ ! -d "$corpus" ]; then
  echo "no conformance corpus at $corpus; pass folders of case files instead:" >&2
  echo "  build/release/tools/keystorm verify-corpus DIR..." >&2
  exit 1
fi
ks_log "keystorm verify-corpus $corpus"
exec "$KS_ROOT/build/release/tools/keystorm" verify-corpus "$corpus"
