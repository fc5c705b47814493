#include "guest/actions.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>

#include <fmt/format.h>

#include "guest/scenario_action.hpp"
#include "guest/scheduler_params.hpp"
#include "guest/scheduler_supervisor.hpp"
#include "util/error.hpp"

namespace ktstr::guest {
namespace {

// A fixed environment, passed to execve: between fork and exec only
// async-signal-safe calls (no setenv), whatever threads a test body started.
constexpr const char* kShellEnv[] = {"PATH=/usr/local/bin:/bin:/sbin:/usr/bin:/usr/sbin", "HOME=/tmp",
                                     "TERM=linux", nullptr};

[[noreturn]] void exec_shell(const char* const* argv) {
  ::execve("/bin/sh", const_cast<char* const*>(argv), const_cast<char* const*>(kShellEnv));
  constexpr const char kMsg[] = "ktstr guest: exec /bin/sh failed\n";
  [[maybe_unused]] ssize_t n = ::write(2, kMsg, sizeof kMsg - 1);
  ::_exit(127);
}

int wait_child(pid_t pid) {
  int ws = 0;
  while (::waitpid(pid, &ws, 0) < 0) {
    if (errno != EINTR) return 127;
  }
  if (WIFEXITED(ws)) return WEXITSTATUS(ws);
  return 128 + WTERMSIG(ws);
}

// `--exec CMD`: output goes to the init port, which the host echoes.
int run_exec(const Request& r, int port_fd) {
  pid_t pid = ::fork();
  if (pid < 0) fail_errno("fork");
  if (pid == 0) {
    int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, 0);
    if (port_fd >= 0) {
      ::dup2(port_fd, 1);
      ::dup2(port_fd, 2);
    }
    const char* argv[] = {"sh", "-c", r.command.c_str(), nullptr};
    exec_shell(argv);
  }
  return wait_child(pid);
}

// Interactive shell on the console UART, with it as controlling terminal so
// job control and Ctrl-C work.
int run_shell() {
  pid_t pid = ::fork();
  if (pid < 0) fail_errno("fork");
  if (pid == 0) {
    ::setsid();
    int tty = ::open("/dev/ttyS0", O_RDWR);
    if (tty >= 0) {
      ::ioctl(tty, TIOCSCTTY, 1);
      for (int fd = 0; fd < 3; ++fd) ::dup2(tty, fd);
    }
    constexpr const char kHello[] = "ktstr: guest shell; `exit` or Ctrl-D powers the VM off\n";
    [[maybe_unused]] ssize_t n = ::write(1, kHello, sizeof kHello - 1);
    const char* argv[] = {"sh", "-i", nullptr};
    exec_shell(argv);
  }
  return wait_child(pid);
}

}  // namespace

void say(int port_fd, const std::string& text) {
  std::string line = "ktstr: " + text + "\n";
  if (port_fd >= 0) [[maybe_unused]] auto n = ::write(port_fd, line.data(), line.size());
}

// `shell --scheduler`: the scheduler runs (supervised) while the command or
// the interactive shell does; problems are reported, the command's exit code
// stays ktstr's.
int with_scheduler(const Request& r, Publisher& pub, int port_fd, const std::function<int()>& body) {
  if (!r.params.contains("scheduler")) return body();
  SchedulerLaunch launch = prepare_scheduler(r.params["scheduler"]);
  pub.stage("starting scheduler " + launch.binary);
  SchedulerSupervisor sup(launch);
  if (!sup.status().ok()) {
    say(port_fd, sup.status().message + "\n--- scheduler log ---\n" + sup.log());
    return 1;
  }
  say(port_fd, fmt::format("scheduler {} attached in {:.2f} s", sup.status().ops_name, sup.status().attach_seconds));
  int code = body();
  sup.poll();
  sup.stop();
  if (!sup.status().ok()) say(port_fd, std::string(to_string(sup.status().failure)) + ": " + sup.status().message +
                                           "\n--- scheduler log ---\n" + sup.log());
  return code;
}

namespace {
std::map<std::string, ActionFn>& extra_actions() {
  static std::map<std::string, ActionFn> m;
  return m;
}
}  // namespace

void register_action(std::string name, ActionFn fn) {
  if (name == "exec" || name == "shell" || name == "scenario") fail("guest action '{}' is built in", name);
  extra_actions()[std::move(name)] = std::move(fn);
}

int run_action(const Request& request, Publisher& pub, int port_fd) {
  pub.stage("action " + request.action);
  if (request.action == "exec")
    return with_scheduler(request, pub, port_fd, [&] { return run_exec(request, port_fd); });
  if (request.action == "shell") return with_scheduler(request, pub, port_fd, [&] { return run_shell(); });
  if (request.action == "scenario") return run_scenario_action(request.params, pub);
  if (auto it = extra_actions().find(request.action); it != extra_actions().end())
    return it->second(request, pub, port_fd);
  fail("unknown guest action '{}'", request.action);
}

}  // namespace ktstr::guest
