#pragma once
// One KVM virtual machine: its fd, guest RAM slots, the in-kernel irqchip
// (PIC + IOAPIC + local APICs) and PIT, and interrupt lines.
#include <cstdint>

#include "util/fd.hpp"
#include "vm/guest_memory.hpp"
#include "vm/kvm/kvm.hpp"

namespace ktstr::vm::kvm {

class VmFd {
 public:
  explicit VmFd(const Kvm& kvm);

  int fd() const { return fd_.get(); }
  // Registers every RAM region of `mem` as a memory slot (the host mapping
  // of the same memfds the channel and the monitor read).
  void map_memory(const GuestMemory& mem);
  // Level of an ISA/IOAPIC line; thread-safe (devices call it from vCPU
  // threads and the main loop).
  void irq_line(uint32_t irq, bool level) const;

 private:
  Fd fd_;
  uint32_t next_slot_ = 0;
};

}  // namespace ktstr::vm::kvm
