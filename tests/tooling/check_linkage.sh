#!/usr/bin/env bash
# Fails if any Keystorm binary could put BoringSSL's and OpenSSL's exported
# libcrypto symbols into one process:
#   1. no binary may have both a BoringSSL libcrypto and an OpenSSL libcrypto
#      among its (transitive) dynamic dependencies;
#   2. no binary may define an unprefixed BoringSSL symbol: ours are all
#      KSBSSL_-prefixed (tools/setup/build_boringssl.sh), so an unprefixed
#      definition means the prefix mechanism broke.
# Usage: check_linkage.sh BUILD_DIR BORINGSSL_SYMBOLS_FILE
set -euo pipefail
build_dir=$1
symbols=$2
[ -s "$symbols" ] || { echo "missing symbol list $symbols" >&2; exit 1; }

# Read the symbol table once per library; `grep -q` in a pipeline would
# SIGPIPE nm and, under pipefail, turn a match into a failure.
defines() { nm -D --defined-only "$1" 2>/dev/null | awk '{ print $3 }' | sed 's/@.*//' | grep -cx "$2" >/dev/null; }
# BoringSSL also exports OpenSSL_version, so OpenSSL is "OpenSSL_version and
# not BoringSSL".
is_boringssl() { defines "$1" BORINGSSL_self_test; }
is_openssl() { defines "$1" OpenSSL_version && ! is_boringssl "$1"; }

failures=0
checked=0
while IFS= read -r bin; do
  # Only ELF executables.
  head -c 4 "$bin" | grep -q 'ELF' || continue
  checked=$((checked + 1))
  boring="" ; openssl=""
  while read -r lib; do
    [ -f "$lib" ] || continue
    case "$(basename "$lib")" in libcrypto*|libssl*) ;; *) continue ;; esac
    if is_boringssl "$lib"; then boring="$lib"; fi
    if is_openssl "$lib"; then openssl="$lib"; fi
  done < <(ldd "$bin" 2>/dev/null | awk '/=>/ { print $3 }')
  if [ -n "$boring" ] && [ -n "$openssl" ]; then
    echo "FAIL $bin: dynamic BoringSSL ($boring) and OpenSSL ($openssl) in one process"
    failures=$((failures + 1))
  fi
  # Unprefixed BoringSSL definitions inside the binary itself.
  leaked=$(nm --defined-only "$bin" 2>/dev/null | awk 'NF == 3 && $2 ~ /^[TDBR]$/ { print $3 }' \
             | grep -Fxf "$symbols" | head -5 || true)
  if [ -n "$leaked" ]; then
    echo "FAIL $bin: defines unprefixed BoringSSL symbols: $(echo $leaked)"
    failures=$((failures + 1))
  fi
done < <(find "$build_dir" -type f -perm -u+x \( -path '*/tools/*' -o -path '*/tests/*' -o -path '*/bench/*' -o -path '*/server/*' \) \
           ! -name '*.so*' ! -name '*.sh' ! -path '*/CMakeFiles/*' | sort)

if [ "$checked" -eq 0 ]; then echo "FAIL: no binaries found under $build_dir"; exit 1; fi
echo "checked $checked binaries, $failures problems"
[ "$failures" -eq 0 ]
