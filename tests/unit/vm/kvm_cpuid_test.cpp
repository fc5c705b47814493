// CPUID per topology: APIC ids of odd shapes, and every way Linux derives
// SMT siblings and LLCs from the leaves (Intel leaf 4, AMD 0x8000001D with
// TOPOEXT, AMD family < 0x17 from the 0x8000001E node id) agrees with the
// model.
#include <gtest/gtest.h>

#include <bit>
#include <map>

#include "topology/apic_ids.hpp"
#include "topology/parse.hpp"
#include "vm/kvm/x86/cpuid.hpp"

using namespace ktstr;
using namespace ktstr::vm::kvm;

namespace {

kvm_cpuid_entry2 e(uint32_t fn, uint32_t idx, uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t flags = 0) {
  kvm_cpuid_entry2 x{};
  x.function = fn;
  x.index = idx;
  x.flags = flags;
  x.eax = a;
  x.ebx = b;
  x.ecx = c;
  x.edx = d;
  return x;
}

// What KVM_GET_SUPPORTED_CPUID returned inside the nested rig's L1
// (QEMU TCG `-cpu max`: AMD family 15), abridged.
std::vector<kvm_cpuid_entry2> rig_supported() {
  constexpr uint32_t idx = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
  return {e(0, 0, 0xd, 0x68747541, 0x444d4163, 0x69746e65),
          e(1, 0, 0x00060fb1, 0x00020800, 0xf7f83203, 0x0f8bfbfd),
          e(7, 0, 0, 0x019843ab, 0x0001020c, 0x20000000, idx),
          e(0xb, 0, 0, 0, 0, 0, idx),
          e(0xd, 0, 0x207, 0xa88, 0xa88, 0, idx),
          e(0xd, 1, 0x5, 0, 0, 0, idx),
          e(0xd, 2, 0x100, 0x240, 0, 0, idx),
          e(0xd, 9, 0x8, 0xa80, 0, 0, idx),
          e(0x80000000, 0, 0x8000000a, 0x68747541, 0x444d4163, 0x69746e65),
          e(0x80000001, 0, 0x00060fb1, 0, 0x77, 0xedd3fbfd),
          e(0x80000008, 0, 0x00283928, 0x04000000, 0x1001, 0)};
}

const kvm_cpuid_entry2& leaf(const std::vector<kvm_cpuid_entry2>& v, uint32_t fn, uint32_t idx = 0) {
  const auto* p = find_cpuid(v, fn, idx);
  EXPECT_NE(p, nullptr) << std::hex << fn << "." << idx;
  static kvm_cpuid_entry2 none{};
  return p ? *p : none;
}

uint32_t count_order(uint32_t n) { return n <= 1 ? 0 : std::bit_width(n - 1); }

struct Derived {
  uint32_t apic, smt_id, llc_intel, llc_amd, llc_node;
};

Derived derive(const topology::Topology& t, uint32_t cpu) {
  auto v = build_cpuid(rig_supported(), t, cpu);
  Derived d{};
  d.apic = leaf(v, 0xb, 0).edx;
  EXPECT_EQ(leaf(v, 1).ebx >> 24, d.apic & 0xff);
  EXPECT_EQ(leaf(v, 0xb, 1).edx, d.apic);
  EXPECT_EQ(leaf(v, 0x8000001e).eax, d.apic);
  d.smt_id = d.apic >> leaf(v, 0xb, 0).eax;
  uint32_t intel_sharing = ((leaf(v, 4, 3).eax >> 14) & 0xfff) + 1;
  d.llc_intel = d.apic >> count_order(intel_sharing);
  uint32_t amd_sharing = ((leaf(v, 0x8000001d, 3).eax >> 14) & 0xfff) + 1;
  d.llc_amd = d.apic >> count_order(amd_sharing);
  d.llc_node = leaf(v, 0x8000001e).ecx & 0xff;
  return d;
}

void expect_consistent(const std::string& shape) {
  SCOPED_TRACE(shape);
  auto t = topology::parse_topology(shape);
  std::vector<Derived> d;
  for (uint32_t c = 0; c < t.cpus(); ++c) d.push_back(derive(t, c));
  for (uint32_t a = 0; a < t.cpus(); ++a) {
    EXPECT_EQ(d[a].apic, topology::apic_id(t, a));
    if (a) {
      EXPECT_GT(d[a].apic, d[a - 1].apic) << "APIC ids ascend in CPU order";
    }
    for (uint32_t b = 0; b < t.cpus(); ++b) {
      bool same_llc = t.llc_of(a) == t.llc_of(b);
      bool same_core = same_llc && t.core_of(a) == t.core_of(b);
      EXPECT_EQ(d[a].llc_intel == d[b].llc_intel, same_llc) << a << " " << b;
      EXPECT_EQ(d[a].llc_amd == d[b].llc_amd, same_llc) << a << " " << b;
      EXPECT_EQ(d[a].llc_node == d[b].llc_node, same_llc) << a << " " << b;
      EXPECT_EQ(d[a].smt_id == d[b].smt_id, same_core) << a << " " << b;
    }
  }
}

}  // namespace

TEST(KvmCpuid, OddShapesGetHoleyApicIds) {
  auto t = topology::parse_topology("1n3l3c1t");
  std::vector<uint32_t> ids;
  for (uint32_t c = 0; c < t.cpus(); ++c) ids.push_back(derive(t, c).apic);
  EXPECT_EQ(ids, (std::vector<uint32_t>{0, 1, 2, 4, 5, 6, 8, 9, 10}));
  auto t5 = topology::parse_topology("1n5l3c1t");
  EXPECT_EQ(derive(t5, 14).apic, (4u << 2) | 2u);
  auto smt = topology::parse_topology("1n3l3c2t");
  EXPECT_EQ(derive(smt, 5).apic, (0u << 3) | (2u << 1) | 1u);
  EXPECT_EQ(derive(smt, 6).apic, 1u << 3);
}

TEST(KvmCpuid, EveryDerivationAgreesWithTheModel) {
  for (const char* s : {"1n1l2c1t", "1n3l3c1t", "1n5l3c1t", "1n2l2c2t", "1n3l2c2t", "2n4l2c1t", "1n7l2c1t"})
    expect_consistent(s);
}

TEST(KvmCpuid, TopologyLeavesAreAdvertised) {
  auto v = build_cpuid(rig_supported(), topology::parse_topology("1n2l2c2t"), 0);
  EXPECT_GE(leaf(v, 0).eax, 0xbu);
  EXPECT_GE(leaf(v, 0x80000000).eax, 0x8000001eu);
  EXPECT_TRUE(leaf(v, 0x80000001).ecx & (1u << 22)) << "TOPOEXT";
  EXPECT_TRUE(leaf(v, 1).edx & (1u << 28)) << "HTT";
  EXPECT_EQ((leaf(v, 1).ebx >> 16) & 0xff, 4u) << "4 addressable ids per package (2 cores x 2 threads)";
  EXPECT_EQ(leaf(v, 0x80000008).ecx & 0xff, 3u) << "4 threads per package, minus one";
  EXPECT_EQ((leaf(v, 0x80000008).ecx >> 12) & 0xf, 2u);
  EXPECT_EQ((leaf(v, 0xb, 0).ecx >> 8) & 0xff, 1u) << "SMT level";
  EXPECT_EQ((leaf(v, 0xb, 1).ecx >> 8) & 0xff, 2u) << "core level";
  EXPECT_EQ((leaf(v, 0xb, 2).ecx >> 8) & 0xff, 0u) << "end of levels";
  EXPECT_EQ(leaf(v, 0xb, 0).ebx, 2u);
  EXPECT_EQ(leaf(v, 0xb, 1).ebx, 4u);
  EXPECT_EQ((leaf(v, 0x8000001e).ebx >> 8) & 0xff, 1u) << "threads per core minus one";
  EXPECT_EQ(find_cpuid(v, 0x1f, 0), nullptr) << "no leaf 0x1F when the host's max basic leaf is below it";
}

TEST(KvmCpuid, XsaveLeafIsSanitisedToX87SseAvx) {
  auto v = build_cpuid(rig_supported(), topology::parse_topology("1n1l2c1t"), 1);
  EXPECT_EQ(leaf(v, 0xd, 0).eax, 0x7u);
  EXPECT_EQ(leaf(v, 0xd, 0).edx, 0u);
  EXPECT_EQ(leaf(v, 0xd, 0).ebx, 0x340u) << "576 bytes legacy + header, 256 AVX";
  EXPECT_EQ(leaf(v, 0xd, 0).ecx, 0x340u);
  EXPECT_EQ(leaf(v, 0xd, 1).eax, 0x1u) << "XSAVEOPT only: no compacted format";
  EXPECT_NE(find_cpuid(v, 0xd, 2), nullptr);
  EXPECT_EQ(find_cpuid(v, 0xd, 9), nullptr) << "PKRU state dropped";
  EXPECT_FALSE(leaf(v, 7).ecx & (1u << 3)) << "PKU cleared with its state";
  EXPECT_FALSE(leaf(v, 7).ebx & (1u << 14)) << "MPX cleared";
  EXPECT_TRUE(leaf(v, 1).ecx & (1u << 28)) << "AVX kept";
}

TEST(KvmCpuid, WithoutXsaveTheGuestSeesNoXsaveAndNoAvx) {
  CpuidOptions o;
  o.xsave = false;
  auto v = build_cpuid(rig_supported(), topology::parse_topology("1n1l2c1t"), 0, o);
  EXPECT_EQ(find_cpuid(v, 0xd, 0), nullptr);
  EXPECT_FALSE(leaf(v, 1).ecx & (1u << 26)) << "XSAVE";
  EXPECT_FALSE(leaf(v, 1).ecx & (1u << 28)) << "AVX";
  EXPECT_FALSE(leaf(v, 7).ebx & (1u << 5)) << "AVX2";
  EXPECT_TRUE(leaf(v, 1).edx & (1u << 25)) << "SSE stays";
  EXPECT_EQ(leaf(v, 0xb, 0).edx, 0u) << "topology unaffected";
}
