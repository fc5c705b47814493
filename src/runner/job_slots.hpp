#pragma once
// How many VMs to run at once by default: what the host's cores and memory
// allow for the backend. Under software emulation (QEMU TCG, one emulator
// thread per VM) a VM keeps one host core busy, so more VMs than cores only
// slow each other down; with KVM a VM's vCPU threads mostly sleep in the
// guest's idle loop and one VM per core is still the safe default. Memory:
// each VM needs its guest RAM plus the emulator's own (~200 MiB measured
// for QEMU), out of what the host has available.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ktstr::runner {

inline constexpr uint64_t kVmOverheadMb = 200;

struct HostResources {
  uint32_t cpus = 1;              // online CPUs
  uint64_t mem_available_mb = 0;  // MemAvailable
};

HostResources read_host_resources();

// At least 1.
size_t default_jobs(const HostResources& host, uint64_t vm_memory_mb);

// "-j N" / KTSTR_JOBS: a positive number, or Error naming `what`.
size_t parse_jobs(std::string_view text, std::string_view what);

}  // namespace ktstr::runner
