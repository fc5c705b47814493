#pragma once
// Which VMM boots the guest (`--vmm auto|kvm|qemu`, default from $KTSTR_VMM):
//   auto  ktstr's own KVM VMM on hardware KVM, QEMU otherwise;
//   kvm   the own VMM, refused (Error -> exit 2) where /dev/kvm cannot run
//         a stock kernel (the kvm_pvm software module of our CI machines),
//         is missing or is not accessible;
//   qemu  QEMU, with KVM or TCG as vm/accel.hpp decides.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "vm/backend.hpp"

namespace ktstr::vm {

enum class Vmm { Auto, Kvm, Qemu };
const char* to_string(Vmm v);
// nullopt for anything but auto, kvm, qemu.
std::optional<Vmm> parse_vmm(std::string_view s);
// $KTSTR_VMM if set (Error if malformed), else Auto.
Vmm default_vmm();

struct VmmChoice {
  Vmm vmm = Vmm::Qemu;       // Kvm or Qemu, never Auto
  std::string reason;        // shown with -v, recorded in --json results
  bool emulated = true;      // guest code runs under software emulation (TCG)
};

VmmChoice choose_vmm(Vmm requested);
std::unique_ptr<VmBackend> make_backend(const VmmChoice& c);

}  // namespace ktstr::vm
