#pragma once
// ktstr's own VMM as a VmBackend: boots the spec on /dev/kvm directly and
// owns the run loop and the teardown order. Only for hardware KVM (see
// vm/vmm_choice.hpp); on the kvm_pvm software module a stock kernel dies.
#include "vm/backend.hpp"

namespace ktstr::vm::kvm {

class KvmBackend : public VmBackend {
 public:
  const char* name() const override { return "kvm"; }
  VmOutcome run(const VmSpec& spec, VmObserver* observer) override;
};

}  // namespace ktstr::vm::kvm
