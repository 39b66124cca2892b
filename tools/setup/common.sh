# Shared by main.sh and test.sh: install packages, build BoringSSL, configure
# and build one CMake tree.  Sourced, not run.

KS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KS_JOBS=${KS_JOBS:-$(nproc)}

ks_log() { printf '\n==> %s\n' "$*"; }

# Installs Debian packages (root, or through sudo) unless KS_SKIP_INSTALL=1.
ks_install() {
  if [ "${KS_SKIP_INSTALL:-0}" = 1 ]; then return; fi
  ks_log "installing Debian packages"
  if [ "$(id -u)" -eq 0 ]; then
    bash "$KS_ROOT/tools/setup/install_deps.sh"
  else
    sudo bash "$KS_ROOT/tools/setup/install_deps.sh"
  fi
}

ks_boringssl() {
  ks_log "building BoringSSL (cached in .deps/boringssl)"
  bash "$KS_ROOT/tools/setup/build_boringssl.sh"
}

# ks_build DIR [cmake args...] [--target T...]: configures and builds a
# tree (every target unless --target names some).
ks_build() {
  local dir=$1
  shift
  local args=() targets=()
  while [ $# -gt 0 ]; do
    if [ "$1" = "--target" ]; then
      shift
      targets+=("$@")
      break
    fi
    args+=("$1")
    shift
  done
  ks_log "building $dir (${args[*]}) ${targets[*]}"
  cmake -S "$KS_ROOT" -B "$KS_ROOT/$dir" -G Ninja "${args[@]}" >/dev/null
  if [ ${#targets[@]} -gt 0 ]; then
    cmake --build "$KS_ROOT/$dir" -j "$KS_JOBS" --target "${targets[@]}"
  else
    cmake --build "$KS_ROOT/$dir" -j "$KS_JOBS"
  fi
}
