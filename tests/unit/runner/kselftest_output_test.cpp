// The sched_ext selftests runner's output, test by test: pass, fail with
// its output, skip with its reason, and a test the run never finished.
#include "runner/kselftest_output.hpp"

#include <gtest/gtest.h>

using namespace ktstr::runner;
using S = SelftestResult::Status;

namespace {

// Shaped like runner.c's print_test_preamble / print_test_result.
constexpr const char* kRun = R"(ktstr: some init noise
===== START =====
TEST: create_dsq
DESCRIPTION: Create and destroy a dsq in a loop
OUTPUT:
ok 1 create_dsq # 
=====  END  =====

===== START =====
TEST: nohz_tick
DESCRIPTION: Verify the tick stops on a nohz_full CPU
OUTPUT:
SKIP: no allowed NOHZ_FULL CPU
ok 2 nohz_tick # SKIP 
=====  END  =====

===== START =====
TEST: exit
DESCRIPTION: Verify we can cleanly exit a scheduler in multiple places
OUTPUT:
ERR: exit.c:30
Expected skel->data->uei.kind == EXIT_KIND(SCX_EXIT_UNREG_BPF) (1024 == 64)
not ok 3 exit # 
=====  END  =====


=============================

RESULTS:

PASSED:  1
SKIPPED: 1
FAILED:  1
)";

}  // namespace

TEST(SelftestOutput, MapsEachBlockToAResult) {
  auto out = parse_selftest_output(kRun);
  EXPECT_TRUE(out.summary);
  ASSERT_EQ(out.tests.size(), 3u);
  EXPECT_EQ(out.tests[0].name, "create_dsq");
  EXPECT_EQ(out.tests[0].status, S::pass);
  EXPECT_EQ(out.tests[0].description, "Create and destroy a dsq in a loop");
  EXPECT_EQ(out.tests[0].reason, "");
  EXPECT_EQ(out.tests[1].status, S::skip);
  EXPECT_EQ(out.tests[1].reason, "SKIP: no allowed NOHZ_FULL CPU");
  EXPECT_EQ(out.tests[2].status, S::fail);
  EXPECT_EQ(out.tests[2].reason,
            "ERR: exit.c:30 | Expected skel->data->uei.kind == EXIT_KIND(SCX_EXIT_UNREG_BPF) (1024 == 64)");
  EXPECT_NE(out.tests[2].output.find("ERR: exit.c:30\n"), std::string::npos);
}

TEST(SelftestOutput, ATestCutShortIsUnfinishedWithItsLastOutput) {
  auto out = parse_selftest_output(
      "===== START =====\nTEST: hotplug\nDESCRIPTION: d\nOUTPUT:\nonlining cpu1\n[  12.3] Kernel panic\n");
  EXPECT_FALSE(out.summary);
  ASSERT_EQ(out.tests.size(), 1u);
  EXPECT_EQ(out.tests[0].status, S::unfinished);
  EXPECT_EQ(out.tests[0].reason,
            "never printed its result (the runner or the VM died in it); last output: onlining cpu1 | [  12.3] Kernel "
            "panic");
  EXPECT_EQ(status_name(S::unfinished), "UNFINISHED");
}

TEST(SelftestOutput, AResultLineForAnotherTestIsOutputNotAVerdict) {
  auto out = parse_selftest_output(
      "===== START =====\nTEST: a\nOUTPUT:\nok 1 b # \n=====  END  =====\n");
  ASSERT_EQ(out.tests.size(), 1u);
  EXPECT_EQ(out.tests[0].status, S::unfinished);
  EXPECT_EQ(out.tests[0].output, "ok 1 b # \n");
  EXPECT_TRUE(parse_selftest_output("").tests.empty());
}
