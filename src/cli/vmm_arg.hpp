#pragma once
// `--vmm auto|kvm|qemu` for every command that boots a VM.
#include <CLI/CLI.hpp>
#include <string>

#include "vm/vmm_choice.hpp"

namespace ktstr::cli {

inline void add_vmm_option(CLI::App* sub, std::string& into) {
  sub->add_option("--vmm", into,
                  "VMM: auto (own KVM VMM on hardware KVM, else QEMU), kvm (own VMM; exit 2 without hardware "
                  "KVM), qemu. Default: $KTSTR_VMM or auto")
      ->check(CLI::IsMember({"auto", "kvm", "qemu"}));
}

// The value given, else $KTSTR_VMM, else auto.
inline vm::Vmm vmm_from_arg(const std::string& arg) {
  if (arg.empty()) return vm::default_vmm();
  return vm::parse_vmm(arg).value_or(vm::Vmm::Auto);
}

}  // namespace ktstr::cli
