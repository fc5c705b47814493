#pragma once
// The KVM modules of a Debian kernel, for the nested rig: inside a QEMU TCG
// guest (`-cpu max` emulates AMD SVM) loading irqbypass, kvm, ccp and
// kvm-amd (nested=1) gives a working /dev/kvm, on which ktstr's own VMM can
// be exercised. They come from Debian's linux-modules-<version> package,
// fetched through the same private apt configuration as the kernel, and
// are cached decompressed in <cache_root()>/modules/<version>/.
#include <filesystem>
#include <string>
#include <vector>

namespace ktstr::kernel {

struct KvmModules {
  std::filesystem::path dir;
  std::vector<std::filesystem::path> load_order;  // irqbypass, kvm, ccp, kvm-amd
};

// Module names in load order (a module after the ones it depends on).
const std::vector<std::string>& kvm_module_names();

// Cached if present; otherwise downloads and unpacks them (~110 MB package,
// ~10 s, once). Throws Error if apt fails or the package lacks a module.
KvmModules fetch_kvm_modules(const std::string& version, const std::string& suite);

}  // namespace ktstr::kernel
