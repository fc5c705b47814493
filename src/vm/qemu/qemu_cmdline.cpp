#include "vm/qemu/qemu_cmdline.hpp"

#include <fmt/format.h>

#include "util/error.hpp"
#include "vm/layout.hpp"
#include "vm/qemu/qemu_topology.hpp"

namespace ktstr::vm::qemu {

std::string kernel_cmdline(const VmSpec& spec, Accel accel) {
  // The RAM the guest really gets (uneven NUMA nodes may round it).
  uint64_t ram = qemu_topology_args(spec.topology, spec.memory_mb).memory_mb * layout::kMiB;
  uint64_t chan = layout::channel_base(ram);
  std::string c = "console=ttyS0 panic=-1 quiet rdinit=/init";
  // microvm under TCG hangs calibrating the TSC without these (measured).
  if (accel == Accel::Tcg) c += " tsc_early_khz=2600000 tsc=reliable";
  // KVM on an emulated host CPU (the nested rig's L1): the guest's XSAVE
  // state gets corrupted across context switches (the own VMM hides XSAVE
  // there too, vm/kvm/x86/cpuid.hpp); noxsave also drops AVX, which QEMU's
  // xsave=off alone leaves advertised (the guest's crypto then faults).
  if (accel == Accel::Kvm && host_cpu_is_emulated()) c += " noxsave";
  c += fmt::format(" memmap={}K${:#x} ktstr.chan={:#x},{:#x}", layout::kChannelSize / 1024, chan,
                   chan, layout::kChannelSize);
  if (!spec.extra_cmdline.empty()) c += " " + spec.extra_cmdline;
  return c;
}

std::vector<std::string> qemu_argv(const VmSpec& spec, const QemuInputs& in) {
  QemuTopologyArgs topo = qemu_topology_args(spec.topology, spec.memory_mb);
  if (topo.backends.size() != in.memory_fds.size())
    fail("topology {} needs {} guest memory backends but {} memfds were given", spec.topology.name(),
         topo.backends.size(), in.memory_fds.size());
  std::vector<std::string> a = {in.qemu_binary};
  auto add = [&](std::initializer_list<std::string> xs) { a.insert(a.end(), xs); };

  add({"-M", topo.machine_arg});
  if (in.accel == Accel::Kvm) {
    add({"-accel", "kvm", "-cpu", "host"});
  } else {
    // One TCG thread: thread=multi panicked guests and was not faster on 2 cores.
    add({"-accel", "tcg,thread=single", "-cpu", "max"});
  }
  add({"-m", fmt::format("{}M", spec.memory_mb)});
  for (auto& s : memory_object_args(topo, in.memory_fds)) a.push_back(s);
  a.insert(a.end(), topo.args.begin(), topo.args.end());  // -smp, -numa
  add({"-nodefaults", "-no-user-config", "-no-reboot", "-display", "none", "-monitor", "none"});
  if (in.console_fd >= 0) {
    add({"-chardev", fmt::format("file,id=con,path=/proc/self/fd/{}", in.console_fd)});
  } else {
    // Interactive: the guest console is the user's terminal; Ctrl-C goes to the guest.
    add({"-chardev", "stdio,id=con,signal=off"});
  }
  add({"-serial", "chardev:con"});
  add({"-chardev", fmt::format("file,id=initport,path=/proc/self/fd/{}", in.init_port_fd)});
  add({"-device", "isa-serial,chardev=initport,iobase=0x2f8,irq=3"});
  add({"-kernel", spec.kernel.string()});
  add({"-initrd", fmt::format("/proc/self/fd/{}", in.initrd_fd)});
  add({"-append", kernel_cmdline(spec, in.accel)});
  return a;
}

}  // namespace ktstr::vm::qemu
