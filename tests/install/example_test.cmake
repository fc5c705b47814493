# The installed package as a user meets it: install ktstr into a temporary
# prefix, configure and build examples/ against it with find_package(ktstr),
# check ctest sees every variant by its ktstr name, and run two of them
# (one VM boot: the whole example suite, 8 VMs, is run by hand, see README).
#
# -DBUILD_DIR=<ktstr build> -DSOURCE_DIR=<ktstr source> -DWORK_DIR=<scratch>
cmake_minimum_required(VERSION 3.25)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

# Only the public API is installed.
foreach(f include/ktstr/ktstr.hpp include/ktstr/test/ktstr_test.hpp include/ktstr/scenario/scenario.hpp
          lib/libktstr.a lib/libktstr_gtest_main.a lib/cmake/ktstr/ktstrConfig.cmake bin/ktstr)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
file(GLOB_RECURSE internal RELATIVE ${prefix}/include ${prefix}/include/*)
foreach(h ${internal})
  if(NOT h MATCHES "^ktstr/")
    message(FATAL_ERROR "installed outside include/ktstr: ${h}")
  endif()
endforeach()
file(GLOB_RECURSE headers ${prefix}/include/ktstr/*.hpp)
foreach(h ${headers})
  file(STRINGS ${h} bad REGEX "#include \"(util|vm|guest|runner|testkit|monitor|kernel|initramfs|channel|workload)/")
  if(bad)
    message(FATAL_ERROR "${h} includes an internal header: ${bad}")
  endif()
endforeach()

set(launcher)
find_program(CCACHE ccache)
if(CCACHE)
  set(launcher -DCMAKE_CXX_COMPILER_LAUNCHER=${CCACHE})
endif()
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples -B ${WORK_DIR}/build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
    -DCMAKE_PREFIX_PATH=${prefix} ${launcher})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)

run(${CMAKE_CTEST_COMMAND} --test-dir ${WORK_DIR}/build -N)
set(listed "${out}")
foreach(preset tiny-1llc tiny-2llc odd-3llc)
  foreach(profile default slow)
    set(name "gauntlet/FixtureSched.SpinnersAndSleepers/${preset}/${profile}")
    string(FIND "${listed}" "${name}" at)
    if(at LESS 0)
      message(FATAL_ERROR "ctest does not list ${name}:\n${listed}")
    endif()
  endforeach()
endforeach()
foreach(name ktstr/FixtureSched.SpinnersAndSleepers ktstr/FixtureSched.StallIsCaughtByTheWatchdog
             ktstr/FixtureSched.DefinitionHasTwoProfiles)
  string(FIND "${listed}" "${name}" at)
  if(at LESS 0)
    message(FATAL_ERROR "ctest does not list ${name}:\n${listed}")
  endif()
endforeach()

# One VM (a gauntlet variant, by the exact name ctest passes as its filter)
# and the host-only test.
run(${CMAKE_CTEST_COMMAND} --test-dir ${WORK_DIR}/build -j 2 --output-on-failure
    -R "DefinitionHasTwoProfiles|tiny-2llc/slow$")
message("${out}")
string(FIND "${out}" "100% tests passed, 0 tests failed out of 2" at)
if(at LESS 0)
  message(FATAL_ERROR "expected 2 passing tests:\n${out}")
endif()
file(REMOVE_RECURSE ${WORK_DIR})
