#include "monitor/xarray.hpp"

#include "util/error.hpp"

namespace ktstr::monitor {
namespace {

bool is_internal(uint64_t e) { return (e & 3) == 2; }
bool is_node(uint64_t e) { return is_internal(e) && e > 4096; }
bool is_value(uint64_t e) { return e & 1; }

struct Walk {
  const GuestKernel& k;
  const XarrayLayout& l;
  const std::function<bool(uint64_t, uint64_t)>& fn;
  uint64_t budget;
  unsigned nodes = 0;
  bool stop = false;

  Expected<Ok> node(uint64_t va, uint64_t base, int depth, unsigned parent_shift) {
    if (depth > 12 || ++nodes > 100000) return unexpected("XArray at {:#x}: too deep or too many nodes", va);
    auto shift = k.read<uint8_t>(va + l.node_shift);
    if (!shift) return Unexpected{shift.error()};
    unsigned sh = *shift;
    if (sh % 6 != 0 || sh >= 64 || (parent_shift != ~0u && sh + 6 != parent_shift))
      return unexpected("XArray node {:#x} has an impossible shift {}", va, sh);
    for (unsigned i = 0; i < l.chunk && !stop; ++i) {
      auto e = k.read<uint64_t>(va + l.node_slots + i * 8ull);
      if (!e) return Unexpected{e.error()};
      if (!*e) continue;
      uint64_t index = base + (uint64_t{i} << sh);
      if (is_node(*e)) {
        if (sh == 0) return unexpected("XArray node {:#x}: a leaf holds a node", va);
        if (auto r = node(*e - 2, index, depth + 1, sh); !r) return r;
      } else if (!is_internal(*e) && !is_value(*e)) {
        if (budget-- == 0) return unexpected("XArray holds more than the walk's bound");
        if (!fn(index, *e)) stop = true;
      }
    }
    return Ok{};
  }
};

}  // namespace

Expected<XarrayLayout> XarrayLayout::resolve(const BtfTypes& btf) {
  XarrayLayout l;
  try {
    l.xa_head = btf.offset_of("xarray.xa_head");
    l.node_shift = btf.offset_of("xa_node.shift");
    auto slots = btf.member("xa_node.slots");
    l.node_slots = slots.offset;
    if (slots.array_len) l.chunk = static_cast<unsigned>(slots.array_len);
  } catch (const Error& e) {
    return Unexpected{e.what()};
  }
  return l;
}

Expected<Ok> xa_for_each(const GuestKernel& k, const XarrayLayout& l, uint64_t xa_va,
                         const std::function<bool(uint64_t, uint64_t)>& fn, uint64_t max_entries) {
  auto head = k.read<uint64_t>(xa_va + l.xa_head);
  if (!head) return Unexpected{head.error()};
  if (!*head) return Ok{};
  Walk w{k, l, fn, max_entries};
  if (is_node(*head)) return w.node(*head - 2, 0, 0, ~0u);
  // A lone entry at index 0 is stored in the head itself.
  if (!is_internal(*head) && !is_value(*head)) fn(0, *head);
  return Ok{};
}

}  // namespace ktstr::monitor
