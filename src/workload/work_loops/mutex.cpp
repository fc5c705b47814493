// MutexContention: contenders share a process-shared robust mutex, spin
// while holding it, then spin outside it. Waiting for the lock is voluntary
// blocking (excluded from gaps); the hold counts as compute.
#include <pthread.h>

#include <cerrno>

#include "util/error.hpp"
#include "workload/work_loops/loops.hpp"

namespace ktstr::workload::loops {
namespace {

void lock(pthread_mutex_t* m) {
  int rc = pthread_mutex_lock(m);
  if (rc == EOWNERDEAD) {
    // A contender died holding it; the protected "state" is just spin work,
    // so marking it consistent is always right.
    pthread_mutex_consistent(m);
    return;
  }
  if (rc != 0) {
    errno = rc;
    fail_errno("MutexContention: pthread_mutex_lock");
  }
}

}  // namespace

void mutex_contention(WorkerContext& ctx) {
  pthread_mutex_t* m = &ctx.link().shared->mutex;
  const uint64_t hold = ctx.work().hold_units;
  const uint64_t outside = ctx.work().outside_units;
  while (!ctx.stop_requested()) {
    ctx.probe().block_begin();
    lock(m);
    ctx.probe().block_end();
    ctx.spin(hold);
    pthread_mutex_unlock(m);
    ctx.spin(outside);
    ctx.end_iteration();
  }
}

}  // namespace ktstr::workload::loops
