#pragma once
// What the host can run: an explicit vCPU ceiling, so the gauntlet drops
// presets that would take forever (software emulation) instead of timing out.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "topology/presets.hpp"

namespace ktstr::topology {

// Under TCG all vCPUs share one host thread: a 16-vCPU guest already takes
// about twice as long to boot as a 4-vCPU one (6-7 s vs 3-4 s, measured in
// qemu_topology.cpp) and every scenario second costs as much again; bigger
// guests mostly measure the emulator.
constexpr uint32_t kTcgDefaultMaxVcpus = 16;

struct HostCapacity {
  uint32_t max_vcpus = kTcgDefaultMaxVcpus;
  std::string source;  // why this limit ("default under TCG", "KTSTR_MAX_VCPUS")
};

// software_emulation: TCG (no usable hardware KVM). host_cpus: online host CPUs.
// env_max_vcpus: the value of KTSTR_MAX_VCPUS if set (a positive integer,
// else ktstr::Error). Under KVM the default is 2 vCPUs per host CPU: beyond
// that vCPUs share host cores so thinly that time-based checks misfire.
HostCapacity host_capacity(bool software_emulation, uint32_t host_cpus,
                           std::optional<std::string_view> env_max_vcpus);
// Same, reading KTSTR_MAX_VCPUS from the environment.
HostCapacity host_capacity(bool software_emulation, uint32_t host_cpus);

PresetSelection filter_by_capacity(const std::vector<Preset>& in, const HostCapacity& cap);

}  // namespace ktstr::topology
