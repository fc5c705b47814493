#include "util/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string_view>
#include <filesystem>
#include <thread>

#include "util/error.hpp"
#include "util/interrupt.hpp"

extern char** environ;

namespace ktstr {
namespace {

int pidfd_open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

ExitStatus decode(int wstatus) {
  ExitStatus s;
  if (WIFEXITED(wstatus)) {
    s.code = WEXITSTATUS(wstatus);
  } else if (WIFSIGNALED(wstatus)) {
    s.signal = WTERMSIG(wstatus);
  }
  return s;
}

// Everything exec needs, built before fork: a test binary is
// multi-threaded (gtest, VM runner threads), and in the child of a
// multi-threaded process only async-signal-safe calls are allowed -- no
// malloc, no setenv, no PATH search through std::string.
struct PreparedExec {
  std::string path;                     // resolved executable (or argv[0] as given)
  std::vector<std::string> env_storage;
  std::vector<char*> argv, envp;
};

PreparedExec prepare_exec(const std::vector<std::string>& argv, const SpawnOptions& o) {
  PreparedExec p;
  p.path = argv[0];
  if (argv[0].find('/') == std::string::npos)
    if (auto full = find_in_path(argv[0])) p.path = *full;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string_view::npos && o.env_set.count(std::string(kv.substr(0, eq)))) continue;
    p.env_storage.emplace_back(kv);
  }
  for (const auto& [k, v] : o.env_set) p.env_storage.push_back(k + "=" + v);
  for (auto& e : p.env_storage) p.envp.push_back(e.data());
  p.envp.push_back(nullptr);
  for (const auto& a : argv) p.argv.push_back(const_cast<char*>(a.c_str()));
  p.argv.push_back(nullptr);
  return p;
}

void write_str(const char* s) { [[maybe_unused]] ssize_t n = ::write(2, s, ::strlen(s)); }

// In the child after fork: only async-signal-safe calls until exec.
[[noreturn]] void exec_child(const PreparedExec& p, const SpawnOptions& o, pid_t parent) {
  if (o.new_process_group) ::setpgid(0, 0);
  if (o.die_with_parent) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
  }
  // Restore default signal dispositions and an empty mask for the child.
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) ::signal(s, SIG_DFL);

  int devnull = ::open("/dev/null", O_RDWR);
  ::dup2(o.stdin_fd >= 0 ? o.stdin_fd : devnull, 0);
  if (o.stdout_fd >= 0) ::dup2(o.stdout_fd, 1);
  if (o.stderr_fd >= 0) ::dup2(o.stderr_fd, 2);
  for (int fd : o.keep_fds) {
    int flags = ::fcntl(fd, F_GETFD);
    if (flags >= 0) ::fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
  }
  ::execve(p.path.c_str(), p.argv.data(), p.envp.data());
  int err = errno;
  write_str("ktstr: exec failed: ");
  write_str(p.path.c_str());
  write_str(": ");
  write_str(err == ENOENT ? "not found" : err == EACCES ? "permission denied" : "cannot execute");
  write_str("\n");
  ::_exit(127);
}

}  // namespace

std::string ExitStatus::describe() const {
  if (signal) return fmt::format("killed by signal {} ({})", signal, ::strsignal(signal));
  return fmt::format("exit code {}", code);
}

Child Child::spawn(const std::vector<std::string>& argv, const SpawnOptions& opts) {
  if (argv.empty()) fail("spawn: empty command line");
  PreparedExec prepared = prepare_exec(argv, opts);
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) fail_errno("fork for " + argv[0]);
  if (pid == 0) exec_child(prepared, opts, parent);
  Child c;
  c.pid_ = pid;
  c.pidfd_.reset(pidfd_open(pid));
  if (!c.pidfd_) fail_errno("pidfd_open");
  ::fcntl(c.pidfd_.get(), F_SETFD, FD_CLOEXEC);
  return c;
}

Child::Child(Child&& o) noexcept
    : pid_(std::exchange(o.pid_, -1)), pidfd_(std::move(o.pidfd_)), status_(std::move(o.status_)) {}

Child& Child::operator=(Child&& o) noexcept {
  if (this != &o) {
    if (running()) terminate(std::chrono::milliseconds(200));
    pid_ = std::exchange(o.pid_, -1);
    pidfd_ = std::move(o.pidfd_);
    status_ = std::move(o.status_);
  }
  return *this;
}

Child::~Child() {
  if (running()) terminate(std::chrono::milliseconds(200));
}

std::optional<ExitStatus> Child::try_wait() {
  if (status_) return status_;
  if (pid_ <= 0) return std::nullopt;
  int ws = 0;
  pid_t r = ::waitpid(pid_, &ws, WNOHANG);
  if (r == pid_) status_ = decode(ws);
  return status_;
}

std::optional<ExitStatus> Child::wait_until(std::chrono::steady_clock::time_point deadline) {
  while (true) {
    if (auto s = try_wait()) return s;
    throw_if_interrupted();
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return std::nullopt;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    pollfd fds[2] = {{pidfd_.get(), POLLIN, 0}, {interrupt_fd(), POLLIN, 0}};
    ::poll(fds, interrupt_fd() >= 0 ? 2 : 1, static_cast<int>(std::min<long>(ms, 1000)) + 1);
  }
}

ExitStatus Child::terminate(std::chrono::milliseconds grace) {
  if (auto s = try_wait()) return *s;
  ::kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto s = try_wait()) return *s;
    pollfd p{pidfd_.get(), POLLIN, 0};
    ::poll(&p, 1, 20);
  }
  ::kill(pid_, SIGKILL);
  int ws = 0;
  while (::waitpid(pid_, &ws, 0) < 0 && errno == EINTR) {
  }
  status_ = decode(ws);
  return *status_;
}

RunResult run_capture(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                      const SpawnOptions& base) {
  int outp[2], errp[2];
  if (::pipe2(outp, O_CLOEXEC) != 0 || ::pipe2(errp, O_CLOEXEC) != 0) fail_errno("pipe");
  Fd out_r(outp[0]), out_w(outp[1]), err_r(errp[0]), err_w(errp[1]);
  SpawnOptions opts = base;
  opts.stdout_fd = out_w.get();
  opts.stderr_fd = err_w.get();
  Child child = Child::spawn(argv, opts);
  out_w.reset();
  err_w.reset();

  RunResult r;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool out_open = true, err_open = true;
  char buf[65536];
  while (out_open || err_open) {
    throw_if_interrupted();
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      r.timed_out = true;
      break;
    }
    pollfd fds[3] = {{out_open ? out_r.get() : -1, POLLIN, 0},
                     {err_open ? err_r.get() : -1, POLLIN, 0},
                     {interrupt_fd(), POLLIN, 0}};
    int ms = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count());
    ::poll(fds, 3, std::min(ms, 1000) + 1);
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        (i == 0 ? out_open : err_open) = false;
      }
    }
  }
  if (r.timed_out) {
    r.status = child.terminate();
  } else {
    auto s = child.wait_until(deadline + std::chrono::seconds(5));
    r.status = s ? *s : child.terminate();
  }
  return r;
}

std::optional<std::string> find_in_path(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    if (::access(name.c_str(), X_OK) == 0) return name;
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    std::string dir = p.substr(start, end - start);
    if (!dir.empty()) {
      std::string full = dir + "/" + name;
      if (::access(full.c_str(), X_OK) == 0 && !std::filesystem::is_directory(full)) return full;
    }
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace ktstr
