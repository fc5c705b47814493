// Inter-process hand-offs: PipeIo pairs, FutexPingPong pairs, FutexFanOut
// and FanOutCompute groups. Waits are voluntary blocking (excluded from gaps) and record the
// wake latency: from when the partner made us runnable (or from when we
// started waiting, if its message was already there) to running again.
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <optional>
#include <vector>

#include "util/error.hpp"
#include "workload/clock.hpp"
#include "workload/futex.hpp"
#include "workload/work_loops/loops.hpp"

namespace ktstr::workload::loops {
namespace {

// Bounded waits so a stop signal that lands just before a wait is noticed.
constexpr uint64_t kWaitSliceNs = 100'000'000;
constexpr int kWaitSliceMs = 100;

using Word = std::atomic_ref<uint32_t>;
using Stamp = std::atomic_ref<uint64_t>;

void raise_to(Stamp s, uint64_t v) {
  uint64_t cur = s.load(std::memory_order_relaxed);
  while (cur < v && !s.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
  }
}

}  // namespace

bool pipe_exchange(WorkerContext& ctx) {
  if (ctx.peer_gone()) return false;
  const GroupLink& l = ctx.link();
  Probe& probe = ctx.probe();
  probe.block_begin();
  // The message is the send time itself (8 bytes, atomic on a pipe), so the
  // receiver can measure its wake latency without a shared-memory race.
  const uint64_t sent = now_ns();
  while (::write(l.outbox_fd, &sent, sizeof sent) != static_cast<ssize_t>(sizeof sent)) {
    if (errno == EINTR) continue;
    if (errno == EPIPE) {
      ctx.mark_peer_gone();
      probe.block_end();
      return false;
    }
    fail_errno("PipeIo: write to partner");
  }
  const uint64_t wait_start = now_ns();
  uint64_t msg = 0;
  while (true) {
    pollfd p{l.inbox_fd, POLLIN, 0};
    int rc = ::poll(&p, 1, kWaitSliceMs);
    if (rc < 0 && errno != EINTR) fail_errno("PipeIo: poll");
    if (rc <= 0) {
      if (ctx.stop_requested()) {
        probe.block_end();
        return true;
      }
      continue;
    }
    ssize_t n = ::read(l.inbox_fd, &msg, sizeof msg);
    if (n == static_cast<ssize_t>(sizeof msg)) break;
    if (n == 0) {
      ctx.mark_peer_gone();
      probe.block_end();
      return false;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    fail_errno("PipeIo: read from partner");
  }
  probe.block_end_woken(std::max(msg, wait_start));
  return true;
}

void pipe_io(WorkerContext& ctx) {
  const uint64_t n = ctx.work().spin_units;
  while (!ctx.stop_requested()) {
    ctx.spin(n);
    ctx.end_iteration();
    pipe_exchange(ctx);
  }
}

void futex_ping_pong(WorkerContext& ctx) {
  GroupShared& g = *ctx.link().shared;
  Word turn(g.word);
  Stamp stamp(g.stamp_ns);
  const auto me = static_cast<uint32_t>(ctx.link().role);
  const uint64_t n = ctx.work().spin_units;
  while (!ctx.stop_requested()) {
    ctx.probe().block_begin();
    const uint64_t wait_start = now_ns();
    bool waited = false;
    uint32_t v;
    while ((v = turn.load(std::memory_order_acquire)) != me) {
      if (ctx.stop_requested()) {
        ctx.probe().block_end();
        return;
      }
      waited = true;
      futex_wait(&g.word, v, kWaitSliceNs);
    }
    if (waited)
      ctx.probe().block_end_woken(std::max(stamp.load(std::memory_order_relaxed), wait_start));
    else
      ctx.probe().block_end();
    ctx.spin(n);
    ctx.end_iteration();
    stamp.store(now_ns(), std::memory_order_relaxed);
    turn.store(1 - me, std::memory_order_release);
    futex_wake(&g.word, 1);
  }
}

namespace {

// FanOutCompute's receiver work: `ops` multiplies of two n x n matrices,
// the three matrices together about matrix_kib (a schbench-style
// request: wake up, touch a cache-sized working set, answer).
class MatrixWork {
 public:
  explicit MatrixWork(const WorkType& w)
      : n_(std::max<size_t>(2, static_cast<size_t>(std::sqrt(w.matrix_kib * 1024.0 / (3 * sizeof(double)))))),
        a_(n_ * n_, 1.0001), b_(n_ * n_, 0.9999), c_(n_ * n_, 0.0) {}
  void run(WorkerContext& ctx, uint32_t ops) {
    for (uint32_t op = 0; op < ops && !ctx.stop_requested(); ++op) {
      for (size_t i = 0; i < n_; ++i)
        for (size_t k = 0; k < n_; ++k) {
          const double aik = a_[i * n_ + k];
          for (size_t j = 0; j < n_; ++j) c_[i * n_ + j] += aik * b_[k * n_ + j];
        }
      // Feed the result back so the compiler cannot drop the work.
      a_[op % a_.size()] = c_[(op * 7) % c_.size()] * 1e-9;
      ctx.add_units(1);
    }
  }

 private:
  size_t n_;
  std::vector<double> a_, b_, c_;
};

// Between broadcasts: FutexFanOut spins; FanOutCompute's messenger sleeps
// think_us (the request interval; the sleep records its own wake latency)
// and prepares the next request with the receivers' compute, so every
// worker of the group is on-CPU for about the same share (the fairness
// check compares them) while the receivers' wake-ups stay the measurement.
void messenger_pause(WorkerContext& ctx, std::optional<MatrixWork>& matrix) {
  if (matrix) {
    if (ctx.work().think_us) ctx.sleep_ns(uint64_t{ctx.work().think_us} * 1000);
    matrix->run(ctx, ctx.work().compute_ops);
    return;
  }
  ctx.spin(ctx.work().spin_units);
}

void fan_out_messenger(WorkerContext& ctx, GroupShared& g) {
  Word gen(g.word), ack(g.ack);
  Stamp stamp(g.stamp_ns), acked(g.ack_stamp_ns);
  const auto receivers = static_cast<uint32_t>(ctx.link().size - 1);
  std::optional<MatrixWork> matrix;
  if (ctx.work().kind == WorkKind::FanOutCompute) matrix.emplace(ctx.work());
  while (!ctx.stop_requested()) {
    messenger_pause(ctx, matrix);
    ctx.end_iteration();
    ack.store(0, std::memory_order_relaxed);
    stamp.store(now_ns(), std::memory_order_relaxed);
    gen.fetch_add(1, std::memory_order_release);
    futex_wake(&g.word, -1);
    // Pace on the slowest receiver: the next broadcast waits for all acks;
    // the last one to ack is the messenger's waker.
    ctx.probe().block_begin();
    const uint64_t wait_start = now_ns();
    bool waited = false;
    uint32_t a;
    while ((a = ack.load(std::memory_order_acquire)) < receivers) {
      if (ctx.stop_requested()) {
        ctx.probe().block_end();
        return;
      }
      waited = true;
      futex_wait(&g.ack, a, kWaitSliceNs);
    }
    if (waited)
      ctx.probe().block_end_woken(std::max(acked.load(std::memory_order_relaxed), wait_start));
    else
      ctx.probe().block_end();
  }
}

void fan_out_receiver(WorkerContext& ctx, GroupShared& g) {
  Word gen(g.word), ack(g.ack);
  Stamp stamp(g.stamp_ns), acked(g.ack_stamp_ns);
  const auto receivers = static_cast<uint32_t>(ctx.link().size - 1);
  // Generation 0 is the parent's initial value; loading it here instead
  // could skip a broadcast the messenger already sent, and then it would
  // wait for this receiver's ack forever.
  uint32_t seen = 0;
  std::optional<MatrixWork> matrix;
  if (ctx.work().kind == WorkKind::FanOutCompute) matrix.emplace(ctx.work());
  while (!ctx.stop_requested()) {
    ctx.probe().block_begin();
    const uint64_t wait_start = now_ns();
    uint32_t v;
    while ((v = gen.load(std::memory_order_acquire)) == seen) {
      if (ctx.stop_requested()) {
        ctx.probe().block_end();
        return;
      }
      futex_wait(&g.word, v, kWaitSliceNs);
    }
    seen = v;
    ctx.probe().block_end_woken(std::max(stamp.load(std::memory_order_relaxed), wait_start));
    if (matrix)
      matrix->run(ctx, ctx.work().compute_ops);
    else
      ctx.spin(ctx.work().spin_units);
    ctx.end_iteration();
    // Stamp before counting: once the count is full the messenger reads the
    // latest ack time, and the RMW chain on `ack` makes every stamp visible.
    raise_to(acked, now_ns());
    if (ack.fetch_add(1, std::memory_order_acq_rel) + 1 == receivers) futex_wake(&g.ack, 1);
  }
}

}  // namespace

void futex_fan_out(WorkerContext& ctx) {
  GroupShared& g = *ctx.link().shared;
  if (ctx.link().role == 0)
    fan_out_messenger(ctx, g);
  else
    fan_out_receiver(ctx, g);
}

// Same group protocol as FutexFanOut; the receivers compute instead of
// spinning and the messenger sleeps between broadcasts.
void fan_out_compute(WorkerContext& ctx) { futex_fan_out(ctx); }

}  // namespace ktstr::workload::loops
