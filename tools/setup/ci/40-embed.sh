# Sourced by tools/setup/test.sh after the Release build (build/release):
# installs Keystorm into a temporary prefix, then
#   1. no installed archive defines an unprefixed BoringSSL/OpenSSL symbol;
#   2. the embedding example (docs/examples/embed) configures with
#      find_package(keystorm CONFIG), builds and runs against that prefix;
#   3. the same example builds and runs with `pkg-config keystorm` alone.
# Each check adds one to `passed` or `failed`.  About a minute.
embed_prefix=$(mktemp -d)
embed_work=$(mktemp -d)

embed_check() {  # embed_check NAME COMMAND...: runs it, counts it, logs on failure
  local name=$1
  shift
  if "$@" >"$embed_work/$name.log" 2>&1; then
    passed=$((passed + 1))
    echo "embed: $name ok"
  else
    failed=$((failed + 1))
    echo "embed: $name FAILED"
    tail -30 "$embed_work/$name.log"
  fi
}

embed_no_unprefixed_symbols() {
  local defined="$embed_work/defined.txt"
  for archive in "$embed_prefix"/lib/*.a "$embed_prefix"/lib/keystorm/*.a; do
    nm -g --defined-only "$archive" 2>/dev/null | awk 'NF == 3 { print $3 }'
  done | sort -u >"$defined"
  local leaked
  leaked=$(sort -u "$KS_ROOT/.deps/boringssl/symbols.txt" | comm -12 - "$defined")
  if [ -n "$leaked" ]; then
    echo "unprefixed OpenSSL API symbols defined by the installed archives:"
    echo "$leaked" | head -20
    return 1
  fi
  # The prefixed archive really is BoringSSL, prefixed.
  grep -qx 'KSBSSL_EVP_sha256' "$defined"
}

embed_cmake_example() {
  cmake -S "$KS_ROOT/docs/examples/embed" -B "$embed_work/cmake" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$embed_prefix" &&
    cmake --build "$embed_work/cmake" &&
    "$embed_work/cmake/keystorm_embed_example" "$KS_ROOT/docs/examples/embed/ceremony.txt"
}

embed_pkg_config_example() {
  local flags
  flags=$(PKG_CONFIG_PATH="$embed_prefix/lib/pkgconfig" pkg-config --cflags --libs keystorm) &&
    # shellcheck disable=SC2086
    g++ -std=c++20 -O1 -I"$KS_ROOT/docs/examples/embed" "$KS_ROOT/docs/examples/embed/main.cc" \
      -o "$embed_work/pkg_config_example" $flags &&
    "$embed_work/pkg_config_example" "$KS_ROOT/docs/examples/embed/ceremony.txt"
}

if cmake --install "$KS_ROOT/build/release" --prefix "$embed_prefix" >"$embed_work/install.log" 2>&1; then
  passed=$((passed + 1))
  embed_check no_unprefixed_symbols embed_no_unprefixed_symbols
  embed_check cmake_example embed_cmake_example
  embed_check pkg_config_example embed_pkg_config_example
else
  failed=$((failed + 1))
  echo "embed: cmake --install failed"
  tail -30 "$embed_work/install.log"
fi
rm -rf "$embed_prefix" "$embed_work"
