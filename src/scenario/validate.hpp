#pragma once
// Whole-scenario validation before anything runs: every problem found, each
// with its location ("step 2 op set_cpuset: ..."), so a scenario is fixed in
// one round instead of failing halfway through a VM boot.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace ktstr::scenario {

struct ValidationContext {
  // Work type names the workload module knows; unset accepts any name.
  std::function<bool(const std::string&)> is_known_type;
  // Workers per group for grouped types (pairs, fan-outs); unset or 0 = 1.
  std::function<uint32_t(const Work&)> group_size;
  // When set, cpusets are resolved and CPU/node numbers checked against it.
  const CpuLayout* layout = nullptr;
  // When set, the schedulers lifecycle ops name are checked with it (the
  // host resolves them; an error text means unknown name or flag).
  std::function<std::optional<std::string>(const SchedulerChoice&)> check_scheduler;

  // Convenience: accept exactly these type names.
  static std::function<bool(const std::string&)> known_types(std::vector<std::string> names);
};

std::vector<std::string> validation_errors(const Scenario& s, const ValidationContext& ctx = {});
// Throws ktstr::Error listing every problem, one per line.
void validate(const Scenario& s, const ValidationContext& ctx = {});

// Cgroup names are relative paths of [A-Za-z0-9_.-] components.
std::optional<std::string> check_cgroup_name(const std::string& name);

}  // namespace ktstr::scenario
