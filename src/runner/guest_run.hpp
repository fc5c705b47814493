#pragma once
// Boots one guest for one request: resolve the kernel, pack the initramfs
// (this binary as /init + its libraries, cached) plus a per-run request
// segment, pick the deadline, run the VM backend.
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "guest/request.hpp"
#include "kernel/kernel_resolve.hpp"
#include "initramfs/initramfs_builder.hpp"
#include "monitor/watchdog_shortener.hpp"
#include "vm/backend.hpp"
#include "vm/vm_spec.hpp"
#include "vm/vmm_choice.hpp"

namespace ktstr::runner {

struct GuestRunOptions {
  std::optional<std::string> kernel;          // --kernel spec (see kernel_resolve.hpp)
  vm::VmTopology topology;
  vm::Vmm vmm = vm::Vmm::Auto;                // --vmm (see vm/vmm_choice.hpp)
  std::optional<uint64_t> memory_mb;          // default: max(CPUs x 64, 256)
  std::optional<std::chrono::seconds> timeout;  // default: default_timeout()
  std::chrono::seconds action_budget{60};     // expected guest work, feeds the default deadline
  std::vector<std::filesystem::path> include_files;  // land in /usr/local/bin
  std::vector<initramfs::Entry> extra_entries;       // anything else, at its own guest path
  std::string extra_cmdline;                  // appended to the guest kernel command line
  bool busybox = true;
  bool interactive = false;
  bool stream_output = true;
  guest::Request request;
  vm::VmObserver* observer = nullptr;
  // Builds an observer once the kernel is resolved (the host monitor needs
  // its vmlinux); may return null.
  std::function<vm::VmObserver*(const kernel::Kernel&)> observer_factory;
  // Boot the compressed bzImage through its decompressor, which randomises
  // the kernel's physical and virtual placement (KASLR), instead of the
  // uncompressed vmlinux at its link address (PVH). ~1 s slower under TCG.
  bool kaslr = false;
  // sched_ext watchdog timeout imposed from the host on whatever scheduler
  // the guest attaches (see monitor/watchdog_shortener.hpp). Unset: 4 s
  // when the request starts a scheduler, else off; 0: off. Overridable
  // with $KTSTR_WATCHDOG_TIMEOUT_MS when unset here.
  std::optional<std::chrono::milliseconds> watchdog_timeout;
};

struct GuestRunResult {
  vm::VmOutcome outcome;
  std::string kernel_version;
  vm::VmmChoice vmm;          // which VMM booted it and why
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

// {"vmm": "kvm"|"qemu", "reason": ...} for --json records.
nlohmann::json vmm_json(const vm::VmmChoice& c);

}  // namespace ktstr::runner
