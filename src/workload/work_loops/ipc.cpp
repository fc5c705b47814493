// Inter-process hand-offs: PipeIo pairs, FutexPingPong pairs, FutexFanOut,
// FanOutCompute and RequestResponse groups, Messaging groups. Waits are voluntary blocking (excluded from gaps) and record the
// wake latency: from when the partner made us runnable (or from when we
// started waiting, if its message was already there) to running again.
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <optional>
#include <string>
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

namespace {

enum class Io { Ok, Stop, Gone };

// Waits (bounded slices, so a stop is noticed) until `fd` is ready for `events`.
Io wait_fd(WorkerContext& ctx, int fd, short events, const char* what) {
  while (true) {
    pollfd p{fd, events, 0};
    int rc = ::poll(&p, 1, kWaitSliceMs);
    if (rc < 0 && errno != EINTR) fail_errno(std::string(what) + ": poll");
    if (rc > 0) return Io::Ok;
    if (ctx.stop_requested()) return Io::Stop;
  }
}

// One whole message (<= PIPE_BUF, so the write is atomic). EPIPE = the
// receiver is gone.
Io send_msg(WorkerContext& ctx, int fd, const void* buf, size_t n, const char* what) {
  while (true) {
    ssize_t w = ::write(fd, buf, n);
    if (w == static_cast<ssize_t>(n)) return Io::Ok;
    if (w < 0 && errno == EPIPE) return Io::Gone;
    if (w < 0 && (errno == EINTR || errno == EAGAIN)) {
      if (Io r = wait_fd(ctx, fd, POLLOUT, what); r != Io::Ok) return r;
      continue;
    }
    fail_errno(std::string(what) + ": write");
  }
}

// Reads exactly n bytes; waits poll first so a stop is noticed. EOF = every
// sender is gone.
Io recv_msg(WorkerContext& ctx, int fd, void* buf, size_t n, const char* what) {
  auto* p = static_cast<char*>(buf);
  size_t got = 0;
  while (got < n) {
    if (Io r = wait_fd(ctx, fd, POLLIN, what); r != Io::Ok) return r;
    ssize_t rd = ::read(fd, p + got, n - got);
    if (rd == 0) return Io::Gone;
    if (rd < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (rd < 0) fail_errno(std::string(what) + ": read");
    got += static_cast<size_t>(rd);
  }
  return Io::Ok;
}

// After a partner is gone the survivor keeps computing (as PipeIo does)
// instead of waiting on a pipe nobody will write.
void compute_alone(WorkerContext& ctx) {
  ctx.mark_peer_gone();
  while (!ctx.stop_requested()) {
    ctx.spin(ctx.work().spin_units);
    ctx.end_iteration();
  }
}

// schbench's message thread: post one request (its post time) to every
// worker, wait for all replies, think, repeat. Like FanOutCompute's
// messenger it also computes one request per round so the group's on-CPU
// shares stay comparable for the fairness check.
void rr_messenger(WorkerContext& ctx, MatrixWork& matrix) {
  const GroupLink& l = ctx.link();
  while (!ctx.stop_requested()) {
    if (ctx.work().think_us) ctx.sleep_ns(uint64_t{ctx.work().think_us} * 1000);
    matrix.run(ctx, ctx.work().compute_ops);
    ctx.end_iteration();
    for (int fd : l.out_fds) {
      const uint64_t posted = now_ns();
      Io r = send_msg(ctx, fd, &posted, sizeof posted, "RequestResponse: post request");
      if (r == Io::Stop) return;
      if (r == Io::Gone) return compute_alone(ctx);
    }
    ctx.probe().block_begin();
    const uint64_t wait_start = now_ns();
    uint64_t last = 0;
    for (size_t i = 0; i < l.out_fds.size(); ++i) {
      uint64_t replied = 0;
      Io r = recv_msg(ctx, l.inbox_fd, &replied, sizeof replied, "RequestResponse: reply");
      if (r != Io::Ok) {
        ctx.probe().block_end();
        if (r == Io::Gone) compute_alone(ctx);
        return;
      }
      last = std::max(last, replied);
    }
    ctx.probe().block_end_woken(std::max(last, wait_start));
  }
}

// schbench's worker: sleep until a request arrives; its wake latency (post
// -> running, reported as the worker's wake-latency percentiles) is the
// measurement; then the request's compute, then the reply.
void rr_worker(WorkerContext& ctx, MatrixWork& matrix) {
  const GroupLink& l = ctx.link();
  while (!ctx.stop_requested()) {
    ctx.probe().block_begin();
    const uint64_t wait_start = now_ns();
    uint64_t posted = 0;
    Io r = recv_msg(ctx, l.inbox_fd, &posted, sizeof posted, "RequestResponse: request");
    if (r != Io::Ok) {
      ctx.probe().block_end();
      if (r == Io::Gone) compute_alone(ctx);
      return;
    }
    ctx.probe().block_end_woken(std::max(posted, wait_start));
    matrix.run(ctx, ctx.work().compute_ops);
    ctx.end_iteration();
    const uint64_t replied = now_ns();
    r = send_msg(ctx, l.out_fds.front(), &replied, sizeof replied, "RequestResponse: reply");
    if (r == Io::Stop) return;
    if (r == Io::Gone) return compute_alone(ctx);
  }
}

}  // namespace

void request_response(WorkerContext& ctx) {
  MatrixWork matrix(ctx.work());
  if (ctx.link().role == 0)
    rr_messenger(ctx, matrix);
  else
    rr_worker(ctx, matrix);
}

// hackbench: each sender writes msg_bytes messages round-robin to every
// receiver of its group (blocking when a pipe is full); each receiver reads
// them. One message = one work unit. Messages of >= 8 bytes carry their send
// time, so a receiver that had to wait records its wake latency.
void messaging(WorkerContext& ctx) {
  const GroupLink& l = ctx.link();
  std::vector<char> msg(ctx.work().msg_bytes, 'm');
  const bool stamped = msg.size() >= sizeof(uint64_t);
  if (!l.out_fds.empty()) {  // sender
    while (!ctx.stop_requested()) {
      for (int fd : l.out_fds) {
        const uint64_t sent = now_ns();
        if (stamped) std::memcpy(msg.data(), &sent, sizeof sent);
        ctx.probe().block_begin();  // a full pipe blocks on purpose
        Io r = send_msg(ctx, fd, msg.data(), msg.size(), "Messaging: send");
        ctx.probe().block_end();
        if (r == Io::Stop) return;
        if (r == Io::Gone) return compute_alone(ctx);
        ctx.add_units(1);
      }
      ctx.end_iteration();
    }
    return;
  }
  while (!ctx.stop_requested()) {  // receiver
    ctx.probe().block_begin();
    const uint64_t wait_start = now_ns();
    Io r = recv_msg(ctx, l.inbox_fd, msg.data(), msg.size(), "Messaging: receive");
    if (r != Io::Ok) {
      ctx.probe().block_end();
      if (r == Io::Gone) compute_alone(ctx);
      return;
    }
    uint64_t sent = 0;
    if (stamped) std::memcpy(&sent, msg.data(), sizeof sent);
    if (stamped && sent > wait_start)
      ctx.probe().block_end_woken(sent);  // had to wait for this message
    else
      ctx.probe().block_end();
    ctx.add_units(1);
    ctx.end_iteration();
  }
}

}  // namespace ktstr::workload::loops
