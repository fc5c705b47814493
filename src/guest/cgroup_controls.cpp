#include "guest/cgroup_controls.hpp"

#include "util/error.hpp"

namespace ktstr::guest {

void apply_controls(CgroupManager& cg, const std::string& name, const scenario::CgroupControls& c) {
  if (c.weight) cg.write_control(name, "cpu.weight", std::to_string(*c.weight));
  if (c.weight_nice) cg.write_control(name, "cpu.weight.nice", std::to_string(*c.weight_nice));
  if (c.cpu_max) cg.write_control(name, "cpu.max", c.cpu_max->to_string());
  if (c.idle) cg.write_control(name, "cpu.idle", *c.idle ? "1" : "0");
  if (c.pids_max) cg.write_control(name, "pids.max", c.pids_max->to_string());
  if (c.memory_max) cg.write_control(name, "memory.max", c.memory_max->to_string());
}

uint32_t effective_weight(const CgroupManager& cg, const std::string& name) {
  try {
    return static_cast<uint32_t>(std::stoul(cg.read_control(name, "cpu.weight")));
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace ktstr::guest
