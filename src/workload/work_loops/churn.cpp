// Churn families: each iteration changes something the scheduler must
// track (a new task, nice, affinity, policy, the page tables) around a
// short compute burst. Changes the kernel refuses (EPERM outside root,
// EINVAL after a cpuset shrink) are tolerated: the churn is best effort,
// the work keeps going.
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"
#include "util/mapping.hpp"
#include "workload/sched_settings.hpp"
#include "workload/work_loops/loops.hpp"

namespace ktstr::workload::loops {

void fork_exit(WorkerContext& ctx) {
  while (!ctx.stop_requested()) {
    pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    if (pid < 0) {
      if (errno != EAGAIN) fail_errno("ForkExit: fork");
      ctx.yield();  // at the pid/memory limit: let others run, try again
      continue;
    }
    ctx.probe().block_begin();
    int ws;
    while (::waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
    }
    ctx.probe().block_end();
    ctx.add_units(1);
    ctx.end_iteration();
  }
}

void nice_sweep(WorkerContext& ctx) {
  // Triangle wave over [nice_min, nice_max], one step per iteration.
  // Raising priority needs CAP_SYS_NICE; without it those steps are refused.
  const int lo = ctx.work().nice_min, hi = ctx.work().nice_max;
  int nice = lo, step = 1;
  while (!ctx.stop_requested()) {
    ::setpriority(PRIO_PROCESS, 0, nice);
    if (nice + step > hi || nice + step < lo) step = -step;
    if (lo < hi) nice += step;
    ctx.spin(ctx.work().spin_units);
    ctx.end_iteration();
  }
}

namespace {

bool pin_self(uint32_t cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return ::sched_setaffinity(0, sizeof set, &set) == 0;
}

// After a cpuset change the old CPUs may be gone: widen to everything (the
// kernel intersects with the cpuset) and re-read what is allowed now.
CpuList refresh_allowed() {
  cpu_set_t all;
  CPU_ZERO(&all);
  for (int c = 0; c < CPU_SETSIZE; ++c) CPU_SET(c, &all);
  ::sched_setaffinity(0, sizeof all, &all);
  return get_affinity(0);
}

}  // namespace

void affinity_churn(WorkerContext& ctx) {
  // The allowed pool is whatever the caller set up before start().
  CpuList allowed = get_affinity(0);
  while (!ctx.stop_requested()) {
    std::uniform_int_distribution<size_t> pick(0, allowed.size() - 1);
    if (!pin_self(allowed[pick(ctx.rng())])) {
      allowed = refresh_allowed();
      if (allowed.empty()) fail("AffinityChurn: no CPU allowed");
    }
    ctx.spin(ctx.work().spin_units);
    ctx.end_iteration();
  }
}

void policy_churn(WorkerContext& ctx) {
  static constexpr SchedPolicy kCycle[] = {
      SchedPolicy::normal(), SchedPolicy::batch(), SchedPolicy::idle(),
      SchedPolicy::fifo(1), SchedPolicy::rr(1)};
  size_t i = 0;
  while (!ctx.stop_requested()) {
    const SchedPolicy& p = kCycle[i++ % std::size(kCycle)];
    sched_param sp{};
    sp.sched_priority = p.priority;
    ::sched_setscheduler(0, p.linux_policy(), &sp);  // EPERM for RT outside root: fine
    ctx.spin(ctx.work().spin_units);
    ctx.end_iteration();
  }
}

void page_fault_churn(WorkerContext& ctx) {
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  const size_t len = size_t{ctx.work().region_kib} * 1024 / page * page;
  void* p = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) fail_errno("PageFaultChurn: mmap");
  Mapping region(p, len);
  volatile uint8_t* base = region.data();
  std::uniform_int_distribution<size_t> pick(0, len / page - 1);
  while (!ctx.stop_requested()) {
    for (uint32_t t = 0; t < ctx.work().touches; ++t) base[pick(ctx.rng()) * page] = 1;
    ctx.add_units(ctx.work().touches);
    // Drop the pages so the next touches fault again.
    if (::madvise(region.data(), len, MADV_DONTNEED) != 0) fail_errno("PageFaultChurn: madvise");
    ctx.end_iteration();
  }
}

}  // namespace ktstr::workload::loops
