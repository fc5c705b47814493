#pragma once
// Writes a CgroupDef's / set_cgroup op's controller settings to cgroupfs.
#include <string>

#include "guest/cgroup_manager.hpp"
#include "ktstr/scenario/cgroup_controls.hpp"

namespace ktstr::guest {

// Writes every set field (cpu.weight or cpu.weight.nice, cpu.max, cpu.idle,
// pids.max, memory.max). Throws ktstr::Error naming the cgroup and file
// when the kernel refuses a value or the controller is not enabled.
void apply_controls(CgroupManager& cg, const std::string& name, const scenario::CgroupControls& c);

// The kernel's cpu.weight of the cgroup (cpu.weight.nice maps onto it);
// 0 when there is no cpu controller there.
uint32_t effective_weight(const CgroupManager& cg, const std::string& name);

}  // namespace ktstr::guest
