// Stress families: churn of cgroups, cpusets, affinities and policies, and
// work types that hit specific scheduler paths (wakeups, locks, faults).
#include <fmt/format.h>

#include "scenario/catalog_parts.hpp"

namespace ktstr::scenario::catalog {
namespace {

using namespace std::chrono_literals;
using build::backdrop_then;
using build::group;
using build::one_step;

// A type-specific cgroup beside a cgroup of plain spinners, so the special
// work competes with ordinary load.
Scenario beside_spinners(std::string name, Work w) {
  return one_step({group(std::move(name), std::move(w)), group("cg_spin")});
}

Scenario cgroup_churn(const CpuLayout&) {
  // Every 100 ms a cgroup appears, takes cg_1's workers, hands them back and
  // goes away, while cg_0 runs undisturbed.
  return backdrop_then({group("cg_0"), group("cg_1")},
                       {Step{.ops = {op::AddCgroup{"cg_churn", std::nullopt}, op::MoveTasks{"cg_1", "cg_churn"},
                                     op::MoveTasks{"cg_churn", "cg_1"}, op::RemoveCgroup{"cg_churn"}},
                             .hold = Hold::loop(100ms)}});
}

Scenario per_cpu_cgroups(const CpuLayout& l) {
  std::vector<CgroupDef> defs;
  for (uint32_t cpu : l.usable)
    defs.push_back(group(fmt::format("cg_cpu{}", cpu)).with_cpuset(CpusetSpec::exact({cpu})));
  return one_step(std::move(defs));
}

Scenario dsq_contention(const CpuLayout& l) {
  const Work w = Work::of("YieldHeavy").with_workers(build::per_cpu(l));
  return one_step({group("cg_0", w), group("cg_1", w), group("cg_2", w), group("cg_3", w)});
}

Scenario workload_variety(const CpuLayout&) {
  std::vector<CgroupDef> defs;
  for (const char* t : {"CpuSpin", "YieldHeavy", "Mixed", "IoSync", "Bursty", "PipeIo", "FutexPingPong",
                        "CachePressure", "CacheYield", "CachePipe"})
    defs.push_back(group(fmt::format("cg_{}", t), Work::of(t)));
  return one_step(std::move(defs));
}

Scenario cpuset_race(const CpuLayout&) {
  return backdrop_then({group("cg_0").with_cpuset(CpusetSpec::llc(0)), group("cg_1").with_cpuset(CpusetSpec::llc(1))},
                       {Step{.ops = {op::SwapCpusets{"cg_0", "cg_1"}}, .hold = Hold::loop(50ms)}});
}

Scenario affinity_churn(const CpuLayout&) {
  // Workers re-pin themselves every iteration, and cg_spin's affinity is
  // re-drawn from outside every 100 ms.
  return backdrop_then(
      {group("cg_churn", Work::of("AffinityChurn")), group("cg_spin")},
      {Step{.ops = {op::SetAffinity{"cg_spin", AffinityKind::random_subset()}}, .hold = Hold::loop(100ms)}});
}

Scenario imbalance(const CpuLayout& l) {
  return one_step(
      {group("cg_heavy", Work{}.with_workers(2 * build::per_cpu(l))), group("cg_light", Work{}.with_workers(1))});
}

Scenario load_shift(const CpuLayout& l) {
  // The load hops between the two halves of the CPUs each quarter.
  const Work w = Work{}.with_workers(build::per_cpu(l));
  auto half = [&](int i) {
    CpusetSpec spec = i % 2 ? CpusetSpec::range(0.5, 1) : CpusetSpec::range(0, 0.5);
    return Step{.cgroups = {group(fmt::format("cg_half{}", i % 2), w).with_cpuset(spec)}, .hold = Hold::frac(0.25)};
  };
  Scenario s;
  for (int i = 0; i < 4; ++i) s.steps.push_back(half(i));
  return s;
}

Scenario cache_pressure(const CpuLayout&) {
  return one_step(
      {group("cg_pressure", "CachePressure"), group("cg_yield", "CacheYield"), group("cg_pipe", "CachePipe")});
}

Scenario wake_latency(const CpuLayout&) {
  // Fan-outs run one messenger plus four receivers per group of five.
  return one_step({group("cg_fanout", Work::of("FutexFanOut").with_workers(5)),
                   group("cg_compute", Work::of("FanOutCompute").with_workers(5)),
                   group("cg_pingpong", "FutexPingPong")});
}

Entry stress_entry(std::string name, std::string desc, TopologyNeeds needs, std::function<Scenario(const CpuLayout&)> fn) {
  return build::make_entry(std::move(name), std::move(desc), false, needs, std::move(fn));
}

Entry churn(std::string name, std::string desc, std::string type) {
  return stress_entry(std::move(name), std::move(desc), {},
               [type](const CpuLayout&) { return beside_spinners("cg_churn", Work::of(type)); });
}

}  // namespace

std::vector<Entry> stress_entries() {
  const TopologyNeeds two_cpus{.min_cpus = 2};
  return {
      stress_entry("cgroup_churn", "a cgroup is created, filled, emptied and removed every 100 ms", {}, cgroup_churn),
      stress_entry("per_cpu_cgroups", "one cgroup per usable CPU, each pinned to its CPU", {}, per_cpu_cgroups),
      stress_entry("dsq_contention", "four cgroups of yielding workers, each as many as CPUs", {}, dsq_contention),
      stress_entry("workload_variety", "ten cgroups, each running a different work type", {}, workload_variety),
      stress_entry("cpuset_race", "two cgroups swap their LLC cpusets every 50 ms", {.min_llcs = 2}, cpuset_race),
      churn("fork_churn", "fork-and-exit loops beside CPU spinners", "ForkExit"),
      churn("nice_churn", "workers cycling their nice value beside CPU spinners", "NiceSweep"),
      stress_entry("affinity_churn", "workers re-pin themselves constantly; a second cgroup is re-pinned every 100 ms", {},
            affinity_churn),
      churn("policy_churn", "workers cycling through scheduling policies beside CPU spinners", "PolicyChurn"),
      churn("page_fault_churn", "page-fault storms (touch, MADV_DONTNEED) beside CPU spinners", "PageFaultChurn"),
      stress_entry("mutex_contention", "four workers contending on one lock beside CPU spinners", {},
            [](const CpuLayout&) { return beside_spinners("cg_mutex", Work::of("MutexContention").with_workers(4)); }),
      stress_entry("imbalance", "a heavily loaded cgroup next to a single-worker cgroup", {}, imbalance),
      stress_entry("load_shift", "the load hops between the two halves of the CPUs", two_cpus, load_shift),
      stress_entry("cache_pressure", "cache-thrashing workers: strided writes, with yields, over pipes", {}, cache_pressure),
      stress_entry("wake_latency", "futex fan-outs and ping-pongs measuring wake-to-run latency", {}, wake_latency),
  };
}

}  // namespace ktstr::scenario::catalog
