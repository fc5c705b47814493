#include "workload/work_loop.hpp"

#include "util/error.hpp"
#include "workload/work_loops/loops.hpp"

namespace ktstr::workload {

void run_work(WorkerContext& ctx) {
  switch (ctx.work().kind) {
    case WorkKind::CpuSpin: return loops::cpu_spin(ctx);
    case WorkKind::YieldHeavy: return loops::yield_heavy(ctx);
    case WorkKind::Mixed: return loops::mixed(ctx);
    case WorkKind::IoSync: return loops::io_sync(ctx);
    case WorkKind::Bursty: return loops::bursty(ctx);
    case WorkKind::PipeIo: return loops::pipe_io(ctx);
    case WorkKind::FutexPingPong: return loops::futex_ping_pong(ctx);
    case WorkKind::CachePressure: return loops::cache_pressure(ctx);
    case WorkKind::CacheYield: return loops::cache_yield(ctx);
    case WorkKind::CachePipe: return loops::cache_pipe(ctx);
    case WorkKind::FutexFanOut: return loops::futex_fan_out(ctx);
    case WorkKind::FanOutCompute: return loops::fan_out_compute(ctx);
    case WorkKind::RequestResponse: return loops::request_response(ctx);
    case WorkKind::Messaging: return loops::messaging(ctx);
    case WorkKind::Sequence: return loops::sequence(ctx);
    case WorkKind::ForkExit: return loops::fork_exit(ctx);
    case WorkKind::NiceSweep: return loops::nice_sweep(ctx);
    case WorkKind::AffinityChurn: return loops::affinity_churn(ctx);
    case WorkKind::PolicyChurn: return loops::policy_churn(ctx);
    case WorkKind::PageFaultChurn: return loops::page_fault_churn(ctx);
    case WorkKind::MutexContention: return loops::mutex_contention(ctx);
    case WorkKind::Custom: return loops::custom(ctx);
  }
  fail("work type {}: no loop", ctx.work().name());
}

}  // namespace ktstr::workload
