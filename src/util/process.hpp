#pragma once
// Child processes: RAII ownership (a Child that goes out of scope is killed
// and reaped) and a run-to-completion helper with a deadline.
#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/fd.hpp"

namespace ktstr {

struct SpawnOptions {
  std::vector<int> keep_fds;           // fds the child inherits (CLOEXEC cleared)
  std::map<std::string, std::string> env_set;  // added/overridden variables
  int stdin_fd = -1;                   // -1: /dev/null
  int stdout_fd = -1;                  // -1: inherit
  int stderr_fd = -1;                  // -1: inherit
  bool die_with_parent = true;         // PR_SET_PDEATHSIG(SIGKILL)
  bool new_process_group = true;       // so Ctrl-C on the terminal reaches us only
};

struct ExitStatus {
  int code = -1;    // exit code, or -1 if killed by a signal
  int signal = 0;   // terminating signal, 0 if exited
  bool ok() const { return signal == 0 && code == 0; }
  std::string describe() const;
};

class Child {
 public:
  Child() = default;
  static Child spawn(const std::vector<std::string>& argv, const SpawnOptions& opts = {});
  Child(Child&& o) noexcept;
  Child& operator=(Child&& o) noexcept;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child();

  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0 && !status_; }
  // pidfd: readable when the child exits.
  int pidfd() const { return pidfd_.get(); }
  // Non-blocking reap; returns the status once the child has exited.
  std::optional<ExitStatus> try_wait();
  // Blocks until exit or deadline; nullopt on deadline. Throws Interrupted.
  std::optional<ExitStatus> wait_until(std::chrono::steady_clock::time_point deadline);
  // SIGTERM, grace period, then SIGKILL; always reaps.
  ExitStatus terminate(std::chrono::milliseconds grace = std::chrono::milliseconds(500));

 private:
  pid_t pid_ = -1;
  Fd pidfd_;
  std::optional<ExitStatus> status_;
};

struct RunResult {
  ExitStatus status;
  std::string out;  // captured stdout
  std::string err;  // captured stderr
  bool timed_out = false;
};

// Runs argv to completion capturing stdout/stderr; kills it at the timeout.
RunResult run_capture(const std::vector<std::string>& argv,
                      std::chrono::milliseconds timeout = std::chrono::minutes(10),
                      const SpawnOptions& opts = {});

// Full path of an executable found in $PATH, or nullopt.
std::optional<std::string> find_in_path(const std::string& name);

}  // namespace ktstr
