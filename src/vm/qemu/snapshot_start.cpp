#include "vm/qemu/snapshot_start.hpp"

#include <poll.h>

#include <thread>

#include <fmt/format.h>

#include "channel/sentinel.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/interrupt.hpp"
#include "util/log.hpp"
#include "util/process.hpp"
#include "vm/output_pipe.hpp"
#include "vm/guest_session.hpp"
#include "vm/layout.hpp"
#include "vm/qemu/qemu_io.hpp"
#include "vm/qemu/snapshot_store.hpp"

namespace ktstr::vm::qemu {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

const nlohmann::json kIgnoreShared = {
    {"capabilities", nlohmann::json::array({{{"capability", "x-ignore-shared"}, {"state", true}}})}};

// For QEMU's exec: migration URIs, which run through /bin/sh -c.
std::string sh_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Polls query-migrate until the migration (outgoing or incoming) is done.
void wait_migration(QmpClient& qmp, Clock::time_point deadline) {
  while (true) {
    auto st = qmp.execute("query-migrate", nlohmann::json::object(), deadline);
    std::string status = st.value("status", "");
    if (status == "completed") return;
    if (status == "failed" || status == "cancelled")
      fail("migration {}: {}", status, st.value("error-desc", "no reason given"));
    if (Clock::now() > deadline) fail("migration still '{}' at the deadline", status);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

std::string last_words(GuestSession& s, const std::string& err) {
  std::string t = trim(tail_lines(err, 3));
  if (t.empty()) t = trim(tail_lines(s.outcome().init_output, 3));
  return t.empty() ? "" : ": " + t;
}

}  // namespace

void make_snapshot(const VmSpec& spec, const QemuInputs& base, const GuestMemory& mem, const fs::path& dir,
                   Clock::time_point deadline) {
  OutputPipe console, port, err;
  QmpClient qmp;
  QemuInputs in = base;
  in.memory_fds = mem.fds();
  in.console_fd = console.w.get();
  in.init_port_fd = port.w.get();
  auto argv = qemu_argv(spec, in);
  for (auto& a : qmp.qemu_args()) argv.push_back(a);

  SpawnOptions so;
  so.keep_fds = mem.fds();
  so.keep_fds.insert(so.keep_fds.end(), {in.initrd_fd, port.w.get(), console.w.get(), qmp.qemu_fd()});
  so.stderr_fd = err.w.get();
  // Ready only once the AwaitingRequest sentinel line has arrived whole on
  // the init port: the ring copy can be seen while the tail of that line
  // still sits in the guest's UART buffer, and a snapshot taken then would
  // replay the tail into every restored run's output (seen in a test).
  bool ready = false;
  channel::SentinelParser port_lines;
  GuestSession session(nullptr, nullptr);
  auto ring = mem.at(layout::channel_base(mem.size()), layout::kChannelSize);

  auto t0 = Clock::now();
  Child q = Child::spawn(argv, so);
  qmp.close_qemu_end();
  port.w.reset();
  console.w.reset();
  err.w.reset();
  std::string errtext, chunk;
  qmp.handshake(deadline);
  while (!ready) {
    pollfd fds[4] = {{q.pidfd(), POLLIN, 0}, {port.r.get(), POLLIN, 0}, {console.r.get(), POLLIN, 0},
                     {err.r.get(), POLLIN, 0}};
    ::poll(fds, 4, 20);
    throw_if_interrupted();
    chunk.clear();
    drain(port.r, chunk);
    session.feed_init_port(chunk);
    for (const auto& m : port_lines.feed(chunk))
      if (m.type == channel::MsgType::AwaitingRequest) ready = true;
    chunk.clear();
    drain(console.r, chunk);
    session.feed_console(chunk);
    drain(err.r, errtext);
    session.poll_ring(ring.data(), ring.size());
    if (ready) break;
    if (auto st = q.try_wait()) fail("QEMU {} before guest init was ready{}", st->describe(), last_words(session, errtext));
    if (session.got_exit_code()) fail("guest init exited instead of waiting for a request{}", last_words(session, errtext));
    if (Clock::now() > deadline) fail("guest init not ready for a request before the deadline");
  }
  auto booted = Clock::now();
  qmp.execute("stop", {}, deadline);
  qmp.execute("migrate-set-capabilities", kIgnoreShared, deadline);
  qmp.execute("migrate", {{"uri", "exec:cat > " + sh_quote((dir / "state.bin").string())}}, deadline);
  wait_migration(qmp, deadline);
  auto saved = Clock::now();
  try {
    qmp.execute("quit", {}, deadline);
  } catch (const Error&) {
    // QEMU may close the monitor before answering; it is quitting either way.
  }
  if (!q.wait_until(Clock::now() + std::chrono::seconds(5))) q.terminate(std::chrono::seconds(1));
  save_ram(mem, dir);
  auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  log::debug("snapshot made: boot to init-ready {} ms, device state {} ms, RAM saved {} ms", ms(booted - t0),
             ms(saved - booted), ms(Clock::now() - saved));
}

std::vector<std::string> restore_args(const QmpClient& qmp) {
  auto a = qmp.qemu_args();
  a.insert(a.end(), {"-incoming", "defer"});
  return a;
}

void restore_incoming(QmpClient& qmp, const fs::path& state_file, Clock::time_point deadline) {
  auto t0 = Clock::now();
  qmp.handshake(deadline);
  auto t1 = Clock::now();
  qmp.execute("migrate-set-capabilities", kIgnoreShared, deadline);
  qmp.execute("migrate-incoming", {{"uri", "exec:cat " + sh_quote(state_file.string())}}, deadline);
  wait_migration(qmp, deadline);
  auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  log::debug("snapshot restore: QMP up after {} ms, device state loaded {} ms later", ms(t1 - t0),
             ms(Clock::now() - t1));
  // The source was stopped before saving, so the loaded VM is paused.
  qmp.execute("cont", {}, deadline);
}

}  // namespace ktstr::vm::qemu
