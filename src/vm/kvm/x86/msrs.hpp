#pragma once
// MSR values every vCPU starts with: the system-call MSRs cleared, fast
// string operations enabled, and MTRRs on with write-back as the default
// memory type (with MTRRs off the guest would treat all RAM as uncached).
#include <linux/kvm.h>

#include <cstdint>

#include <vector>

namespace ktstr::vm::kvm {

std::vector<kvm_msr_entry> boot_msrs();

}  // namespace ktstr::vm::kvm
