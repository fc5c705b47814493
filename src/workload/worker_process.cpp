#include "workload/worker_process.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>

#include "workload/clock.hpp"
#include "workload/report.hpp"
#include "workload/stop_flag.hpp"
#include "workload/work_loop.hpp"
#include "workload/worker_context.hpp"

#ifndef SYS_close_range
#define SYS_close_range 436  // same number on every architecture
#endif

namespace ktstr::workload {
namespace {

void say(const char* what, const char* detail) {
  // Plain write(2): stdio holds a copy of the parent's unflushed buffers.
  std::string msg = std::string("ktstr: worker: ") + what + ": " + detail + "\n";
  [[maybe_unused]] ssize_t n = ::write(2, msg.data(), msg.size());
}

void reset_signals() {
  // The parent's Ctrl-C handler writes to a self-pipe we are about to close;
  // workers should simply die on those signals.
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD}) ::signal(s, SIG_DFL);
  ::signal(SIGPIPE, SIG_IGN);  // a gone partner shows up as EPIPE instead
  clear_stop();
  install_stop_handler();
  sigset_t none;
  sigemptyset(&none);
  // The parent blocked the stop signal around fork(); unblocking here lets a
  // stop that raced with our setup reach the handler rather than kill us.
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

// 1 = go, 0 = gate closed (stop before start, or the parent is gone).
bool wait_for_start(int fd) {
  char b;
  while (true) {
    ssize_t n = ::read(fd, &b, 1);
    if (n == 1) return true;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

bool write_all_at(int fd, const std::vector<uint8_t>& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::pwrite(fd, bytes.data() + off, bytes.size() - off, static_cast<off_t>(off));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

WorkerReport run(const WorkerLaunch& l) {
  WorkerReport r;
  r.pid = ::getpid();
  r.index = l.index;
  r.work_type = l.work->name();
  WorkerContext ctx(*l.work, l.index, l.link, static_cast<uint64_t>(r.pid) * 0x9e3779b97f4a7c15ull ^ now_ns());
  ctx.probe().begin();
  try {
    if (l.mempolicy) apply_mempolicy_self(*l.mempolicy);
    run_work(ctx);
    r.completed = true;
    r.exit_kind = ExitKind::Reported;
  } catch (const std::exception& e) {
    r.exit_kind = ExitKind::Failed;
    r.error = e.what();
  } catch (...) {
    r.exit_kind = ExitKind::Failed;
    r.error = "unknown exception in work loop";
  }
  r.work_units = ctx.work_units();
  r.iterations = ctx.iterations();
  if (ctx.numa_at_stop()) r.numa_pages = *ctx.numa_at_stop();
  ctx.probe().finish(r);
  r.exit_code = 0;
  return r;
}

// Closes [lo, hi]; falls back to a bounded loop on kernels without close_range.
void close_span(unsigned lo, unsigned hi) {
  if (lo > hi) return;
  if (::syscall(SYS_close_range, lo, hi, 0) == 0) return;
  long max = ::sysconf(_SC_OPEN_MAX);
  unsigned top = std::min<unsigned>(hi, max > 0 ? static_cast<unsigned>(max) : 65536u);
  for (unsigned fd = lo; fd <= top && fd >= lo; ++fd) ::close(static_cast<int>(fd));
}

}  // namespace

void close_fds_except(std::vector<int> keep) {
  std::vector<unsigned> ks;
  for (int fd : keep)
    if (fd >= 3) ks.push_back(static_cast<unsigned>(fd));
  std::sort(ks.begin(), ks.end());
  unsigned lo = 3;
  for (unsigned k : ks) {
    if (k > lo) close_span(lo, k - 1);
    lo = k + 1;
  }
  close_span(lo, ~0u);
}

void worker_main(const WorkerLaunch& l) noexcept {
  // Die with the parent; if it already died between fork and here, go now.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != l.parent) ::_exit(kWorkerExitSetupFailed);
  // 1 ns timer slack: wake latency should measure the scheduler, not slack.
  ::prctl(PR_SET_TIMERSLACK, 1UL);
  // A recognisable comm: schedulers and fault injection (the fixture's
  // --stall-comm) can single out test workers.
  ::prctl(PR_SET_NAME, kWorkerComm);
  reset_signals();
  close_fds_except(l.keep_fds);

  if (!wait_for_start(l.start_fd)) ::_exit(kWorkerExitNeverStarted);
  ::close(l.start_fd);

  try {
    WorkerReport r = run(l);
    if (!write_all_at(l.report_fd, encode_report(r))) {
      say("writing report", std::strerror(errno));
      ::_exit(kWorkerExitSetupFailed);
    }
  } catch (const std::exception& e) {
    say("report", e.what());
    ::_exit(kWorkerExitSetupFailed);
  }
  ::_exit(kWorkerExitReported);
}

}  // namespace ktstr::workload
