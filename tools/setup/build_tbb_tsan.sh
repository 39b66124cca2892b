#!/usr/bin/env bash
# Builds Intel oneTBB from Debian's own source package with ThreadSanitizer
# instrumentation, for KEYSTORM_TSAN builds only.  Debian's libtbb is not
# instrumented: TSan cannot see the synchronisation inside it (task spawn and
# join) and reports every hand-over between pipeline stages as a race.
#
# Usage: build_tbb_tsan.sh [DEST]   (default: <repo>/.deps/tbb-tsan)
# Cached like build_boringssl.sh: DEST/STAMP records the inputs.
set -euo pipefail

PKG=onetbb
PKG_VERSION=$(dpkg-query -W -f='${Version}' libtbb-dev 2>/dev/null || echo 2021.8.0-2+deb12u1)
repo=$(cd "$(dirname "$0")/../.." && pwd)
dest=${1:-$repo/.deps/tbb-tsan}
stamp_want="$PKG=$PKG_VERSION sanitize=thread cxx=$(c++ --version | head -1)"

if [ -f "$dest/STAMP" ] && [ "$(cat "$dest/STAMP")" = "$stamp_want" ]; then
  echo "tbb-tsan: cached at $dest"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
echo "tbb-tsan: fetching $PKG $PKG_VERSION source"
apt-get source -qq --download-only "$PKG=$PKG_VERSION" >/dev/null 2>&1 \
  || apt-get source -qq --download-only "$PKG" >/dev/null
dpkg-source -x --no-check ./*.dsc src >/dev/null
rm -rf "$dest"
cmake -S src -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTBB_SANITIZE=thread \
  -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF -DTBBMALLOC_BUILD=OFF -DTBB_STRICT=OFF \
  -DCMAKE_INSTALL_PREFIX="$dest" >/dev/null
cmake --build build -j "$(nproc)" >/dev/null
cmake --install build >/dev/null
echo "$stamp_want" > "$dest/STAMP"
echo "tbb-tsan: built into $dest"
