#pragma once
// Builds the qemu-system-x86_64 argument vector (pure, unit-tested).
#include <string>
#include <vector>

#include "vm/accel.hpp"
#include "vm/vm_spec.hpp"

namespace ktstr::vm::qemu {

struct QemuInputs {
  std::string qemu_binary;
  Accel accel = Accel::Tcg;
  std::vector<int> memory_fds;  // memfds holding guest RAM, one per backend (inherited by QEMU)
  int initrd_fd = -1;       // inherited initramfs fd
  int console_fd = -1;      // write end for ttyS0; -1 with interactive = stdio
  int init_port_fd = -1;    // write end for ttyS1 (guest init's port)
};

// The guest kernel command line: console, panic behaviour, TCG clock hints,
// the channel reservation, then the spec's extras.
std::string kernel_cmdline(const VmSpec& spec, Accel accel);

std::vector<std::string> qemu_argv(const VmSpec& spec, const QemuInputs& in);

}  // namespace ktstr::vm::qemu
