#pragma once
// A tiny synthetic guest kernel in a host buffer: a banner, phys_base and
// page_offset_base where a SymbolTable says they are, so GuestKernel can
// attach to it without a real vmlinux.
#include <cstring>
#include <memory>
#include <string>

#include "monitor/guest_kernel.hpp"

namespace ktstr::monitor::test {

inline constexpr uint64_t kImageVa = kStartKernelMap + 0x1000000;  // PA 0x1000000, phys_base 0
inline constexpr uint64_t kDirect = 0xffff888000000000ull;
// Page-table entry bits: present, writable, huge page.
inline constexpr uint64_t kP = 1, kRw = 2, kPse = 1 << 7;

struct FakeKernel {
  BufferPhysMemory mem{48ull << 20};
  std::shared_ptr<SymbolTable> syms = std::make_shared<SymbolTable>();
  std::shared_ptr<KernelImage> img = std::make_shared<KernelImage>();

  FakeKernel() {
    img->banner = "Linux version 0.0-test";
    img->hz = 250;
    sym("linux_banner", 0x0);
    std::memcpy(pa(0x1000000), img->banner.c_str(), img->banner.size() + 1);
    sym("phys_base", 0x100);
    sym("page_offset_base", 0x108);
    put<uint64_t>(image_pa(0x108), kDirect);
    img->symbols = syms;
  }
  uint8_t* pa(uint64_t p) { return mem.bytes().data() + p; }
  static uint64_t image_pa(uint64_t off) { return 0x1000000 + off; }
  uint64_t sym(const std::string& name, uint64_t off) {
    syms->add(name, kImageVa + off, 'D');
    return kImageVa + off;
  }
  template <typename T>
  void put(uint64_t p, T v) { std::memcpy(pa(p), &v, sizeof v); }
  template <typename T>
  T get(uint64_t p) {
    T v;
    std::memcpy(&v, pa(p), sizeof v);
    return v;
  }
};

}  // namespace ktstr::monitor::test
