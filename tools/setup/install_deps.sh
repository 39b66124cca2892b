#!/usr/bin/env bash
# Installs every Debian 12 package Keystorm builds and tests with, and enables
# deb-src entries (derived from the machine's own apt sources) so that
# build_boringssl.sh can `apt-get source` BoringSSL.  Idempotent.  Run as root.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "install_deps.sh: run as root (apt-get install)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# --- deb-src: mirror every existing `deb` source, never a hard-coded host. ---
src_file=/etc/apt/sources.list.d/keystorm-deb-src.sources
if [ ! -f "$src_file" ]; then
  tmp=$(mktemp)
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    case "$f" in *keystorm-deb-src.sources) continue ;; esac
    # deb822 stanzas: keep those whose Types include deb, rewrite to deb-src.
    awk 'BEGIN { RS=""; ORS="\n\n" }
         /Types:[ a-z-]*deb( |\n|$)/ && !/Enabled: *no/ {
           sub(/Types:[^\n]*/, "Types: deb-src"); print }' "$f" >> "$tmp"
  done
  if [ -f /etc/apt/sources.list ]; then
    grep -E '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' \
      > /etc/apt/sources.list.d/keystorm-deb-src.list || true
  fi
  if [ -s "$tmp" ]; then mv "$tmp" "$src_file"; else rm -f "$tmp"; fi
fi

apt-get update -qq

apt-get install -y -qq --no-install-recommends \
  build-essential cmake ninja-build pkg-config dpkg-dev perl \
  clang libclang-rt-14-dev lld \
  libsimdjson-dev libcbor-dev libtbb-dev librocksdb-dev \
  libgtest-dev libgmock-dev libbenchmark-dev \
  libcli11-dev libtomlplusplus-dev libspdlog-dev libfmt-dev \
  libboost1.81-dev \
  android-libboringssl-dev \
  libssl-dev libdecaf-dev libjemalloc-dev \
  python3 python3-matplotlib python3-fido2 ca-certificates git \
  chromium prometheus doxygen

# Node.js and npm (the browser test's playwright-core, the OpenAPI linter and
# the SimpleWebAuthn peer): the machine image ships a Node.js 20 with npm;
# install Debian's only where there is none, so the two never meet.
if ! command -v npm >/dev/null; then
  apt-get install -y -qq --no-install-recommends nodejs npm
fi
