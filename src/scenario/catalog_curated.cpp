// The curated catalog: one scenario per basic situation a scheduler must
// handle, each small enough to run on the tiniest gauntlet preset.
#include <fmt/format.h>

#include "scenario/catalog_parts.hpp"

namespace ktstr::scenario::catalog {
namespace {

using namespace std::chrono_literals;
using build::backdrop_then;
using build::group;
using build::hold;
using build::one_step;

CgroupDef spin(std::string name) { return group(std::move(name)); }


Scenario steady(const CpuLayout&) { return one_step({spin("cg_0"), spin("cg_1")}); }

Scenario steady_llc(const CpuLayout& l) {
  std::vector<CgroupDef> defs;
  for (uint32_t i = 0; i < l.llc_cpus.size(); ++i)
    defs.push_back(spin(fmt::format("cg_llc{}", i)).with_cpuset(CpusetSpec::llc(i)));
  return one_step(std::move(defs));
}

Scenario oversubscribed(const CpuLayout& l) {
  const uint32_t n = build::per_cpu(l);  // two cgroups: twice the usable CPUs
  return one_step(
      {group("cg_0", Work{}.with_workers(n)).as_swappable(), group("cg_1", Work{}.with_workers(n)).as_swappable()});
}

Scenario cpuset_apply(const CpuLayout&) {
  return backdrop_then({spin("cg_0"), spin("cg_1")},
                       {hold(0.5), hold(0.5, {op::SetCpuset{"cg_0", CpusetSpec::disjoint(0, 2)},
                                              op::SetCpuset{"cg_1", CpusetSpec::disjoint(1, 2)}})});
}

Scenario cpuset_clear(const CpuLayout&) {
  return backdrop_then(
      {spin("cg_0").with_cpuset(CpusetSpec::disjoint(0, 2)), spin("cg_1").with_cpuset(CpusetSpec::disjoint(1, 2))},
      {hold(0.5), hold(0.5, {op::ClearCpuset{"cg_0"}, op::ClearCpuset{"cg_1"}})});
}

Scenario cpuset_resize(const CpuLayout&) {
  // Halves, then cg_0 grows to three quarters, then shrinks to a third.
  return backdrop_then(
      {spin("cg_0").with_cpuset(CpusetSpec::disjoint(0, 2)), spin("cg_1").with_cpuset(CpusetSpec::disjoint(1, 2))},
      {hold(1.0 / 3),
       hold(1.0 / 3,
            {op::SetCpuset{"cg_1", CpusetSpec::range(0.75, 1)}, op::SetCpuset{"cg_0", CpusetSpec::range(0, 0.75)}}),
       hold(1.0 / 3,
            {op::SetCpuset{"cg_0", CpusetSpec::range(0, 0.34)}, op::SetCpuset{"cg_1", CpusetSpec::range(0.34, 1)}})});
}

Scenario cgroup_add(const CpuLayout&) {
  return backdrop_then({spin("cg_0")}, {hold(0.5), Step{.cgroups = {spin("cg_1")}, .hold = Hold::frac(0.5)}});
}

Scenario cgroup_remove(const CpuLayout&) {
  return backdrop_then({spin("cg_0"), spin("cg_1")}, {hold(0.5), hold(0.5, {op::RemoveCgroup{"cg_1"}})});
}

Scenario affinity_change(const CpuLayout&) {
  return backdrop_then({spin("cg_0"), spin("cg_1")},
                       {hold(0.5), hold(0.5, {op::SetAffinity{"cg_0", AffinityKind::random_subset()},
                                              op::SetAffinity{"cg_1", AffinityKind::llc_aligned()}})});
}

Scenario affinity_pinned(const CpuLayout&) {
  const Work pinned = Work{}.with_affinity(AffinityKind::single_cpu());
  return one_step({group("cg_0", pinned).with_cpuset(CpusetSpec::disjoint(0, 2)).as_swappable(),
                   group("cg_1", pinned).with_cpuset(CpusetSpec::disjoint(1, 2)).as_swappable()});
}

Scenario host_contention(const CpuLayout& l) {
  const uint32_t n = static_cast<uint32_t>(l.usable.size());
  return backdrop_then({spin("cg_0"), spin("cg_1")}, {hold(0.3), hold(0.7, {op::SpawnHost{Work{}.with_workers(n)}})});
}

Scenario mixed_workloads(const CpuLayout&) {
  Scenario s = one_step({group("cg_spin"), group("cg_yield", "YieldHeavy"), group("cg_mixed", "Mixed"),
                         group("cg_io", "IoSync"), group("cg_bursty", "Bursty")});
  // Ten workers of five kinds on a few CPUs: a worker that yields or sleeps
  // gives its CPU away, so every group's off-CPU % depends on which kinds
  // share its CPU, not on fairness alone (measured under EEVDF: 19-38 %
  // spread between two identical Mixed workers over 2 s). This scenario is
  // about all kinds progressing side by side (starvation, gaps stay at
  // their defaults); steady/oversubscribed judge fairness strictly.
  s.thresholds.max_spread_pct = 60;
  return s;
}

Scenario nested_steady(const CpuLayout&) {
  Scenario s = backdrop_then({spin("cg_0/sub_a"), spin("cg_0/sub_b"), spin("cg_1")}, {hold(1.0)});
  s.backdrop.ops = {op::AddCgroup{"cg_0", std::nullopt}};  // a parent without workers of its own
  return s;
}

Scenario nested_task_move(const CpuLayout&) {
  Scenario s = backdrop_then({spin("cg_0/sub_a").with_cpuset(CpusetSpec::disjoint(0, 2))},
                             {hold(0.3), hold(0.35, {op::MoveTasks{"cg_0/sub_a", "cg_0/sub_b"}}),
                              hold(0.35, {op::MoveTasks{"cg_0/sub_b", "cg_0/sub_a"}})});
  s.backdrop.ops = {op::AddCgroup{"cg_0", std::nullopt}, op::AddCgroup{"cg_0/sub_b", CpusetSpec::disjoint(1, 2)}};
  return s;
}

Entry curated_entry(std::string name, std::string desc, TopologyNeeds needs, std::function<Scenario(const CpuLayout&)> fn) {
  return build::make_entry(std::move(name), std::move(desc), true, needs, std::move(fn));
}

}  // namespace

std::vector<Entry> curated_entries() {
  const TopologyNeeds any{};
  const TopologyNeeds two_cpus{.min_cpus = 2};
  return {
      curated_entry("steady", "two cgroups of CPU spinners, no cpusets: the baseline", any, steady),
      curated_entry("steady_llc", "one cgroup of spinners per LLC, cpuset = that LLC", {.min_llcs = 2}, steady_llc),
      curated_entry("oversubscribed", "two cgroups with twice as many spinners as usable CPUs", any, oversubscribed),
      curated_entry("cpuset_apply", "disjoint cpusets applied to two running cgroups mid-run", two_cpus, cpuset_apply),
      curated_entry("cpuset_clear", "disjoint cpusets of two running cgroups cleared mid-run", two_cpus, cpuset_clear),
      curated_entry("cpuset_resize", "cpusets of two running cgroups grow and shrink mid-run", {.min_cpus = 3}, cpuset_resize),
      curated_entry("cgroup_add", "a second cgroup of spinners joins mid-run", any, cgroup_add),
      curated_entry("cgroup_remove", "one of two running cgroups is removed mid-run", any, cgroup_remove),
      curated_entry("affinity_change", "workers switch to random-subset and LLC-aligned affinity mid-run", any,
            affinity_change),
      curated_entry("affinity_pinned", "every worker pinned to one CPU of its cgroup's cpuset", two_cpus, affinity_pinned),
      curated_entry("host_contention", "spinners in the harness's own cgroup compete with two test cgroups", any,
            host_contention),
      curated_entry("mixed_workloads", "CPU-bound, yielding, mixed, I/O and bursty cgroups side by side", any, mixed_workloads),
      curated_entry("nested_steady", "spinners in two sub-cgroups of one parent next to a top-level cgroup", any,
            nested_steady),
      curated_entry("nested_task_move", "workers move between sibling sub-cgroups with disjoint cpusets", two_cpus,
            nested_task_move),
  };
}

}  // namespace ktstr::scenario::catalog
