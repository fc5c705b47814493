#include "monitor/guest_kernel.hpp"

#include <atomic>

namespace ktstr::monitor {
namespace {

constexpr uint64_t kPhysAlign = 2ull << 20;  // CONFIG_PHYSICAL_ALIGN on x86-64 distro kernels
constexpr uint64_t kMaxReadBytes = 16ull << 20;

bool atomic_sized(uint64_t va, size_t len) {
  return (len == 1 || len == 2 || len == 4 || len == 8) && va % len == 0;
}

// Naturally aligned words are read and written in one access, as the
// kernel's READ_ONCE/WRITE_ONCE expect of the other side.
void copy_in(void* dst, const uint8_t* src, size_t len) {
  switch (len) {
    case 1: { uint8_t v = __atomic_load_n(src, __ATOMIC_ACQUIRE); std::memcpy(dst, &v, 1); return; }
    case 2: { uint16_t v = __atomic_load_n(reinterpret_cast<const uint16_t*>(src), __ATOMIC_ACQUIRE); std::memcpy(dst, &v, 2); return; }
    case 4: { uint32_t v = __atomic_load_n(reinterpret_cast<const uint32_t*>(src), __ATOMIC_ACQUIRE); std::memcpy(dst, &v, 4); return; }
    case 8: { uint64_t v = __atomic_load_n(reinterpret_cast<const uint64_t*>(src), __ATOMIC_ACQUIRE); std::memcpy(dst, &v, 8); return; }
  }
}

void copy_out(uint8_t* dst, const void* src, size_t len) {
  switch (len) {
    case 1: { uint8_t v; std::memcpy(&v, src, 1); __atomic_store_n(dst, v, __ATOMIC_RELEASE); return; }
    case 2: { uint16_t v; std::memcpy(&v, src, 2); __atomic_store_n(reinterpret_cast<uint16_t*>(dst), v, __ATOMIC_RELEASE); return; }
    case 4: { uint32_t v; std::memcpy(&v, src, 4); __atomic_store_n(reinterpret_cast<uint32_t*>(dst), v, __ATOMIC_RELEASE); return; }
    case 8: { uint64_t v; std::memcpy(&v, src, 8); __atomic_store_n(reinterpret_cast<uint64_t*>(dst), v, __ATOMIC_RELEASE); return; }
  }
}

}  // namespace

GuestKernel::GuestKernel(std::shared_ptr<const KernelImage> image, const PhysMemory& mem)
    : image_(std::move(image)), mem_(mem) {}

Expected<Ok> GuestKernel::attach() {
  const SymbolTable& syms = symbols();
  auto banner_va = syms.address("linux_banner");
  auto phys_base_va = syms.address("phys_base");
  auto pob_va = syms.address("page_offset_base");
  if (!banner_va || !phys_base_va || !pob_va)
    return unexpected("kernel symbols linux_banner, phys_base or page_offset_base missing");
  const std::string& banner = image_->banner;
  AddressLayout l;
  bool found = false;
  // The banner sits at PA = link VA - __START_KERNEL_map + delta, delta a
  // multiple of the physical alignment: 0 for a PVH boot (loaded where
  // linked), else wherever the decompressor put the kernel. With KASLR the
  // image also runs at a randomised virtual offset V, and the kernel's own
  // phys_base satisfies delta = V + phys_base (mod 2^64); a plausible V
  // (aligned, inside the 1 GiB image window) confirms the match.
  for (uint64_t cand = 0; cand < mem_.size() && !found; cand += kPhysAlign) {
    auto b = mem_.at(*banner_va - kStartKernelMap + cand, banner.size());
    if (b.empty() || std::memcmp(b.data(), banner.data(), banner.size()) != 0) continue;
    auto pb = mem_.at(*phys_base_va - kStartKernelMap + cand, 8);
    uint64_t v = 0;
    if (!pb.empty()) copy_in(&v, pb.data(), 8);
    uint64_t voff = cand - v;
    if (voff % kPhysAlign != 0 || voff >= kKernelImageSize) continue;
    // The kernel's own page tables must agree: under KASLR the image is
    // visible (decompressed, and at an intermediate place while the
    // decompressor moves it) before startup_64 has fixed up init_top_pgt
    // and phys_base, and attaching then would pin a wrong offset.
    if (auto pgt = syms.address("init_top_pgt")) {
      AddressLayout probe;
      probe.phys_base = v;
      probe.top_pgt_pa = *pgt + voff - kStartKernelMap + v;
      if (auto l5 = syms.address("__pgtable_l5_enabled")) {
        auto on = mem_.at(*l5 - kStartKernelMap + cand, 4);
        uint32_t x = 0;
        if (!on.empty()) copy_in(&x, on.data(), 4);
        probe.five_level = x != 0;
      }
      auto walked = AddressSpace(mem_, probe).walk(*banner_va + voff);
      if (!walked || *walked != *banner_va - kStartKernelMap + cand) continue;
    }
    l.phys_base = v;
    kaslr_offset_ = voff;
    found = true;
  }
  if (!found) return unexpected("kernel image not found in guest RAM (not loaded yet, or a different kernel)");
  if (auto end = syms.address("_end")) l.image_end = *end + kaslr_offset_;
  AddressSpace image_only(mem_, l);
  uint64_t pob = 0;
  std::string err;
  if (!image_only.read(*pob_va + kaslr_offset_, &pob, 8, &err)) return unexpected("page_offset_base: {}", err);
  if (auto l5 = syms.address("__pgtable_l5_enabled")) {
    uint32_t on = 0;
    if (image_only.read(*l5 + kaslr_offset_, &on, 4, &err)) l.five_level = on != 0;
  }
  l.page_offset_base = pob;
  // Canonical for the paging depth the guest runs (the decompressor turns
  // on 5-level paging where the CPU has LA57; a PVH boot stays 4-level).
  if (!AddressSpace(mem_, l).canonical(pob) || pob < (1ull << 63) || pob % (1ull << 30))
    return unexpected("page_offset_base {:#x} is not a plausible direct-map base", pob);
  if (auto pgt = syms.address("init_top_pgt")) {
    auto pa = image_only.to_phys(*pgt + kaslr_offset_);
    if (pa) l.top_pgt_pa = *pa;
  }
  space_.emplace(mem_, l);
  return Ok{};
}

void GuestKernel::refresh() {
  if (!space_) return;
  auto pob_va = address("page_offset_base");
  uint64_t pob = 0;
  if (!pob_va || !space_->read(*pob_va, &pob, 8, nullptr)) return;
  AddressLayout l = space_->layout();
  if (pob == l.page_offset_base || !space_->canonical(pob) || pob < (1ull << 63) || pob % (1ull << 30)) return;
  l.page_offset_base = pob;
  space_.emplace(mem_, l);
}

Expected<Ok> GuestKernel::load(uint64_t va, void* dst, size_t len) const {
  if (!space_) return unexpected("guest kernel not attached yet");
  if (atomic_sized(va, len)) {
    auto s = space_->span(va, len);
    if (!s) return Unexpected{s.error()};
    copy_in(dst, s->data(), len);
    return Ok{};
  }
  std::string err;
  if (!space_->read(va, dst, len, &err)) return Unexpected{err};
  return Ok{};
}

Expected<Ok> GuestKernel::store(uint64_t va, const void* src, size_t len) const {
  if (!space_) return unexpected("guest kernel not attached yet");
  if (atomic_sized(va, len)) {
    auto s = space_->span(va, len);
    if (!s) return Unexpected{s.error()};
    copy_out(s->data(), src, len);
    return Ok{};
  }
  std::string err;
  if (!space_->write(va, src, len, &err)) return Unexpected{err};
  return Ok{};
}

Expected<std::vector<uint8_t>> GuestKernel::read_bytes(uint64_t va, uint64_t len) const {
  if (len > kMaxReadBytes) return unexpected("refusing to read {} bytes at {:#x}", len, va);
  std::vector<uint8_t> out(len);
  if (len == 0) return out;
  if (auto r = load(va, out.data(), len); !r) return Unexpected{r.error()};
  return out;
}

Expected<std::string> GuestKernel::read_string(uint64_t va, size_t max) const {
  auto b = read_bytes(va, max);
  if (!b) return Unexpected{b.error()};
  size_t n = strnlen(reinterpret_cast<const char*>(b->data()), b->size());
  return std::string(reinterpret_cast<const char*>(b->data()), n);
}

Expected<uint64_t> GuestKernel::per_cpu(uint64_t sym_va, unsigned cpu) const {
  // Looked up once: BTF lookups by name are linear scans, far too slow
  // for every per-CPU read of every sample.
  if (!per_cpu_offsets_) {
    auto arr = image_->btf ? btf().var("__per_cpu_offset") : std::nullopt;
    per_cpu_len_ = arr ? arr->array_len : 0;
    per_cpu_offsets_ = symbols().address("__per_cpu_offset").value_or(0);
    if (!per_cpu_offsets_) return unexpected("kernel symbol __per_cpu_offset missing");
  }
  if (per_cpu_len_ && cpu >= per_cpu_len_)
    return unexpected("CPU {} is beyond __per_cpu_offset[{}]", cpu, per_cpu_len_);
  auto off = read<uint64_t>(per_cpu_offsets_ + kaslr_offset_ + uint64_t{cpu} * 8);
  if (!off) return Unexpected{off.error()};
  return sym_va + *off;  // unsigned arithmetic is the kernel's mod 2^64
}

std::optional<uint64_t> GuestKernel::address(std::string_view name) const {
  auto a = symbols().address(name);
  if (!a) return std::nullopt;
  return *a + kaslr_offset_;
}

Expected<uint64_t> GuestKernel::jiffies() const {
  auto va = address("jiffies_64");
  if (!va) return unexpected("kernel symbol jiffies_64 missing");
  return read<uint64_t>(*va);
}

}  // namespace ktstr::monitor
