#pragma once
// The "spin unit": a fixed, dependent chunk of integer work the compiler
// cannot fold away. Work types count these, so a unit means the same CPU
// effort in every work type and every run.
#include <cstdint>

namespace ktstr::workload {

inline uint64_t spin_units(uint64_t units, uint64_t state = 0x9e3779b97f4a7c15ull) {
  for (uint64_t i = 0; i < units; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    state ^= state >> 29;
    // Opaque to the optimiser: keeps one real multiply-xor per unit.
    asm volatile("" : "+r"(state));
  }
  return state;
}

}  // namespace ktstr::workload
