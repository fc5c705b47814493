#include "monitor/sampler.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>

namespace ktstr::monitor {
namespace {

uint64_t extract(const std::vector<uint8_t>& buf, uint64_t base, const Field& f) {
  if (!f.ok() || f.off < base || f.off - base + f.size > buf.size()) return 0;
  uint64_t v = 0;
  std::memcpy(&v, buf.data() + (f.off - base), f.size);  // little-endian
  return v;
}

}  // namespace

Sampler::Sampler(const GuestKernel& kernel, const SchedLayout& layout, unsigned cpus)
    : k_(kernel), l_(layout), cpus_(cpus) {}

Expected<uint64_t> Sampler::field(uint64_t base, const Field& f) const {
  switch (f.size) {
    case 1: { auto v = k_.read<uint8_t>(base + f.off); if (!v) return Unexpected{v.error()}; return uint64_t{*v}; }
    case 2: { auto v = k_.read<uint16_t>(base + f.off); if (!v) return Unexpected{v.error()}; return uint64_t{*v}; }
    case 4: { auto v = k_.read<uint32_t>(base + f.off); if (!v) return Unexpected{v.error()}; return uint64_t{*v}; }
    case 8: return k_.read<uint64_t>(base + f.off);
  }
  return unexpected("field absent");
}

void Sampler::read_cpu(unsigned cpu, uint64_t rq, CpuSample& c) const {
  // One copy of the span of struct rq we need, then field extraction: a
  // few KiB memcpy costs less than twenty translated reads.
  const Field* fs[] = {&l_.nr_running, &l_.clock,         &l_.curr,       &l_.idle,      &l_.nr_switches,
                       &l_.scx_nr_running, &l_.scx_flags, &l_.local_dsq_nr, &l_.run_delay, &l_.pcount,
                       &l_.yld_count, &l_.sched_count,  &l_.sched_goidle, &l_.ttwu_count, &l_.ttwu_local};
  uint64_t lo = UINT64_MAX, hi = 0;
  for (const Field* f : fs)
    if (f->ok()) {
      lo = std::min(lo, f->off);
      hi = std::max(hi, f->off + f->size);
    }
  static thread_local std::vector<uint8_t> buf;
  buf.resize(hi - lo);
  std::string err;
  if (!k_.space().read(rq + lo, buf.data(), buf.size(), &err)) {
    c.online = false;
    return;
  }
  c.nr_running = static_cast<uint32_t>(extract(buf, lo, l_.nr_running));
  c.clock = extract(buf, lo, l_.clock);
  if (l_.curr.ok() && l_.idle.ok()) c.idle = extract(buf, lo, l_.curr) == extract(buf, lo, l_.idle);
  c.nr_switches = extract(buf, lo, l_.nr_switches);
  c.scx_nr_running = static_cast<uint32_t>(extract(buf, lo, l_.scx_nr_running));
  c.scx_flags = static_cast<uint32_t>(extract(buf, lo, l_.scx_flags));
  c.local_dsq = static_cast<uint32_t>(extract(buf, lo, l_.local_dsq_nr));
  c.run_delay_ns = extract(buf, lo, l_.run_delay);
  c.pcount = extract(buf, lo, l_.pcount);
  c.yld_count = extract(buf, lo, l_.yld_count);
  c.sched_count = extract(buf, lo, l_.sched_count);
  c.sched_goidle = extract(buf, lo, l_.sched_goidle);
  c.ttwu_count = extract(buf, lo, l_.ttwu_count);
  c.ttwu_local = extract(buf, lo, l_.ttwu_local);
  (void)cpu;
  if (l_.can_walk_waiting() && c.scx_nr_running) walk_waiting(rq, c);
}

void Sampler::walk_waiting(uint64_t rq, CpuSample& c) const {
  // rq->scx.runnable_list links every sched_ext task queued on this CPU
  // that is not running (set_task_runnable / clr_task_runnable in
  // kernel/sched/ext.c), oldest first: the list the kernel's own
  // watchdog scans.
  const uint64_t head = rq + l_.runnable_list;
  const unsigned words = (cpus_ + 63) / 64;
  auto node = k_.read<uint64_t>(head + l_.list_next);
  unsigned n = 0;
  while (node && *node != head) {
    if (n >= kMaxWalk) {
      c.waiting_truncated = true;
      break;
    }
    const uint64_t task = *node - l_.task_runnable_node;
    if (n == 0) {
      c.head_runnable_at = field(task, l_.task_runnable_at).value_or(0);
      if (l_.task_pid.ok()) c.head_pid = static_cast<int32_t>(field(task, l_.task_pid).value_or(0));
    }
    if (auto mask = k_.read<uint64_t>(task + l_.task_cpus_ptr.off); mask && *mask) {
      for (unsigned w = 0; w < words && w < c.waiting_allowed.w.size(); ++w)
        c.waiting_allowed.w[w] |= k_.read<uint64_t>(*mask + w * 8).value_or(0);
    }
    ++n;
    node = k_.read<uint64_t>(*node + l_.list_next);
  }
  c.waiting = n;
}

void Sampler::read_events(uint64_t sch, Sample& s) const {
  if (l_.events.empty()) return;
  uint64_t base_sym = 0;
  if (l_.sched_pcpu.ok()) {
    if (!sch) return;
    auto pcpu = k_.read<uint64_t>(sch + l_.sched_pcpu.off);
    if (!pcpu || !*pcpu) return;
    base_sym = *pcpu + l_.pcpu_event_stats;  // a per-CPU pointer: add each CPU's offset
  } else {
    base_sym = sym(l_.event_stats_pcpu);
  }
  uint64_t lo = UINT64_MAX, hi = 0;
  for (const auto& e : l_.events) {
    lo = std::min(lo, e.off);
    hi = std::max(hi, e.off + 8);
  }
  std::vector<int64_t> sums(l_.events.size(), 0);
  const int keep_last = l_.event_index("SCX_EV_DISPATCH_KEEP_LAST");
  std::vector<uint8_t> buf(hi - lo);
  for (unsigned cpu = 0; cpu < cpus_; ++cpu) {
    auto at = k_.per_cpu(base_sym, cpu);
    std::string err;
    if (!at || !k_.space().read(*at + lo, buf.data(), buf.size(), &err)) return;
    for (size_t i = 0; i < l_.events.size(); ++i) {
      int64_t v;
      std::memcpy(&v, buf.data() + (l_.events[i].off - lo), 8);
      sums[i] += v;
      if (static_cast<int>(i) == keep_last && cpu < s.cpus.size()) s.cpus[cpu].keep_last = v;
    }
  }
  s.events = std::move(sums);
}

Expected<Sample> Sampler::take(double t) const {
  auto t0 = std::chrono::steady_clock::now();
  if (!l_.can_sample()) return unexpected("this kernel's run queues cannot be located (see the monitor notes)");
  Sample s;
  s.t = t;
  auto j = k_.jiffies();
  if (!j) return Unexpected{j.error()};
  s.jiffies = *j;
  if (l_.has_scx()) {
    auto st = k_.read<int32_t>(sym(l_.scx_enable_state));
    s.scx_enabled = st && *st == l_.state_enabled;
    if (l_.scx_root) s.scx_root = k_.read<uint64_t>(sym(l_.scx_root)).value_or(0);
    if (l_.scx_root && !s.scx_root) s.scx_enabled = false;
    if (s.scx_enabled && s.scx_root && l_.sched_exit_kind.ok() &&
        field(s.scx_root, l_.sched_exit_kind).value_or(0) != 0)
      s.scx_enabled = false;  // being torn down
    if (l_.scx_enable_seq) s.enable_seq = k_.read<int64_t>(sym(l_.scx_enable_seq)).value_or(-1);
  }
  uint64_t online[8] = {};
  bool have_online = false;
  if (l_.cpu_online_mask) {
    std::string err;
    have_online = k_.space().read(sym(l_.cpu_online_mask), online, ((cpus_ + 63) / 64) * 8, &err);
  }
  s.cpus.resize(cpus_);
  unsigned readable = 0;
  for (unsigned cpu = 0; cpu < cpus_; ++cpu) {
    CpuSample& c = s.cpus[cpu];
    if (have_online && cpu < 512 && !((online[cpu / 64] >> (cpu % 64)) & 1)) {
      c.online = false;
      continue;
    }
    auto rq = k_.per_cpu(sym(l_.runqueues), cpu);
    if (!rq) {
      c.online = false;
      continue;
    }
    read_cpu(cpu, *rq, c);
    if (c.online) ++readable;
  }
  if (!readable) return unexpected("no CPU's run queue was readable");
  if (s.scx_enabled) read_events(s.scx_root, s);
  s.read_us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

}  // namespace ktstr::monitor
