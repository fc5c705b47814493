#include "monitor/address_space.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "fake_guest.hpp"

using namespace ktstr::monitor;
using ktstr::monitor::test::kP;
using ktstr::monitor::test::kPse;

namespace {


// 64 MiB of fake RAM with hand-built 4-level tables for three mappings:
//   0xffffc90000001000 (4 KiB page)  → PA 0x200000
//   0xffffc90000002000 (4 KiB page)  → PA 0x100000  (not contiguous with the one above)
//   0xffffc90000200000 (2 MiB page)  → PA 0x400000
//   0xffffc90040000000 (1 GiB page)  → PA 0 (the table points beyond RAM for most of it)
struct FakeGuest {
  BufferPhysMemory mem{64ull << 20};
  AddressLayout l;
  void put(uint64_t pa, uint64_t v) { std::memcpy(mem.bytes().data() + pa, &v, 8); }
  FakeGuest() {
    l.phys_base = 0x1000000 - 0x1000000;  // linked where loaded
    l.page_offset_base = 0xffff888000000000ull;
    l.top_pgt_pa = 0x10000;
    uint64_t va = 0xffffc90000001000ull;
    put(0x10000 + ((va >> 39) & 511) * 8, 0x11000 | kP);
    put(0x11000 + ((va >> 30) & 511) * 8, 0x12000 | kP);
    put(0x12000 + ((va >> 21) & 511) * 8, 0x13000 | kP);
    put(0x13000 + ((va >> 12) & 511) * 8, 0x200000 | kP | (1ull << 63));  // NX must be ignored
    put(0x13000 + (((va + 0x1000) >> 12) & 511) * 8, 0x100000 | kP);
    uint64_t huge2m = 0xffffc90000200000ull;
    put(0x12000 + ((huge2m >> 21) & 511) * 8, 0x400000 | kP | kPse);
    uint64_t huge1g = 0xffffc90040000000ull;
    put(0x11000 + ((huge1g >> 30) & 511) * 8, 0x0 | kP | kPse);
  }
};

}  // namespace

TEST(AddressSpace, ImageAndDirectMapAreArithmetic) {
  FakeGuest g;
  g.l.phys_base = 0x200000;
  AddressSpace as(g.mem, g.l);
  EXPECT_EQ(*as.to_phys(0xffffffff81000000ull), 0x1200000u);
  EXPECT_EQ(*as.to_phys(0xffff888000123456ull), 0x123456u);
}

TEST(AddressSpace, WalksFourLevelTables) {
  FakeGuest g;
  AddressSpace as(g.mem, g.l);
  EXPECT_EQ(*as.to_phys(0xffffc90000001abcull), 0x200abcu);
  EXPECT_EQ(*as.to_phys(0xffffc90000002010ull), 0x100010u);
  EXPECT_EQ(*as.to_phys(0xffffc90000312345ull), 0x512345u);  // inside the 2 MiB page
  EXPECT_EQ(*as.to_phys(0xffffc90040123456ull), 0x123456u);  // 1 GiB page, inside RAM
}

TEST(AddressSpace, UnmappedAndOutOfRamAreErrors) {
  FakeGuest g;
  AddressSpace as(g.mem, g.l);
  auto r = as.to_phys(0xffffc90000003000ull);  // PTE empty
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("not mapped"), std::string::npos) << r.error();
  EXPECT_FALSE(as.to_phys(0xffffc90050000000ull));  // 1 GiB page past the end of RAM
  EXPECT_FALSE(as.to_phys(0xffff888100000000ull));  // direct map beyond RAM
  EXPECT_FALSE(as.to_phys(0x0000800000000000ull));  // non-canonical
  EXPECT_FALSE(as.to_phys(0xdead000000000000ull));  // non-canonical garbage
  EXPECT_FALSE(as.to_phys(0));                      // NULL: user half, no tables there
}

TEST(AddressSpace, GarbagePageTablePointersAreErrors) {
  FakeGuest g;
  uint64_t va = 0xffffc90000001000ull;
  // The PMD entry now points far outside guest RAM.
  g.put(0x12000 + ((va >> 21) & 511) * 8, 0x7ffffffff000ull | kP);
  AddressSpace as(g.mem, g.l);
  auto r = as.to_phys(va);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("outside guest RAM"), std::string::npos) << r.error();
}

TEST(AddressSpace, ReadsAndWritesCrossPagesPageByPage) {
  FakeGuest g;
  AddressSpace as(g.mem, g.l);
  std::memcpy(g.mem.bytes().data() + 0x200ffc, "ABCD", 4);
  std::memcpy(g.mem.bytes().data() + 0x100000, "EFGH", 4);
  char buf[8];
  std::string err;
  ASSERT_TRUE(as.read(0xffffc90000001ffcull, buf, 8, &err)) << err;
  EXPECT_EQ(std::string(buf, 8), "ABCDEFGH");
  // A single span may not cross into a different physical page.
  EXPECT_FALSE(as.span(0xffffc90000001ffcull, 8));
  ASSERT_TRUE(as.write(0xffffc90000001ffeull, "xyzw", 4, &err)) << err;
  EXPECT_EQ(std::string(reinterpret_cast<char*>(g.mem.bytes().data()) + 0x200ffe, 2), "xy");
  EXPECT_EQ(std::string(reinterpret_cast<char*>(g.mem.bytes().data()) + 0x100000, 2), "zw");
}

TEST(AddressSpace, FailedWriteWritesNothing) {
  FakeGuest g;
  AddressSpace as(g.mem, g.l);
  g.mem.bytes()[0x200fff] = 'q';
  std::string err;
  // Second page (0xffffc90000003000) is unmapped.
  EXPECT_FALSE(as.write(0xffffc90000002fffull, "ab", 2, &err));
  EXPECT_EQ(g.mem.bytes()[0x100fff], 0);
}

TEST(AddressSpace, FiveLevelWalk) {
  BufferPhysMemory mem(16ull << 20);
  auto put = [&](uint64_t pa, uint64_t v) { std::memcpy(mem.bytes().data() + pa, &v, 8); };
  AddressLayout l;
  l.five_level = true;
  l.top_pgt_pa = 0x1000;
  uint64_t va = 0xffa0000000005000ull;  // canonical with 57 bits, not with 48
  put(0x1000 + ((va >> 48) & 511) * 8, 0x2000 | kP);
  put(0x2000 + ((va >> 39) & 511) * 8, 0x3000 | kP);
  put(0x3000 + ((va >> 30) & 511) * 8, 0x4000 | kP);
  put(0x4000 + ((va >> 21) & 511) * 8, 0x5000 | kP);
  put(0x5000 + ((va >> 12) & 511) * 8, 0x800000 | kP);
  AddressSpace as(mem, l);
  EXPECT_EQ(*as.to_phys(va + 0x10), 0x800010u);
  AddressLayout four = l;
  four.five_level = false;
  EXPECT_FALSE(AddressSpace(mem, four).to_phys(va));
}
