# `cmake --install`: the static libraries keystorm_{engine,storage,policy,
# relying_party}, their public headers under include/keystorm/, the version
# header, the KSBSSL_-prefixed BoringSSL archive (internal: lib/keystorm/),
# a CMake package (find_package(keystorm CONFIG)) and keystorm.pc.
# Decisions and the compatibility promise: docs/embedding.md.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(KEYSTORM_GENERATED_INCLUDE "${CMAKE_BINARY_DIR}/generated/include")
configure_file("${CMAKE_SOURCE_DIR}/cmake/version.h.in"
               "${KEYSTORM_GENERATED_INCLUDE}/keystorm/version.h" @ONLY)
target_include_directories(engine PUBLIC $<BUILD_INTERFACE:${KEYSTORM_GENERATED_INCLUDE}>)

set(KEYSTORM_INSTALLED_LIBRARIES engine storage policy relying_party)
foreach(library IN LISTS KEYSTORM_INSTALLED_LIBRARIES)
  # libkeystorm_engine.a, not libengine.a, in a shared lib/ folder.
  set_target_properties(${library} PROPERTIES OUTPUT_NAME keystorm_${library} EXPORT_NAME ${library})
  # Only what the installed headers mark KEYSTORM_EXPORT (keystorm/export.h)
  # is visible once these archives are linked into a shared object.
  set_target_properties(${library} PROPERTIES CXX_VISIBILITY_PRESET hidden
                                              VISIBILITY_INLINES_HIDDEN ON)
endforeach()

# keystorm_abi_check: the four archives, whole, in one shared object (not
# installed), the way an integrator would ship them: BoringSSL and libdecaf
# pulled in as needed and kept internal with --exclude-libs.
# tools/setup/ci/43-visibility.sh checks its dynamic symbol table: the public
# API is exported; BoringSSL, the other dependencies and the internals are not.
add_library(keystorm_abi_check SHARED "${CMAKE_SOURCE_DIR}/tools/abi_check/abi_check.cc")
target_link_options(keystorm_abi_check PRIVATE
  "LINKER:--whole-archive"
  "$<TARGET_FILE:engine>" "$<TARGET_FILE:storage>" "$<TARGET_FILE:policy>"
  "$<TARGET_FILE:relying_party>"
  "LINKER:--no-whole-archive"
  "LINKER:--exclude-libs,libcrypto.a:libdecaf.a")
# The same archives again, as targets: their dependencies, and the build order.
target_link_libraries(keystorm_abi_check PRIVATE ${KEYSTORM_INSTALLED_LIBRARIES})
set_target_properties(keystorm_abi_check PROPERTIES CXX_VISIBILITY_PRESET hidden
                                                   VISIBILITY_INLINES_HIDDEN ON)
_keystorm_common(keystorm_abi_check)

install(TARGETS ${KEYSTORM_INSTALLED_LIBRARIES} EXPORT keystormTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
foreach(dir engine policy storage rp)
  install(DIRECTORY "${CMAKE_SOURCE_DIR}/${dir}/include/" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
          FILES_MATCHING PATTERN "*.h")
endforeach()
install(FILES "${KEYSTORM_GENERATED_INCLUDE}/keystorm/version.h"
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/keystorm)
install(FILES "${KEYSTORM_BORINGSSL_ROOT}/lib/libcrypto.a"
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/keystorm RENAME libkeystorm_boringssl_crypto.a)

install(EXPORT keystormTargets NAMESPACE keystorm::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/keystorm)
configure_package_config_file("${CMAKE_SOURCE_DIR}/cmake/keystormConfig.cmake.in"
  "${CMAKE_BINARY_DIR}/keystormConfig.cmake"
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/keystorm)
write_basic_package_version_file("${CMAKE_BINARY_DIR}/keystormConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion)
install(FILES "${CMAKE_BINARY_DIR}/keystormConfig.cmake"
              "${CMAKE_BINARY_DIR}/keystormConfigVersion.cmake"
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/keystorm)
# @ONLY at install time, so that --prefix given to `cmake --install` counts.
configure_file("${CMAKE_SOURCE_DIR}/cmake/keystorm.pc.in" "${CMAKE_BINARY_DIR}/keystorm.pc.in" COPYONLY)
install(CODE "
  set(CMAKE_INSTALL_LIBDIR \"${CMAKE_INSTALL_LIBDIR}\")
  set(CMAKE_INSTALL_INCLUDEDIR \"${CMAKE_INSTALL_INCLUDEDIR}\")
  set(PROJECT_VERSION \"${PROJECT_VERSION}\")
  configure_file(\"${CMAKE_BINARY_DIR}/keystorm.pc.in\" \"${CMAKE_BINARY_DIR}/keystorm.pc\" @ONLY)
  file(INSTALL \"${CMAKE_BINARY_DIR}/keystorm.pc\"
       DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig\")
")
