#pragma once
// A cgroup a step (or the backdrop) creates, with the workers to put in it.
#include <optional>
#include <string>
#include <vector>

#include "ktstr/scenario/cgroup_controls.hpp"
#include "ktstr/scenario/cpuset_spec.hpp"
#include "ktstr/scenario/work.hpp"

namespace ktstr::scenario {

struct CgroupDef {
  std::string name;  // relative to the test's cgroup; nested: "cg_1/sub_a"
  std::optional<CpusetSpec> cpuset;
  std::vector<Work> works;  // empty: one default Work
  // May take a work-type override from the command line (see with_work_type).
  bool swappable = false;
  // Controller settings written right after the cgroup is created, before
  // its workers start (see cgroup_controls.hpp).
  CgroupControls controls;
  // Frozen (cgroup.freeze) once its workers have started; a thaw op lets
  // them run.
  bool frozen = false;

  static CgroupDef named(std::string name) {
    CgroupDef d;
    d.name = std::move(name);
    return d;
  }
  CgroupDef with_cpuset(CpusetSpec spec) const {
    CgroupDef d = *this;
    d.cpuset = std::move(spec);
    return d;
  }
  CgroupDef with_work(Work w) const {
    CgroupDef d = *this;
    d.works.push_back(std::move(w));
    return d;
  }
  CgroupDef with_controls(const CgroupControls& c) const {
    CgroupDef d = *this;
    d.controls = d.controls.merged(c);
    return d;
  }
  CgroupDef with_weight(uint32_t w) const { return with_controls({.weight = w}); }
  CgroupDef with_weight_nice(int32_t nice) const { return with_controls({.weight_nice = nice}); }
  CgroupDef with_cpu_max(uint64_t quota_us, uint64_t period_us = 100000) const {
    return with_controls({.cpu_max = CpuMax::of(quota_us, period_us)});
  }
  CgroupDef with_idle(bool idle = true) const { return with_controls({.idle = idle}); }
  CgroupDef with_pids_max(uint64_t n) const { return with_controls({.pids_max = Limit::of(n)}); }
  CgroupDef with_memory_max(uint64_t bytes) const { return with_controls({.memory_max = Limit::of(bytes)}); }
  CgroupDef as_frozen() const {
    CgroupDef d = *this;
    d.frozen = true;
    return d;
  }
  CgroupDef as_swappable() const {
    CgroupDef d = *this;
    d.swappable = true;
    return d;
  }

  // The Work groups to start: `works`, or one default Work.
  std::vector<Work> effective_works() const { return works.empty() ? std::vector<Work>{Work{}} : works; }

  bool operator==(const CgroupDef&) const = default;
};

}  // namespace ktstr::scenario
