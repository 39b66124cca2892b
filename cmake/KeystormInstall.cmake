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
endforeach()

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
