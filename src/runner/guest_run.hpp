#pragma once
// Boots one guest for one request: resolve the kernel, pack the initramfs
// (this binary as /init + its libraries, cached) plus a per-run request
// segment, pick the deadline, run the VM backend.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "guest/request.hpp"
#include "monitor/watchdog_shortener.hpp"
#include "vm/backend.hpp"
#include "vm/vm_spec.hpp"

namespace ktstr::runner {

struct GuestRunOptions {
  std::optional<std::string> kernel;          // --kernel spec (see kernel_resolve.hpp)
  vm::VmTopology topology;
  std::optional<uint64_t> memory_mb;          // default: max(CPUs x 64, 256)
  std::optional<std::chrono::seconds> timeout;  // default: default_timeout()
  std::chrono::seconds action_budget{60};     // expected guest work, feeds the default deadline
  std::vector<std::filesystem::path> include_files;  // land in /usr/local/bin
  std::string extra_cmdline;                  // appended to the guest kernel command line
  bool busybox = true;
  bool interactive = false;
  bool stream_output = true;
  guest::Request request;
  vm::VmObserver* observer = nullptr;
  // sched_ext watchdog timeout imposed from the host on whatever scheduler
  // the guest attaches (see monitor/watchdog_shortener.hpp). Unset: 4 s
  // when the request starts a scheduler, else off; 0: off. Overridable
  // with $KTSTR_WATCHDOG_TIMEOUT_MS when unset here.
  std::optional<std::chrono::milliseconds> watchdog_timeout;
  // Start from a snapshot of a booted guest (vm/qemu/snapshot_*) instead of
  // booting; the backend falls back to a cold boot when it cannot. Unset:
  // $KTSTR_SNAPSHOT (0 = off), else kSnapshotsByDefault. Never interactive.
  std::optional<bool> snapshot;
};

inline constexpr bool kSnapshotsByDefault = true;
bool snapshots_enabled(const GuestRunOptions& opts);

struct GuestRunResult {
  vm::VmOutcome outcome;
  std::string kernel_version;
  double total_seconds = 0;   // from call to result, including kernel + initramfs prep
  double prepare_seconds = 0; // kernel resolve + initramfs
  std::chrono::seconds timeout{0};
  std::vector<monitor::WatchdogEvent> watchdog_events;  // what the shortener did, for reports
};

// The VM deadline grows with what the VM must do: boot (slower per vCPU and
// far slower under TCG) plus the expected guest work.
std::chrono::seconds default_timeout(bool tcg, const vm::VmTopology& t,
                                     std::chrono::seconds action_budget);

// The watchdog timeout run_in_guest() will impose, nullopt for none.
std::optional<std::chrono::milliseconds> effective_watchdog_timeout(const GuestRunOptions& opts);

GuestRunResult run_in_guest(const GuestRunOptions& opts);

// Human-readable failure report for a non-clean outcome: kind, detail,
// the guest's own error messages, console tail.
std::string describe_failure(const vm::VmOutcome& o, size_t console_lines = 40);

}  // namespace ktstr::runner
