#pragma once
// CPUID for one vCPU, from what KVM supports and the topology model.
// Topology is described the way both vendors' Linux code reads it, all
// agreeing with topology::apic_id():
//   leaf 0x1       initial APIC id, addressable ids per package, HTT
//   leaf 0x4       Intel cache parameters (L3 shared by the LLC)
//   leaf 0xB/0x1F  SMT and core levels (x2APIC ids, shifts)
//   0x80000001     TOPOEXT, so AMD guests read the two leaves below
//   0x80000008     AMD core count and APIC id width per package
//   0x8000001D     AMD cache topology (L3 shared by the LLC)
//   0x8000001E     AMD extended APIC id, core id, node (= LLC) id
// Each LLC is its own package, as QEMU presents it (sockets = LLCs).
// Leaf 0xD is sanitised to the x87/SSE/AVX state components in the
// standard (non-compacted) format, and features whose state is dropped
// (AVX-512, MPX, PKU, AMX) are cleared: the guest kernel checks the sizes
// and offsets it reads against each other, and a host's full set (PKRU,
// AVX-512, AMX with XSAVES) is more than a test guest needs.
#include <linux/kvm.h>

#include <cstdint>
#include <vector>

#include "topology/topology.hpp"

namespace ktstr::vm::kvm {

struct CpuidOptions {
  // false: no XSAVE at all (the guest uses FXSAVE). Needed when this VMM
  // itself runs on an emulated CPU (the nested rig): there, L2 processes
  // crashed with SIGSEGV after context switches whenever XSAVE was on,
  // even reduced to x87+SSE without XSAVEOPT; with it off they did not.
  bool xsave = true;
};

std::vector<kvm_cpuid_entry2> build_cpuid(const std::vector<kvm_cpuid_entry2>& supported,
                                          const topology::Topology& t, uint32_t cpu, const CpuidOptions& opts = {});

// The entry for (function, index) in `entries`, or nullptr.
const kvm_cpuid_entry2* find_cpuid(const std::vector<kvm_cpuid_entry2>& entries, uint32_t function,
                                   uint32_t index = 0);

}  // namespace ktstr::vm::kvm
