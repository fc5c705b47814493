#include "vm/qemu/qemu_backend.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstdio>

#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/log.hpp"
#include "util/process.hpp"
#include "vm/guest_session.hpp"
#include "vm/layout.hpp"
#include "vm/qemu/qemu_cmdline.hpp"
#include "vm/qemu/qemu_pause.hpp"
#include "vm/qemu/qemu_topology.hpp"

namespace ktstr::vm::qemu {
namespace {
using Clock = std::chrono::steady_clock;

// After the guest reported its exit code it powers off; give it this long.
constexpr auto kPowerOffGrace = std::chrono::seconds(15);
constexpr int kTickMs = 100;

struct Pipe {
  Fd r, w;
  Pipe() {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) fail_errno("pipe");
    r.reset(p[0]);
    w.reset(p[1]);
    // The loop polls several pipes; a read must never block it.
    ::fcntl(p[0], F_SETFL, ::fcntl(p[0], F_GETFL) | O_NONBLOCK);
  }
};

// Reads what is available; returns false at EOF.
bool drain(Fd& fd, std::string& into) {
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n > 0) {
      into.append(buf, static_cast<size_t>(n));
      if (static_cast<size_t>(n) < sizeof buf) return true;
      continue;
    }
    if (n == 0) return false;
    return errno == EINTR || errno == EAGAIN;
  }
}

// Observers see guest RAM and pause the VM through its QEMU child.
class QemuControl final : public VmControl {
 public:
  QemuControl(const GuestMemory& mem, pid_t qemu) : mem_(mem), pauser_(qemu) {}
  const GuestMemory& memory() const override { return mem_; }
  bool pause(std::chrono::milliseconds timeout, std::string* err) override { return pauser_.pause(timeout, err); }
  void resume() override { pauser_.resume(); }

 private:
  const GuestMemory& mem_;
  QemuPauser pauser_;
};

}  // namespace

std::string find_qemu() {
  if (const char* env = std::getenv("KTSTR_QEMU"); env && *env) {
    if (auto p = find_in_path(env)) return *p;
    fail("KTSTR_QEMU={} is not an executable", env);
  }
  if (auto p = find_in_path("qemu-system-x86_64")) return *p;
  fail("qemu-system-x86_64 not found; install it with scripts/bootstrap.sh (package qemu-system-x86)");
}

QemuBackend::QemuBackend() : binary_(find_qemu()), accel_(choose_accel()) {}

VmOutcome QemuBackend::run(const VmSpec& spec, VmObserver* observer) {
  if (spec.initrd_fd < 0) fail("VM spec has no initramfs");
  if (spec.memory_mb < layout::kMinMemoryMb)
    fail("guest memory {} MiB is below the minimum of {} MiB", spec.memory_mb, layout::kMinMemoryMb);
  install_interrupt_handlers();

  // The machine type and memory backends follow from the topology (NUMA
  // guests get one memfd per node).
  auto topo = qemu_topology_args(spec.topology, spec.memory_mb);
  auto ram = ram_layout(topo);
  GuestMemory mem(ram.backend_bytes, ram.low_bytes());
  log::debug("machine {}: {}", to_string(topo.machine), topo.why);
  std::optional<Pipe> console;
  if (!spec.interactive) console.emplace();
  Pipe port, err;

  QemuInputs in;
  in.qemu_binary = binary_;
  in.accel = accel_.accel;
  in.memory_fds = mem.fds();
  in.initrd_fd = spec.initrd_fd;
  in.console_fd = console ? console->w.get() : -1;
  in.init_port_fd = port.w.get();
  auto argv = qemu_argv(spec, in);
  log::debug("accelerator: {}", accel_.reason);
  if (log::level() >= log::Level::verbose) {
    std::string line;
    for (auto& s : argv) line += s + " ";
    log::debug("{}", line);
  }

  SpawnOptions so;
  so.keep_fds = mem.fds();
  so.keep_fds.push_back(spec.initrd_fd);
  so.keep_fds.push_back(port.w.get());
  if (console) so.keep_fds.push_back(console->w.get());
  so.stderr_fd = err.w.get();
  // An interactive QEMU must stay in our (foreground) process group to read the tty.
  so.new_process_group = !spec.interactive;
  if (spec.interactive) so.stdin_fd = 0;

  GuestSession session(
      [&](const channel::Message& m) {
        if (observer) observer->on_message(m);
      },
      [&](std::string_view text) {
        if (spec.stream_output) {
          std::fwrite(text.data(), 1, text.size(), stdout);
          std::fflush(stdout);
        }
      });
  auto ring = mem.at(layout::channel_base(mem.size()), layout::kChannelSize);

  auto start = Clock::now();
  auto deadline = start + spec.timeout;
  Child qemu = Child::spawn(argv, so);
  port.w.reset();
  err.w.reset();
  if (console) console->w.reset();
  QemuControl control(mem, qemu.pid());
  if (observer) observer->on_start(control);

  bool timed_out = false;
  std::optional<Clock::time_point> exit_code_at;
  bool port_open = true, console_open = console.has_value(), err_open = true;
  std::optional<ExitStatus> status;
  std::string chunk;
  auto next_tick = start;
  while (true) {
    pollfd fds[5] = {{qemu.pidfd(), POLLIN, 0},
                     {interrupt_fd(), POLLIN, 0},
                     {port_open ? port.r.get() : -1, POLLIN, 0},
                     {console_open ? console->r.get() : -1, POLLIN, 0},
                     {err_open ? err.r.get() : -1, POLLIN, 0}};
    ::poll(fds, 5, kTickMs);
    throw_if_interrupted();
    if (port_open && fds[2].revents) {
      chunk.clear();
      port_open = drain(port.r, chunk);
      session.feed_init_port(chunk);
    }
    if (console_open && fds[3].revents) {
      chunk.clear();
      console_open = drain(console->r, chunk);
      session.feed_console(chunk);
    }
    if (err_open && fds[4].revents) err_open = drain(err.r, session.outcome().backend_stderr);

    auto now = Clock::now();
    if (now >= next_tick) {
      session.poll_ring(ring.data(), ring.size());
      if (observer) observer->on_tick(control);
      next_tick = now + std::chrono::milliseconds(kTickMs);
    }
    if ((status = qemu.try_wait())) break;
    if (session.got_exit_code() && !exit_code_at) {
      exit_code_at = now;
      if (deadline > now + kPowerOffGrace) deadline = now + kPowerOffGrace;
    }
    if (now >= deadline) {
      timed_out = !session.got_exit_code();
      qemu.terminate(std::chrono::seconds(2));
      status.reset();  // we killed it: its status says nothing about the guest
      break;
    }
  }
  auto ended = Clock::now();
  // QEMU is gone: collect whatever is still buffered in the pipes and the ring.
  while (port_open) {
    chunk.clear();
    port_open = drain(port.r, chunk) && !chunk.empty();
    session.feed_init_port(chunk);
  }
  while (console_open) {
    chunk.clear();
    console_open = drain(console->r, chunk) && !chunk.empty();
    session.feed_console(chunk);
  }
  while (err_open) {
    size_t before = session.outcome().backend_stderr.size();
    err_open = drain(err.r, session.outcome().backend_stderr) &&
               session.outcome().backend_stderr.size() != before;
  }
  session.poll_ring(ring.data(), ring.size());
  session.finish();

  Observed& seen = session.observed();
  seen.timed_out = timed_out;
  seen.backend_status = status;
  VmOutcome out = std::move(session.outcome());
  out.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  out.backend = "qemu";
  if (exit_code_at) out.exit_report_to_end_s = std::chrono::duration<double>(ended - *exit_code_at).count();
  classify(seen, out);
  return out;
}

}  // namespace ktstr::vm::qemu
