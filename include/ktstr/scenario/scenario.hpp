#pragma once
// A whole scenario: data the host builds (or loads from a file), sends to
// the guest as JSON, and the guest executes.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ktstr/check/thresholds.hpp"
#include "ktstr/scenario/cpu_layout.hpp"
#include "ktstr/scenario/step.hpp"

namespace ktstr::scenario {

// What the topology must offer; otherwise the scenario is skipped (not
// failed) with the reason.
struct TopologyNeeds {
  uint32_t min_llcs = 0;
  uint32_t min_nodes = 0;
  uint32_t min_cpus = 0;  // usable CPUs
  bool smt = false;

  std::optional<std::string> skip_reason(const CpuLayout& layout) const;
  bool operator==(const TopologyNeeds&) const = default;
};

struct Scenario {
  std::string name;
  std::string description;
  Backdrop backdrop;
  std::vector<Step> steps;
  std::chrono::milliseconds duration{2000};
  std::chrono::milliseconds settle{500};    // after setup, before measuring
  uint32_t workers_per_cgroup = 2;          // for Works that leave `workers` unset
  check::Thresholds thresholds;             // the test's layer of overrides
  std::vector<std::string> required_flags;  // scheduler flags the scenario needs
  std::vector<std::string> excluded_flags;  // ... and those it cannot run with
  TopologyNeeds topology;

  uint32_t workers_for(const Work& w) const { return w.workers.value_or(workers_per_cgroup); }
  bool operator==(const Scenario&) const = default;
};

// The command-line work-type override: every swappable cgroup's Works take
// this type and params (counts, policies and affinities are kept).
Scenario with_work_type(Scenario s, const std::string& type, const nlohmann::json& params = nlohmann::json::object());

}  // namespace ktstr::scenario
