#include "vm/vmm_choice.hpp"

#include <cstdlib>

#include "util/error.hpp"
#include "vm/accel.hpp"
#include "vm/kvm/kvm_backend.hpp"
#include "vm/qemu/qemu_backend.hpp"

namespace ktstr::vm {

const char* to_string(Vmm v) {
  switch (v) {
    case Vmm::Auto: return "auto";
    case Vmm::Kvm: return "kvm";
    case Vmm::Qemu: return "qemu";
  }
  return "?";
}

std::optional<Vmm> parse_vmm(std::string_view s) {
  if (s == "auto") return Vmm::Auto;
  if (s == "kvm") return Vmm::Kvm;
  if (s == "qemu") return Vmm::Qemu;
  return std::nullopt;
}

Vmm default_vmm() {
  const char* env = std::getenv("KTSTR_VMM");
  if (!env || !*env) return Vmm::Auto;
  auto v = parse_vmm(env);
  if (!v) fail("KTSTR_VMM must be auto, kvm or qemu, got '{}'", env);
  return *v;
}

namespace {

// Nested under software emulation (the nested rig's L1): KVM works, but
// guest timing is as noisy as under TCG itself, so deadlines and timing
// thresholds get the emulation allowance.
VmmChoice own_vmm(std::string reason) {
  bool emulated = host_cpu_is_emulated();
  if (emulated) reason += " (this host itself runs on QEMU TCG: timing allowances for emulation apply)";
  return {Vmm::Kvm, std::move(reason), emulated};
}

}  // namespace

VmmChoice choose_vmm(Vmm requested) {
  if (requested == Vmm::Qemu) {
    AccelChoice a = choose_accel();
    return {Vmm::Qemu, "--vmm qemu: " + a.reason, a.accel == Accel::Tcg};
  }
  AccelChoice a = choose_accel();
  if (requested == Vmm::Kvm) {
    if (a.accel != Accel::Kvm) {
      std::string why = a.reason;
      if (auto p = why.find("; using QEMU TCG"); p != std::string::npos) why.erase(p);
      fail("--vmm kvm: ktstr's own VMM needs hardware KVM, but {}; use --vmm qemu (or auto)", why);
    }
    return own_vmm("--vmm kvm: ktstr's own VMM on " + a.reason);
  }
  if (a.accel == Accel::Kvm) return own_vmm("auto: " + a.reason + ", so ktstr's own VMM");
  return {Vmm::Qemu, "auto: " + a.reason, true};
}

std::unique_ptr<VmBackend> make_backend(const VmmChoice& c) {
  if (c.vmm == Vmm::Kvm) return std::make_unique<kvm::KvmBackend>();
  return std::make_unique<qemu::QemuBackend>();
}

}  // namespace ktstr::vm
