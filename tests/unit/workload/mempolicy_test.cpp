// Workers set their own NUMA memory policy (set_mempolicy acts on the
// caller only): a valid one lets them work; one the kernel refuses fails
// the worker with the policy and errno in its report.
#include <linux/mempolicy.h>

#include <gtest/gtest.h>

#include "unit/workload/helpers.hpp"
#include "workload/worker_group.hpp"

using namespace ktstr::workload;
using namespace ktstr::workload::test;

namespace {

const std::vector<WorkerReport>& run_with(GroupSpec& s, std::optional<WorkerGroup>& g) {
  g.emplace(s);
  g->start();
  sleep_ms(100);
  return g->stop();
}

}  // namespace

TEST(MemPolicy, BindToNodeZeroWorks) {
  {
    GroupSpec s;
    s.work = WorkType::cache_pressure(256, 64);  // allocates after the policy is set
    s.workers = 1;
    s.settings.mempolicy = MemPolicySetting{MPOL_BIND, 0, 1, "bind(0)"};
    std::optional<WorkerGroup> g;
    const auto& r = run_with(s, g);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].exit_kind, ExitKind::Reported) << r[0].describe_exit();
    EXPECT_GT(r[0].work_units, 0u);
  }
  expect_no_children();
}

TEST(MemPolicy, RefusedPolicyFailsTheWorkerWithItsReason) {
  {
    GroupSpec s;
    s.workers = 1;
    // No machine running these tests has node 62.
    s.settings.mempolicy = MemPolicySetting{MPOL_BIND, 0, uint64_t{1} << 62, "bind(62)"};
    std::optional<WorkerGroup> g;
    const auto& r = run_with(s, g);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].exit_kind, ExitKind::Failed);
    EXPECT_NE(r[0].error.find("set_mempolicy(bind(62))"), std::string::npos) << r[0].error;
    EXPECT_EQ(r[0].work_units, 0u);
  }
  expect_no_children();
}
