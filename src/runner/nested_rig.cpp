#include "runner/nested_rig.hpp"

#include <fmt/format.h>

#include "kernel/kernel_fetch.hpp"
#include "kernel/kernel_resolve.hpp"
#include "kernel/kvm_modules.hpp"
#include "scheduler/scheduler_ref.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/process.hpp"
#include "vm/qemu/qemu_backend.hpp"

namespace ktstr::runner {
namespace fs = std::filesystem;
namespace {

constexpr auto kDefaultTimeout = std::chrono::minutes(20);
// QEMU's firmware for microvm/pc with a PVH kernel, if QEMU runs inside L1.
constexpr const char* kQemuData[] = {"bios-microvm.bin", "qboot.rom", "pvh.bin", "linuxboot_dma.bin",
                                     "linuxboot.bin", "bios-256k.bin", "kvmvapic.bin"};

void add_qemu(GuestRunOptions& g) {
  fs::path qemu = vm::qemu::find_qemu();
  g.include_files.push_back(qemu);
  std::error_code ec;
  for (const char* f : kQemuData)
    for (const char* dir : {"/usr/share/qemu", "/usr/share/seabios"}) {
      fs::path p = fs::path(dir) / f;
      if (fs::is_regular_file(p, ec) || fs::is_symlink(p, ec)) {
        fs::path real = fs::canonical(p, ec);
        // QEMU looks for its data relative to its binary: /usr/local/bin/../share/qemu.
        if (!ec) {
          g.extra_entries.push_back(initramfs::Entry::from_host("/usr/local/share/qemu/" + std::string(f), real, 0644));
          break;
        }
      }
    }
}

}  // namespace

std::string nested_rig_l1_command(const std::string& command) {
  std::string load;
  for (const auto& m : kernel::kvm_module_names())
    load += fmt::format("insmod /rig/modules/{}.ko{} || exit 2\n", m, m == "kvm-amd" ? " nested=1" : "");
  return "set -u\n" + load +
         "[ -c /dev/kvm ] || { echo 'nested rig: no /dev/kvm in L1 (does QEMU emulate SVM here?)' >&2; exit 2; }\n"
         "export KTSTR_VMM=kvm KTSTR_KERNEL=/rig/kernel KTSTR_SCHEDULER_DIR=/rig/schedulers\n"
         "export PATH=/rig/bin:$PATH\n" +
         command + "\n";
}

GuestRunResult run_nested_rig(const NestedRigOptions& o) {
  kernel::ResolveOptions ro;
  ro.auto_fetch = true;
  kernel::Kernel k = kernel::resolve_kernel(o.kernel, ro);
  auto mods = kernel::fetch_kvm_modules(k.version, std::string(kernel::kDefaultSuite));

  GuestRunOptions g;
  g.kernel = k.vmlinux.string();
  g.vmm = vm::Vmm::Qemu;  // L1 must be QEMU: its emulated SVM is what L2 runs on
  g.topology.cores_per_llc = o.l1_cpus;
  g.memory_mb = o.memory_mb;
  g.timeout = o.timeout.value_or(std::chrono::duration_cast<std::chrono::seconds>(kDefaultTimeout));
  g.include_files = o.include_files;
  g.extra_entries.push_back(initramfs::Entry::from_host("/rig/kernel/vmlinux", k.vmlinux));
  if (!k.config.empty()) g.extra_entries.push_back(initramfs::Entry::from_host("/rig/kernel/config", k.config));
  for (const auto& m : mods.load_order)
    g.extra_entries.push_back(initramfs::Entry::from_host("/rig/modules/" + m.filename().string(), m));
  for (const auto& s : o.scripts)
    g.extra_entries.push_back(initramfs::Entry::from_host("/rig/scripts/" + s.filename().string(), fs::absolute(s), 0755));
  g.extra_entries.push_back(initramfs::Entry::from_bytes("/rig/bin/ktstr", "#!/bin/sh\nexec /init \"$@\"\n", 0755));
  try {
    auto fixture = scheduler::resolve_scheduler("fixture");
    g.extra_entries.push_back(
        initramfs::Entry::from_host("/rig/schedulers/" + fixture.binary.filename().string(), fixture.binary, 0755));
  } catch (const Error& e) {
    log::warn("nested rig: no fixture scheduler for L2 ({})", e.what());
  }
  if (o.with_qemu) add_qemu(g);
  g.request.action = "exec";
  g.request.command = nested_rig_l1_command(o.command);
  return run_in_guest(g);
}

}  // namespace ktstr::runner
