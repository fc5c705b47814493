#pragma once
// Shortens the sched_ext watchdog timeout of whatever scheduler runs in the
// guest. The guest has no knob for it (it is the scheduler's own
// ops.timeout_ms, 30 s when unset), so a stalled scheduler would take 30-45 s
// to be ejected. From the host we write the guest kernel's memory.
//
// Safe write sequence (kernel/sched/ext/ext.c, 7.2), once per attached
// scheduler instance:
//   1. scx_watchdog_interval := T/2   the work re-arms with this after a run
//   2. scx_watchdog_timestamp := now  scx_tick() ejects when jiffies passes
//                                     timestamp + root->watchdog_timeout
//   3. sch->watchdog_timeout := T     read by the tick and per-task checks
//   4. pull scx_watchdog_work's timer to now (VM paused for the edit),
//      because it is still armed with the old T/2 (15 s) from attach: until
//      the work runs, no per-task check happens and the tick check would
//      see a stale timestamp against the short timeout and falsely eject
//      the scheduler with "watchdog failed to check in".
//   5. while the work is still armed that far out (the pull was impossible:
//      no QEMU to pause, base busy), refresh the timestamp every tick
//      (~100 ms) so the tick check cannot fire falsely; once the work is
//      due within T/2 (pulled, fired, re-armed) stop, and a late check-in
//      is the kernel's to judge (a starved watchdog, e.g. a dispatch loop,
//      must still be ejected).
// The timeout is never lengthened: a scheduler asking for less keeps it.
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "monitor/guest_kernel.hpp"
#include "monitor/scx_watchdog_layout.hpp"
#include "monitor/timer_wheel.hpp"
#include "vm/backend.hpp"

namespace ktstr::monitor {

struct WatchdogEvent {
  double t = 0;          // seconds since the VM started (host clock)
  uint64_t jiffies = 0;  // guest jiffies when seen, 0 if unknown
  std::string kind;      // see watchdog_shortener.cpp: attached, shortened, kept, timer_pulled,
                         // pull_failed, checked_in, gave_up, detached, exiting, error, unavailable
  std::string detail;
};
void to_json(nlohmann::json& j, const WatchdogEvent& e);

class WatchdogShortener : public vm::VmObserver {
 public:
  // Both on in production; switching them off demonstrates why they exist
  // (see the commit's measurements).
  struct Options {
    bool pull_timer = true;         // step 4
    bool refresh_timestamp = true;  // step 5
  };
  void set_options(Options o) { opts_ = o; }

  // `image` null (kernel without BTF/kallsyms) makes a shortener that only
  // records why it is unavailable. `hz` is the kernel's CONFIG_HZ.
  WatchdogShortener(std::shared_ptr<const KernelImage> image, std::chrono::milliseconds timeout,
                    std::string unavailable_reason = {});
  // Loads the image (cached per vmlinux); never throws.
  static std::unique_ptr<WatchdogShortener> create(const std::filesystem::path& vmlinux, int hz,
                                                   std::chrono::milliseconds timeout);

  void on_start(vm::VmControl& vm) override;
  void on_tick(vm::VmControl& vm) override;

  const std::vector<WatchdogEvent>& events() const { return events_; }
  std::chrono::milliseconds timeout() const { return timeout_; }

 private:
  struct Instance {
    uint64_t sch = 0;          // scx_sched address (0 on old kernels)
    int64_t seq = -1;          // scx_enable_seq when first seen
    bool settled = false;      // nothing more to do for it
    bool applied = false;
    uint64_t kernel_expiry = 0;         // the kernel's own arming of the work's timer
    std::set<uint64_t> our_expiries;    // expiries we wrote by pulling
    int pulls = 0;
    std::chrono::steady_clock::time_point last_pull{};
  };

  void record(std::string kind, std::string detail, uint64_t jiffies = 0);
  bool ensure_ready();
  void tick();
  void apply(Instance& in, uint64_t sch, uint64_t cur, uint64_t j);
  void settle(Instance& in, uint64_t j);
  void try_pull(Instance& in, uint64_t j);
  uint64_t timeout_va(uint64_t sch) const;

  std::shared_ptr<const KernelImage> image_;
  std::chrono::milliseconds timeout_;
  Options opts_;
  std::string unavailable_;
  uint64_t target_ = 0, interval_ = 0;  // jiffies
  // Link-time layouts, and the ones relocated by the guest's KASLR offset
  // once attached (equal without KASLR).
  std::optional<ScxWatchdogLayout> wd_link_, wd_;
  std::optional<TimerWheelLayout> wheel_link_, wheel_;
  uint64_t timer_fn_link_ = 0, timer_fn_ = 0;  // delayed_work_timer_fn
  vm::VmControl* vm_ = nullptr;
  std::unique_ptr<GuestPhysMemory> phys_;
  std::unique_ptr<GuestKernel> kernel_;
  std::optional<Instance> inst_;
  std::chrono::steady_clock::time_point start_{};
  std::set<std::string> seen_errors_;
  std::vector<WatchdogEvent> events_;
};

// ms → jiffies rounding up, as the kernel's msecs_to_jiffies().
uint64_t msecs_to_jiffies(uint64_t ms, int hz);
uint64_t jiffies_to_msecs(uint64_t j, int hz);

}  // namespace ktstr::monitor
