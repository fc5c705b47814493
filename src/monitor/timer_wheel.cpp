#include "monitor/timer_wheel.hpp"
#include "monitor/jiffies.hpp"


#include "util/error.hpp"

namespace ktstr::monitor {
namespace {

// kernel/time/timer.c
constexpr unsigned kLvlClkShift = 3;
constexpr unsigned kLvlBits = 6;
constexpr uint64_t kLvlSize = 1u << kLvlBits;
constexpr uint64_t kLvlMask = kLvlSize - 1;
constexpr uint64_t lvl_start(unsigned n) { return (kLvlSize - 1) << ((n - 1) * kLvlClkShift); }
constexpr unsigned kMaxChain = 1u << 16;  // longest bucket list we walk

unsigned calc_index(uint64_t expires, unsigned lvl, uint64_t* bucket_expiry) {
  expires = (expires >> (lvl * kLvlClkShift)) + 1;
  *bucket_expiry = expires << (lvl * kLvlClkShift);
  return static_cast<unsigned>(lvl * kLvlSize + (expires & kLvlMask));
}

// All reads of one base the pull needs, taken before any write.
struct BaseState {
  uint64_t va = 0;
  uint32_t lock = 0;
  uint64_t running = 0, clk = 0, next_expiry = 0;
  uint8_t is_idle = 0;
};

Expected<BaseState> read_base(const GuestKernel& k, const TimerWheelLayout& l, unsigned cpu, uint64_t idx) {
  auto pc = k.per_cpu(l.timer_bases, cpu);
  if (!pc) return Unexpected{pc.error()};
  BaseState b;
  b.va = *pc + idx * l.base_size;
  auto lock = k.read<uint32_t>(b.va + l.lock);
  auto run = k.read<uint64_t>(b.va + l.running_timer);
  auto clk = k.read<uint64_t>(b.va + l.clk);
  auto next = k.read<uint64_t>(b.va + l.next_expiry);
  auto idle = k.read<uint8_t>(b.va + l.is_idle);
  if (!lock || !run || !clk || !next || !idle) return unexpected("timer base of CPU {} unreadable", cpu);
  b.lock = *lock;
  b.running = *run;
  b.clk = *clk;
  b.next_expiry = *next;
  b.is_idle = *idle;
  return b;
}

bool usable(const BaseState& b) { return b.lock == 0 && b.running == 0; }

Expected<bool> cpu_online(const GuestKernel& k, const TimerWheelLayout& l, unsigned cpu) {
  auto w = k.read<uint64_t>(l.cpu_online_mask + (cpu / 64) * 8);
  if (!w) return Unexpected{w.error()};
  return ((*w >> (cpu % 64)) & 1) != 0;
}

// Every write below goes to an address read successfully just before, in
// a stopped guest: a failure here means memory vanished under us.
struct Writer {
  const GuestKernel& k;
  std::string err;
  template <typename T>
  void put(uint64_t va, T v) {
    if (!err.empty()) return;
    if (auto r = k.write<T>(va, v); !r) err = r.error();
  }
};

}  // namespace

unsigned calc_wheel_index(uint64_t expires, uint64_t clk, unsigned depth, uint64_t* bucket_expiry) {
  uint64_t delta = expires - clk;
  for (unsigned lvl = 0; lvl + 1 < depth; ++lvl)
    if (delta < lvl_start(lvl + 1)) return calc_index(expires, lvl, bucket_expiry);
  if (static_cast<int64_t>(delta) < 0) {
    *bucket_expiry = clk;
    return static_cast<unsigned>(clk & kLvlMask);
  }
  uint64_t cutoff = lvl_start(depth);
  if (delta >= cutoff) expires = clk + cutoff - (uint64_t{1} << ((depth - 1) * kLvlClkShift));
  return calc_index(expires, depth - 1, bucket_expiry);
}

Expected<TimerWheelLayout> TimerWheelLayout::resolve(const KernelImage& img) {
  const BtfTypes& b = *img.btf;
  TimerWheelLayout l;
  try {
    l.timer_bases = img.symbols->require("timer_bases");
    l.cpu_online_mask = img.symbols->require("__cpu_online_mask");
    l.nr_cpu_ids = img.symbols->require("nr_cpu_ids");
    auto var = b.var("timer_bases");
    l.base_size = b.size_of("timer_base");
    l.nr_bases = var && var->array_len ? var->array_len : 1;
    l.lock = b.offset_of("timer_base.lock");
    l.running_timer = b.offset_of("timer_base.running_timer");
    l.clk = b.offset_of("timer_base.clk");
    l.next_expiry = b.offset_of("timer_base.next_expiry");
    l.next_expiry_recalc = b.offset_of("timer_base.next_expiry_recalc");
    l.is_idle = b.offset_of("timer_base.is_idle");
    l.timers_pending = b.offset_of("timer_base.timers_pending");
    l.pending_map = b.offset_of("timer_base.pending_map");
    auto vec = b.member("timer_base.vectors");
    l.vectors = vec.offset;
    if (vec.array_len == 0 || vec.array_len % kLvlSize) fail("timer_base.vectors has {} buckets", vec.array_len);
    l.depth = static_cast<unsigned>(vec.array_len / kLvlSize);
    l.entry = b.offset_of("timer_list.entry");
    l.node_next = b.offset_of("hlist_node.next");
    l.node_pprev = b.offset_of("hlist_node.pprev");
    if (b.offset_of("hlist_head.first") != 0) fail("hlist_head.first is not at offset 0");
    l.expires = b.offset_of("timer_list.expires");
    l.function = b.offset_of("timer_list.function");
    l.flags = b.offset_of("timer_list.flags");
  } catch (const Error& e) {
    return Unexpected{e.what()};
  }
  return l;
}

TimerWheelLayout TimerWheelLayout::relocated(uint64_t off) const {
  TimerWheelLayout l = *this;
  l.timer_bases += off;
  l.cpu_online_mask += off;
  l.nr_cpu_ids += off;
  return l;
}

Expected<PullResult> pull_timer_now(const GuestKernel& k, const TimerWheelLayout& l, uint64_t timer_va,
                                    uint64_t function) {
  const uint64_t node = timer_va + l.entry;  // wheel lists link &timer->entry
  auto flags = k.read<uint32_t>(timer_va + l.flags);
  auto pprev = k.read<uint64_t>(node + l.node_pprev);
  auto next = k.read<uint64_t>(node + l.node_next);
  auto fn = k.read<uint64_t>(timer_va + l.function);
  auto expires = k.read<uint64_t>(timer_va + l.expires);
  auto jiffies = k.jiffies();
  auto nr_cpus = k.read<uint32_t>(l.nr_cpu_ids);
  if (!flags || !pprev || !next || !fn || !expires || !jiffies || !nr_cpus) return unexpected("timer unreadable");
  if (*fn != function) return unexpected("timer function {:#x} is not the expected {:#x}", *fn, function);
  if (*pprev == 0) return unexpected("timer is not pending (its work is running or queued)");
  if (*flags & (kTimerMigrating | kTimerDeferrable))
    return unexpected("timer flags {:#x}: migrating or deferrable", *flags);
  const unsigned cpu = *flags & kTimerCpuMask;
  const bool pinned = *flags & kTimerPinned;
  const uint64_t base_idx = l.nr_bases == 3 ? (pinned ? 0 : 1) : 0;  // BASE_LOCAL / BASE_GLOBAL
  const uint64_t old_idx = *flags >> kTimerArrayShift;
  if (old_idx >= l.depth * kLvlSize || cpu >= *nr_cpus) return unexpected("timer flags {:#x} out of range", *flags);

  auto from = read_base(k, l, cpu, base_idx);
  if (!from) return Unexpected{from.error()};
  if (!usable(*from)) return unexpected("CPU {}'s timer base is busy (locked or expiring)", cpu);

  // The timer must really be in the bucket its flags name, with pprev the
  // slot that points at it, and its successor must point back.
  const uint64_t old_head = from->va + l.vectors + old_idx * 8;
  uint64_t slot = old_head;
  auto cur = k.read<uint64_t>(slot);
  for (unsigned n = 0; cur && *cur && *cur != node && n < kMaxChain; ++n) {
    slot = *cur + l.node_next;
    cur = k.read<uint64_t>(slot);
  }
  if (!cur || *cur != node || slot != *pprev) return unexpected("timer not found in its wheel bucket {}", old_idx);
  if (*next) {
    auto back = k.read<uint64_t>(*next + l.node_pprev);
    if (!back || *back != node + l.node_next) return unexpected("wheel list corrupt after the timer");
  }

  // Target: the timer's own CPU if awake, else the first awake online CPU
  // (an idle CPU's global timers wait for the timer-migration hierarchy,
  // which still expects the old expiry).
  unsigned to = cpu;
  BaseState target = *from;
  bool idle = from->is_idle;
  if (idle && !pinned) {
    for (unsigned c = 0; c < *nr_cpus && c < 8192; ++c) {
      if (c == cpu) continue;
      auto on = cpu_online(k, l, c);
      if (!on || !*on) continue;
      auto b = read_base(k, l, c, base_idx);
      if (b && usable(*b) && !b->is_idle) {
        to = c;
        target = *b;
        idle = false;
        break;
      }
    }
  }

  // forward_timer_base(): catch the target's clock up with jiffies.
  uint64_t clk = target.clk;
  if (time_after(*jiffies, clk)) {
    if (time_after(target.next_expiry, *jiffies)) clk = *jiffies;
    else if (!time_before(target.next_expiry, clk)) clk = target.next_expiry;
  }
  uint64_t bucket_expiry = 0;
  const unsigned new_idx = calc_wheel_index(*jiffies, clk, l.depth, &bucket_expiry);
  const uint64_t new_head = target.va + l.vectors + uint64_t{new_idx} * 8;
  const uint64_t old_word_va = from->va + l.pending_map + (old_idx / 64) * 8;
  const uint64_t new_word_va = target.va + l.pending_map + (new_idx / 64) * 8;
  // Touch every address written below before writing any of them.
  for (uint64_t va : {new_head, old_word_va, new_word_va, target.va + l.timers_pending,
                      target.va + l.next_expiry_recalc, from->va + l.next_expiry_recalc})
    if (auto r = k.read<uint8_t>(va); !r) return unexpected("timer base unreadable: {}", r.error());

  Writer w{k, {}};
  // detach_if_pending(): unlink; an emptied bucket leaves the pending map.
  w.put<uint64_t>(*pprev, *next);
  if (*next) w.put<uint64_t>(*next + l.node_pprev, *pprev);
  auto old_first = k.read<uint64_t>(old_head);
  if (old_first && *old_first == 0) {
    auto word = k.read<uint64_t>(old_word_va);
    if (word) w.put<uint64_t>(old_word_va, *word & ~(uint64_t{1} << (old_idx % 64)));
    w.put<uint8_t>(from->va + l.next_expiry_recalc, 1);
  }
  // forward_timer_base() + enqueue_timer(): hlist_add_head, pending bit,
  // bucket index and CPU in the flags, earlier next_expiry.
  if (clk != target.clk) w.put<uint64_t>(target.va + l.clk, clk);
  auto first = k.read<uint64_t>(new_head);
  if (!first) return unexpected("write failed half way: bucket head unreadable");
  w.put<uint64_t>(node + l.node_next, *first);
  if (*first) w.put<uint64_t>(*first + l.node_pprev, node + l.node_next);
  w.put<uint64_t>(new_head, node);
  w.put<uint64_t>(node + l.node_pprev, new_head);
  auto word = k.read<uint64_t>(new_word_va);
  if (word) w.put<uint64_t>(new_word_va, *word | (uint64_t{1} << (new_idx % 64)));
  const uint32_t keep = *flags & ~kTimerCpuMask & ((uint32_t{1} << kTimerArrayShift) - 1);
  w.put<uint32_t>(timer_va + l.flags, keep | to | (new_idx << kTimerArrayShift));
  w.put<uint64_t>(timer_va + l.expires, *jiffies);
  auto next_expiry = k.read<uint64_t>(target.va + l.next_expiry);
  if (next_expiry && time_before(bucket_expiry, *next_expiry)) {
    w.put<uint64_t>(target.va + l.next_expiry, bucket_expiry);
    w.put<uint8_t>(target.va + l.timers_pending, 1);
    w.put<uint8_t>(target.va + l.next_expiry_recalc, 0);
  }
  if (!w.err.empty()) return unexpected("write failed half way: {}", w.err);
  PullResult r;
  r.from_cpu = cpu;
  r.to_cpu = to;
  r.old_expires = *expires;
  r.new_expires = *jiffies;
  r.bucket_expiry = bucket_expiry;
  r.target_idle = idle;
  return r;
}

}  // namespace ktstr::monitor
