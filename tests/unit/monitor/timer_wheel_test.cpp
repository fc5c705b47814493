#include "monitor/timer_wheel.hpp"

#include <gtest/gtest.h>

#include "fake_guest.hpp"

using namespace ktstr::monitor;
using namespace ktstr::monitor::test;

TEST(TimerWheel, CalcWheelIndexMatchesTheKernel) {
  uint64_t be = 0;
  // Level 0: granularity 1, bucket of expires+1.
  EXPECT_EQ(calc_wheel_index(1000, 1000, 9, &be), (1001u & 63));
  EXPECT_EQ(be, 1001u);
  // 15 s at HZ=250 (the watchdog's default arming): level 2, 64-jiffy buckets.
  unsigned idx = calc_wheel_index(1000 + 3750, 1000, 9, &be);
  EXPECT_EQ(idx / 64, 2u);
  EXPECT_EQ(be, ((4750u >> 6) + 1) << 6);
  EXPECT_GE(be, 4750u);
  // Already expired: the current bucket.
  EXPECT_EQ(calc_wheel_index(990, 1000, 9, &be), (1000u & 63));
  EXPECT_EQ(be, 1000u);
  // Beyond the wheel: capped at the last level.
  EXPECT_EQ(calc_wheel_index(1000 + (1ull << 40), 1000, 9, &be) / 64, 8u);
}

namespace {

// Two CPUs' timer bases in fake RAM, hand-laid-out, and a delayed work's
// timer queued 15 s out on CPU 0 with a neighbour behind it in its bucket.
struct FakeWheel : FakeKernel {
  TimerWheelLayout l;
  uint64_t base_pa[2] = {0x400000, 0x500000};
  uint64_t timer_pa = 0x600000, other_pa = 0x600100;
  uint64_t timer_va = kDirect + 0x600000, other_va = kDirect + 0x600100;
  uint64_t fn = 0xffffffff81234560ull;
  uint64_t jiffies = 100000;
  unsigned old_idx = 0;
  std::unique_ptr<GuestKernel> k;

  FakeWheel() {
    l.nr_bases = 3;
    l.lock = 0, l.running_timer = 8, l.clk = 16, l.next_expiry = 24, l.next_expiry_recalc = 36, l.is_idle = 37,
    l.timers_pending = 38, l.pending_map = 40, l.vectors = 112, l.depth = 9;
    l.base_size = 112 + 576 * 8;
    l.entry = 0, l.node_next = 0, l.node_pprev = 8, l.expires = 16, l.function = 24, l.flags = 32;
    l.timer_bases = sym("timer_bases", 0x10000);
    l.nr_cpu_ids = sym("nr_cpu_ids", 0x118);
    l.cpu_online_mask = sym("__cpu_online_mask", 0x120);
    sym("jiffies_64", 0x110);
    sym("__per_cpu_offset", 0x200);
    put<uint64_t>(image_pa(0x110), jiffies);
    put<uint32_t>(image_pa(0x118), 2);
    put<uint64_t>(image_pa(0x120), 0b11);
    for (int c = 0; c < 2; ++c) {
      put<uint64_t>(image_pa(0x200 + 8 * c), (kDirect + base_pa[c]) - l.timer_bases);
      for (int b = 0; b < 3; ++b) {
        uint64_t base = base_pa[c] + b * l.base_size;
        put<uint64_t>(base + l.clk, jiffies);
        put<uint64_t>(base + l.next_expiry, jiffies + 100000);
      }
    }
    uint64_t be;
    old_idx = calc_wheel_index(jiffies + 3750, jiffies, 9, &be);
    uint64_t g0 = global(0);
    put<uint64_t>(g0 + l.next_expiry, be);
    put<uint8_t>(g0 + l.timers_pending, 1);
    put<uint8_t>(g0 + l.is_idle, 1);  // CPU 0 sleeps; CPU 1 ticks
    put<uint64_t>(g0 + l.pending_map + (old_idx / 64) * 8, 1ull << (old_idx % 64));
    uint64_t head_va = kDirect + g0 + l.vectors + old_idx * 8;
    put<uint64_t>(g0 + l.vectors + old_idx * 8, timer_va);
    put<uint64_t>(timer_pa + 0, other_va);
    put<uint64_t>(timer_pa + 8, head_va);
    put<uint64_t>(timer_pa + 16, jiffies + 3750);
    put<uint64_t>(timer_pa + 24, fn);
    put<uint32_t>(timer_pa + 32, (old_idx << kTimerArrayShift) | 0u);
    put<uint64_t>(other_pa + 0, 0);
    put<uint64_t>(other_pa + 8, timer_va);  // &timer->entry.next
    put<uint32_t>(other_pa + 32, (old_idx << kTimerArrayShift) | 0u);
    k = std::make_unique<GuestKernel>(img, mem);
    EXPECT_TRUE(k->attach().ok());
  }
  uint64_t global(int cpu) const { return base_pa[cpu] + 1 * l.base_size; }
};

}  // namespace

TEST(TimerWheel, PullMovesTheTimerToAnAwakeCpuDueNow) {
  FakeWheel w;
  auto r = pull_timer_now(*w.k, w.l, w.timer_va, w.fn);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->from_cpu, 0u);
  EXPECT_EQ(r->to_cpu, 1u);
  EXPECT_EQ(r->new_expires, w.jiffies);
  EXPECT_EQ(r->bucket_expiry, w.jiffies + 1);
  // Old bucket: only the neighbour is left, correctly back-linked, still pending.
  uint64_t g0 = w.global(0);
  EXPECT_EQ(w.get<uint64_t>(g0 + w.l.vectors + w.old_idx * 8), w.other_va);
  EXPECT_EQ(w.get<uint64_t>(w.other_pa + 8), kDirect + g0 + w.l.vectors + w.old_idx * 8);
  EXPECT_NE(w.get<uint64_t>(g0 + w.l.pending_map + (w.old_idx / 64) * 8) & (1ull << (w.old_idx % 64)), 0u);
  // New bucket on CPU 1.
  uint64_t g1 = w.global(1);
  unsigned ni = (w.jiffies + 1) & 63;
  EXPECT_EQ(w.get<uint64_t>(g1 + w.l.vectors + ni * 8), w.timer_va);
  EXPECT_EQ(w.get<uint64_t>(w.timer_pa + 8), kDirect + g1 + w.l.vectors + ni * 8);
  EXPECT_EQ(w.get<uint64_t>(w.timer_pa + 0), 0u);
  EXPECT_NE(w.get<uint64_t>(g1 + w.l.pending_map) & (1ull << ni), 0u);
  EXPECT_EQ(w.get<uint32_t>(w.timer_pa + 32), (ni << kTimerArrayShift) | 1u);
  EXPECT_EQ(w.get<uint64_t>(w.timer_pa + 16), w.jiffies);
  EXPECT_EQ(w.get<uint64_t>(g1 + w.l.next_expiry), w.jiffies + 1);
  EXPECT_EQ(w.get<uint8_t>(g1 + w.l.timers_pending), 1);
}

TEST(TimerWheel, LastTimerLeavingABucketClearsItsPendingBit) {
  FakeWheel w;
  // Make our timer the only one in its bucket.
  w.put<uint64_t>(w.timer_pa + 0, 0);
  auto r = pull_timer_now(*w.k, w.l, w.timer_va, w.fn);
  ASSERT_TRUE(r.ok()) << r.error();
  uint64_t g0 = w.global(0);
  EXPECT_EQ(w.get<uint64_t>(g0 + w.l.vectors + w.old_idx * 8), 0u);
  EXPECT_EQ(w.get<uint64_t>(g0 + w.l.pending_map + (w.old_idx / 64) * 8) & (1ull << (w.old_idx % 64)), 0u);
  EXPECT_EQ(w.get<uint8_t>(g0 + w.l.next_expiry_recalc), 1);
}

TEST(TimerWheel, StaysOnItsCpuWhenThatOneIsAwake) {
  FakeWheel w;
  w.put<uint8_t>(w.global(0) + w.l.is_idle, 0);
  auto r = pull_timer_now(*w.k, w.l, w.timer_va, w.fn);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->to_cpu, 0u);
  unsigned ni = (w.jiffies + 1) & 63;
  EXPECT_EQ(w.get<uint64_t>(w.global(0) + w.l.vectors + ni * 8), w.timer_va);
  EXPECT_EQ(w.get<uint64_t>(w.global(0) + w.l.next_expiry), w.jiffies + 1);
}

TEST(TimerWheel, RefusesWhenItCannotBeSure) {
  {
    FakeWheel w;
    w.put<uint32_t>(w.global(0) + w.l.lock, 1);  // someone holds the base lock
    auto before = w.mem.bytes();
    EXPECT_FALSE(pull_timer_now(*w.k, w.l, w.timer_va, w.fn).ok());
    EXPECT_EQ(before, w.mem.bytes());
  }
  {
    FakeWheel w;
    auto before = w.mem.bytes();
    EXPECT_FALSE(pull_timer_now(*w.k, w.l, w.timer_va, w.fn + 1).ok());  // not the timer we think
    EXPECT_EQ(before, w.mem.bytes());
  }
  {
    FakeWheel w;
    w.put<uint64_t>(w.global(0) + w.l.vectors + w.old_idx * 8, w.other_va);  // not in its bucket
    auto before = w.mem.bytes();
    EXPECT_FALSE(pull_timer_now(*w.k, w.l, w.timer_va, w.fn).ok());
    EXPECT_EQ(before, w.mem.bytes());
  }
  {
    FakeWheel w;
    w.put<uint64_t>(w.timer_pa + 8, 0);  // not pending
    EXPECT_FALSE(pull_timer_now(*w.k, w.l, w.timer_va, w.fn).ok());
  }
  {
    FakeWheel w;
    w.put<uint64_t>(w.timer_pa + 8, 0xdeadbeefdeadbeefull);  // garbage pprev
    auto before = w.mem.bytes();
    EXPECT_FALSE(pull_timer_now(*w.k, w.l, w.timer_va, w.fn).ok());
    EXPECT_EQ(before, w.mem.bytes());
  }
}
