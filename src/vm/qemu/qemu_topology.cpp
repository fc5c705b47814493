// Topology -> QEMU options. Findings (QEMU 7.2, Debian 7.2 guest kernel, TCG,
// measured with the guest reading sysfs back; see also ENVIRONMENT.md):
//
// * microvm + `-smp cpus=L*C*T,sockets=L,cores=C,threads=T` gives the exact
//   single-node shape: cache/index3/shared_cpu_list = the LLC's CPUs,
//   thread_siblings_list = adjacent pairs, core_id = core within the LLC,
//   one physical_package_id per LLC (microvm rejects `dies`, so LLCs are
//   packages; the model has no packages, so nothing is lost). Odd shapes
//   (1n3l3c1t, 1n3l2c2t, 1n2l2c2t) come up with every CPU online.
//   cache/index3/id is NOT the LLC (it is per-CPU): read shared_cpu_list.
// * microvm accepts -numa/-object memory-backend-ram ... without a word but
//   builds no SRAT: the guest says "No NUMA configuration found" and has one
//   node. So NUMA needs `-M pc` (i440fx), which builds SRAT and SLIT:
//   nodeN/cpulist, nodeN/distance (from `-numa dist`, both directions given)
//   and nodeN/meminfo all match, including uneven nodes (1 + 2 LLCs) and a
//   memory-only node (`-numa node,memdev=` without cpus).
//   `-M pc` keeps the same -smp mapping (sockets = LLCs); dies would also
//   need an Intel-vendor CPU model (ENVIRONMENT.md), sockets need nothing.
// * Boot cost, TCG, boot to power-off with a busybox init, `quiet`, host
//   shared with other builds (load 2-4 on 2 cores, so +-1.5 s noise);
//   best / median of 6 runs, seconds:
//              4 vCPUs     8 vCPUs     16 vCPUs
//   microvm    3.2 / 4.3   4.0 / 5.5   6.1 / 7.4
//   pc         3.5 / 4.5   4.5 / 5.4   6.4 / 7.4
//   pc 2 nodes 3.7 / 4.3   4.7 / 5.4   6.1 / 7.5
//   pc costs ~0.3-0.5 s (SeaBIOS + PVH option ROM) at the best case and is
//   lost in the noise at 16 vCPUs; microvm stays the default, pc only for NUMA.
// * Guest RAM on pc with NUMA: one memory-backend per node, laid end to end
//   in node order, then split around the PCI hole like plain RAM:
//   RAM offset = gpa below low_bytes(), gpa - 4 GiB + low_bytes() above 4 GiB.
//   low_bytes(): all RAM when it is below 3.5 GiB, else 3 GiB (e820:
//   -m 3328M -> 0x100000-0xcffdffff; -m 3584M -> ...-0xbffdffff plus
//   0x100000000-). SRAT for 2 x 2 GiB: node0 [0, 2G), node1 [2G, 3G) +
//   [4G, 5G); a guest write at gpa 0x100001000 lands at offset 0x40001000 of
//   node 1's memfd. SeaBIOS reserves the last 128 KiB of low RAM
//   (e820 0x1ffe0000-0x1fffffff reserved at 512 MiB) for ACPI tables, so
//   a channel ring at "top of RAM - 1 MiB" would overlap them on pc.
//   microvm: low_bytes() = min(RAM, 3 GiB), nothing reserved at the top.
// * QEMU 7.2's memory-backend-file has no `offset` property, so each node
//   needs its own memfd; they are `memory-backend-file,mem-path=/proc/self/fd/N,
//   share=on` like the single microvm backend.
// * APIC IDs: QEMU packs [socket][core][thread] into power-of-two fields.
//   With the userspace (TCG) local APIC, QEMU 7.2 exits at once when any ID
//   exceeds 254: "current -smp configuration requires kernel irqchip and
//   X2APIC API support" (microvm and pc alike). max-cpu (1n14l9c2t) and
//   max-cpu-nosmt (1n14l18c1t) need APIC ID 433, so we refuse them with that
//   reason; near-max-llc (1n15l8c2t) tops out at 239 and starts.
// * threads=2 prints "This family of AMD CPU doesn't support
//   hyperthreading(2)" on stderr (TCG `-cpu max` is AMD); harmless: the
//   guest still reports the right thread_siblings_list and L3 lists.
#include "vm/qemu/qemu_topology.hpp"

#include <fmt/format.h>

#include "topology/apic_ids.hpp"
#include "topology/memory.hpp"
#include "util/error.hpp"
#include "vm/layout.hpp"

namespace ktstr::vm::qemu {
namespace {

using layout::kGiB;
using layout::kMiB;
constexpr uint64_t kPcSplitAbove = 0xe0000000;  // 3.5 GiB: pc splits from here on...
constexpr uint64_t kPcLowWhenSplit = 3 * kGiB;  // ...and keeps 3 GiB low then
constexpr uint64_t kSeabiosReserved = 128 * 1024;

std::string smp_arg(const topology::Topology& t) {
  return fmt::format("cpus={},sockets={},cores={},threads={}", t.cpus(), t.llcs, t.cores_per_llc,
                     t.threads_per_core);
}

void add_numa(const topology::Topology& t, QemuTopologyArgs& q) {
  for (uint32_t n = 0; n < t.numa_nodes; ++n) {
    std::string node = fmt::format("node,nodeid={},memdev={}", n, q.backends[n].id);
    CpuList cpus = t.node_cpus(n);
    if (!cpus.empty()) node += fmt::format(",cpus={}-{}", cpus.front(), cpus.back());
    q.args.insert(q.args.end(), {"-numa", node});
  }
  // Both directions, always: the guest then sees exactly the model's matrix
  // rather than whatever QEMU or the kernel would default to.
  for (uint32_t a = 0; a < t.numa_nodes; ++a)
    for (uint32_t b = 0; b < t.numa_nodes; ++b)
      if (a != b)
        q.args.insert(q.args.end(),
                      {"-numa", fmt::format("dist,src={},dst={},val={}", a, b, t.distance(a, b))});
}

}  // namespace

const char* to_string(Machine m) { return m == Machine::Microvm ? "microvm" : "pc"; }

QemuTopologyArgs qemu_topology_args(const topology::Topology& t, uint64_t memory_mb, const QemuLimits& limits) {
  t.validate(limits.max_cpus);
  if (uint32_t apic = topology::max_apic_id(t); apic > limits.max_apic_id)
    fail("topology {} cannot be presented by QEMU: its CPUs need APIC IDs up to {} ({} LLCs, {} cores per "
         "LLC, {} threads per core, each field rounded up to a power of two), but QEMU's emulated local APIC "
         "(TCG, no x2APIC) stops at {}",
         t.name(), apic, t.llcs, t.cores_per_llc, t.threads_per_core, limits.max_apic_id);

  QemuTopologyArgs q;
  q.memory_mb = memory_mb;
  q.args = {"-smp", smp_arg(t)};
  if (t.numa_nodes == 1) {
    q.machine = Machine::Microvm;
    q.machine_arg = "microvm,memory-backend=ram0";
    q.backends = {{"ram0", memory_mb, std::nullopt}};
    q.why = "one NUMA node: microvm presents the LLCs as sockets exactly and boots fastest";
    return q;
  }
  // microvm would silently drop -numa (no SRAT), so NUMA needs pc.
  q.machine = Machine::Pc;
  q.machine_arg = "pc";
  std::vector<uint64_t> sizes = topology::node_memory_mb(t, memory_mb);
  for (uint32_t n = 0; n < t.numa_nodes; ++n) q.backends.push_back({fmt::format("ram{}", n), sizes[n], n});
  add_numa(t, q);
  q.why = fmt::format("{} NUMA nodes: microvm builds no SRAT, pc does", t.numa_nodes);
  return q;
}

std::vector<std::string> memory_object_args(const QemuTopologyArgs& q, const std::vector<int>& memfds) {
  if (memfds.size() != q.backends.size())
    fail("{} guest memory backends need {} memfds, got {}", to_string(q.machine), q.backends.size(),
         memfds.size());
  std::vector<std::string> out;
  for (size_t i = 0; i < q.backends.size(); ++i)
    out.insert(out.end(), {"-object", fmt::format("memory-backend-file,id={},size={}M,mem-path=/proc/self/fd/{},"
                                                  "share=on",
                                                  q.backends[i].id, q.backends[i].size_mb, memfds[i])});
  return out;
}

RamLayout ram_layout(const QemuTopologyArgs& q) {
  RamLayout l;
  l.machine = q.machine;
  for (const auto& b : q.backends) l.backend_bytes.push_back(b.size_mb * kMiB);
  return l;
}

uint64_t RamLayout::total_bytes() const {
  uint64_t s = 0;
  for (uint64_t b : backend_bytes) s += b;
  return s;
}

uint64_t RamLayout::low_bytes() const {
  uint64_t ram = total_bytes();
  if (machine == Machine::Microvm) return std::min(ram, layout::kLowMemLimit);
  return ram < kPcSplitAbove ? ram : kPcLowWhenSplit;
}

uint64_t RamLayout::firmware_reserved_top_bytes() const {
  return machine == Machine::Pc ? kSeabiosReserved : 0;
}

std::optional<uint64_t> RamLayout::ram_offset(uint64_t gpa) const {
  uint64_t low = low_bytes(), ram = total_bytes();
  if (gpa < low) return gpa;
  if (gpa >= layout::kHighMemStart && gpa - layout::kHighMemStart < ram - low)
    return gpa - layout::kHighMemStart + low;
  return std::nullopt;
}

std::optional<RamLayout::Location> RamLayout::locate(uint64_t gpa) const {
  auto off = ram_offset(gpa);
  if (!off) return std::nullopt;
  for (size_t i = 0; i < backend_bytes.size(); ++i) {
    if (*off < backend_bytes[i]) return Location{i, *off};
    *off -= backend_bytes[i];
  }
  return std::nullopt;
}

}  // namespace ktstr::vm::qemu
