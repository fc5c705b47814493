// Cache families: strided read-modify-write over a buffer sized to stress a
// cache level, alone, with a yield, or with a pipe hand-off.
#include <vector>

#include "workload/work_loops/loops.hpp"

namespace ktstr::workload::loops {
namespace {

class CacheBuffer {
 public:
  explicit CacheBuffer(const WorkType& w)
      : bytes_(size_t{w.cache_kib} * 1024), stride_(w.stride), data_(bytes_, 1) {}

  // One pass; returns the units (touched lines) it did.
  uint64_t pass() {
    // volatile: every touch must really load and store.
    volatile uint8_t* p = data_.data();
    uint64_t n = 0;
    for (size_t i = 0; i < bytes_; i += stride_, ++n) p[i] = static_cast<uint8_t>(p[i] * 3 + 1);
    return n;
  }

 private:
  size_t bytes_;
  size_t stride_;
  std::vector<uint8_t> data_;
};

}  // namespace

void cache_pressure(WorkerContext& ctx) {
  CacheBuffer buf(ctx.work());
  while (!ctx.stop_requested()) {
    ctx.add_units(buf.pass());
    ctx.end_iteration();
  }
}

void cache_yield(WorkerContext& ctx) {
  CacheBuffer buf(ctx.work());
  while (!ctx.stop_requested()) {
    ctx.add_units(buf.pass());
    ctx.end_iteration();
    ctx.yield();
  }
}

void cache_pipe(WorkerContext& ctx) {
  CacheBuffer buf(ctx.work());
  while (!ctx.stop_requested()) {
    ctx.add_units(buf.pass());
    ctx.end_iteration();
    pipe_exchange(ctx);
  }
}

}  // namespace ktstr::workload::loops
