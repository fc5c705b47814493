#include <gtest/gtest.h>

#include "guest/kmsg.hpp"
#include "guest/log_collapse.hpp"
#include "guest/sched_ext_exit.hpp"

using namespace ktstr::guest;

namespace {
KmsgRecord rec(std::string text, int level = 3) {
  KmsgRecord r;
  r.level = level;
  r.text = std::move(text);
  return r;
}
}  // namespace

TEST(Kmsg, ParsesRecordHeader) {
  KmsgRecord r;
  ASSERT_TRUE(parse_kmsg_record("3,1234,5678901,-;sched_ext: hello\n SUBSYSTEM=x\n", &r));
  EXPECT_EQ(r.level, 3);
  EXPECT_EQ(r.seq, 1234u);
  EXPECT_EQ(r.usec, 5678901u);
  EXPECT_EQ(r.text, "sched_ext: hello");
  ASSERT_TRUE(parse_kmsg_record("14,1,2,c;x", &r));  // facility 1, level 6
  EXPECT_EQ(r.level, 6);
  EXPECT_FALSE(parse_kmsg_record("garbage", &r));
  EXPECT_FALSE(parse_kmsg_record("3;x", &r));
}

TEST(SchedExtExit, StallEjectionWithReason) {
  std::vector<KmsgRecord> log = {
      rec("sched_ext: BPF scheduler \"fixture\" enabled", 6),
      rec("random other line"),
      rec("sched_ext: BPF scheduler \"fixture\" disabled (runnable task stall)"),
      rec("sched_ext: fixture: stress-ng[123] failed to run for 4.2s"),
  };
  auto ex = parse_sched_ext_exit(log);
  ASSERT_TRUE(ex);
  EXPECT_EQ(ex->scheduler, "fixture");
  EXPECT_EQ(ex->kind, "runnable task stall");
  ASSERT_EQ(ex->reason_lines.size(), 1u);
  EXPECT_FALSE(ex->clean());
  EXPECT_NE(ex->describe().find("failed to run for 4.2s"), std::string::npos);
  EXPECT_EQ(parse_sched_ext_enabled(log), "fixture");
}

TEST(SchedExtExit, UnregistrationIsClean) {
  auto ex = parse_sched_ext_exit({rec("sched_ext: BPF scheduler \"simple\" disabled (unregistered from user space)", 6)});
  ASSERT_TRUE(ex);
  EXPECT_TRUE(ex->clean());
}

TEST(SchedExtExit, NoDisabledLine) {
  EXPECT_FALSE(parse_sched_ext_exit({rec("sched_ext: something else")}));
}

TEST(LogCollapse, RepeatedRunsAreCollapsed) {
  EXPECT_EQ(collapse_repeats("a\na\na\na\nb\n"), "a\na\n  ... (line repeated 2 more times)\nb\n");
  EXPECT_EQ(collapse_repeats("x\ny\n"), "x\ny\n");
  std::string many;
  for (int i = 0; i < 500; ++i) many += "line " + std::to_string(i) + "\n";
  auto c = collapse_repeats(many, 2, 10);
  EXPECT_NE(c.find("490 earlier lines omitted"), std::string::npos);
  EXPECT_NE(c.find("line 499"), std::string::npos);
}
