#include "vm/kvm/kvm_backend.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <optional>

#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/log.hpp"
#include "vm/guest_session.hpp"
#include "vm/kvm/crash_inject.hpp"
#include "vm/kvm/machine.hpp"
#include "vm/kvm/terminal.hpp"
#include "vm/layout.hpp"

namespace ktstr::vm::kvm {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPowerOffGrace = std::chrono::seconds(15);
constexpr int kTickMs = 100;
constexpr auto kJoinGrace = std::chrono::seconds(2);

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// UART bytes travel to the run loop through pipes, as QEMU's do: the vCPU
// thread writes (blocking, so nothing is lost), the loop drains.
struct Pipe {
  Fd r, w;
  Pipe() {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) fail_errno("pipe");
    r.reset(p[0]);
    w.reset(p[1]);
    ::fcntl(p[0], F_SETFL, ::fcntl(p[0], F_GETFL) | O_NONBLOCK);
    ::fcntl(p[1], F_SETPIPE_SZ, 1 << 20);  // best effort: fewer stalls for chatty guests
  }
};

// `stopping`: the loop no longer drains, so a full pipe must not keep the
// vCPU thread from returning.
void write_all(int fd, std::span<const uint8_t> b, const std::atomic<bool>& stopping) {
  size_t off = 0;
  while (off < b.size()) {
    ssize_t n = ::write(fd, b.data() + off, b.size() - off);
    if (n > 0) off += static_cast<size_t>(n);
    else if (n < 0 && errno == EINTR && !stopping.load()) continue;  // a kick arrived
    else return;
  }
}

bool drain(Fd& fd, std::string& into) {
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n > 0) {
      into.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return false;
    return errno == EINTR || errno == EAGAIN;
  }
}

class KvmControl final : public VmControl {
 public:
  explicit KvmControl(Machine& m) : m_(m) {}
  const GuestMemory& memory() const override { return m_.memory(); }
  bool pause(std::chrono::milliseconds timeout, std::string* err) override { return m_.vcpus().pause(timeout, err); }
  void resume() override { m_.vcpus().resume(); }

 private:
  Machine& m_;
};

const char* describe(StopCause c) {
  switch (c) {
    case StopCause::PowerOff: return "guest powered off";
    case StopCause::Reset: return "guest reset the machine";
    case StopCause::TripleFault: return "triple fault";
    case StopCause::KvmFailure: return "KVM failure";
    case StopCause::None: break;
  }
  return "";
}

}  // namespace

VmOutcome KvmBackend::run(const VmSpec& spec, VmObserver* observer) {
  if (spec.initrd_fd < 0) fail("VM spec has no initramfs");
  install_interrupt_handlers();
  auto injection = crash_injection_from_env();
  auto start = Clock::now();

  std::optional<Pipe> console;
  if (!spec.interactive) console.emplace();
  Pipe port;
  MachineOutputs outs;
  int console_w = console ? console->w.get() : STDOUT_FILENO;
  std::atomic<bool> stopping{false};
  outs.console = [console_w, &stopping](std::span<const uint8_t> b) { write_all(console_w, b, stopping); };
  outs.init_port = [w = port.w.get(), &stopping](std::span<const uint8_t> b) { write_all(w, b, stopping); };
  auto machine = std::make_unique<Machine>(spec, std::move(outs));
  Machine& m = *machine;
  log::debug("own VMM: {}", m.summary());
  if (injection) log::debug("{}: vCPU {} will crash after {} ms", kInjectEnv, injection->vcpu, injection->after.count());

  GuestSession session(
      [&](const channel::Message& msg) {
        if (observer) observer->on_message(msg);
      },
      [&](std::string_view text) {
        if (spec.stream_output) {
          std::fwrite(text.data(), 1, text.size(), stdout);
          std::fflush(stdout);
        }
      });
  auto ring = m.memory().at(layout::channel_base(m.memory().size()), layout::kChannelSize);
  std::optional<RawTerminal> raw;
  if (spec.interactive) raw.emplace();

  auto deadline = start + spec.timeout;
  m.vcpus().start();
  KvmControl control(m);
  if (observer) observer->on_start(control);

  bool timed_out = false, stdin_open = spec.interactive;
  std::optional<Clock::time_point> exit_code_at;
  std::string chunk;
  auto next_tick = start;
  auto read_pipes = [&] {
    chunk.clear();
    drain(port.r, chunk);
    session.feed_init_port(chunk);
    if (console) {
      chunk.clear();
      drain(console->r, chunk);
      session.feed_console(chunk);
    }
  };
  try {
    while (true) {
      pollfd fds[5] = {{m.state().wake_fd(), POLLIN, 0},
                       {interrupt_fd(), POLLIN, 0},
                       {port.r.get(), POLLIN, 0},
                       {console ? console->r.get() : -1, POLLIN, 0},
                       {stdin_open ? STDIN_FILENO : -1, POLLIN, 0}};
      ::poll(fds, 5, kTickMs);
      throw_if_interrupted();
      if (fds[0].revents) m.state().clear_wake();
      read_pipes();
      if (stdin_open && fds[4].revents) {
        uint8_t buf[256];
        ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n > 0) m.console().push_input({buf, static_cast<size_t>(n)});
        else stdin_open = false;
      }
      auto now = Clock::now();
      if (injection && now - start >= injection->after) {
        m.vcpus().inject(*injection);
        injection.reset();
      }
      if (now >= next_tick) {
        session.poll_ring(ring.data(), ring.size());
        if (observer) observer->on_tick(control);
        next_tick = now + std::chrono::milliseconds(kTickMs);
      }
      if (m.state().kill.load()) break;
      if (session.got_exit_code() && !exit_code_at) {
        exit_code_at = now;
        if (deadline > now + kPowerOffGrace) deadline = now + kPowerOffGrace;
      }
      if (now >= deadline) {
        timed_out = !session.got_exit_code();
        break;
      }
    }
  } catch (...) {
    stopping.store(true);
    m.vcpus().stop(kJoinGrace);  // Ctrl-C: stop the guest before unwinding the machine
    throw;
  }
  stopping.store(true);
  m.vcpus().stop(kJoinGrace);
  read_pipes();
  session.poll_ring(ring.data(), ring.size());
  session.finish();
  raw.reset();

  Observed& seen = session.observed();
  seen.timed_out = timed_out;
  auto crashes = m.vcpus().crash_reports();
  if (!crashes.empty()) seen.vcpu_crash = crashes.front();
  if (m.state().cause() == StopCause::KvmFailure) seen.backend_failure = m.state().detail();
  seen.machine_event = describe(m.state().cause());
  VmOutcome out = std::move(session.outcome());
  out.backend = "kvm";
  out.abandoned_threads = m.vcpus().signal_crash();
  if (auto first = m.vcpus().first_entry(); first.time_since_epoch().count()) out.first_entry_s = seconds(first - start);
  if (timed_out)
    for (const auto& line : m.vcpus().describe_vcpus(m.memory())) log::debug("own VMM at the deadline: {}", line);
  if (m.bus().unclaimed()) log::debug("own VMM: {} accesses to unclaimed I/O ports", m.bus().unclaimed());
  machine.reset();  // VM, vCPU and memory fds and mappings released here
  out.wall_seconds = seconds(Clock::now() - start);
  if (exit_code_at) out.exit_report_to_end_s = seconds(Clock::now() - *exit_code_at);
  classify(seen, out);
  return out;
}

}  // namespace ktstr::vm::kvm
