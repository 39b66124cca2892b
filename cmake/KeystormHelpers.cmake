# One helper per target kind.  Every Keystorm target gets the same warnings
# (as errors), the same sanitizer flags and C++20; third-party headers come in
# through imported targets and therefore as SYSTEM includes.

set(KEYSTORM_WARNINGS
  -Wall -Wextra -Wpedantic -Werror
  -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused -Woverloaded-virtual
  -Wimplicit-fallthrough -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 reports false positives inside simdjson's inlined DOM accessors.
  # (-Wdangling-pointer stays on: it caught a real range-for over a temporary.)
  # -Wrestrict, -Wstringop-overread: GCC 12 false positives at -O3 on
  # std::string and std::vector comparisons (GCC bugs 105329, 106199).
  list(APPEND KEYSTORM_WARNINGS -Wno-maybe-uninitialized -Wno-restrict -Wno-stringop-overread)
endif()

if(KEYSTORM_TSAN)
  # ThreadSanitizer excludes ASan; used for the concurrency suites.
  set(KEYSTORM_SANITIZER_FLAGS -fsanitize=thread -fno-omit-frame-pointer)
elseif(CMAKE_BUILD_TYPE STREQUAL "Debug" OR KEYSTORM_SANITIZE)
  set(KEYSTORM_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined
      -fno-omit-frame-pointer)
endif()

# Fuzzing builds put ASan+UBSan and libFuzzer's coverage instrumentation into
# every Keystorm target (the engine above all), not only into the fuzz mains.
if(KEYSTORM_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "KEYSTORM_BUILD_FUZZERS needs clang (libFuzzer)")
  endif()
  set(KEYSTORM_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined
      -fno-omit-frame-pointer)
  set(KEYSTORM_FUZZ_COVERAGE_FLAGS -fsanitize=fuzzer-no-link)
endif()

function(_keystorm_common target)
  target_compile_options(${target} PRIVATE ${KEYSTORM_WARNINGS} ${KEYSTORM_SANITIZER_FLAGS}
                                           ${KEYSTORM_FUZZ_COVERAGE_FLAGS})
  target_link_options(${target} PRIVATE ${KEYSTORM_SANITIZER_FLAGS})
endfunction()

# keystorm_library(NAME SOURCES a.cc ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
# A static library whose public headers live in <dir>/include.
function(keystorm_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  add_library(keystorm::${name} ALIAS ${name})
  # Installed libraries find their headers under the install prefix's include/.
  target_include_directories(${name} PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
                                            $<INSTALL_INTERFACE:include>
                                     PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  _keystorm_common(${name})
endfunction()

# keystorm_executable(NAME SOURCES ... [DEPS ...])
function(keystorm_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  _keystorm_common(${name})
endfunction()

# keystorm_test(NAME SOURCES ... [DEPS ...]) — one gtest binary, registered
# with ctest through gtest_discover_tests so each TEST is its own ctest case.
function(keystorm_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_compile_definitions(${name} PRIVATE
    KEYSTORM_CORPUS_DIR="${KEYSTORM_CORPUS_DIR}"
    KEYSTORM_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  _keystorm_common(${name})
  include(GoogleTest)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
endfunction()

# keystorm_fuzzer(NAME SOURCE file.cc SEEDS dir [DEPS ...])
# With KEYSTORM_BUILD_FUZZERS (clang) it is a libFuzzer binary, and ctest
# replays the seeds (-runs=0) and fuzzes for 10 s (label fuzz); new inputs go
# to a folder in the build tree, never into the committed seed folder.
# Otherwise it links a plain main that replays every file of the seed folder,
# and ctest runs that replay, so the fuzz entry points stay compiled and
# crash-free.
function(keystorm_fuzzer name)
  cmake_parse_arguments(ARG "" "SOURCE;SEEDS" "DEPS" ${ARGN})
  if(KEYSTORM_BUILD_FUZZERS)
    add_executable(${name} ${ARG_SOURCE})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    set(work_dir ${CMAKE_CURRENT_BINARY_DIR}/${name}.corpus)
    file(MAKE_DIRECTORY ${work_dir})
    add_test(NAME ${name}_seed_replay COMMAND ${name} -runs=0 ${work_dir} ${ARG_SEEDS})
    add_test(NAME ${name}_fuzz_smoke
             COMMAND ${name} -max_total_time=10 -timeout=10 -rss_limit_mb=2048 ${work_dir}
                     ${ARG_SEEDS})
    set_tests_properties(${name}_seed_replay ${name}_fuzz_smoke PROPERTIES LABELS fuzz)
  else()
    add_executable(${name} ${ARG_SOURCE} ${CMAKE_SOURCE_DIR}/tests/fuzz/replay_main.cc)
    add_test(NAME ${name}_seed_replay COMMAND ${name} ${ARG_SEEDS})
    set_tests_properties(${name}_seed_replay PROPERTIES LABELS fuzz)
  endif()
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  _keystorm_common(${name})
  # `keystorm_fuzzers` builds every fuzz target and nothing else.
  if(NOT TARGET keystorm_fuzzers)
    add_custom_target(keystorm_fuzzers)
  endif()
  add_dependencies(keystorm_fuzzers ${name})
endfunction()

# keystorm_benchmark(NAME SOURCES ... [DEPS ...])
function(keystorm_benchmark name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark)
  _keystorm_common(${name})
endfunction()
