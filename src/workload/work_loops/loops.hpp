#pragma once
// One function per work kind; each runs its loop until a stop is requested.
// Grouped by family in the neighbouring .cpp files.
#include "workload/worker_context.hpp"

namespace ktstr::workload::loops {

// cpu.cpp
void cpu_spin(WorkerContext& ctx);
void yield_heavy(WorkerContext& ctx);
void mixed(WorkerContext& ctx);
void bursty(WorkerContext& ctx);
void custom(WorkerContext& ctx);
// Spins in checkpointed 1024-unit chunks until `deadline_ns` or a stop.
void spin_until(WorkerContext& ctx, uint64_t deadline_ns);

// cache.cpp
void cache_pressure(WorkerContext& ctx);
void cache_yield(WorkerContext& ctx);
void cache_pipe(WorkerContext& ctx);

// ipc.cpp
void pipe_io(WorkerContext& ctx);
void futex_ping_pong(WorkerContext& ctx);
void futex_fan_out(WorkerContext& ctx);
void fan_out_compute(WorkerContext& ctx);
void request_response(WorkerContext& ctx);
void messaging(WorkerContext& ctx);
// One PipeIo hand-off: send to the partner, wait for its message. Returns
// false once the partner is gone (EOF/EPIPE); later calls return false at once.
bool pipe_exchange(WorkerContext& ctx);

// io.cpp
void io_sync(WorkerContext& ctx);
// The temp file IoSync rewrites; opened lazily in $TMPDIR (or /tmp), unlinked.
class IoFile {
 public:
  explicit IoFile(const WorkType& w);
  ~IoFile();
  IoFile(const IoFile&) = delete;
  IoFile& operator=(const IoFile&) = delete;
  // One rewrite of the whole file + fdatasync, bracketed as voluntary blocking.
  void rewrite(WorkerContext& ctx);

 private:
  int fd_ = -1;
  size_t file_bytes_;
  size_t write_bytes_;
  char* buf_ = nullptr;
};

// churn.cpp
void fork_exit(WorkerContext& ctx);
void nice_sweep(WorkerContext& ctx);
void affinity_churn(WorkerContext& ctx);
void policy_churn(WorkerContext& ctx);
void page_fault_churn(WorkerContext& ctx);

// mutex.cpp
void mutex_contention(WorkerContext& ctx);

// sequence.cpp
void sequence(WorkerContext& ctx);

}  // namespace ktstr::workload::loops
