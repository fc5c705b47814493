#pragma once
// Guest virtual -> guest physical through the guest's own 4-level page
// tables (CR3), for diagnostics: where a hung vCPU's stack is, what is on it.
#include <cstdint>
#include <optional>

#include "vm/guest_memory.hpp"

namespace ktstr::vm::kvm {

std::optional<uint64_t> translate(const GuestMemory& mem, uint64_t cr3, uint64_t va);

}  // namespace ktstr::vm::kvm
