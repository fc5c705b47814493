#include "runner/guest_run.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "guest/start_request.hpp"
#include "initramfs/elf_info.hpp"
#include "initramfs/initramfs_builder.hpp"
#include "initramfs/stripped_copy.hpp"
#include "kernel/kernel_resolve.hpp"
#include "monitor/observer_chain.hpp"
#include "topology/memory.hpp"
#include "util/error.hpp"
#include "util/fd.hpp"
#include "util/files.hpp"
#include "util/log.hpp"
#include "vm/qemu/qemu_topology.hpp"

namespace ktstr::runner {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// This binary, to be packed as the guest's /init. If it was rebuilt while
// we run (a long `ktstr run`), its path names a new file or none; the inode
// we are running stays readable through /proc/self/exe.
fs::path self_binary() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (ec || !fs::exists(p, ec) || fs::equivalent(p, "/proc/self/exe", ec) == false) return "/proc/self/exe";
  return p;
}

initramfs::InitramfsSpec base_spec(const GuestRunOptions& o) {
  initramfs::InitramfsSpec spec;
  spec.binaries.push_back({initramfs::stripped_copy(self_binary()), "/init", 0755});
  for (const auto& f : o.include_files) {
    std::error_code ec;
    if (!fs::is_regular_file(f, ec)) fail("--include-files: {} is not a regular file", f.string());
    std::string guest = "/usr/local/bin/" + f.filename().string();
    if (initramfs::try_read_elf_info(f))
      spec.binaries.push_back({fs::absolute(f), guest, 0755});
    else
      spec.entries.push_back(initramfs::Entry::from_host(guest, fs::absolute(f), 0755));
  }
  spec.entries.insert(spec.entries.end(), o.extra_entries.begin(), o.extra_entries.end());
  spec.include_busybox = o.busybox;
  // Uncompressed: under TCG the guest decompressing costs more than the
  // kernel copying a few more megabytes (see bench/).
  spec.compression = initramfs::Compression::none;
  return spec;
}

struct PackedInitrd {
  Fd full;              // base + per-run request segment (cold boot)
  Fd base;              // the cached base alone (snapshot boot)
  std::string base_id;  // content identity of the base (its cache key)
};

// Base archive (cached) + per-run request segment, in one memfd QEMU reads.
PackedInitrd pack_initrd(const GuestRunOptions& o) {
  initramfs::BuildStats stats;
  fs::path base = initramfs::build_cached(base_spec(o), &stats);
  log::debug("{}", initramfs::describe(stats));

  initramfs::InitramfsSpec run;
  run.skeleton = false;
  run.entries.push_back(initramfs::Entry::from_bytes(guest::kRequestPath, guest::request_to_json(o.request)));
  std::string overlay = initramfs::build_bytes(run);

  PackedInitrd p;
  p.full.reset(::memfd_create("ktstr-initrd", MFD_CLOEXEC));
  if (!p.full) fail_errno("memfd_create for initramfs");
  std::string bytes = read_file(base);
  bytes += overlay;
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::write(p.full.get(), bytes.data() + off, bytes.size() - off);
    if (n < 0) fail_errno("write initramfs memfd");
    off += static_cast<size_t>(n);
  }
  p.base.reset(::open(base.c_str(), O_RDONLY | O_CLOEXEC));
  if (!p.base) fail_errno("open " + base.string());
  // The cache file name is the hash of its content and inputs.
  p.base_id = fmt::format("{} ({} bytes)", base.filename().string(), bytes.size() - overlay.size());
  return p;
}

std::string random_hex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (::getrandom(raw.data(), raw.size(), 0) != static_cast<ssize_t>(raw.size())) fail_errno("getrandom");
  std::string hex;
  for (unsigned char c : raw) hex += fmt::format("{:02x}", c);
  return hex;
}

}  // namespace

std::chrono::seconds default_timeout(bool tcg, const vm::VmTopology& t,
                                     std::chrono::seconds action_budget) {
  // Measured: ~3 s to init for 4 vCPUs under TCG; SMP bring-up grows with
  // CPU count and the host has 2 shared cores, hence the generous slope.
  auto boot = tcg ? std::chrono::seconds(30 + t.cpus()) : std::chrono::seconds(10 + t.cpus() / 8);
  return boot + action_budget * (tcg ? 2 : 1);
}

std::optional<std::chrono::milliseconds> effective_watchdog_timeout(const GuestRunOptions& o) {
  std::optional<std::chrono::milliseconds> t = o.watchdog_timeout;
  if (!t) {
    if (const char* env = std::getenv("KTSTR_WATCHDOG_TIMEOUT_MS"); env && *env)
      t = std::chrono::milliseconds(std::strtoll(env, nullptr, 10));
    else if (o.request.params.is_object() &&
             (o.request.params.contains("scheduler") || o.request.params.contains("schedulers")))
      t = std::chrono::seconds(4);
  }
  if (!t || t->count() <= 0) return std::nullopt;
  return t;
}

bool snapshots_enabled(const GuestRunOptions& o) {
  if (o.interactive) return false;  // the console is the user's terminal from the first line
  if (o.kaslr) return false;        // every restore would share one randomized layout
  if (o.snapshot) return *o.snapshot;
  if (const char* env = std::getenv("KTSTR_SNAPSHOT"); env && *env) return std::string(env) != "0";
  return kSnapshotsByDefault;
}

GuestRunResult run_in_guest(const GuestRunOptions& o) {
  auto t0 = Clock::now();
  GuestRunResult res;
  o.topology.validate();
  kernel::ResolveOptions ro;
  ro.auto_fetch = true;
  kernel::Kernel k = kernel::resolve_kernel(o.kernel, ro);
  res.kernel_version = k.version;

  res.vmm = vm::choose_vmm(o.vmm);
  log::debug("VMM: {} ({})", vm::to_string(res.vmm.vmm), res.vmm.reason);
  auto backend = vm::make_backend(res.vmm);
  // A shape QEMU cannot present is bad input: refuse it before packing an
  // initramfs or starting anything.
  if (res.vmm.vmm == vm::Vmm::Qemu)
    (void)vm::qemu::qemu_topology_args(o.topology, topology::default_memory_mb(o.topology, o.memory_mb.value_or(0)));
  PackedInitrd initrd = pack_initrd(o);

  vm::VmSpec spec;
  spec.kernel = k.vmlinux;
  if (o.kaslr) {
    if (k.bzimage.empty() || !fs::exists(k.bzimage))
      fail("--kaslr boots the kernel's bzImage, but none is known for {} (found by {})", k.version, k.found_by);
    spec.kernel = k.bzimage;
  }
  spec.initrd_fd = initrd.full.get();
  if (snapshots_enabled(o)) {
    // The request travels in the mailbox, with this moment's wall clock
    // and fresh entropy for the restored guest. Backends without
    // snapshots (the own VMM) ignore it and boot from initrd_fd.
    guest::StartEnvelope env;
    env.request = o.request;
    env.realtime_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
    env.seed_hex = random_hex(32);
    spec.snapshot = vm::VmSpec::SnapshotStart{initrd.base.get(), initrd.base_id, guest::encode_envelope(env)};
  }
  spec.topology = o.topology;
  spec.extra_cmdline = o.extra_cmdline;
  spec.memory_mb = topology::default_memory_mb(o.topology, o.memory_mb.value_or(0));
  res.timeout = o.timeout.value_or(
      default_timeout(res.vmm.emulated, o.topology, o.action_budget));
  spec.timeout = res.timeout;
  spec.interactive = o.interactive;
  spec.stream_output = o.stream_output;
  res.prepare_seconds = std::chrono::duration<double>(Clock::now() - t0).count();

  // The shortener goes first so it acts on each tick before other observers.
  std::unique_ptr<monitor::WatchdogShortener> watchdog;
  monitor::ObserverChain observers;
  if (auto wt = effective_watchdog_timeout(o)) {
    int hz = std::atoi(k.cfg.get("CONFIG_HZ").value_or("250").c_str());
    watchdog = monitor::WatchdogShortener::create(k.vmlinux, hz > 0 ? hz : 250, *wt);
    observers.add(watchdog.get());
  }
  observers.add(o.observer);
  if (o.observer_factory) observers.add(o.observer_factory(k));

  res.outcome = backend->run(spec, observers.empty() ? nullptr : &observers);
  if (watchdog) res.watchdog_events = watchdog->events();
  res.total_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return res;
}

namespace {
// How far the guest got, from what it published.
std::string stage_reached(const vm::VmOutcome& o) {
  std::string stage;
  for (const auto& m : o.messages)
    if (m.type == channel::MsgType::Stage) stage = m.text();
  if (!stage.empty()) return "guest stage '" + stage + "'";
  if (o.guest_init_uptime_s) return fmt::format("guest init running (started at uptime {:.2f} s)", *o.guest_init_uptime_s);
  return "guest kernel booting (init had not started)";
}
}  // namespace

std::string describe_failure(const vm::VmOutcome& o, size_t console_lines) {
  std::string s = fmt::format("VM failed: {}: {}\n", vm::to_string(o.kind), o.detail);
  for (const auto& m : o.messages)
    if (m.type == channel::MsgType::Panic) s += fmt::format("  guest reported: {}\n", m.text());
  for (const auto& e : o.channel_errors) s += fmt::format("  channel: {}\n", e);
  if (o.kind == vm::ExitKind::VcpuCrash) s += "  stage reached: " + stage_reached(o) + "\n";
  // -v shows the whole console: the first error is often far above the panic.
  if (log::level() >= log::Level::verbose) console_lines = SIZE_MAX;
  std::string tail = vm::tail_lines(o.console, console_lines);
  if (!tail.empty())
    s += console_lines == SIZE_MAX ? "--- guest console ---\n" + tail
                                   : fmt::format("--- guest console (last {} lines) ---\n{}", console_lines, tail);
  else if (o.kind == vm::ExitKind::VcpuCrash) s += "--- guest console: empty (the guest kernel runs with `quiet`) ---\n";
  if (!tail.empty() && tail.back() != '\n') s += '\n';
  if (o.kind == vm::ExitKind::VcpuCrash && o.abandoned_threads)
    s += "ktstr: the crashed vCPU thread is parked in its crash handler; ktstr exits now\n";
  if (o.kind == vm::ExitKind::BackendError && !o.backend_stderr.empty())
    s += fmt::format("--- QEMU stderr ---\n{}\n", vm::tail_lines(o.backend_stderr, 20));
  return s;
}

// `emulated` lets `stats compare` widen its timing gates under TCG.
nlohmann::json vmm_json(const vm::VmmChoice& c) {
  return {{"vmm", vm::to_string(c.vmm)}, {"reason", c.reason}, {"emulated", c.emulated}};
}

}  // namespace ktstr::runner
