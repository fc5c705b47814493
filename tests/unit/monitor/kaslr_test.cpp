// Attaching to a KASLR-randomised kernel in synthetic guest RAM: the image
// is found at a random physical place, its virtual offset derived from the
// guest's own phys_base and confirmed by a walk of its own page tables,
// and symbols are relocated by that offset.
#include <gtest/gtest.h>

#include <cstring>

#include "fake_guest.hpp"
#include "monitor/guest_kernel.hpp"

using namespace ktstr::monitor;
using ktstr::monitor::test::kP;
using ktstr::monitor::test::kPse;
using ktstr::monitor::test::kRw;

namespace {

constexpr uint64_t kLinkText = kStartKernelMap + 0x1000000;  // _text as linked (PA 16 MiB)
constexpr uint64_t kRandomDirect = 0xffff9a0000000000ull;          // a randomised direct map

struct KaslrGuest {
  BufferPhysMemory mem{96ull << 20};
  std::shared_ptr<SymbolTable> syms = std::make_shared<SymbolTable>();
  std::shared_ptr<KernelImage> img = std::make_shared<KernelImage>();
  uint64_t voff = 0x2a00000;   // virtual offset the decompressor chose
  uint64_t delta = 0x800000;   // physical: _text loaded at 16 MiB + 8 MiB
  uint64_t phys_base = 0;

  uint8_t* pa(uint64_t p) { return mem.bytes().data() + p; }
  template <typename T>
  void put(uint64_t p, T v) { std::memcpy(pa(p), &v, sizeof v); }
  uint64_t sym(const std::string& name, uint64_t off) {
    syms->add(name, kLinkText + off, 'D');
    return off;
  }
  // Physical address of image offset `off` where the kernel really is.
  uint64_t image_pa(uint64_t off) const { return 0x1000000 + delta + off; }

  KaslrGuest() {
    phys_base = delta - voff;  // wraps: the kernel's own arithmetic is mod 2^64
    img->banner = "Linux version 9.9-kaslr";
    img->hz = 250;
    sym("linux_banner", 0x0);
    sym("phys_base", 0x100);
    sym("page_offset_base", 0x108);
    sym("jiffies_64", 0x110);
    sym("__per_cpu_offset", 0x200);
    sym("init_top_pgt", 0x3000);
    sym("__pgtable_l5_enabled", 0x120);
    img->symbols = syms;
    place_image(delta, phys_base);
  }

  void place_image(uint64_t d, uint64_t pb) {
    uint64_t base = 0x1000000 + d;
    std::memcpy(pa(base), img->banner.c_str(), img->banner.size() + 1);
    put<uint64_t>(base + 0x100, pb);
    put<uint64_t>(base + 0x108, kRandomDirect);
    put<uint64_t>(base + 0x110, 123456);
  }

  // The kernel's page tables after startup_64 fixed them up: the image's
  // runtime VA (link + voff) maps to where it was loaded, 2 MiB pages.
  // With 5-level paging (the decompressor enables it where the CPU has
  // LA57) the top table is a PML5 and the direct map sits higher.
  void build_page_tables(bool five_level = false) {
    uint64_t top = image_pa(0x3000);
    uint64_t pud = 0x100000, pmd = 0x101000, p4d = 0x102000;
    uint64_t va = kLinkText + voff;
    if (five_level) {
      put<uint32_t>(image_pa(0x120), 1);
      put<uint64_t>(image_pa(0x108), 0xff11000000000000ull);
      put<uint64_t>(top + ((va >> 48) & 511) * 8, p4d | kP | kRw);
      top = p4d;
    }
    put<uint64_t>(top + ((va >> 39) & 511) * 8, pud | kP | kRw);
    put<uint64_t>(pud + ((va >> 30) & 511) * 8, pmd | kP | kRw);
    for (uint64_t i = 0; i < 8; ++i)
      put<uint64_t>(pmd + (((va >> 21) + i) & 511) * 8, (image_pa(0) + (i << 21)) | kP | kRw | kPse);
  }
};

}  // namespace

TEST(Kaslr, FindsTheRandomisedImageAndRelocatesSymbols) {
  KaslrGuest g;
  g.build_page_tables();
  GuestKernel k(g.img, g.mem);
  ASSERT_TRUE(k.attach().ok());
  EXPECT_EQ(k.kaslr_offset(), g.voff);
  EXPECT_EQ(k.space().layout().phys_base, g.phys_base);
  EXPECT_EQ(k.space().layout().page_offset_base, kRandomDirect);
  EXPECT_EQ(*k.address("jiffies_64"), kLinkText + 0x110 + g.voff);
  EXPECT_EQ(*k.jiffies(), 123456u);
  // A read at the link-time address is not the variable (it is unmapped
  // or some other byte): everything must go through address().
  EXPECT_NE(k.read<uint64_t>(kLinkText + 0x110).value_or(0), 123456u);
}

TEST(Kaslr, WaitsForTheKernelToFixUpItsPageTables) {
  // Decompressed but before startup_64: the banner is there, the page
  // tables do not map the runtime address yet.
  KaslrGuest g;
  GuestKernel k(g.img, g.mem);
  auto r = k.attach();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("not found"), std::string::npos);
  g.build_page_tables();
  ASSERT_TRUE(k.attach().ok());
  EXPECT_EQ(k.kaslr_offset(), g.voff);
}

TEST(Kaslr, IgnoresAStaleCopyOfTheImage) {
  // The decompressor's output buffer may still hold an unrelocated copy
  // (phys_base 0) lower in RAM; it looks like a kernel loaded at its link
  // address, but the page tables say otherwise.
  KaslrGuest g;
  g.delta = 0x2800000;  // the real one, above the decoy
  g.phys_base = g.delta - g.voff;
  g.place_image(g.delta, g.phys_base);
  g.place_image(0x400000, 0x400000);  // decoy: looks like a plain relocation by 4 MiB
  g.build_page_tables();
  GuestKernel k(g.img, g.mem);
  ASSERT_TRUE(k.attach().ok());
  EXPECT_EQ(k.kaslr_offset(), g.voff);
  EXPECT_EQ(k.space().layout().phys_base, g.phys_base);
}

TEST(Kaslr, FiveLevelPagingAndItsDirectMap) {
  KaslrGuest g;
  g.build_page_tables(/*five_level=*/true);
  GuestKernel k(g.img, g.mem);
  auto r = k.attach();
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE(k.space().layout().five_level);
  EXPECT_EQ(k.space().layout().page_offset_base, 0xff11000000000000ull);  // canonical only with 57 bits
  EXPECT_EQ(k.kaslr_offset(), g.voff);
  EXPECT_EQ(*k.jiffies(), 123456u);
}
