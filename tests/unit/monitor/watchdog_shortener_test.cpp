#include "monitor/watchdog_shortener.hpp"

#include <gtest/gtest.h>

#include "fake_guest.hpp"

#include <cstring>

#include "real_kernel.hpp"

using namespace ktstr::monitor;
using ktstr::monitor::test::kDirect;
using ktstr::monitor::test::kImageVa;

namespace {


// The real kernel's BTF (struct layouts) with a made-up symbol table that
// places the watchdog's variables in a small fake guest RAM.
struct FakeScx {
  ktstr::vm::GuestMemory mem{64ull << 20};
  ktstr::vm::MemoryOnlyControl vm{mem};
  std::shared_ptr<KernelImage> img = std::make_shared<KernelImage>();
  std::shared_ptr<SymbolTable> syms = std::make_shared<SymbolTable>();
  uint64_t sch_pa = 0x200000, sch = kDirect + 0x200000;
  uint64_t timeout_off = 0, exit_off = 0, timer_expires = 0, timer_pprev = 0;
  uint64_t jiffies = 5000;

  template <typename T>
  void put_pa(uint64_t pa, T v) { std::memcpy(mem.at(pa, sizeof v).data(), &v, sizeof v); }
  template <typename T>
  T get_pa(uint64_t pa) {
    T v;
    std::memcpy(&v, mem.at(pa, sizeof v).data(), sizeof v);
    return v;
  }
  uint64_t sym(const char* name, uint64_t off) {
    syms->add(name, kImageVa + off, 'D');
    return 0x1000000 + off;  // its PA
  }
  template <typename T>
  void put(const char* name, T v) { put_pa(0x1000000 + (syms->require(name) - kImageVa), v); }
  template <typename T>
  T get(const char* name) { return get_pa<T>(0x1000000 + (syms->require(name) - kImageVa)); }

  explicit FakeScx(const std::filesystem::path& vmlinux) {
    img->btf = BtfTypes::load(vmlinux);
    img->hz = 250;
    img->banner = "Linux version fake";
    std::memcpy(mem.at(sym("linux_banner", 0), 32).data(), img->banner.c_str(), img->banner.size() + 1);
    sym("phys_base", 0x100);
    put_pa(sym("page_offset_base", 0x108), kDirect);
    sym("jiffies_64", 0x110);
    sym("scx_root", 0x120);
    sym("scx_enable_state_var", 0x128);
    sym("scx_enable_seq", 0x130);
    sym("scx_watchdog_timestamp", 0x138);
    sym("scx_watchdog_interval", 0x140);
    sym("nr_cpu_ids", 0x148);
    sym("__cpu_online_mask", 0x150);
    sym("__per_cpu_offset", 0x200);
    sym("timer_bases", 0x10000);
    sym("scx_watchdog_work", 0x1000);
    syms->add("delayed_work_timer_fn", 0xffffffff81111110ull, 'T');
    img->symbols = syms;
    const BtfTypes& b = *img->btf;
    timeout_off = b.offset_of("scx_sched.watchdog_timeout");
    exit_off = b.offset_of("scx_sched.exit_kind");
    uint64_t timer = 0x1000000 + 0x1000 + b.offset_of("delayed_work.timer");
    timer_expires = timer + b.offset_of("timer_list.expires");
    timer_pprev = timer + b.offset_of("timer_list.entry") + b.offset_of("hlist_node.pprev");
    // An enabled scheduler with the default 30 s timeout, work armed 15 s out.
    put("jiffies_64", jiffies);
    put<uint64_t>("scx_root", sch);
    put<int32_t>("scx_enable_state_var", 1);  // SCX_ENABLED
    put<uint64_t>("scx_watchdog_interval", 3750);
    put<uint64_t>("scx_watchdog_timestamp", jiffies);
    put_pa<uint64_t>(sch_pa + timeout_off, 7500);
    put_pa<uint64_t>(timer_expires, jiffies + 3750);
    put_pa<uint64_t>(timer_pprev, kDirect + 0x300000);  // "pending"
  }
  void advance(uint64_t dj) { put("jiffies_64", jiffies += dj); }
};

std::vector<std::string> kinds(const WatchdogShortener& w) {
  std::vector<std::string> out;
  for (const auto& e : w.events()) out.push_back(e.kind);
  return out;
}

}  // namespace

TEST(WatchdogShortener, ShortensThenKeepsTheTickCheckFedUntilTheKernelChecksIn) {
  KTSTR_REQUIRE_REAL_VMLINUX(vmlinux);
  FakeScx f(vmlinux);
  WatchdogShortener w(f.img, std::chrono::seconds(4));
  w.on_start(f.vm);
  w.on_tick(f.vm);
  EXPECT_EQ(f.get_pa<uint64_t>(f.sch_pa + f.timeout_off), 1000u);  // 4 s at HZ=250
  EXPECT_EQ(f.get<uint64_t>("scx_watchdog_interval"), 500u);
  EXPECT_EQ(f.get<uint64_t>("scx_watchdog_timestamp"), f.jiffies);
  // No QEMU to pause in a unit test: the pull is reported impossible.
  EXPECT_EQ(kinds(w), (std::vector<std::string>{"attached", "shortened", "pull_failed"}));

  f.advance(25);  // 100 ms later: timestamp refreshed
  w.on_tick(f.vm);
  EXPECT_EQ(f.get<uint64_t>("scx_watchdog_timestamp"), f.jiffies);

  // The kernel's work ran and re-armed itself with our interval.
  f.advance(25);
  f.put("scx_watchdog_timestamp", f.jiffies);
  f.put_pa<uint64_t>(f.timer_expires, f.jiffies + 500);
  w.on_tick(f.vm);
  EXPECT_EQ(kinds(w).back(), "checked_in");
  f.advance(100);
  w.on_tick(f.vm);
  EXPECT_EQ(f.get<uint64_t>("scx_watchdog_timestamp"), f.jiffies - 100);  // hands off now
}

TEST(WatchdogShortener, NeverLengthensAndLeavesExitingSchedulersAlone) {
  KTSTR_REQUIRE_REAL_VMLINUX(vmlinux);
  {
    FakeScx f(vmlinux);
    f.put_pa<uint64_t>(f.sch_pa + f.timeout_off, 750);  // the scheduler asked for 3 s
    WatchdogShortener w(f.img, std::chrono::seconds(4));
    w.on_start(f.vm);
    w.on_tick(f.vm);
    EXPECT_EQ(f.get_pa<uint64_t>(f.sch_pa + f.timeout_off), 750u);
    EXPECT_EQ(kinds(w), (std::vector<std::string>{"attached", "kept"}));
  }
  {
    FakeScx f(vmlinux);
    f.put_pa<int32_t>(f.sch_pa + f.exit_off, 1026);  // SCX_EXIT_ERROR_STALL in progress
    WatchdogShortener w(f.img, std::chrono::seconds(4));
    w.on_start(f.vm);
    w.on_tick(f.vm);
    EXPECT_EQ(f.get_pa<uint64_t>(f.sch_pa + f.timeout_off), 7500u);
    EXPECT_TRUE(w.events().empty());
  }
}

TEST(WatchdogShortener, ReResolvesEveryNewSchedulerInstance) {
  KTSTR_REQUIRE_REAL_VMLINUX(vmlinux);
  FakeScx f(vmlinux);
  WatchdogShortener w(f.img, std::chrono::seconds(4));
  w.on_start(f.vm);
  w.on_tick(f.vm);
  // Detach, then a new scheduler at a different address.
  f.put<uint64_t>("scx_root", 0);
  f.put<int32_t>("scx_enable_state_var", 3);
  f.advance(25);
  w.on_tick(f.vm);
  uint64_t sch2_pa = 0x280000;
  f.put<uint64_t>("scx_root", kDirect + sch2_pa);
  f.put<int32_t>("scx_enable_state_var", 0);  // SCX_ENABLING
  f.put_pa<uint64_t>(sch2_pa + f.timeout_off, 7500);
  f.advance(25);
  w.on_tick(f.vm);
  EXPECT_EQ(f.get_pa<uint64_t>(sch2_pa + f.timeout_off), 1000u);
  // And one reusing the same address (freed and reallocated).
  f.put_pa<uint64_t>(sch2_pa + f.timeout_off, 7500);
  f.advance(25);
  w.on_tick(f.vm);
  EXPECT_EQ(f.get_pa<uint64_t>(sch2_pa + f.timeout_off), 1000u);
  int attached = 0;
  for (auto& k : kinds(w)) attached += k == "attached";
  EXPECT_EQ(attached, 3);
  EXPECT_NE(std::find(kinds(w).begin(), kinds(w).end(), "detached"), kinds(w).end());
}

TEST(WatchdogShortener, GarbageRootPointerIsAnErrorNotACrash) {
  KTSTR_REQUIRE_REAL_VMLINUX(vmlinux);
  FakeScx f(vmlinux);
  f.put<uint64_t>("scx_root", 0xdead4ead00000000ull);
  WatchdogShortener w(f.img, std::chrono::seconds(4));
  w.on_start(f.vm);
  w.on_tick(f.vm);
  w.on_tick(f.vm);
  ASSERT_EQ(w.events().size(), 1u);  // reported once
  EXPECT_EQ(w.events()[0].kind, "error");
}

TEST(WatchdogShortener, UnavailableKernelIsRecordedNotThrown) {
  auto w = WatchdogShortener::create("/nonexistent/vmlinux", 250, std::chrono::seconds(4));
  ktstr::vm::GuestMemory mem(16ull << 20);
  ktstr::vm::MemoryOnlyControl vm(mem);
  w->on_start(vm);
  w->on_tick(vm);
  ASSERT_EQ(w->events().size(), 1u);
  EXPECT_EQ(w->events()[0].kind, "unavailable");
}

TEST(WatchdogShortener, JiffiesConversionsRoundLikeTheKernel) {
  EXPECT_EQ(msecs_to_jiffies(4000, 250), 1000u);
  EXPECT_EQ(msecs_to_jiffies(4001, 250), 1001u);  // up, never down
  EXPECT_EQ(msecs_to_jiffies(1, 250), 1u);
  EXPECT_EQ(jiffies_to_msecs(7500, 250), 30000u);
}

TEST(WatchdogShortener, WithoutRefreshTheTimestampGoesStale) {
  // What the refresh step prevents: with the work still armed 15 s out, the
  // timestamp would age past the new 4 s timeout and scx_tick() would eject
  // a healthy scheduler ("watchdog failed to check in", measured in a VM).
  KTSTR_REQUIRE_REAL_VMLINUX(vmlinux);
  FakeScx f(vmlinux);
  WatchdogShortener w(f.img, std::chrono::seconds(4));
  w.set_options({.pull_timer = false, .refresh_timestamp = false});
  w.on_start(f.vm);
  w.on_tick(f.vm);
  uint64_t written = f.get<uint64_t>("scx_watchdog_timestamp");
  f.advance(1001);
  w.on_tick(f.vm);
  EXPECT_EQ(f.get<uint64_t>("scx_watchdog_timestamp"), written);
  EXPECT_GT(f.jiffies - written, f.get_pa<uint64_t>(f.sch_pa + f.timeout_off));
}
