#include "vm/qemu/qemu_backend.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstdio>

#include "util/error.hpp"
#include "util/files.hpp"
#include "util/interrupt.hpp"
#include "util/log.hpp"
#include "util/process.hpp"
#include "vm/guest_session.hpp"
#include "vm/layout.hpp"
#include "vm/output_pipe.hpp"
#include "vm/qemu/qemu_cmdline.hpp"
#include "vm/qemu/qemu_io.hpp"
#include "vm/qemu/qemu_pause.hpp"
#include "vm/qemu/qemu_topology.hpp"
#include "vm/qemu/qmp_client.hpp"
#include "vm/qemu/snapshot_start.hpp"
#include "vm/qemu/snapshot_store.hpp"
#include "channel/mailbox.hpp"

namespace ktstr::vm::qemu {
namespace fs = std::filesystem;
namespace {
using Clock = std::chrono::steady_clock;

// After the guest reported its exit code it powers off; give it this long.
constexpr auto kPowerOffGrace = std::chrono::seconds(15);
constexpr int kTickMs = 100;

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
  log::debug("machine {}: {}", to_string(topo.machine), topo.why);
  std::string note;
  if (spec.snapshot && !spec.interactive) {
    try {
      if (auto out = run_from_snapshot(spec, observer, &note)) return std::move(*out);
    } catch (const Interrupted&) {
      throw;
    } catch (const std::exception& e) {
      note = e.what();
    }
    log::debug("snapshot start not used ({}); cold boot", note);
  }
  GuestMemory mem(ram.backend_bytes, ram.low_bytes());
  auto out = launch(spec, observer, mem, spec.initrd_fd, nullptr, &note);
  if (!out) fail("QEMU did not start: {}", note);
  out->snapshot_note = note;
  return std::move(*out);
}

std::optional<VmOutcome> QemuBackend::run_from_snapshot(const VmSpec& spec, VmObserver* observer, std::string* why) {
  const auto& snap = *spec.snapshot;
  auto topo = qemu_topology_args(spec.topology, spec.memory_mb);
  auto ram = ram_layout(topo);
  GuestMemory mem(ram.backend_bytes, ram.low_bytes());
  auto box = mem.at(layout::mailbox_base(mem.size()), layout::kMailboxSize);
  if (snap.mailbox_payload.size() + channel::kMailboxHeaderSize > box.size())
    fail("the request ({} bytes) does not fit the {} KiB mailbox", snap.mailbox_payload.size(), box.size() / 1024);
  SnapshotStore store(snapshot_key(spec, binary_, accel_.accel, snap.base_id));
  bool made = false;
  if (!store.present()) {
    Fd lock = store.lock();
    if (!store.present()) {
      // Made from this run's own memory: the first restore needs no load.
      fs::path tmp = store.begin();
      QemuInputs in;
      in.qemu_binary = binary_;
      in.accel = accel_.accel;
      in.initrd_fd = snap.base_initrd_fd;
      try {
        make_snapshot(spec, in, mem, tmp, Clock::now() + spec.timeout);
      } catch (...) {
        std::error_code ec;
        fs::remove_all(tmp, ec);
        throw;
      }
      store.commit(tmp);
      store.prune();
      made = true;
    }
  }
  // RAM is filled while the restoring QEMU starts up (it does not touch
  // guest RAM before the incoming migration): the two overlap.
  Restore restore;
  restore.state = store.state_file();
  restore.fill_ram = [&] {
    if (!made) {
      auto t0 = Clock::now();
      load_ram(store.dir(), mem);
      log::debug("snapshot RAM loaded in {} ms",
                 std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count());
    }
    channel::mailbox_write(box, snap.mailbox_payload);
  };
  store.touch();
  auto out = launch(spec, observer, mem, snap.base_initrd_fd, &restore, why);
  if (!out) {
    log::info("snapshot {} failed to restore ({}); discarded, cold boot", store.dir().string(), *why);
    store.discard();
    *why = "snapshot discarded: " + *why;
  }
  return out;
}

std::optional<VmOutcome> QemuBackend::launch(const VmSpec& spec, VmObserver* observer, const GuestMemory& mem,
                                             int initrd_fd, const Restore* restore, std::string* why) {
  std::optional<OutputPipe> console;
  if (!spec.interactive) console.emplace();
  OutputPipe port, err;

  QemuInputs in;
  in.qemu_binary = binary_;
  in.accel = accel_.accel;
  in.memory_fds = mem.fds();
  in.initrd_fd = initrd_fd;
  in.console_fd = console ? console->w.get() : -1;
  in.init_port_fd = port.w.get();
  auto argv = qemu_argv(spec, in);
  std::optional<QmpClient> qmp;
  if (restore) {
    qmp.emplace();
    for (auto& a : restore_args(*qmp)) argv.push_back(a);
  }
  log::debug("accelerator: {}", accel_.reason);
  if (log::level() >= log::Level::verbose) {
    std::string line;
    for (auto& s : argv) line += s + " ";
    log::debug("{}", line);
  }

  SpawnOptions so;
  so.keep_fds = mem.fds();
  so.keep_fds.push_back(initrd_fd);
  if (qmp) so.keep_fds.push_back(qmp->qemu_fd());
  so.keep_fds.push_back(port.w.get());
  if (console) so.keep_fds.push_back(console->w.get());
  so.stderr_fd = err.w.get();
  // An interactive QEMU must stay in our (foreground) process group to read the tty.
  so.new_process_group = !spec.interactive;
  if (spec.interactive) so.stdin_fd = 0;

  std::optional<Clock::time_point> ready_at;
  GuestSession session(
      [&](const channel::Message& m) {
        if (!ready_at && m.type == channel::MsgType::Stage &&
            m.text().rfind(channel::kRequestReceivedStage, 0) == 0)
          ready_at = Clock::now();
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
  if (qmp) {
    qmp->close_qemu_end();
    try {
      restore->fill_ram();
      restore_incoming(*qmp, restore->state, std::min(deadline, start + std::chrono::seconds(30)));
    } catch (const Error& e) {
      qemu.terminate(std::chrono::seconds(1));
      std::string errtext;
      drain(err.r, errtext);
      *why = e.what();
      std::string tail = trim(tail_lines(errtext, 1));
      if (!tail.empty()) *why += " (QEMU: " + tail + ")";
      return std::nullopt;
    }
    log::debug("snapshot restored: guest resumed {} ms after QEMU started",
               std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
  }
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
  out.start_mode = restore ? StartMode::SnapshotRestore : StartMode::ColdBoot;
  if (ready_at) out.ready_seconds = std::chrono::duration<double>(*ready_at - start).count();
  out.backend = "qemu";
  if (exit_code_at) out.exit_report_to_end_s = std::chrono::duration<double>(ended - *exit_code_at).count();
  classify(seen, out);
  return out;
}

}  // namespace ktstr::vm::qemu
