#pragma once
// A cgroup a step (or the backdrop) creates, with the workers to put in it.
#include <optional>
#include <string>
#include <vector>

#include "ktstr/scenario/cpuset_spec.hpp"
#include "ktstr/scenario/work.hpp"

namespace ktstr::scenario {

struct CgroupDef {
  std::string name;  // relative to the test's cgroup; nested: "cg_1/sub_a"
  std::optional<CpusetSpec> cpuset;
  std::vector<Work> works;  // empty: one default Work
  // May take a work-type override from the command line (see with_work_type).
  bool swappable = false;

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
