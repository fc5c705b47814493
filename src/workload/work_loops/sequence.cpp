// Sequence: a fixed cycle of phases, each running for its duration. Spin
// phases count spin units, Io phases count writes; sleep and yield phases
// are voluntary blocking and count nothing.
#include <memory>

#include "workload/clock.hpp"
#include "workload/work_loops/loops.hpp"

namespace ktstr::workload::loops {

void sequence(WorkerContext& ctx) {
  const auto phases = ctx.work().phases.empty() ? WorkType::default_phases() : ctx.work().phases;
  std::unique_ptr<IoFile> io;  // opened only if a phase needs it
  while (!ctx.stop_requested()) {
    for (const SequencePhase& ph : phases) {
      if (ctx.stop_requested()) break;
      const uint64_t end = now_ns() + uint64_t{ph.ms} * 1'000'000;
      switch (ph.kind) {
        case SequencePhase::Kind::Spin: spin_until(ctx, end); break;
        case SequencePhase::Kind::Sleep: ctx.sleep_ns(uint64_t{ph.ms} * 1'000'000); break;
        case SequencePhase::Kind::Yield:
          while (!ctx.stop_requested() && now_ns() < end) ctx.yield();
          break;
        case SequencePhase::Kind::Io:
          if (!io) io = std::make_unique<IoFile>(ctx.work());
          while (!ctx.stop_requested() && now_ns() < end) io->rewrite(ctx);
          break;
      }
    }
    ctx.end_iteration();
  }
}

}  // namespace ktstr::workload::loops
