#pragma once
// Drives qemu-system-x86_64 (microvm, PVH vmlinux): TCG where KVM is not
// usable, KVM where it is.
#include "vm/accel.hpp"
#include "vm/backend.hpp"

namespace ktstr::vm::qemu {

class QemuBackend : public VmBackend {
 public:
  QemuBackend();
  const char* name() const override { return "qemu"; }
  VmOutcome run(const VmSpec& spec, VmObserver* observer) override;

  const std::string& binary() const { return binary_; }
  const AccelChoice& accel() const { return accel_; }

 private:
  std::string binary_;
  AccelChoice accel_;
};

// $KTSTR_QEMU, else qemu-system-x86_64 from PATH; Error if neither exists.
std::string find_qemu();

}  // namespace ktstr::vm::qemu
