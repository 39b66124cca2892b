# Finds every third-party library and exposes each as one imported target.
# All of them come from Debian 12 packages except BoringSSL, which
# tools/setup/build_boringssl.sh builds from Debian's source package.

find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)

# BoringSSL: static, every symbol prefixed KSBSSL_ (see build_boringssl.sh).
if(NOT EXISTS "${KEYSTORM_BORINGSSL_ROOT}/lib/libcrypto.a")
  message(FATAL_ERROR
    "BoringSSL not found at ${KEYSTORM_BORINGSSL_ROOT}. "
    "Run tools/setup/build_boringssl.sh first (tools/setup/setup.sh does it).")
endif()
add_library(keystorm_boringssl STATIC IMPORTED GLOBAL)
set_target_properties(keystorm_boringssl PROPERTIES
  IMPORTED_LOCATION "${KEYSTORM_BORINGSSL_ROOT}/lib/libcrypto.a"
  INTERFACE_INCLUDE_DIRECTORIES "${KEYSTORM_BORINGSSL_ROOT}/include"
  INTERFACE_COMPILE_DEFINITIONS "BORINGSSL_PREFIX=KSBSSL"
  INTERFACE_LINK_LIBRARIES Threads::Threads)
add_library(keystorm::boringssl ALIAS keystorm_boringssl)

# simdjson (Debian ships a shared library and a CMake config).
find_package(simdjson REQUIRED)

# libcbor: no CMake config in Debian 12; pkg-config has it.
pkg_check_modules(LIBCBOR REQUIRED IMPORTED_TARGET libcbor)

# libdecaf (Debian libdecaf-dev): Ed448 signatures, which BoringSSL lacks.
# The static archive, so binaries need no runtime package; it has its own
# SHA-512/SHAKE and references no libcrypto symbol (tests/tooling checks).
find_path(KEYSTORM_DECAF_INCLUDE_DIR decaf/ed448.h PATH_SUFFIXES decaf REQUIRED)
find_library(KEYSTORM_DECAF_LIBRARY NAMES libdecaf.a REQUIRED)
add_library(keystorm_decaf STATIC IMPORTED GLOBAL)
set_target_properties(keystorm_decaf PROPERTIES
  IMPORTED_LOCATION "${KEYSTORM_DECAF_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${KEYSTORM_DECAF_INCLUDE_DIR}")
add_library(keystorm::decaf ALIAS keystorm_decaf)

# jemalloc (Debian libjemalloc-dev) for the `keystorm` executable only, never
# for the installed libraries (an embedding application picks its own
# allocator).  A login allocates a few dozen small blocks on several threads
# (I/O, ledger, pipeline); glibc's malloc spent 8% of the server's CPU on
# them (docs/performance.md).  Left out of sanitizer builds, whose runtimes
# replace malloc themselves.
option(KEYSTORM_JEMALLOC "Link the keystorm executable with jemalloc" ON)
add_library(keystorm_malloc INTERFACE)
if(KEYSTORM_JEMALLOC AND NOT KEYSTORM_TSAN AND NOT KEYSTORM_SANITIZE AND NOT KEYSTORM_BUILD_FUZZERS
   AND NOT CMAKE_BUILD_TYPE STREQUAL "Debug")
  find_library(KEYSTORM_JEMALLOC_LIBRARY NAMES jemalloc REQUIRED)
  target_link_libraries(keystorm_malloc INTERFACE "${KEYSTORM_JEMALLOC_LIBRARY}")
  message(STATUS "keystorm executable: jemalloc (${KEYSTORM_JEMALLOC_LIBRARY})")
endif()

# KEYSTORM_TSAN builds need a TSan-instrumented TBB (tools/setup/build_tbb_tsan.sh).
if(KEYSTORM_TSAN)
  set(KEYSTORM_TBB_TSAN_ROOT "${CMAKE_SOURCE_DIR}/.deps/tbb-tsan" CACHE PATH "TSan-built oneTBB")
  if(NOT EXISTS "${KEYSTORM_TBB_TSAN_ROOT}/lib/cmake/TBB")
    message(FATAL_ERROR "KEYSTORM_TSAN needs tools/setup/build_tbb_tsan.sh first")
  endif()
  find_package(TBB REQUIRED CONFIG PATHS "${KEYSTORM_TBB_TSAN_ROOT}/lib/cmake/TBB" NO_DEFAULT_PATH)
else()
  find_package(TBB REQUIRED)
endif()
find_package(CLI11 CONFIG REQUIRED)
# toml++ (the policy file): Debian ships a shared build with a CMake config.
find_package(tomlplusplus REQUIRED)
# RocksDB 7.8 (librocksdb-dev): the credential store.  Its shared library
# links no libcrypto (tests/tooling/check_linkage.sh checks every binary).
find_package(RocksDB CONFIG REQUIRED)

if(KEYSTORM_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(KEYSTORM_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
