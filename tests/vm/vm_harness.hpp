#pragma once
// Helpers for VM tests: run the real ktstr binary and look at what it did.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "util/process.hpp"

namespace ktstr::vmtest {

struct Run {
  int code = -1;
  std::string out, err;
  double seconds = 0;
};

// Runs `ktstr args...` to completion (bounded by `limit`).
Run run_ktstr(const std::vector<std::string>& args, std::chrono::seconds limit = std::chrono::seconds(240));

// Skips the current test when neither KVM nor QEMU exists; fails it when the
// kernel is missing (the bootstrap fetches it, so that is a setup bug).
bool vm_available(std::string* why);

#define KTSTR_REQUIRE_VM()                            \
  do {                                                \
    std::string why_;                                 \
    if (!::ktstr::vmtest::vm_available(&why_)) GTEST_SKIP() << why_; \
  } while (0)

// Processes whose parent is `pid`.
std::vector<int> children_of(int pid);
bool process_exists(int pid);

}  // namespace ktstr::vmtest
