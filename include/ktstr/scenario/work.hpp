#pragma once
// One group of identical workers inside a cgroup.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "ktstr/scenario/affinity.hpp"
#include "ktstr/scenario/policy.hpp"

namespace ktstr::scenario {

struct Work {
  std::string type = "CpuSpin";                      // a work type name known to the workload module
  nlohmann::json params = nlohmann::json::object();  // type-specific, e.g. {"burst_ms": 50}
  std::optional<uint32_t> workers;                   // unset: the scenario's workers_per_cgroup
  SchedPolicy policy;
  AffinityKind affinity;
  MemPolicy mem_policy;

  static Work of(std::string type, nlohmann::json params = nlohmann::json::object()) {
    Work w;
    w.type = std::move(type);
    w.params = std::move(params);
    return w;
  }
  // Chainable tweaks: Work::of("PipeIo").with_workers(4).with_policy(SchedPolicy::fifo(10)).
  Work with_workers(uint32_t n) const { return set(&Work::workers, std::optional<uint32_t>(n)); }
  Work with_policy(SchedPolicy p) const { return set(&Work::policy, p); }
  Work with_affinity(AffinityKind a) const { return set(&Work::affinity, std::move(a)); }
  Work with_mem_policy(MemPolicy m) const { return set(&Work::mem_policy, std::move(m)); }
  Work with_param(const std::string& key, nlohmann::json value) const {
    Work w = *this;
    w.params[key] = std::move(value);
    return w;
  }

  bool operator==(const Work&) const = default;

 private:
  template <typename T>
  Work set(T Work::*member, T value) const {
    Work w = *this;
    w.*member = std::move(value);
    return w;
  }
};

}  // namespace ktstr::scenario
