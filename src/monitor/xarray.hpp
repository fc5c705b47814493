#pragma once
// Walking a guest kernel's XArray (include/linux/xarray.h, lib/xarray.c)
// from the host: the IDRs holding every BPF map and program (map_idr,
// prog_idr) are XArrays. Entries are tagged pointers:
//   low bits 00  a pointer entry (what the IDR stores)
//   low bit   1  a value entry (not used by IDRs)
//   low bits 10  internal: a node pointer (+2) when > 4096, else a
//                sibling/retry/zero marker
// A node has `shift` and 64 slots; slot i of a node covering `base`
// holds index base + (i << shift), a leaf level has shift 0.
#include <cstdint>
#include <functional>

#include "monitor/expected.hpp"
#include "monitor/guest_kernel.hpp"

namespace ktstr::monitor {

struct XarrayLayout {
  uint64_t xa_head = 0;     // offsetof(struct xarray, xa_head)
  uint64_t node_shift = 0;  // offsetof(struct xa_node, shift)
  uint64_t node_slots = 0;  // offsetof(struct xa_node, slots)
  unsigned chunk = 64;      // XA_CHUNK_SIZE (slots per node)

  static Expected<XarrayLayout> resolve(const BtfTypes& btf);
};

// Calls `fn(index, entry)` for every pointer entry of the XArray at
// `xa_va`, in index order, visiting at most `max_entries`; false from `fn`
// stops early. Corrupt structures (bad shifts, loops) end the walk with an
// error rather than spinning.
Expected<Ok> xa_for_each(const GuestKernel& k, const XarrayLayout& l, uint64_t xa_va,
                         const std::function<bool(uint64_t index, uint64_t entry)>& fn,
                         uint64_t max_entries = 1u << 16);

}  // namespace ktstr::monitor
