#pragma once
// Steps run in order; each applies its ops, creates its cgroups, then holds.
// Lifetimes are explicit: what a step creates (cgroups, workers, payloads)
// is torn down when the step ends. What must outlive steps goes in the
// Backdrop, which is set up once before the first step and torn down last.
#include <chrono>
#include <vector>

#include "ktstr/scenario/cgroup_def.hpp"
#include "ktstr/scenario/op.hpp"

namespace ktstr::scenario {

struct Hold {
  enum class Kind {
    fraction,  // this fraction of the scenario duration
    fixed,     // a fixed time
    loop,      // re-apply the step's ops every `time` until the scenario deadline
  };
  Kind kind = Kind::fraction;
  double fraction = 1.0;
  std::chrono::milliseconds time{0};  // fixed: the hold; loop: the interval

  static Hold frac(double f) { return {Kind::fraction, f, {}}; }
  static Hold fixed(std::chrono::milliseconds t) { return {Kind::fixed, 0, t}; }
  static Hold loop(std::chrono::milliseconds interval) { return {Kind::loop, 0, interval}; }

  bool operator==(const Hold&) const = default;
};

struct Step {
  std::vector<Op> ops;             // applied first
  std::vector<CgroupDef> cgroups;  // then created, workers started
  Hold hold;

  bool operator==(const Step&) const = default;
};

// Set up once before the steps, in the same order as a step (ops, then
// cgroups); everything here persists until the scenario ends.
struct Backdrop {
  std::vector<Op> ops;
  std::vector<CgroupDef> cgroups;

  bool empty() const { return ops.empty() && cgroups.empty(); }
  bool operator==(const Backdrop&) const = default;
};

}  // namespace ktstr::scenario
