#include "runner/scenario_monitor.hpp"

namespace ktstr::runner {

MonitorSetup monitor_setup(const ScenarioRunOptions& o, const check::Thresholds& merged, bool emulated) {
  MonitorSetup s;
  s.thresholds = merged;
  s.cpus = o.topology.cpus();
  s.emulated = emulated;
  // Monitor checks judge sched_ext schedulers only (PRODUCT.md §3); under
  // EEVDF the samples and the timeline are still recorded.
  s.sched_ext = o.scheduler.has_value();
  if (o.scheduler) s.reserved_cpus = o.scheduler->reserved_cpus;
  s.options = o.monitor;
  return s;
}

void attach_monitor(MonitorAttachment& m, const ScenarioRunOptions& o, GuestRunOptions& g) {
  if (!o.monitor.enabled) return;
  g.observer_factory = [&m](const kernel::Kernel& k) { return m.make(k); };
  // Per-program run counts and times cost the kernel two clock reads per
  // BPF program run; only on request.
  if (o.monitor.bpf_stats && g.request.params.contains("scheduler"))
    g.request.params["scheduler"]["sysctls"].push_back({"/proc/sys/kernel/bpf_stats_enabled", "1"});
}

}  // namespace ktstr::runner
