#pragma once
// A running guest kernel seen from the host: symbols and types of its
// image bound to its RAM. Typed reads and writes by kernel virtual address,
// all bounds-checked and returning errors (never crashing, never throwing)
// because every pointer followed comes from an untrusted guest.
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

#include "monitor/address_space.hpp"
#include "monitor/expected.hpp"
#include "monitor/kernel_image.hpp"
#include "monitor/phys_memory.hpp"

namespace ktstr::monitor {

struct Ok {};

class GuestKernel {
 public:
  GuestKernel(std::shared_ptr<const KernelImage> image, const PhysMemory& mem);

  // Finds the image in guest RAM (linux_banner must match the vmlinux's,
  // at a 2 MiB-aligned physical shift that the guest's own phys_base
  // explains, possibly with a KASLR virtual offset), then reads
  // page_offset_base, the page-table root and the paging depth. Fails
  // until the kernel is in place (QEMU loaded it, or under KASLR the
  // decompressor moved it); call again later.
  Expected<Ok> attach();
  bool attached() const { return space_.has_value(); }
  // Re-reads page_offset_base: early boot may move the direct map (memory
  // KASLR) after we attached. One read; call it every tick.
  void refresh();
  const AddressSpace& space() const { return *space_; }
  const KernelImage& image() const { return *image_; }
  const BtfTypes& btf() const { return *image_->btf; }
  // Link-time addresses, as decoded from the vmlinux.
  const SymbolTable& symbols() const { return *image_->symbols; }
  // KASLR: how far the running image sits above its link-time addresses
  // (0 without KASLR). Known once attached.
  uint64_t kaslr_offset() const { return kaslr_offset_; }
  // A symbol's address in the running guest (link-time + KASLR offset);
  // nullopt if absent or ambiguous.
  std::optional<uint64_t> address(std::string_view name) const;

  template <typename T>
  Expected<T> read(uint64_t va) const {
    static_assert(std::is_trivially_copyable_v<T>);
    T out;
    if (auto r = load(va, &out, sizeof(T)); !r) return Unexpected{r.error()};
    return out;
  }
  template <typename T>
  Expected<Ok> write(uint64_t va, const T& v) const {
    static_assert(std::is_trivially_copyable_v<T>);
    return store(va, &v, sizeof(T));
  }
  // At most 16 MiB: a garbage length from the guest must not exhaust us.
  Expected<std::vector<uint8_t>> read_bytes(uint64_t va, uint64_t len) const;
  // NUL-terminated string of at most `max` bytes (e.g. task comm).
  Expected<std::string> read_string(uint64_t va, size_t max) const;

  // Address of a per-CPU variable's instance on `cpu`:
  // (sym + __per_cpu_offset[cpu]) mod 2^64.
  Expected<uint64_t> per_cpu(uint64_t sym_va, unsigned cpu) const;
  Expected<uint64_t> jiffies() const;

 private:
  Expected<Ok> load(uint64_t va, void* dst, size_t len) const;
  Expected<Ok> store(uint64_t va, const void* src, size_t len) const;

  std::shared_ptr<const KernelImage> image_;
  const PhysMemory& mem_;
  std::optional<AddressSpace> space_;
  uint64_t kaslr_offset_ = 0;
  mutable uint64_t per_cpu_offsets_ = 0, per_cpu_len_ = 0;  // link-time &__per_cpu_offset, its length
};

}  // namespace ktstr::monitor
