#pragma once
// Helpers for VM tests: run the real ktstr binary and look at what it did.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/ktstr_test_support.hpp"
#include "util/process.hpp"

namespace ktstr::vmtest {

struct Run {
  int code = -1;
  std::string out, err;
  double seconds = 0;
};

// Runs `ktstr args...` to completion (bounded by `limit`).
Run run_ktstr(const std::vector<std::string>& args, std::chrono::seconds limit = std::chrono::seconds(240));

// The one result of a single-scenario `ktstr run --json`; an empty object
// (and a test failure showing the output) when the output is anything else.
nlohmann::json single_result(const Run& r);

// Skips the current test when neither KVM nor QEMU exists; fails it when the
// kernel is missing (the bootstrap fetches it, so that is a setup bug).
bool vm_available(std::string* why);

#define KTSTR_REQUIRE_VM()                            \
  do {                                                \
    std::string why_;                                 \
    if (!::ktstr::vmtest::vm_available(&why_)) GTEST_SKIP() << why_; \
  } while (0)

// Whether ktstr's fixture sched_ext scheduler was built (where `--scheduler
// fixture` finds it: schedulers/ next to ktstr); `why` says how to get it.
bool fixture_built(std::string* why);

// Fails (not skips) the current test without the fixture: the bootstrap
// builds it, so its absence is a setup bug, not an environment limit.
#define KTSTR_REQUIRE_FIXTURE()                                            \
  do {                                                                     \
    KTSTR_REQUIRE_VM();                                                    \
    std::string why_;                                                      \
    if (!::ktstr::vmtest::fixture_built(&why_)) GTEST_FAIL() << why_;      \
  } while (0)

using ::ktstr::test::children_of;  // processes whose parent is `pid`
bool process_exists(int pid);

}  // namespace ktstr::vmtest
