#pragma once
// The host monitor for one scenario run: configured from the merged
// thresholds (defaults <- emulation allowance <- scheduler <- scenario) and
// the scheduler's definition, attached to the VM as an observer, and its
// verdicts merged into the scenario's result like guest-side checks.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "check/result.hpp"
#include "check/thresholds.hpp"
#include "kernel/kernel_resolve.hpp"
#include "monitor/bpf_write.hpp"
#include "monitor/host_monitor.hpp"
#include "util/cpu_list.hpp"

namespace ktstr::runner {

struct MonitorOptions {
  bool enabled = true;
  std::chrono::milliseconds interval{100};
  bool live = false;                          // per-second line on stderr (a TTY)
  bool bpf_stats = false;                     // kernel.bpf_stats_enabled=1 in the guest
  std::vector<monitor::BpfWriteSpec> bpf_writes;  // host writes into the scheduler's maps
};

struct MonitorSetup {
  check::Thresholds thresholds;     // merged
  CpuList reserved_cpus;
  unsigned cpus = 1;
  bool emulated = true;             // vCPUs share one host thread (TCG)
  bool sched_ext = false;           // a sched_ext scheduler runs (verdicts judged)
  MonitorOptions options;
};

// The judge's configuration for a setup (exposed for tests).
monitor::JudgeConfig judge_config(const MonitorSetup& s);

class MonitorAttachment {
 public:
  explicit MonitorAttachment(MonitorSetup s) : setup_(std::move(s)) {}
  // Builds the observer once the kernel is known (GuestRunOptions'
  // observer_factory); null when the monitor is off.
  vm::VmObserver* make(const kernel::Kernel& k);
  const monitor::HostMonitor* monitor() const { return monitor_.get(); }

  // Verdicts (sched_ext runs only) become failures of kind monitor.
  void apply(check::CheckResult& result) const;
  nlohmann::json to_json() const;
  // Failure-report text: timeline per phase, monitor summary.
  std::string report_text() const;

 private:
  MonitorSetup setup_;
  std::unique_ptr<monitor::HostMonitor> monitor_;
  std::unique_ptr<monitor::BpfWriter> writer_;
};

}  // namespace ktstr::runner
