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
  set(_args)
  if(K_GAUNTLET)
    list(APPEND _args --ktstr-gauntlet)
  endif()
  if(K_PRESETS)
    list(APPEND _args --ktstr-presets=${K_PRESETS})
  endif()
  if(K_BUDGET)
    list(APPEND _args --ktstr-budget=${K_BUDGET})
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
    EXTRA_ARGS ${_args}
    TEST_PREFIX "${K_TEST_PREFIX}"
    DISCOVERY_TIMEOUT 60
    PROPERTIES TIMEOUT ${K_TIMEOUT} ${_env})
endfunction()
