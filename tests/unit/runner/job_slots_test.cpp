// Default parallelism: one VM per host core, bounded by memory.
#include <gtest/gtest.h>

#include "runner/job_slots.hpp"
#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr;
using namespace ktstr::runner;

TEST(JobSlots, OnePerCoreUnlessMemoryIsShort) {
  EXPECT_EQ(default_jobs({2, 24000}, 256), 2u);
  EXPECT_EQ(default_jobs({16, 24000}, 4096), 5u);  // 24000 / (4096 + 200)
  EXPECT_EQ(default_jobs({8, 100}, 256), 1u);      // never 0
  EXPECT_EQ(default_jobs({4, 0}, 256), 4u);        // unknown memory: cores decide
}

TEST(JobSlots, ParseJobs) {
  EXPECT_EQ(parse_jobs("3", "-j"), 3u);
  EXPECT_KTSTR_ERROR(parse_jobs("0", "-j"), "-j '0' must be a positive number of parallel VMs");
  EXPECT_EQ(ktstr::test::error_of([&] { parse_jobs("two", "KTSTR_JOBS"); }), "KTSTR_JOBS 'two' must be a positive number of parallel VMs");
}

TEST(JobSlots, ReadsThisHost) {
  auto h = read_host_resources();
  EXPECT_GE(h.cpus, 1u);
  EXPECT_GT(h.mem_available_mb, 0u);
}
