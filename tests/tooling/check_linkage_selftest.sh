#!/usr/bin/env bash
# Shows that check_linkage.sh can fail: builds a throwaway binary that links
# Debian's dynamic BoringSSL and OpenSSL's libcrypto together, and one that
# defines an unprefixed BoringSSL symbol, and expects a failure for each.
# Usage: check_linkage_selftest.sh CHECK_SCRIPT BORINGSSL_SYMBOLS_FILE
set -euo pipefail
check=$1
symbols=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tools" "$work/tests"
echo 'int main(void) { return 0; }' > "$work/main.c"
android=/usr/lib/x86_64-linux-gnu/android/libcrypto.so
if [ -e "$android" ]; then
  cc "$work/main.c" -o "$work/tools/both" -Wl,--no-as-needed "$android" -lcrypto \
     -Wl,-rpath,"$(dirname "$android")"
  if bash "$check" "$work" "$symbols" >/dev/null; then
    echo "FAIL: check_linkage.sh accepted a binary with both libcrypto libraries"; exit 1
  fi
  rm "$work/tools/both"
else
  echo "note: $android absent; skipping the two-libcrypto half"
fi
sym=$(head -1 "$symbols")
printf 'int %s(void) { return 1; }\nint main(void) { return %s(); }\n' "$sym" "$sym" > "$work/leak.c"
cc "$work/leak.c" -o "$work/tests/leak"
if bash "$check" "$work" "$symbols" >/dev/null; then
  echo "FAIL: check_linkage.sh accepted an unprefixed BoringSSL symbol ($sym)"; exit 1
fi
echo "check_linkage.sh rejects both kinds of bad binary"
