#include "vm/kvm/x86/cpuid.hpp"

#include <algorithm>

#include "topology/apic_ids.hpp"

namespace ktstr::vm::kvm {
namespace {

constexpr uint32_t kSignificantIndex = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;

kvm_cpuid_entry2* find(std::vector<kvm_cpuid_entry2>& v, uint32_t fn, uint32_t index = 0) {
  for (auto& e : v)
    if (e.function == fn && e.index == index) return &e;
  return nullptr;
}

kvm_cpuid_entry2 entry(uint32_t fn, uint32_t index, uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  kvm_cpuid_entry2 e{};
  e.function = fn;
  e.index = index;
  e.flags = kSignificantIndex;
  e.eax = a;
  e.ebx = b;
  e.ecx = c;
  e.edx = d;
  return e;
}

struct Cache {
  uint32_t type, level, size_kib, ways;
  bool per_llc;  // shared by the whole LLC, else by one core's threads
};
// Plausible sizes; what matters to the guest's topology code is sharing.
constexpr Cache kCaches[] = {{1, 1, 32, 8, false}, {2, 1, 32, 8, false}, {3, 2, 512, 8, false}, {3, 3, 8192, 16, true}};
constexpr uint32_t kLine = 64;

// Leaf 4 / 0x8000001D share one register layout except EAX[31:26].
void add_cache_leaves(std::vector<kvm_cpuid_entry2>& out, uint32_t fn, const topology::ApicLayout& l) {
  uint32_t i = 0;
  for (const Cache& c : kCaches) {
    uint32_t sharing = 1u << (c.per_llc ? l.llc_shift() : l.thread_bits);
    uint32_t eax = c.type | (c.level << 5) | (1u << 8) | ((sharing - 1) << 14);
    if (fn == 4) eax |= ((1u << l.core_bits) - 1) << 26;
    uint32_t sets = c.size_kib * 1024 / (c.ways * kLine);
    out.push_back(entry(fn, i++, eax, ((c.ways - 1) << 22) | (kLine - 1), sets - 1, 0));
  }
  out.push_back(entry(fn, i, 0, 0, 0, 0));
}

void add_topology_leaf(std::vector<kvm_cpuid_entry2>& out, uint32_t fn, const topology::Topology& t,
                       const topology::ApicLayout& l, uint32_t apic) {
  constexpr uint32_t kSmt = 1, kCore = 2;
  out.push_back(entry(fn, 0, l.thread_bits, t.threads_per_core, (kSmt << 8) | 0, apic));
  out.push_back(entry(fn, 1, l.llc_shift(), t.cpus_per_llc(), (kCore << 8) | 1, apic));
  out.push_back(entry(fn, 2, 0, 0, 2, apic));
}

// XSAVE state components kept: x87, SSE, AVX.
constexpr uint64_t kKeptXfeatures = 0x7;
constexpr uint32_t kLegacyAreaBytes = 512 + 64;  // legacy region + XSAVE header

void sanitise_xsave(std::vector<kvm_cpuid_entry2>& v) {
  kvm_cpuid_entry2* d0 = find(v, 0xd, 0);
  if (!d0) return;
  uint64_t mask = d0->eax & kKeptXfeatures;
  uint32_t size = kLegacyAreaBytes;
  if (mask & 0x4)
    if (kvm_cpuid_entry2* avx = find(v, 0xd, 2)) size = std::max(size, avx->ebx + avx->eax);
  d0->eax = static_cast<uint32_t>(mask);
  d0->edx = 0;
  d0->ebx = d0->ecx = size;
  if (kvm_cpuid_entry2* d1 = find(v, 0xd, 1)) {
    d1->eax &= 0x1;  // XSAVEOPT only: no compacted format, no supervisor states
    d1->ebx = d1->ecx = d1->edx = 0;
  }
  std::erase_if(v, [&](const kvm_cpuid_entry2& e) { return e.function == 0xd && e.index >= 2 && !(mask >> e.index & 1); });
  if (kvm_cpuid_entry2* l7 = find(v, 7, 0)) {
    // AVX-512 family and MPX (EBX), PKU/OSPKE and AVX-512 extensions (ECX),
    // AMX and AVX-512 extras (EDX): their state is no longer described.
    l7->ebx &= ~((1u << 14) | (1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) | (1u << 27) | (1u << 28) |
                 (1u << 30) | (1u << 31));
    l7->ecx &= ~((1u << 1) | (1u << 3) | (1u << 4) | (1u << 6) | (1u << 11) | (1u << 12) | (1u << 14));
    l7->edx &= ~((1u << 2) | (1u << 3) | (1u << 8) | (1u << 22) | (1u << 23) | (1u << 24) | (1u << 25));
  }
  if (mask & 0x4) return;
  // No AVX state: no AVX-based features either.
  if (kvm_cpuid_entry2* l1 = find(v, 1, 0)) l1->ecx &= ~((1u << 12) | (1u << 28) | (1u << 29));
  if (kvm_cpuid_entry2* l7 = find(v, 7, 0)) {
    l7->ebx &= ~(1u << 5);                  // AVX2
    l7->ecx &= ~((1u << 9) | (1u << 10));   // VAES, VPCLMULQDQ (VEX-encoded forms)
  }
  if (kvm_cpuid_entry2* l71 = find(v, 7, 1)) l71->eax &= ~(1u << 4);  // AVX-VNNI
}

// No XSAVE at all: the guest falls back to FXSAVE, like `noxsave`.
void remove_xsave(std::vector<kvm_cpuid_entry2>& v) {
  std::erase_if(v, [](const kvm_cpuid_entry2& e) { return e.function == 0xd; });
  if (kvm_cpuid_entry2* l1 = find(v, 1, 0))  // XSAVE, OSXSAVE and what needs XSAVE: AVX, FMA, F16C
    l1->ecx &= ~((1u << 26) | (1u << 27) | (1u << 28) | (1u << 12) | (1u << 29));
  if (kvm_cpuid_entry2* l7 = find(v, 7, 0)) {
    l7->ebx &= ~((1u << 5) | (1u << 14) | (1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) | (1u << 27) |
                 (1u << 28) | (1u << 30) | (1u << 31));
    l7->ecx &= ~((1u << 1) | (1u << 3) | (1u << 4) | (1u << 6) | (1u << 9) | (1u << 10) | (1u << 11) |
                 (1u << 12) | (1u << 14));
    l7->edx &= ~((1u << 2) | (1u << 3) | (1u << 8) | (1u << 22) | (1u << 23) | (1u << 24) | (1u << 25));
  }
  if (kvm_cpuid_entry2* l71 = find(v, 7, 1)) l71->eax &= ~((1u << 4) | (1u << 5));
}

bool is_topology_leaf(uint32_t fn) { return fn == 4 || fn == 0xb || fn == 0x1f || fn == 0x8000001d || fn == 0x8000001e; }

}  // namespace

const kvm_cpuid_entry2* find_cpuid(const std::vector<kvm_cpuid_entry2>& v, uint32_t fn, uint32_t index) {
  for (const auto& e : v)
    if (e.function == fn && e.index == index) return &e;
  return nullptr;
}

std::vector<kvm_cpuid_entry2> build_cpuid(const std::vector<kvm_cpuid_entry2>& supported,
                                          const topology::Topology& t, uint32_t cpu, const CpuidOptions& opts) {
  std::vector<kvm_cpuid_entry2> v;
  for (const auto& e : supported)
    if (!is_topology_leaf(e.function)) v.push_back(e);
  auto l = topology::apic_layout(t);
  uint32_t apic = topology::apic_id(t, cpu);
  uint32_t ids_per_package = 1u << l.llc_shift();

  uint32_t max_basic = 0;
  if (kvm_cpuid_entry2* l0 = find(v, 0)) {
    l0->eax = std::max(l0->eax, 0xbu);
    max_basic = l0->eax;
  }
  if (kvm_cpuid_entry2* l1 = find(v, 1)) {
    l1->ebx = (l1->ebx & 0xffff) | (std::min(ids_per_package, 255u) << 16) | ((apic & 0xff) << 24);
    if (ids_per_package > 1) l1->edx |= 1u << 28;  // HTT: more than one logical CPU per package
  }
  add_cache_leaves(v, 4, l);
  add_topology_leaf(v, 0xb, t, l, apic);
  if (max_basic >= 0x1f) add_topology_leaf(v, 0x1f, t, l, apic);
  if (opts.xsave)
    sanitise_xsave(v);
  else
    remove_xsave(v);

  if (kvm_cpuid_entry2* e0 = find(v, 0x80000000)) e0->eax = std::max(e0->eax, 0x8000001eu);
  if (kvm_cpuid_entry2* e1 = find(v, 0x80000001)) e1->ecx |= 1u << 22;  // TOPOEXT
  if (kvm_cpuid_entry2* e8 = find(v, 0x80000008))
    e8->ecx = (e8->ecx & ~0xf0ffu) | (l.llc_shift() << 12) | ((t.cpus_per_llc() - 1) & 0xff);
  add_cache_leaves(v, 0x8000001d, l);
  uint32_t core_in_package = t.core_of(cpu);
  v.push_back(entry(0x8000001e, 0, apic, core_in_package | ((t.threads_per_core - 1) << 8), t.llc_of(cpu) & 0xff, 0));
  v.back().flags = 0;
  return v;
}

}  // namespace ktstr::vm::kvm
