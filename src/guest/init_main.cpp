#include "guest/init_main.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>

#include <fmt/format.h>

#include "guest/actions.hpp"
#include "guest/mounts.hpp"
#include "guest/publisher.hpp"
#include "guest/request.hpp"
#include "guest/start_request.hpp"
#include "util/files.hpp"

namespace ktstr::guest {
namespace {

[[noreturn]] void power_off() {
  ::sync();
  ::reboot(RB_POWER_OFF);
  // With -no-reboot a reset also ends the VM.
  ::reboot(RB_AUTOBOOT);
  for (;;) ::pause();
}

void console_stdio() {
  int fd = ::open("/dev/console", O_RDWR | O_NOCTTY);
  if (fd < 0) return;
  for (int i = 0; i < 3; ++i) ::dup2(fd, i);
  if (fd > 2) ::close(fd);
}

// The init port carries program output byte for byte: no "\n" -> "\r\n".
int open_init_port() {
  int fd = ::open("/dev/ttyS1", O_WRONLY | O_NOCTTY | O_CLOEXEC);
  termios t{};
  if (fd >= 0 && ::tcgetattr(fd, &t) == 0) {
    ::cfmakeraw(&t);
    ::tcsetattr(fd, TCSANOW, &t);
  }
  return fd;
}

std::string uptime_text() {
  auto up = try_read_file("/proc/uptime");
  return "uptime=" + (up ? split(*up, ' ')[0] : std::string("?"));
}

// Runs the action in a child so that a crash in it is reported, not fatal to
// PID 1; meanwhile PID 1 reaps every orphan that gets reparented to it.
int supervise(const Request& req, Publisher& pub, int port_fd) {
  pid_t child = ::fork();
  if (child < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (child == 0) {
    int code = 2;
    try {
      code = run_action(req, pub, port_fd);
    } catch (const std::exception& e) {
      std::string msg = fmt::format("ktstr guest: {}\n", e.what());
      if (port_fd >= 0) [[maybe_unused]] auto n = ::write(port_fd, msg.data(), msg.size());
    }
    std::fflush(nullptr);
    ::_exit(code);
  }
  while (true) {
    int ws = 0;
    pid_t p = ::waitpid(-1, &ws, 0);
    if (p < 0 && errno == EINTR) continue;
    if (p < 0) return 2;
    if (p != child) continue;
    if (WIFEXITED(ws)) return WEXITSTATUS(ws);
    int sig = WTERMSIG(ws);
    pub.publish(channel::MsgType::Panic,
                fmt::format("guest action crashed: signal {} ({})", sig, ::strsignal(sig)));
    return 128 + sig;
  }
}

}  // namespace

void init_main() {
  int code = 2;
  std::optional<Publisher> pub;
  try {
    // The kernel starts init with no PATH; payloads and shells need one.
    ::setenv("PATH", "/usr/local/bin:/bin:/sbin:/usr/bin:/usr/sbin", 1);
    auto failed_mounts = mount_all();
    console_stdio();
    int port_fd = open_init_port();
    pub.emplace(Publisher::open(port_fd));
    pub->publish(channel::MsgType::InitStarted, uptime_text());
    if (!pub->has_ring())
      pub->publish(channel::MsgType::Log, "channel ring unavailable: " + pub->ring_error());
    for (auto& f : failed_mounts) pub->publish(channel::MsgType::Log, f);
    Request req = obtain_request(*pub);
    code = supervise(req, *pub, port_fd);
    // Leftover processes must not outlive the verdict.
    ::kill(-1, SIGKILL);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ktstr guest init: %s\n", e.what());
    if (pub) pub->publish(channel::MsgType::Panic, e.what());
    code = 2;
  }
  if (pub) pub->exit_code(code);
  power_off();
}

}  // namespace ktstr::guest
