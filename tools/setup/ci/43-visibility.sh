# Sourced by tools/setup/test.sh after the Release build (build/release).
# keystorm_abi_check (cmake/KeystormInstall.cmake) links the four installed
# archives, whole, into one shared object, as an integrator shipping a .so
# would; its dynamic symbol table must show
#   1. nothing of BoringSSL (KSBSSL_ or unprefixed), simdjson, libcbor,
#      RocksDB, TBB, toml++ or libdecaf;
#   2. the public API (KEYSTORM_EXPORT in the installed headers);
#   3. no internal function: keystorm::attestation:: is defined in the
#      whole-archived engine, yet not exported.
# Each check adds one to `passed` or `failed`.  A few seconds.
# KS_VISIBILITY_BUILD overrides the build folder (default build/release).
ks_log "visibility: the dynamic symbols of keystorm_abi_check (the installed archives as one .so)"
vis_build=${KS_VISIBILITY_BUILD:-$KS_ROOT/build/release}
vis_work=$(mktemp -d)
vis_so="$vis_build/libkeystorm_abi_check.so"

vis_check() {  # vis_check NAME COMMAND...: runs it, counts it, logs on failure
  local name=$1
  shift
  if "$@" >"$vis_work/$name.log" 2>&1; then
    passed=$((passed + 1))
    echo "visibility: $name ok"
  else
    failed=$((failed + 1))
    echo "visibility: $name FAILED"
    tail -30 "$vis_work/$name.log"
  fi
}

vis_nothing_third_party() {
  local leaked
  # C names, mangled table: BoringSSL prefixed or not, libcbor, libdecaf.
  leaked=$(awk '{ print $NF }' "$vis_work/raw.txt" |
    grep -E '^(KSBSSL_|(EVP|BN|EC|ECDSA|RSA|X509|SSL|ERR|CRYPTO|OPENSSL|SHA[0-9]*|HMAC|PEM|ASN1|BIO|OBJ|d2i|i2d)_|cbor_|decaf_|DECAF_)')
  # C++ names, demangled: entities of the dependencies' namespaces (their
  # types may appear in the signature of a Keystorm symbol; that is fine).
  leaked+=$'\n'$(sed -E 's/^[0-9a-f]+ [A-Za-z] //' "$vis_work/demangled.txt" |
    sed -E 's/^(typeinfo name|typeinfo|vtable|VTT|construction vtable|guard variable) for //' |
    grep -E '^(simdjson|rocksdb|tbb|toml|decaf)::')
  if [ -n "${leaked//$'\n'/}" ]; then
    echo "exported symbols of a dependency:"
    echo "$leaked" | head -20
    return 1
  fi
  # The full unprefixed OpenSSL API list, as 40-embed.sh checks the archives.
  leaked=$(awk '{ print $NF }' "$vis_work/raw.txt" | sort -u |
    comm -12 - <(sort -u "$KS_ROOT/.deps/boringssl/symbols.txt"))
  if [ -n "$leaked" ]; then
    echo "exported unprefixed OpenSSL API symbols:"
    echo "$leaked" | head -20
    return 1
  fi
}

vis_public_api() {
  local missing=0 symbol
  for symbol in \
    'keystorm::Verifier::Verifier(' \
    'keystorm::Verifier::VerifyRegistration(' \
    'keystorm::RelyingParty::Create(' \
    'keystorm::RelyingParty::FinishAuthentication(' \
    'keystorm::Pipeline::SubmitAssertion(' \
    'keystorm::Status::ToString' \
    'keystorm::VerifyErrorName(' \
    'keystorm::storage::RocksCredentialStore::Open(' \
    'keystorm::storage::MemoryCredentialStore::MultiLookup(' \
    'keystorm::policy::CompiledPolicy::Evaluate(' \
    'keystorm::policy::LoadPolicy(' \
    'keystorm::policy::ParsePolicy(' \
    'typeinfo for keystorm::CredentialStore'; do
    if ! grep -qF " $symbol" "$vis_work/demangled.txt"; then
      echo "not exported: $symbol"
      missing=1
    fi
  done
  [ "$missing" -eq 0 ]
}

vis_internals_hidden() {
  # The negative control: the archive defines keystorm::attestation::
  # functions (so the .so holds them), and none is exported.
  local defined exported
  defined=$(nm -C --defined-only "$vis_build/engine/libkeystorm_engine.a" 2>/dev/null |
    grep -cE ' [TW] keystorm::attestation::')
  exported=$(grep -cE ' keystorm::attestation::|\(anonymous namespace\)' "$vis_work/demangled.txt")
  echo "keystorm::attestation:: functions: $defined in libkeystorm_engine.a, $exported exported"
  [ "$defined" -gt 0 ] && [ "$exported" -eq 0 ]
}

if [ -f "$vis_so" ] && nm -D --defined-only "$vis_so" >"$vis_work/raw.txt" &&
  nm -D --defined-only -C "$vis_so" >"$vis_work/demangled.txt"; then
  passed=$((passed + 1))
  echo "visibility: $(wc -l <"$vis_work/raw.txt") symbols exported by $(basename "$vis_so")"
  vis_check nothing_third_party vis_nothing_third_party
  vis_check public_api vis_public_api
  vis_check internals_hidden vis_internals_hidden
else
  failed=$((failed + 1))
  echo "visibility: $vis_so missing or unreadable"
fi
rm -rf "$vis_work"
