#include "monitor/guest_kernel.hpp"

#include <gtest/gtest.h>

#include "fake_guest.hpp"

using namespace ktstr::monitor;
using namespace ktstr::monitor::test;

TEST(GuestKernel, AttachFindsImageAndReadsLayout) {
  FakeKernel f;
  GuestKernel k(f.img, f.mem);
  ASSERT_TRUE(k.attach().ok());
  EXPECT_EQ(k.space().layout().phys_base, 0u);
  EXPECT_EQ(k.space().layout().page_offset_base, kDirect);
}

TEST(GuestKernel, AttachFailsUntilTheImageIsThere) {
  FakeKernel f;
  f.pa(0x1000000)[0] = 0;  // "not loaded yet"
  GuestKernel k(f.img, f.mem);
  auto r = k.attach();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("not found"), std::string::npos);
  EXPECT_FALSE(k.read<uint64_t>(kImageVa).ok());  // reads fail cleanly before attach
}

TEST(GuestKernel, FindsARelocatedImage) {
  FakeKernel f;
  // Move the "image" up by 4 MiB and tell the guest's phys_base so.
  uint64_t shift = 4ull << 20;
  std::memmove(f.pa(0x1000000 + shift), f.pa(0x1000000), 0x200);
  std::memset(f.pa(0x1000000), 0, 0x200);
  f.put<uint64_t>(0x1000000 + shift + 0x100, shift);
  GuestKernel k(f.img, f.mem);
  ASSERT_TRUE(k.attach().ok());
  EXPECT_EQ(k.space().layout().phys_base, shift);
}

TEST(GuestKernel, TypedReadsAndWrites) {
  FakeKernel f;
  GuestKernel k(f.img, f.mem);
  ASSERT_TRUE(k.attach().ok());
  ASSERT_TRUE(k.write<uint64_t>(kDirect + 0x300000, 0x1122334455667788ull).ok());
  EXPECT_EQ(f.get<uint64_t>(0x300000), 0x1122334455667788ull);
  EXPECT_EQ(*k.read<uint32_t>(kDirect + 0x300004), 0x11223344u);
  struct Pair {
    uint32_t a, b;
  };
  auto p = k.read<Pair>(kDirect + 0x300000);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->b, 0x11223344u);
  std::memcpy(f.pa(0x300100), "comm\0junk", 9);
  EXPECT_EQ(*k.read_string(kDirect + 0x300100, 16), "comm");
}

TEST(GuestKernel, GarbagePointersGiveErrorsNotCrashes) {
  FakeKernel f;
  GuestKernel k(f.img, f.mem);
  ASSERT_TRUE(k.attach().ok());
  for (uint64_t bad : {0ull, 0x10ull, 0xdeadbeefdeadbeefull, 0xffff888100000000ull, 0xffffffffffffffffull,
                       0x6b6b6b6b6b6b6b6bull /* slab poison */, kDirect + (48ull << 20) - 4}) {
    EXPECT_FALSE(k.read<uint64_t>(bad).ok()) << std::hex << bad;
    EXPECT_FALSE(k.write<uint64_t>(bad, 1).ok()) << std::hex << bad;
  }
  EXPECT_FALSE(k.read_bytes(kDirect, 1ull << 40).ok());  // absurd length from the guest
  EXPECT_FALSE(k.read_bytes(0xfffffffffffffff0ull, 64).ok());  // wraps
}

TEST(GuestKernel, PerCpuAddresses) {
  FakeKernel f;
  uint64_t offsets = f.sym("__per_cpu_offset", 0x200);
  uint64_t var = f.sym("runqueues", 0x10000);
  // CPU 1's copy lives at direct-map PA 0x500000: offset wraps mod 2^64.
  f.put<uint64_t>(FakeKernel::image_pa(0x208), (kDirect + 0x500000) - var);
  GuestKernel k(f.img, f.mem);
  ASSERT_TRUE(k.attach().ok());
  EXPECT_EQ(*k.per_cpu(var, 1), kDirect + 0x500000);
  (void)offsets;
}

TEST(GuestKernel, RefreshFollowsAMovedDirectMap) {
  FakeKernel f;
  GuestKernel k(f.img, f.mem);
  ASSERT_TRUE(k.attach().ok());
  f.put<uint64_t>(FakeKernel::image_pa(0x108), 0xffff9a4000000000ull);  // moved by early boot
  k.refresh();
  EXPECT_EQ(k.space().layout().page_offset_base, 0xffff9a4000000000ull);
  f.put<uint64_t>(FakeKernel::image_pa(0x108), 0x1234);  // garbage is ignored
  k.refresh();
  EXPECT_EQ(k.space().layout().page_offset_base, 0xffff9a4000000000ull);
}
