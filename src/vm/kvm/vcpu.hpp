#pragma once
// One virtual CPU: its fd, the shared kvm_run area, and the state setters
// boot code needs. The vCPU id is the CPU's APIC id: KVM gives the
// in-kernel local APIC that id, so it must equal what CPUID and the ACPI
// tables say.
#include <linux/kvm.h>

#include <cstdint>
#include <vector>

#include "util/fd.hpp"
#include "util/mapping.hpp"
#include "vm/kvm/kvm.hpp"
#include "vm/kvm/vm_fd.hpp"

namespace ktstr::vm::kvm {

class Vcpu {
 public:
  Vcpu(const Kvm& kvm, const VmFd& vm, uint32_t apic_id);

  uint32_t apic_id() const { return id_; }
  kvm_run* run_area() const { return reinterpret_cast<kvm_run*>(run_.data()); }

  void set_cpuid(const std::vector<kvm_cpuid_entry2>& entries);
  void set_msrs(const std::vector<kvm_msr_entry>& msrs);
  kvm_regs regs() const;
  void set_regs(const kvm_regs& r);
  kvm_sregs sregs() const;
  void set_sregs(const kvm_sregs& s);
  void set_fpu(const kvm_fpu& f);
  kvm_lapic_state lapic() const;
  void set_lapic(const kvm_lapic_state& l);

  // One KVM_RUN: 0 after a VM exit, else the errno (EINTR when kicked).
  int run();

 private:
  uint32_t id_;
  Fd fd_;
  Mapping run_;
};

}  // namespace ktstr::vm::kvm
