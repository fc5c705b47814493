#pragma once
// The guest's physical memory map as the boot protocols hand it over
// (boot_params.e820_table, PVH's memmap): RAM below 640 KiB, the EBDA and
// the BIOS area reserved (ACPI tables live there), RAM from 1 MiB with the
// channel ring carved out as reserved (so the kernel never allocates it and
// guest init can map it through /dev/mem), and RAM above 4 GiB.
#include <cstdint>
#include <vector>

namespace ktstr::vm::kvm {

enum class E820Type : uint32_t { Ram = 1, Reserved = 2, Acpi = 3, Nvs = 4 };

struct E820Entry {
  uint64_t addr = 0;
  uint64_t size = 0;
  E820Type type = E820Type::Ram;
  friend bool operator==(const E820Entry&, const E820Entry&) = default;
};

struct RamMap {
  uint64_t ram_bytes = 0;     // all guest RAM
  uint64_t low_bytes = 0;     // RAM below the 4 GiB hole; the rest starts at 4 GiB
  uint64_t channel_base = 0;  // reserved for the host<->guest ring
  uint64_t channel_size = 0;
};

// Sorted, non-overlapping. Throws Error when the channel does not lie
// inside low RAM above 1 MiB.
std::vector<E820Entry> build_e820(const RamMap& m);

}  // namespace ktstr::vm::kvm
