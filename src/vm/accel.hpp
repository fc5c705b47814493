#pragma once
// Which accelerator can boot a kernel here, and why.
#include <string>

namespace ktstr::vm {

enum class Accel { Kvm, Tcg };

struct AccelChoice {
  Accel accel;
  std::string reason;  // why this one (shown with -v and in records)
};

// KTSTR_ACCEL=kvm|tcg forces a choice. Otherwise KVM only when /dev/kvm is
// real hardware virtualization: the kvm_pvm module emulates guest kernel code
// instruction by instruction and dies on a stock kernel, so it counts as no KVM.
AccelChoice choose_accel();

}  // namespace ktstr::vm
