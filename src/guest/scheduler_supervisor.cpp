#include "guest/scheduler_supervisor.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <thread>

#include <fmt/format.h>

#include "guest/log_collapse.hpp"
#include "guest/sched_ext_sysfs.hpp"
#include "util/error.hpp"

namespace ktstr::guest {
using Clock = std::chrono::steady_clock;

const char* to_string(SchedulerFailureKind k) {
  switch (k) {
    case SchedulerFailureKind::None: return "ok";
    case SchedulerFailureKind::DiedEarly: return "scheduler died";
    case SchedulerFailureKind::NeverAttached: return "scheduler never attached";
    case SchedulerFailureKind::Died: return "scheduler died";
    case SchedulerFailureKind::Ejected: return "scheduler ejected by sched_ext";
    case SchedulerFailureKind::UncleanStop: return "scheduler did not unregister cleanly";
  }
  return "?";
}

SchedulerSupervisor::SchedulerSupervisor(const SchedulerLaunch& launch)
    : launch_(launch), kmsg_(/*from_start=*/false) {
  if (sched_ext_state().empty()) fail("this kernel has no /sys/kernel/sched_ext (CONFIG_SCHED_CLASS_EXT)");
  if (sched_ext_state() != "disabled")
    fail("a sched_ext scheduler is already attached ({})", sched_ext_root_ops());
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) fail_errno("pipe for scheduler log");
  log_fd_.reset(p[0]);
  Fd w(p[1]);
  ::fcntl(p[0], F_SETFL, O_NONBLOCK);
  // A chatty scheduler must not block on a full pipe between our polls.
  ::fcntl(p[0], F_SETPIPE_SZ, 1 << 20);

  std::vector<std::string> argv = {launch.binary};
  argv.insert(argv.end(), launch.args.begin(), launch.args.end());
  SpawnOptions so;
  so.stdout_fd = w.get();
  so.stderr_fd = w.get();
  so.die_with_parent = true;
  auto t0 = Clock::now();
  child_ = Child::spawn(argv, so);
  w.reset();

  auto attach_deadline = t0 + launch.attach_timeout;
  while (true) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    drain_log();
    if (auto st = child_.try_wait()) {
      status_.process_exit = st;
      settle_kernel_verdict();
      // Enabled and ejected between two polls (a quick kernel verdict, e.g.
      // a stall with a short timeout, on a loaded host): the kernel's reason
      // is the verdict, as it is after an observed attach -- "died before
      // attaching" would blame the loader for what the kernel did.
      if (status_.kernel_exit && !status_.kernel_exit->clean()) {
        fail_with(SchedulerFailureKind::Ejected, status_.kernel_exit->describe());
        return;
      }
      fail_with(SchedulerFailureKind::DiedEarly,
                fmt::format("scheduler {} died {:.1f} s after start before attaching ({})", launch.binary,
                            std::chrono::duration<double>(Clock::now() - t0).count(), st->describe()));
      return;
    }
    if (sched_ext_state() == "enabled" && !sched_ext_root_ops().empty()) {
      status_.ops_name = sched_ext_root_ops();
      status_.attach_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      break;
    }
    if (Clock::now() >= attach_deadline) {
      fail_with(SchedulerFailureKind::NeverAttached,
                fmt::format("scheduler {} did not attach within {:.1f} s (sched_ext state: {})", launch.binary,
                            launch.attach_timeout.count() / 1000.0, sched_ext_state()));
      return;
    }
  }
  // Dying right after attaching counts as an early death too.
  auto early = t0 + launch.early_death;
  while (Clock::now() < early && status_.ok()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    poll();
  }
}

SchedulerSupervisor::~SchedulerSupervisor() {
  if (!stopped_) stop(std::chrono::milliseconds(2000));
}

void SchedulerSupervisor::drain_log() {
  char buf[65536];
  while (true) {
    ssize_t n = ::read(log_fd_.get(), buf, sizeof buf);
    if (n <= 0) break;
    log_.append(buf, static_cast<size_t>(n));
  }
  // Bound memory: keep the head (startup) and the most recent part.
  constexpr size_t kLimit = 8u << 20;
  if (log_.size() > kLimit) log_ = log_.substr(0, kLimit / 4) + "\n...\n" + log_.substr(log_.size() - kLimit / 2);
}

void SchedulerSupervisor::collect_kernel_log() {
  auto more = kmsg_.read_new();
  records_.insert(records_.end(), more.begin(), more.end());
  if (auto ex = parse_sched_ext_exit(records_)) status_.kernel_exit = ex;
}

void SchedulerSupervisor::fail_with(SchedulerFailureKind k, std::string msg) {
  if (!status_.ok()) return;
  status_.failure = k;
  status_.message = std::move(msg);
}

const SchedulerStatus& SchedulerSupervisor::poll() {
  if (stopped_ || !status_.ok()) return status_;
  drain_log();
  // The process first: a scheduler that exited also stops being enabled,
  // and "it died" is the more useful verdict than the kernel's
  // "unregistered" that follows from it.
  if (auto st = child_.try_wait()) {
    status_.process_exit = st;
    settle_kernel_verdict();
    // An ejected scheduler usually exits 0 on its own right after: then the
    // kernel's reason is the verdict, not the exit.
    if (status_.kernel_exit && !status_.kernel_exit->clean())
      fail_with(SchedulerFailureKind::Ejected, status_.kernel_exit->describe());
    else
      fail_with(SchedulerFailureKind::Died, fmt::format("scheduler {} died while the test ran ({})",
                                                        launch_.binary, st->describe()));
    return status_;
  }
  std::string state = sched_ext_state();
  if (state != "enabled") {
    settle_kernel_verdict();
    // A scheduler that exits is unregistered while its process is still
    // tearing down (closing the struct_ops link): give it a moment so an
    // early exit is reported as the death it is, not as an ejection.
    auto until = Clock::now() + std::chrono::milliseconds(500);
    while (Clock::now() < until && !child_.try_wait())
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (auto st = child_.try_wait(); st && !(status_.kernel_exit && !status_.kernel_exit->clean())) {
      status_.process_exit = st;
      drain_log();
      fail_with(SchedulerFailureKind::Died, fmt::format("scheduler {} died while the test ran ({})",
                                                        launch_.binary, st->describe()));
      return status_;
    }
    std::string why = status_.kernel_exit ? status_.kernel_exit->describe()
                                          : fmt::format("sched_ext state is '{}'", state);
    fail_with(SchedulerFailureKind::Ejected, why);
  }
  return status_;
}

void SchedulerSupervisor::settle_kernel_verdict() {
  // Let the kernel finish printing its verdict before reading it: the
  // "disabled (KIND)" line comes first and its reason line (e.g. the
  // scx_bpf_error message) after it -- on a loaded host the verdict was
  // once read in between and lost the message.
  for (int i = 0; i < 25; ++i) {
    collect_kernel_log();
    const auto& ex = status_.kernel_exit;
    if (ex && (ex->clean() || !ex->reason_lines.empty())) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  drain_log();
}

const SchedulerStatus& SchedulerSupervisor::stop(std::chrono::milliseconds grace) {
  if (stopped_) return status_;
  stopped_ = true;
  if (child_.running()) {
    ::kill(child_.pid(), SIGINT);
    auto st = child_.wait_until(Clock::now() + grace);
    if (!st) st = child_.terminate(std::chrono::milliseconds(500));
    if (!status_.process_exit) status_.process_exit = st;
  }
  drain_log();
  // Unregistering is asynchronous: wait for the state to settle.
  for (int i = 0; i < 100 && sched_ext_state() != "disabled"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  collect_kernel_log();
  if (status_.ok()) {
    if (sched_ext_state() != "disabled") {
      fail_with(SchedulerFailureKind::UncleanStop,
                fmt::format("sched_ext state is still '{}' after stopping the scheduler", sched_ext_state()));
    } else if (status_.kernel_exit && !status_.kernel_exit->clean()) {
      fail_with(SchedulerFailureKind::UncleanStop, status_.kernel_exit->describe());
    }
  }
  return status_;
}

std::string SchedulerSupervisor::log() const { return collapse_repeats(log_); }

}  // namespace ktstr::guest
