# libktstr and the installable package.
#
# Inside this build the modules are separate static libraries (each sees
# only the headers of the modules it declares). For users they are one
# archive, libktstr.a (target ktstr::ktstr), with the public headers of
# include/ktstr/ -- internal headers stay in src/ and are not installed --
# and ktstr::gtest_main, whose main() is ktstr::test_main().
#
# cmake --install puts in place:
#   bin/ktstr, bin/scx_ktstr_fixture (when the BPF toolchain built it)
#   include/ktstr/...
#   lib/libktstr.a, lib/libktstr_gtest_main.a
#   lib/cmake/ktstr/ (find_package(ktstr): targets, version, ktstr_add_tests())
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(KTSTR_LIB_MODULES util elf topology channel workload kernel initramfs vm monitor check scenario scheduler guest
                      store runner testkit)
set(_ktstr_objects)
foreach(_m ${KTSTR_LIB_MODULES})
  list(APPEND _ktstr_objects $<TARGET_OBJECTS:ktstr_${_m}>)
endforeach()
add_library(ktstr_lib STATIC ${_ktstr_objects})
add_library(ktstr::ktstr ALIAS ktstr_lib)
set_target_properties(ktstr_lib PROPERTIES OUTPUT_NAME ktstr EXPORT_NAME ktstr)
target_include_directories(ktstr_lib PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
                                            $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
# Public headers use nlohmann::json and GoogleTest; the rest is what the
# archive's objects need at link time.
target_link_libraries(ktstr_lib
  PUBLIC nlohmann_json::nlohmann_json GTest::gtest Threads::Threads
  PRIVATE fmt::fmt PkgConfig::LIBBPF PkgConfig::LIBELF PkgConfig::ZSTD PkgConfig::LZ4 PkgConfig::LZMA
          PkgConfig::ZLIB PkgConfig::SQLITE3)

add_library(ktstr_gtest_main STATIC ${PROJECT_SOURCE_DIR}/src/gtest_main.cpp)
add_library(ktstr::gtest_main ALIAS ktstr_gtest_main)
set_target_properties(ktstr_gtest_main PROPERTIES EXPORT_NAME gtest_main)
target_link_libraries(ktstr_gtest_main PUBLIC ktstr_lib)

set_target_properties(ktstr PROPERTIES EXPORT_NAME cli)
install(TARGETS ktstr_lib ktstr_gtest_main ktstr EXPORT ktstrTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ktstr DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(_cfg_dir ${CMAKE_INSTALL_LIBDIR}/cmake/ktstr)
install(EXPORT ktstrTargets NAMESPACE ktstr:: DESTINATION ${_cfg_dir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/ktstrConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/ktstrConfig.cmake
                              INSTALL_DESTINATION ${_cfg_dir}
                              PATH_VARS CMAKE_INSTALL_BINDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/ktstrConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/ktstrConfig.cmake ${PROJECT_BINARY_DIR}/ktstrConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/ktstrTesting.cmake
        DESTINATION ${_cfg_dir})
