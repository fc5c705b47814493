#include "scheduler/scheduler_registry.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "util/error.hpp"

namespace ktstr::scheduler {
namespace {

constexpr const char* kDefaultTopology = "1n2l2c1t";

FlagDef flag(std::string name, std::vector<std::string> args, std::string description,
             std::vector<std::string> requires_flags = {}, bool fault = false) {
  return FlagDef{std::move(name), std::move(args), std::move(requires_flags), fault, std::move(description)};
}
FlagDef fault(std::string name, std::vector<std::string> args, std::string description,
              std::vector<std::string> requires_flags = {}) {
  return flag(std::move(name), std::move(args), std::move(description), std::move(requires_flags), true);
}

// Flags mirror schedulers/README.md (fixture) and each example's usage text
// in the kernel's tools/sched_ext/scx_*.c (getopt strings checked against
// linux-source-7.2).
SchedulerDef fixture() {
  SchedulerDef d;
  d.name = "fixture";
  d.binary = "scx_ktstr_fixture";
  d.description = "ktstr's own global-FIFO scheduler; its fault flags make it fail on purpose";
  d.topology = kDefaultTopology;
  d.flags = {
      flag("slow", {"--slow-callbacks", "50"}, "busy-wait 50 us in every enqueue/dispatch (still healthy)"),
      // The A/B slowdown (`stats compare`): far above TCG noise in run delay
      // and wake latency, yet no spinning, so the watchdog stays quiet.
      // Marked a fault only to keep it out of the gauntlet's flag profiles.
      fault("dispatch-delay", {"--dispatch-delay=50"},
            "user tasks wait 50 ms in the shared queue before dispatch (healthy; for A/B demos)"),
      // The fixture README's test watchdog: stalls surface within 3-4.5 s
      // instead of 30-45 s. A healthy FIFO never leaves a task runnable 3 s.
      flag("short-timeout", {"--timeout-ms", "3000"}, "sched_ext watchdog timeout 3 s instead of 30 s"),
      fault("stall", {"--stall-comm", std::string(kFixtureStallComm)},
            "never dispatch ktstr's workers (comm 'ktstr_worker') -> runnable task stall", {"short-timeout"}),
      // 50: a 2 s scenario of CPU spinners makes only a few hundred enqueues.
      fault("error", {"--error-after", "50"}, "scx_bpf_error() on the 50th enqueue after attach"),
      fault("dispatch-loop", {"--dispatch-loop"}, "ops.dispatch() spins 100 ms per call -> watchdog ejection",
            {"short-timeout"}),
      fault("exit-early", {"--exit-early", "1500"}, "the loader exits 1 after 1.5 s without detaching"),
      // Host-monitor negatives (no short-timeout: ktstr's 4 s host-side
      // watchdog applies, and the monitor must flag the stall before it).
      fault("stall-cpu", {"--stall-cpu", "1", "--stall-comm", std::string(kFixtureStallComm)},
            "never dispatch ktstr's workers queued on CPU 1 -> monitor stall verdict on cpu1"),
      fault("all-to-cpu0", {"--all-to-cpu", "0"},
            "queue every user task on CPU 0 while the others idle -> monitor work-conservation verdict"),
  };
  return d;
}

SchedulerDef simple() {
  SchedulerDef d;
  d.name = "simple";
  d.binary = "scx_simple";
  d.description = "kernel example: global weighted vtime (or FIFO) scheduler";
  d.topology = kDefaultTopology;
  d.flags = {flag("fifo", {"-f"}, "FIFO instead of weighted vtime scheduling")};
  return d;
}

SchedulerDef central() {
  SchedulerDef d;
  d.name = "central";
  d.binary = "scx_central";
  d.description = "kernel example: CPU 0 makes every scheduling decision";
  d.topology = kDefaultTopology;
  d.reserved_cpus = {0};  // its central dispatcher CPU (scx_central's default -c 0)
  d.flags = {flag("short-slice", {"-s", "1000"}, "1 ms slices instead of SCX_SLICE_DFL (20 ms)")};
  return d;
}

SchedulerDef qmap() {
  SchedulerDef d;
  d.name = "qmap";
  d.binary = "scx_qmap";
  d.description = "kernel example: five-level weighted FIFO queues (needs clang >= 22 to build)";
  d.topology = kDefaultTopology;
  d.flags = {
      flag("batch", {"-b", "8"}, "dispatch up to 8 tasks together"),
      // qmap's usage text: "-H ... use with -b".
      flag("boost", {"-H"}, "boost nice -20 tasks in the shared DSQ", {"batch"}),
      fault("stall", {"-t", "8"}, "never dispatch every 8th user thread -> runnable task stall"),
      fault("error", {"-e", "1000"}, "scx_bpf_error() after 1000 enqueues (counted from load)"),
      fault("dispatch-loop", {"-l", "1000"}, "ops.dispatch() loops forever after 1000 dispatches"),
  };
  return d;
}

// A --scheduler path's file name may hold characters a definition name may not.
std::string name_from(std::string_view spec) {
  std::string n = std::filesystem::path(spec).filename().string();
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') c = '_';
  return n.empty() ? "scheduler" : n;
}

}  // namespace

const SchedulerRegistry& SchedulerRegistry::builtin() {
  static const SchedulerRegistry reg = [] {
    SchedulerRegistry r;
    for (auto& d : {fixture(), simple(), central(), qmap()}) r.add(d);
    return r;
  }();
  return reg;
}

void SchedulerRegistry::add(SchedulerDef def) {
  def.validate();
  auto same = std::find_if(defs_.begin(), defs_.end(), [&](const auto& d) { return d.name == def.name; });
  if (same != defs_.end()) *same = std::move(def);
  else defs_.push_back(std::move(def));
}

const SchedulerDef* SchedulerRegistry::find(std::string_view name) const {
  for (const auto& d : defs_)
    if (d.name == name) return &d;
  // Second pass: a name match wins over another definition's binary name.
  for (const auto& d : defs_)
    if (d.binary == name) return &d;
  return nullptr;
}

std::vector<std::string> SchedulerRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& d : defs_) out.push_back(d.name);
  return out;
}

SchedulerDef scheduler_def_for(std::string_view spec, const SchedulerRegistry& reg) {
  if (spec.empty()) fail("--scheduler needs a path or a name");
  const bool is_path = spec.find('/') != std::string_view::npos;
  if (const SchedulerDef* d = reg.find(is_path ? name_from(spec) : spec)) {
    SchedulerDef out = *d;
    if (is_path) out.binary = spec;
    return out;
  }
  SchedulerDef d;
  d.name = name_from(spec);
  d.binary = spec;
  return d;
}

}  // namespace ktstr::scheduler
