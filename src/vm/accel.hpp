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

// This host itself runs on an emulated CPU (QEMU's TCG: "QEMU TCG CPU" in
// /proc/cpuinfo), as the nested rig's L1 does. KVM works there, but guests
// run as slowly and noisily as under TCG, and some CPU features misbehave.
bool host_cpu_is_emulated();

}  // namespace ktstr::vm
