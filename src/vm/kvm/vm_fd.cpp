#include "vm/kvm/vm_fd.hpp"

#include <sys/ioctl.h>

#include "util/error.hpp"
#include "vm/kvm/memory_map.hpp"

namespace ktstr::vm::kvm {

VmFd::VmFd(const Kvm& kvm) : fd_(::ioctl(kvm.fd(), KVM_CREATE_VM, 0)) {
  if (!fd_) fail_errno("KVM_CREATE_VM");
  // Intel VMX needs these for real-mode emulation; AMD ignores them.
  if (::ioctl(fd_.get(), KVM_SET_TSS_ADDR, memory_map::kTss) != 0) fail_errno("KVM_SET_TSS_ADDR");
  uint64_t idmap = memory_map::kIdentityMapPage;
  if (kvm.check_extension(KVM_CAP_SET_IDENTITY_MAP_ADDR) > 0 &&
      ::ioctl(fd_.get(), KVM_SET_IDENTITY_MAP_ADDR, &idmap) != 0)
    fail_errno("KVM_SET_IDENTITY_MAP_ADDR");
  if (::ioctl(fd_.get(), KVM_CREATE_IRQCHIP, 0) != 0) fail_errno("KVM_CREATE_IRQCHIP");
  kvm_pit_config pit{};
  // The dummy speaker port 0x61 lets the kernel's PIT calibration run in KVM.
  pit.flags = KVM_PIT_SPEAKER_DUMMY;
  if (::ioctl(fd_.get(), KVM_CREATE_PIT2, &pit) != 0) fail_errno("KVM_CREATE_PIT2");
}

void VmFd::map_memory(const GuestMemory& mem) {
  for (const auto& r : mem.regions()) {
    kvm_userspace_memory_region slot{};
    slot.slot = next_slot_++;
    slot.guest_phys_addr = r.gpa;
    slot.memory_size = r.size;
    slot.userspace_addr = reinterpret_cast<uint64_t>(r.host);
    if (::ioctl(fd_.get(), KVM_SET_USER_MEMORY_REGION, &slot) != 0)
      fail_errno(fmt::format("KVM_SET_USER_MEMORY_REGION gpa {:#x} size {:#x}", r.gpa, r.size));
  }
}

void VmFd::irq_line(uint32_t irq, bool level) const {
  kvm_irq_level l{};
  l.irq = irq;
  l.level = level ? 1 : 0;
  // Fails only for an invalid line number, a programming error; the guest
  // then simply misses that interrupt, so do not throw from device code.
  (void)::ioctl(fd_.get(), KVM_IRQ_LINE, &l);
}

}  // namespace ktstr::vm::kvm
