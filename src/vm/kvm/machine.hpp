#pragma once
// One assembled VM: KVM objects, guest RAM (the same memfd-backed
// GuestMemory the QEMU backend shares with the host), the devices on the
// I/O bus, the loaded kernel with its boot data, and the vCPUs ready to
// start. Members are declared so destruction runs in teardown order: vCPU
// threads stop first, then devices, RAM and the VM and KVM fds.
#include <memory>
#include <string>

#include "vm/guest_memory.hpp"
#include "vm/kvm/devices/acpi_pm.hpp"
#include "vm/kvm/devices/cmos.hpp"
#include "vm/kvm/devices/i8042.hpp"
#include "vm/kvm/devices/io_bus.hpp"
#include "vm/kvm/devices/serial.hpp"
#include "vm/kvm/kvm.hpp"
#include "vm/kvm/vcpu_set.hpp"
#include "vm/kvm/vm_fd.hpp"
#include "vm/kvm/vm_state.hpp"
#include "vm/vm_spec.hpp"

namespace ktstr::vm::kvm {

struct MachineOutputs {
  Serial16550::Output console;  // ttyS0 bytes
  Serial16550::Output init_port;  // ttyS1 bytes
};

class Machine {
 public:
  // Throws Error for anything the host or the spec cannot provide.
  Machine(const VmSpec& spec, MachineOutputs out);
  ~Machine();

  const GuestMemory& memory() const { return mem_; }
  VmState& state() { return *state_; }
  VcpuSet& vcpus() { return *vcpus_; }
  Serial16550& console() { return *console_; }
  const IoBus& bus() const { return bus_; }
  // What -v shows: boot protocol, command line.
  const std::string& summary() const { return summary_; }

 private:
  void add_devices(MachineOutputs out);
  void boot(const VmSpec& spec);
  void create_vcpus(const VmSpec& spec);

  Kvm kvm_;
  VmFd vm_;
  GuestMemory mem_;
  std::shared_ptr<VmState> state_ = std::make_shared<VmState>();
  IoBus bus_;
  std::shared_ptr<Serial16550> console_, port_;
  std::string summary_;
  struct Entry;
  std::unique_ptr<Entry> entry_;
  std::unique_ptr<VcpuSet> vcpus_;  // last: destroyed (threads stopped) first
};

// The kernel command line the own VMM boots with (before the spec's extra).
std::string kvm_kernel_cmdline(uint64_t channel_base);

}  // namespace ktstr::vm::kvm
