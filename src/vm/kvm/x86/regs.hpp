#pragma once
// The boot vCPU's register state at the kernel's entry point.
//   PVH (vmlinux):  32-bit protected mode, paging off, flat segments,
//                   EBX = guest-physical address of hvm_start_info.
//   64-bit boot protocol (bzImage): long mode with identity paging,
//                   RSI = guest-physical address of boot_params.
// Application processors are not set up here: with the in-kernel local
// APIC they wait for INIT/SIPI from the guest, and KVM sets their state.
#include <linux/kvm.h>

#include <cstdint>

namespace ktstr::vm::kvm {

enum class EntryMode { Pvh32, Long64 };

struct EntryState {
  kvm_regs regs{};
  kvm_sregs sregs{};  // merge into the vCPU's current sregs (keeps APIC base etc.)
};

// `cr3` is only used for Long64 (the identity page tables).
EntryState entry_state(EntryMode mode, uint64_t entry, uint64_t boot_info, uint64_t gdt_gpa, uint64_t cr3);
// Applies the segment/control parts of `want` onto `cur` (the vCPU's
// sregs as KVM reports them).
void apply_sregs(const kvm_sregs& want, kvm_sregs& cur);
// x87 control word and MXCSR as after a reset with SSE enabled.
kvm_fpu boot_fpu();

}  // namespace ktstr::vm::kvm
