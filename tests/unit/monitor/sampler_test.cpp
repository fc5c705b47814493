// The sampler on a synthetic memory image laid out with the real kernel's
// struct layouts (its BTF, found through ktstr's kernel discovery): per-CPU
// run queues, a sched_ext root with per-CPU event counters, and a run
// queue's list of waiting tasks. Also checks that every field the monitor
// needs resolves on the real kernel, so a kernel bump that renames one
// shows up here rather than as a silently disabled check.
#include "monitor/sampler.hpp"

#include <bpf/btf.h>
#include <gtest/gtest.h>

#include "fake_guest.hpp"

#include <cstring>

#include "real_kernel.hpp"

using namespace ktstr::monitor;
using ktstr::monitor::test::kDirect;
using ktstr::monitor::test::kImageVa;

namespace {

constexpr unsigned kCpus = 4;

struct FakeRq {
  BufferPhysMemory mem{64ull << 20};
  std::shared_ptr<KernelImage> img = std::make_shared<KernelImage>();
  std::shared_ptr<SymbolTable> syms = std::make_shared<SymbolTable>();
  const BtfTypes* b = nullptr;
  uint64_t rq_stride = 0;
  static constexpr uint64_t kRqPa = 0x400000, kSchPa = 0x300000, kPcpuPa = 0x600000, kTaskPa = 0x800000;

  template <typename T>
  void put(uint64_t pa, T v) { std::memcpy(mem.bytes().data() + pa, &v, sizeof v); }
  uint64_t sym(const char* name, uint64_t off) {
    syms->add(name, kImageVa + off, 'D');
    return 0x1000000 + off;
  }
  uint64_t off(const char* path) { return b->offset_of(path); }
  uint64_t rq_pa(unsigned cpu) const { return kRqPa + cpu * rq_stride; }
  uint64_t task_pa(unsigned i) const { return kTaskPa + i * 0x4000; }

  explicit FakeRq(const std::filesystem::path& vmlinux) {
    img->btf = BtfTypes::load(vmlinux);
    b = img->btf.get();
    img->hz = 250;
    img->banner = "Linux version fake-rq";
    std::memcpy(mem.bytes().data() + sym("linux_banner", 0), img->banner.c_str(), img->banner.size() + 1);
    sym("phys_base", 0x100);
    put(sym("page_offset_base", 0x108), kDirect);
    put<uint64_t>(sym("jiffies_64", 0x110), 77777);
    uint64_t pco = sym("__per_cpu_offset", 0x200);
    uint64_t runqueues = kImageVa + 0x20000;
    syms->add("runqueues", runqueues, 'D');
    put<uint64_t>(sym("__cpu_online_mask", 0x300), 0xf);
    put<uint32_t>(sym("nr_cpu_ids", 0x310), kCpus);
    put<int32_t>(sym("scx_enable_state_var", 0x320), 1);  // SCX_ENABLED
    put<uint64_t>(sym("scx_root", 0x328), kDirect + kSchPa);
    put<int64_t>(sym("scx_enable_seq", 0x330), 3);
    img->symbols = syms;

    rq_stride = (b->size_of("rq") + 4095) & ~4095ull;
    for (unsigned c = 0; c < kCpus; ++c)
      put<uint64_t>(pco + c * 8, (kDirect + rq_pa(c)) - runqueues);  // runqueues + off = CPU c's rq
    // scx_sched.pcpu: a per-CPU pointer P; P + off(c) = CPU c's scx_sched_pcpu.
    uint64_t P = kDirect + kPcpuPa - (kDirect + rq_pa(0) - runqueues);
    put<uint64_t>(kSchPa + off("scx_sched.pcpu"), P);
    for (unsigned c = 0; c < kCpus; ++c) {
      uint64_t pcpu_pa = kPcpuPa + (rq_pa(c) - rq_pa(0));
      uint64_t ev = pcpu_pa + off("scx_sched_pcpu.event_stats");
      put<int64_t>(ev + off("scx_event_stats.SCX_EV_SELECT_CPU_FALLBACK"), 10 * (c + 1));
      put<int64_t>(ev + off("scx_event_stats.SCX_EV_DISPATCH_KEEP_LAST"), 1);
    }
    // Every CPU: one running task, clock c * 1e9, empty waiting list.
    for (unsigned c = 0; c < kCpus; ++c) {
      uint64_t rq = rq_pa(c);
      put<uint32_t>(rq + off("rq.nr_running"), 1);
      put<uint32_t>(rq + off("rq.scx.nr_running"), 1);
      put<uint64_t>(rq + off("rq.clock"), 1000000000ull * (c + 1));
      put<uint64_t>(rq + off("rq.curr"), kDirect + task_pa(10 + c));
      put<uint64_t>(rq + off("rq.idle"), kDirect + task_pa(20 + c));
      uint64_t head = kDirect + rq + off("rq.scx.runnable_list");
      put<uint64_t>(rq + off("rq.scx.runnable_list") + off("list_head.next"), head);
      put<uint64_t>(rq + off("rq.scx.runnable_list") + off("list_head.prev"), head);
    }
  }

  // CPU `cpu` runs its idle task and has `pids` queued, allowed on `mask`.
  void park(unsigned cpu, std::vector<int32_t> pids, uint64_t mask) {
    uint64_t rq = rq_pa(cpu);
    put<uint64_t>(rq + off("rq.curr"), kDirect + task_pa(20 + cpu));
    put<uint32_t>(rq + off("rq.nr_running"), static_cast<uint32_t>(pids.size()));
    put<uint32_t>(rq + off("rq.scx.nr_running"), static_cast<uint32_t>(pids.size()));
    uint64_t head = kDirect + rq + off("rq.scx.runnable_list");
    uint64_t node_off = off("task_struct.scx.runnable_node");
    uint64_t prev = head;
    for (size_t i = 0; i < pids.size(); ++i) {
      uint64_t t = task_pa(static_cast<unsigned>(i));
      put<int32_t>(t + off("task_struct.pid"), pids[i]);
      put<uint64_t>(t + off("task_struct.scx.runnable_at"), 70000 + i);
      uint64_t mask_pa = t + 0x3000;
      put<uint64_t>(mask_pa, mask);
      put<uint64_t>(t + off("task_struct.cpus_ptr"), kDirect + mask_pa);
      uint64_t node = kDirect + t + node_off;
      // prev->next = node
      uint64_t prev_pa = prev - kDirect;
      put<uint64_t>(prev_pa + off("list_head.next"), node);
      put<uint64_t>(t + node_off + off("list_head.prev"), prev);
      prev = node;
    }
    put<uint64_t>(prev - kDirect + off("list_head.next"), head);
  }
};

}  // namespace

TEST(Sampler, EveryFieldResolvesOnTheRealKernel) {
  KTSTR_REQUIRE_REAL_VMLINUX(vmlinux);
  auto img = KernelImage::load(vmlinux, 250);
  SchedLayout l = SchedLayout::resolve(*img);
  EXPECT_TRUE(l.notes.empty()) << l.notes.front();
  EXPECT_TRUE(l.can_sample());
  EXPECT_TRUE(l.has_scx());
  EXPECT_TRUE(l.can_walk_waiting());
  EXPECT_GE(l.event_index("SCX_EV_SELECT_CPU_FALLBACK"), 0);
  EXPECT_GE(l.event_index("SCX_EV_DISPATCH_KEEP_LAST"), 0);
  EXPECT_GE(l.events.size(), 4u);  // the kernel's other counters come along
}

TEST(Sampler, ReadsRunQueuesEventsAndWaitingTasks) {
  KTSTR_REQUIRE_REAL_VMLINUX(vmlinux);
  FakeRq f(vmlinux);
  f.park(2, {301, 302, 303}, 0b1011);
  GuestKernel k(f.img, f.mem);
  ASSERT_TRUE(k.attach().ok());
  SchedLayout l = SchedLayout::resolve(*f.img);
  Sampler s(k, l, kCpus);
  auto x = s.take(1.5);
  ASSERT_TRUE(x.ok()) << x.error();
  EXPECT_EQ(x->jiffies, 77777u);
  EXPECT_TRUE(x->scx_enabled);
  EXPECT_EQ(x->enable_seq, 3);
  ASSERT_EQ(x->cpus.size(), kCpus);
  EXPECT_EQ(x->cpus[0].clock, 1000000000u);
  EXPECT_EQ(x->cpus[3].clock, 4000000000u);
  EXPECT_FALSE(x->cpus[0].idle);
  EXPECT_EQ(x->cpus[0].waiting, 0u);
  const CpuSample& c2 = x->cpus[2];
  EXPECT_TRUE(c2.idle);
  EXPECT_EQ(c2.nr_running, 3u);
  EXPECT_EQ(c2.waiting, 3u);
  EXPECT_EQ(c2.head_pid, 301);
  EXPECT_EQ(c2.head_runnable_at, 70000u);
  EXPECT_TRUE(c2.waiting_allowed.test(0));
  EXPECT_TRUE(c2.waiting_allowed.test(3));
  EXPECT_FALSE(c2.waiting_allowed.test(2));
  int fb = l.event_index("SCX_EV_SELECT_CPU_FALLBACK");
  ASSERT_GE(fb, 0);
  ASSERT_EQ(x->events.size(), l.events.size());
  EXPECT_EQ(x->events[fb], 10 + 20 + 30 + 40);  // summed over CPUs
  EXPECT_EQ(x->events[l.event_index("SCX_EV_DISPATCH_KEEP_LAST")], 4);
  EXPECT_EQ(x->cpus[3].keep_last, 1);  // kept per CPU too: judged only where tasks wait
}

TEST(Sampler, CorruptListsAndOfflineCpusDoNotHangOrCrash) {
  KTSTR_REQUIRE_REAL_VMLINUX(vmlinux);
  FakeRq f(vmlinux);
  f.park(1, {11, 12}, 0xf);
  // Make the list a cycle that never returns to the head.
  uint64_t node_off = f.off("task_struct.scx.runnable_node");
  f.put<uint64_t>(f.task_pa(1) + node_off + f.off("list_head.next"), kDirect + f.task_pa(0) + node_off);
  // CPU 3 offline; CPU 0's rq pointer garbage.
  f.put<uint64_t>(0x1000000 + 0x300, 0x7);
  f.put<uint64_t>(0x1000000 + 0x200, 0x6b6b6b6b6b6b6b6bull);
  GuestKernel k(f.img, f.mem);
  ASSERT_TRUE(k.attach().ok());
  SchedLayout l = SchedLayout::resolve(*f.img);
  auto x = Sampler(k, l, kCpus).take(0);
  ASSERT_TRUE(x.ok()) << x.error();
  EXPECT_FALSE(x->cpus[0].online);
  EXPECT_FALSE(x->cpus[3].online);
  EXPECT_TRUE(x->cpus[1].waiting_truncated);
  EXPECT_EQ(x->cpus[1].waiting, Sampler::kMaxWalk);
  // The sched_ext root vanishing: not enabled, no events, no crash.
  f.put<uint64_t>(0x1000000 + 0x328, 0);
  auto y = Sampler(k, l, kCpus).take(0);
  ASSERT_TRUE(y.ok());
  EXPECT_FALSE(y->scx_enabled);
  EXPECT_TRUE(y->events.empty());
}

TEST(Sampler, MissingMembersTurnFeaturesOffWithNotesNotCrashes) {
  // An old or stripped kernel: struct rq with only nr_running and clock,
  // no sched_ext at all (a synthetic BTF blob).
  struct btf* raw = btf__new_empty();
  int u32t = btf__add_int(raw, "unsigned int", 4, 0);
  int u64t = btf__add_int(raw, "long long unsigned int", 8, 0);
  btf__add_struct(raw, "rq", 64);
  btf__add_field(raw, "nr_running", u32t, 0, 0);
  btf__add_field(raw, "clock", u64t, 64 * 8 / 2, 0);  // at byte 32
  uint32_t size = 0;
  const void* data = btf__raw_data(raw, &size);
  auto img = std::make_shared<KernelImage>();
  img->btf = BtfTypes::from_raw(data, size);
  btf__free(raw);
  auto syms = std::make_shared<SymbolTable>();
  syms->add("runqueues", kImageVa + 0x20000, 'D');
  img->symbols = syms;
  SchedLayout l = SchedLayout::resolve(*img);
  EXPECT_TRUE(l.can_sample());
  EXPECT_FALSE(l.has_scx());
  EXPECT_FALSE(l.can_walk_waiting());
  EXPECT_TRUE(l.events.empty());
  std::string notes;
  for (const auto& n : l.notes) notes += n + "\n";
  EXPECT_NE(notes.find("no rq.curr in this kernel's BTF: idle detection off"), std::string::npos) << notes;
  EXPECT_NE(notes.find("kernel without sched_ext"), std::string::npos) << notes;
  EXPECT_NE(notes.find("no kernel symbol __cpu_online_mask"), std::string::npos) << notes;
}
