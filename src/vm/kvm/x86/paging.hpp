#pragma once
// Identity page tables for the 64-bit boot protocol: the kernel must enter
// with paging on and its image, boot_params and command line mapped 1:1.
// 2 MiB pages over the first 4 GiB cover every address it may touch.
#include <cstdint>
#include <span>

namespace ktstr::vm::kvm {

// Writes PML4 (at pml4_gpa), one PDPT and four PDs into `mem`, a view of
// guest RAM starting at guest-physical 0. Returns the CR3 value.
uint64_t write_identity_page_tables(std::span<uint8_t> low_mem);

}  // namespace ktstr::vm::kvm
