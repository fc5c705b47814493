#pragma once
// The x86 APIC id of every CPU of the model. Both VM backends present the
// same ids (QEMU derives them from -smp sockets=LLCs,cores,threads; the own
// VMM builds its CPUID leaves and ACPI tables from this), so the guest's
// topology enumeration agrees whichever backend booted it.
//
// Layout: [LLC][core][thread], each field as wide as the power of two that
// holds its count. Odd counts leave holes: 3 cores per LLC take 2 bits, so
// 1n3l3c1t has ids 0-2, 4-6, 8-10.
#include <cstdint>

#include "topology/topology.hpp"

namespace ktstr::topology {

struct ApicLayout {
  uint32_t thread_bits = 0;  // width of the thread-in-core field
  uint32_t core_bits = 0;    // width of the core-in-LLC field
  // Shift of the LLC field: the number of low APIC id bits an LLC spans.
  uint32_t llc_shift() const { return thread_bits + core_bits; }
};

// Bits needed to number `count` items (0 for 1, 1 for 2, 2 for 3 or 4, ...).
uint32_t bits_for(uint32_t count);

ApicLayout apic_layout(const Topology& t);
uint32_t apic_id(const Topology& t, uint32_t cpu);
uint32_t max_apic_id(const Topology& t);

}  // namespace ktstr::topology
