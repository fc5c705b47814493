// Pure-compute families: CpuSpin, YieldHeavy, Mixed, Bursty, Custom.
#include "workload/clock.hpp"
#include "workload/work_loops/loops.hpp"

namespace ktstr::workload::loops {

void cpu_spin(WorkerContext& ctx) {
  const uint64_t n = ctx.work().spin_units;
  while (!ctx.stop_requested()) {
    ctx.spin(n);
    ctx.end_iteration();
  }
}

void yield_heavy(WorkerContext& ctx) {
  while (!ctx.stop_requested()) {
    ctx.spin(1);
    ctx.end_iteration();
    ctx.yield();
  }
}

void mixed(WorkerContext& ctx) {
  const uint64_t n = ctx.work().spin_units;
  while (!ctx.stop_requested()) {
    ctx.spin(n);
    ctx.end_iteration();
    ctx.yield();
  }
}

void spin_until(WorkerContext& ctx, uint64_t deadline_ns) {
  while (!ctx.stop_requested() && now_ns() < deadline_ns) {
    ctx.spin(1024);
    ctx.probe().checkpoint();
  }
}

void bursty(WorkerContext& ctx) {
  const uint64_t burst = uint64_t{ctx.work().burst_ms} * 1'000'000;
  const uint64_t sleep = uint64_t{ctx.work().sleep_ms} * 1'000'000;
  while (!ctx.stop_requested()) {
    spin_until(ctx, now_ns() + burst);
    ctx.end_iteration();
    if (!ctx.stop_requested()) ctx.sleep_ns(sleep);
  }
}

void custom(WorkerContext& ctx) {
  const auto& fn = ctx.work().custom;
  while (!ctx.stop_requested()) {
    ctx.add_units(fn(ctx));
    ctx.end_iteration();
  }
}

}  // namespace ktstr::workload::loops
