#pragma once
// Starts the scheduler under test inside the guest and watches it: early
// death, failure to attach, ejection by the kernel, its own exit message;
// captures its stdout/stderr; stops it at the end and checks that the
// kernel saw a clean unregistration.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "guest/kmsg.hpp"
#include "guest/sched_ext_exit.hpp"
#include "util/fd.hpp"
#include "util/process.hpp"

namespace ktstr::guest {

struct SchedulerLaunch {
  std::string binary;
  std::vector<std::string> args;
  // Fail if the scheduler dies this soon after start...
  std::chrono::milliseconds early_death{1000};
  // ...or has not attached by then (TCG is 10-30x slower than native; the
  // kernel's own examples attach 0.4-2 s after start there).
  std::chrono::milliseconds attach_timeout{8000};
};

enum class SchedulerFailureKind {
  None,
  DiedEarly,      // exited before attaching
  NeverAttached,  // alive but sched_ext never enabled it
  Died,           // exited while it should have been running
  Ejected,        // the kernel disabled it (error, stall, watchdog...)
  UncleanStop,    // at the end: did not unregister cleanly
};
const char* to_string(SchedulerFailureKind k);

struct SchedulerStatus {
  SchedulerFailureKind failure = SchedulerFailureKind::None;
  std::string message;                 // one line for the verdict
  std::optional<SchedExtExit> kernel_exit;
  std::optional<ExitStatus> process_exit;
  std::string ops_name;
  double attach_seconds = 0;
  bool ok() const { return failure == SchedulerFailureKind::None; }
};

class SchedulerSupervisor {
 public:
  // Starts the binary and waits until it is attached or has failed.
  explicit SchedulerSupervisor(const SchedulerLaunch& launch);
  ~SchedulerSupervisor();
  SchedulerSupervisor(const SchedulerSupervisor&) = delete;
  SchedulerSupervisor& operator=(const SchedulerSupervisor&) = delete;

  // Cheap health check, call every ~100 ms: drains the log and notices
  // death or ejection. Sticky: once failed it stays failed.
  const SchedulerStatus& poll();
  // SIGINT, wait, SIGKILL; then checks the kernel's verdict.
  const SchedulerStatus& stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));

  const SchedulerStatus& status() const { return status_; }
  // Captured stdout+stderr, repeated runs collapsed.
  std::string log() const;
  std::string raw_log() const { return log_; }
  pid_t pid() const { return child_.pid(); }

 private:
  void drain_log();
  void fail_with(SchedulerFailureKind k, std::string msg);
  void collect_kernel_log();
  void settle_kernel_verdict();

  SchedulerLaunch launch_;
  Child child_;
  Fd log_fd_;
  std::string log_;
  KmsgReader kmsg_;
  std::vector<KmsgRecord> records_;
  SchedulerStatus status_;
  bool stopped_ = false;
};

}  // namespace ktstr::guest
