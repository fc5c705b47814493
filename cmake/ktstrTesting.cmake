# ktstr_add_tests(<target> [GAUNTLET] [PRESETS a,b] [BUDGET seconds]
#                 [TIMEOUT seconds] [TEST_PREFIX prefix] [TEST_FILTER gtest-filter])
#
# Registers a KTSTR_TEST binary's tests with ctest, one ctest test per
# variant (gtest_discover_tests underneath): ktstr/<Suite>.<Name>, and with
# GAUNTLET every gauntlet/<Suite>.<Name>/<preset>/<profile> variant (only
# PRESETS, only what fits BUDGET VM-seconds). Each test boots its own VM, so
# `ctest -j N` runs N VMs at once. ktstr's installed schedulers are found
# through KTSTR_SCHEDULER_DIR.
include(GoogleTest)

function(ktstr_add_tests target)
  cmake_parse_arguments(K "GAUNTLET" "PRESETS;BUDGET;TIMEOUT;TEST_PREFIX;TEST_FILTER" "" ${ARGN})
  # The gauntlet settings must reach both the listing at build time and
  # every test run, so the variant names match. gtest_discover_tests passes
  # EXTRA_ARGS to the runs only, but it starts both through the target's
  # CROSSCOMPILING_EMULATOR: `cmake -E env KTSTR_GAUNTLET=1 ...` goes there
  # (in front of a real emulator, if the target has one).
  set(_env_vars)
  if(K_GAUNTLET)
    list(APPEND _env_vars KTSTR_GAUNTLET=1)
  endif()
  if(K_PRESETS)
    list(APPEND _env_vars KTSTR_PRESETS=${K_PRESETS})
  endif()
  if(K_BUDGET)
    list(APPEND _env_vars KTSTR_BUDGET=${K_BUDGET})
  endif()
  if(_env_vars)
    get_target_property(_emulator ${target} CROSSCOMPILING_EMULATOR)
    if(NOT _emulator)
      set(_emulator)
    endif()
    set_target_properties(${target} PROPERTIES
      CROSSCOMPILING_EMULATOR "${CMAKE_COMMAND};-E;env;${_env_vars};${_emulator}")
  endif()
  if(NOT K_TIMEOUT)
    set(K_TIMEOUT 600)
  endif()
  set(_env)
  if(ktstr_SCHEDULER_DIR)
    set(_env ENVIRONMENT "KTSTR_SCHEDULER_DIR=${ktstr_SCHEDULER_DIR}")
  endif()
  set(_filter)
  if(K_TEST_FILTER)
    set(_filter TEST_FILTER "${K_TEST_FILTER}")
  endif()
  gtest_discover_tests(${target}
    ${_filter}
    TEST_PREFIX "${K_TEST_PREFIX}"
    DISCOVERY_TIMEOUT 60
    PROPERTIES TIMEOUT ${K_TIMEOUT} ${_env})
endfunction()
