#include "workload/worker_group.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "util/error.hpp"
#include "util/fd.hpp"
#include "workload/group_link.hpp"
#include "workload/stop_flag.hpp"
#include "workload/worker_process.hpp"

namespace ktstr::workload {
namespace {

struct Slot {
  pid_t pid = -1;
  std::optional<int> wstatus;  // set once reaped; the pid is not ours after that
  bool lost = false;           // reaped by someone else (waitpid(-1) elsewhere): status unknown
  bool killed_at_deadline = false;
  Fd report;                   // memfd the worker writes its report into
};

// Records the outcome of a waitpid on s.pid. ECHILD means another waiter in
// this process took the status; the pid may already be reused, so it must
// never be signalled again.
void note_wait(Slot& s, pid_t r, int ws) {
  if (r == s.pid) {
    s.wstatus = ws;
  } else if (r < 0 && errno == ECHILD) {
    s.wstatus = 0;
    s.lost = true;
  }
}

bool try_reap(Slot& s) {
  if (s.wstatus) return true;
  if (s.pid <= 0) return false;
  int ws = 0;
  const pid_t r = ::waitpid(s.pid, &ws, WNOHANG);  // before reading ws
  note_wait(s, r, ws);
  return s.wstatus.has_value();
}

void reap_blocking(Slot& s) {
  if (s.wstatus || s.pid <= 0) return;
  int ws = 0;
  pid_t r;
  do {
    r = ::waitpid(s.pid, &ws, 0);
  } while (r < 0 && errno == EINTR);
  note_wait(s, r, ws);
}

// Blocks the stop signal for the calling thread while alive, so a worker
// forked meanwhile starts with it blocked (see reset_signals in the child).
class StopSignalBlocked {
 public:
  StopSignalBlocked() {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, kStopSignal);
    pthread_sigmask(SIG_BLOCK, &s, &old_);
  }
  ~StopSignalBlocked() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  StopSignalBlocked(const StopSignalBlocked&) = delete;
  StopSignalBlocked& operator=(const StopSignalBlocked&) = delete;

 private:
  sigset_t old_;
};

std::vector<uint8_t> read_memfd(int fd) {
  struct stat st{};
  if (::fstat(fd, &st) != 0 || st.st_size <= 0) return {};
  std::vector<uint8_t> buf(static_cast<size_t>(st.st_size));
  size_t off = 0;
  while (off < buf.size()) {
    ssize_t n = ::pread(fd, buf.data() + off, buf.size() - off, static_cast<off_t>(off));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  buf.resize(off);
  return buf;
}

WorkerReport collect(Slot& s, size_t index, const std::string& work_name) {
  const int ws = *s.wstatus;
  if (s.lost) {
    // Without an exit status the report is the only evidence.
    try {
      WorkerReport r = decode_report(read_memfd(s.report.get()));
      r.pid = s.pid;
      r.index = index;
      return r;
    } catch (const Error&) {
      WorkerReport r = sentinel_report(s.pid, index, work_name, ExitKind::Exited, -1, 0);
      r.error = "reaped by another waiter in this process; exit status unknown";
      return r;
    }
  }
  if (s.killed_at_deadline)
    return sentinel_report(s.pid, index, work_name, ExitKind::Timeout, -1, SIGKILL);
  if (WIFSIGNALED(ws))
    return sentinel_report(s.pid, index, work_name, ExitKind::Signaled, -1, WTERMSIG(ws));
  const int code = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
  if (code == kWorkerExitNeverStarted)
    return sentinel_report(s.pid, index, work_name, ExitKind::NeverStarted, code, 0);
  if (code != kWorkerExitReported)
    return sentinel_report(s.pid, index, work_name, ExitKind::Exited, code, 0);
  try {
    WorkerReport r = decode_report(read_memfd(s.report.get()));
    r.pid = s.pid;
    r.index = index;
    r.exit_code = 0;
    r.exit_signal = 0;
    return r;
  } catch (const Error& e) {
    WorkerReport r = sentinel_report(s.pid, index, work_name, ExitKind::BadReport, code, 0);
    r.error = e.what();
    return r;
  }
}

void sleep_ms(long ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1'000'000};
  ::nanosleep(&ts, nullptr);
}

}  // namespace

struct WorkerGroup::State {
  GroupSpec spec;
  GroupResources res;
  std::vector<Slot> slots;
  Fd gate;  // write end of the start gate
  bool started = false;
  bool stopped = false;
  std::vector<WorkerReport> reports;

  explicit State(GroupSpec s) : spec(std::move(s)), res(spec.work, spec.workers) {}

  // The no-leak guarantee: whatever is alive dies and is reaped.
  ~State() {
    gate.reset();
    // pid <= 0: fork failed there; never kill(-1, ...).
    for (auto& s : slots)
      if (s.pid > 0 && !try_reap(s)) ::kill(s.pid, SIGKILL);
    for (auto& s : slots) reap_blocking(s);
  }

  Slot& live(size_t i) {
    if (i >= slots.size()) fail("worker index {} out of range (group of {})", i, slots.size());
    if (try_reap(slots[i])) fail("worker {} (pid {}) has already exited", i, slots[i].pid);
    return slots[i];
  }
};

WorkerGroup::WorkerGroup(GroupSpec spec) {
  spec.work.validate(spec.workers);
  spec.settings.policy.validate();
  if (!spec.affinity_per_worker.empty() && spec.affinity_per_worker.size() != spec.workers)
    fail("{}: {} per-worker affinities for {} workers", spec.work.name(),
         spec.affinity_per_worker.size(), spec.workers);

  auto st = std::make_unique<State>(std::move(spec));
  int gate[2];
  if (::pipe2(gate, O_CLOEXEC) != 0) fail_errno("pipe for worker start gate");
  Fd gate_r(gate[0]);
  st->gate.reset(gate[1]);

  const pid_t parent = ::getpid();
  st->slots.resize(st->spec.workers);
  {
    StopSignalBlocked blocked;
    for (size_t i = 0; i < st->slots.size(); ++i) {
      Slot& slot = st->slots[i];
      slot.report.reset(::memfd_create("ktstr-worker-report", MFD_CLOEXEC));
      if (!slot.report) fail_errno("memfd_create for worker report");
      WorkerLaunch l;
      l.work = &st->spec.work;
      l.index = i;
      l.link = st->res.link(i);
      l.start_fd = gate_r.get();
      l.report_fd = slot.report.get();
      l.keep_fds = st->res.child_fds(i);
      l.keep_fds.push_back(l.start_fd);
      l.keep_fds.push_back(l.report_fd);
      l.parent = parent;
      if (st->spec.settings.mempolicy) l.mempolicy = &*st->spec.settings.mempolicy;
      // Workers run C++ after fork (no exec): fine in the guest, where the
      // action process has one thread; on the host (`run --host`, host-only
      // KTSTR_TESTs) other threads may exist, and the child relies on glibc
      // making malloc and stdio usable after fork -- it takes no other lock.
      pid_t pid = ::fork();
      if (pid < 0) fail_errno(fmt::format("fork worker {} of {}", i, st->slots.size()));
      if (pid == 0) worker_main(l);
      slot.pid = pid;
    }
  }
  // Only the workers may hold their pair pipes, so a dead partner is EOF.
  st->res.close_pipes();
  st_ = std::move(st);
}

WorkerGroup::~WorkerGroup() = default;
WorkerGroup::WorkerGroup(WorkerGroup&&) noexcept = default;
WorkerGroup& WorkerGroup::operator=(WorkerGroup&&) noexcept = default;

const GroupSpec& WorkerGroup::spec() const { return st_->spec; }
size_t WorkerGroup::size() const { return st_->slots.size(); }
pid_t WorkerGroup::pid(size_t index) const { return st_->slots.at(index).pid; }
bool WorkerGroup::started() const { return st_->started; }
bool WorkerGroup::stopped() const { return st_->stopped; }

std::vector<pid_t> WorkerGroup::pids() const {
  std::vector<pid_t> out;
  for (auto& s : st_->slots) out.push_back(s.pid);
  return out;
}

void WorkerGroup::start() {
  if (st_->stopped) fail("{}: start() after stop()", st_->spec.work.name());
  if (st_->started) fail("{}: start() called twice", st_->spec.work.name());
  for (size_t i = 0; i < st_->slots.size(); ++i) {
    WorkerSettings s = st_->spec.settings;
    if (!st_->spec.affinity_per_worker.empty()) s.affinity = st_->spec.affinity_per_worker[i];
    apply_settings(st_->live(i).pid, s);
  }
  // One write: every gated worker becomes runnable in the same instant.
  std::vector<char> go(st_->slots.size(), 'g');
  size_t off = 0;
  while (off < go.size()) {
    ssize_t n = ::write(st_->gate.get(), go.data() + off, go.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno("release workers");
    off += static_cast<size_t>(n);
  }
  st_->gate.reset();
  st_->started = true;
}

void WorkerGroup::set_affinity(size_t index, const CpuList& cpus) {
  apply_affinity(st_->live(index).pid, cpus);
}
void WorkerGroup::set_policy(size_t index, const SchedPolicy& policy) {
  apply_policy(st_->live(index).pid, policy);
}
void WorkerGroup::set_nice(size_t index, int nice) { apply_nice(st_->live(index).pid, nice); }

std::vector<size_t> WorkerGroup::exited() {
  std::vector<size_t> out;
  for (size_t i = 0; i < st_->slots.size(); ++i)
    if (try_reap(st_->slots[i])) out.push_back(i);
  return out;
}

const std::vector<WorkerReport>& WorkerGroup::stop() {
  State& st = *st_;
  if (st.stopped) return st.reports;
  st.stopped = true;
  if (st.started) {
    for (auto& s : st.slots)
      if (s.pid > 0 && !try_reap(s)) ::kill(s.pid, kStopSignal);
  } else {
    st.gate.reset();  // EOF at the gate: workers exit as "never started"
  }

  const auto deadline = std::chrono::steady_clock::now() + st.spec.stop_timeout;
  while (true) {
    bool all = true;
    for (auto& s : st.slots) all = try_reap(s) && all;
    if (all || std::chrono::steady_clock::now() >= deadline) break;
    sleep_ms(1);
  }
  for (auto& s : st.slots) {
    if (s.pid <= 0 || try_reap(s)) continue;
    s.killed_at_deadline = true;
    ::kill(s.pid, SIGKILL);
    reap_blocking(s);
  }

  const std::string name = st.spec.work.name();
  st.reports.reserve(st.slots.size());
  for (size_t i = 0; i < st.slots.size(); ++i) {
    st.reports.push_back(collect(st.slots[i], i, name));
    st.slots[i].report.reset();
  }
  return st.reports;
}

}  // namespace ktstr::workload
