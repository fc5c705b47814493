#pragma once
// The nested rig: how ktstr's own KVM VMM is exercised on machines whose
// /dev/kvm cannot run a kernel (ENVIRONMENT.md). ktstr boots "L1" under
// QEMU (TCG: `-cpu max` emulates AMD SVM) with itself as init, the test
// kernel, Debian's KVM modules, the fixture scheduler and busybox; in L1 the
// modules are loaded (kvm-amd nested=1), which gives L1 a working /dev/kvm,
// and a command runs with KTSTR_VMM=kvm, so every `ktstr` it starts boots
// its guest ("L2") on the own VMM. L1's output and exit code come back
// through L1's channel like any guest's.
//
// Inside L1: `ktstr` (= /init) is on PATH; KTSTR_KERNEL=/rig/kernel,
// KTSTR_SCHEDULER_DIR=/rig/schedulers; scripts given with --script are in
// /rig/scripts; with QEMU packed, `ktstr --vmm qemu` runs QEMU on L1's KVM.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "runner/guest_run.hpp"

namespace ktstr::runner {

struct NestedRigOptions {
  std::optional<std::string> kernel;                  // L1 and L2 kernel (--kernel spec)
  std::string command;                                // shell command run in L1
  std::vector<std::filesystem::path> scripts;         // packed at /rig/scripts/<name>
  std::vector<std::filesystem::path> include_files;   // packed at /usr/local/bin
  bool with_qemu = false;                             // pack QEMU and its firmware into L1
  uint64_t memory_mb = 2048;                          // L1 RAM: L2 guests live in it
  uint32_t l1_cpus = 1;                               // L1 vCPUs (all share one TCG thread anyway)
  std::optional<std::chrono::seconds> timeout;        // L1 deadline (default 20 min)
};

// The shell command L1 runs: load the modules, check /dev/kvm, set the
// environment, run `command`. Exposed for tests.
std::string nested_rig_l1_command(const std::string& command);

GuestRunResult run_nested_rig(const NestedRigOptions& o);

}  // namespace ktstr::runner
