#pragma once
// Lowers a topology::Topology to QEMU options that make the guest see it
// exactly (machine type, -smp, -numa, memory backends), and describes where
// guest-physical RAM lands in those backends so the host can read it.
// Findings behind every choice: the comment at the top of qemu_topology.cpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "topology/apic_ids.hpp"
#include "topology/topology.hpp"

namespace ktstr::vm::qemu {

enum class Machine { Microvm, Pc };
const char* to_string(Machine m);

struct QemuLimits {
  uint32_t max_cpus = topology::kDefaultMaxCpus;
  // xAPIC: 255 is the broadcast ID, and QEMU 7.2's TCG has no x2APIC.
  uint32_t max_apic_id = 254;
};

// One guest RAM region QEMU maps from a host memfd (memory-backend-file,
// share=on). QEMU 7.2's memory-backend-file has no `offset`, so each backend
// needs its own memfd.
struct MemoryBackend {
  std::string id;                 // "ram0", "ram1", ... (QEMU object id)
  uint64_t size_mb = 0;
  std::optional<uint32_t> node;   // NUMA node it backs; nothing on microvm
};

struct QemuTopologyArgs {
  Machine machine = Machine::Microvm;
  std::string machine_arg;              // value for -M
  std::vector<std::string> args;        // -smp and -numa options, ready for argv
  std::vector<MemoryBackend> backends;  // in guest-physical order
  uint64_t memory_mb = 0;               // value for -m (sum of the backends)
  std::string why;                      // why this machine type (for -v)
};

// Throws ktstr::Error, naming the topology and the reason, for shapes this
// backend cannot present exactly (too many CPUs, APIC IDs beyond xAPIC,
// memory that does not cover the nodes) rather than booting something else.
QemuTopologyArgs qemu_topology_args(const topology::Topology& t, uint64_t memory_mb,
                                    const QemuLimits& limits = {});

// "-object memory-backend-file,..." pairs for the backends, one memfd each
// (inherited by QEMU, opened as /proc/self/fd/N).
std::vector<std::string> memory_object_args(const QemuTopologyArgs& q, const std::vector<int>& memfds);

// QEMU's APIC ids ([socket=LLC][core][thread], power-of-two fields) are
// exactly topology::apic_id() (topology/apic_ids.hpp).

// Where guest-physical addresses live (measured from the guest's e820).
// "RAM offset" = offset into the backends laid end to end in order.
struct RamLayout {
  Machine machine = Machine::Microvm;
  std::vector<uint64_t> backend_bytes;

  uint64_t total_bytes() const;
  // RAM below the 4 GiB hole: microvm min(ram, 3 GiB); pc all of it below
  // 3.5 GiB, else 3 GiB. The rest continues at 4 GiB.
  uint64_t low_bytes() const;
  // Bytes at the top of low RAM that firmware keeps (pc: SeaBIOS puts ACPI
  // tables in the last 128 KiB, e820 "reserved"); the guest channel must not
  // overlap them.
  uint64_t firmware_reserved_top_bytes() const;

  struct Location {
    size_t backend;   // index into backend_bytes / memfds
    uint64_t offset;  // offset inside that backend's memfd
  };
  std::optional<uint64_t> ram_offset(uint64_t gpa) const;
  std::optional<Location> locate(uint64_t gpa) const;
};

RamLayout ram_layout(const QemuTopologyArgs& q);

}  // namespace ktstr::vm::qemu
