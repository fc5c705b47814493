#include "monitor/btf_types.hpp"

#include <gtest/gtest.h>

#include "real_kernel.hpp"
#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr::monitor;

// Offsets measured on 7.2.13+deb14-amd64 (ENVIRONMENT.md).
TEST(BtfTypes, RealKernelMemberOffsets) {
  KTSTR_REQUIRE_REAL_VMLINUX(vmlinux);
  auto btf = BtfTypes::load(vmlinux);
  EXPECT_EQ(btf->offset_of("task_struct.pid"), 2808u);
  EXPECT_EQ(btf->offset_of("task_struct.comm"), 3344u);
  EXPECT_EQ(btf->offset_of("rq.curr"), 24u);
  EXPECT_EQ(btf->offset_of("rq.clock"), 3728u);
  auto comm = btf->member("task_struct.comm");
  EXPECT_EQ(comm.size, 16u);
  EXPECT_EQ(comm.array_len, 16u);
}

TEST(BtfTypes, NestedPathsAddUp) {
  KTSTR_REQUIRE_REAL_VMLINUX(vmlinux);
  auto btf = BtfTypes::load(vmlinux);
  EXPECT_EQ(btf->offset_of("rq.scx.nr_running"), btf->offset_of("rq.scx") + btf->offset_of("scx_rq.nr_running"));
  // watchdog_timeout sits after an anonymous union in scx_sched (7.1+).
  auto m = btf->member("scx_sched.watchdog_timeout");
  EXPECT_EQ(m.size, 8u);
  EXPECT_GT(m.offset, 0u);
  EXPECT_EQ(btf->offset_of("delayed_work.timer") + btf->offset_of("timer_list.expires"),
            btf->offset_of("delayed_work.timer.expires"));
}

TEST(BtfTypes, AnonymousMembersAreFound) {
  KTSTR_REQUIRE_REAL_VMLINUX(vmlinux);
  auto btf = BtfTypes::load(vmlinux);
  // scx_sched starts with union { struct sched_ext_ops ops; ... }.
  EXPECT_EQ(btf->offset_of("scx_sched.ops"), 0u);
  // qspinlock's `locked` lives in an anonymous struct inside a union.
  EXPECT_EQ(btf->offset_of("qspinlock.locked"), 0u);
  EXPECT_EQ(btf->offset_of("qspinlock.tail"), 2u);
}

TEST(BtfTypes, SizesEnumsAndVars) {
  KTSTR_REQUIRE_REAL_VMLINUX(vmlinux);
  auto btf = BtfTypes::load(vmlinux);
  EXPECT_EQ(btf->size_of("list_head"), 16u);
  EXPECT_EQ(btf->enum_value("scx_enable_state", "SCX_ENABLED"), 1);
  EXPECT_FALSE(btf->enum_value("scx_enable_state", "NO_SUCH"));
  auto tb = btf->var("timer_bases");
  ASSERT_TRUE(tb);
  EXPECT_EQ(tb->array_len, 3u);
  EXPECT_EQ(tb->elem_size, btf->size_of("timer_base"));
  EXPECT_EQ(btf->member("timer_base.vectors").array_len, 576u);
}

TEST(BtfTypes, CachedPerFile) {
  KTSTR_REQUIRE_REAL_VMLINUX(vmlinux);
  EXPECT_EQ(BtfTypes::load(vmlinux).get(), BtfTypes::load(vmlinux).get());
}

TEST(BtfTypes, ErrorsNameWhatIsMissing) {
  KTSTR_REQUIRE_REAL_VMLINUX(vmlinux);
  auto btf = BtfTypes::load(vmlinux);
  EXPECT_KTSTR_ERROR(btf->member("task_struct.no_such_field"), "'task_struct' has no member 'no_such_field'");
  EXPECT_KTSTR_ERROR(btf->size_of("no_such_struct"), "no_such_struct");
  EXPECT_FALSE(btf->try_member("rq.scx.no_such"));
  EXPECT_KTSTR_ERROR(btf->member("rq"), "BTF member path 'rq' must be TYPE.MEMBER[.MEMBER...]");
}

TEST(BtfTypes, MissingFileIsAnError) {
  EXPECT_KTSTR_ERROR(BtfTypes::load("/nonexistent/vmlinux"), "stat /nonexistent/vmlinux: No such file or directory");
}
