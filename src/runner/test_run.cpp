#include "runner/test_run.hpp"

#include "runner/guest_verdict.hpp"
#include "runner/monitor_attach.hpp"
#include "scheduler/scheduler_ref.hpp"
#include "vm/vmm_choice.hpp"

namespace ktstr::runner {
namespace {
using Clock = std::chrono::steady_clock;
}  // namespace

GuestRunOptions test_guest_options(const PlannedVariant& v) {
  const TestOptions& o = v.test->options;
  auto def = test_scheduler(o);
  // KTSTR_TEST binaries take the VMM from $KTSTR_VMM (auto by default).
  vm::Vmm vmm = vm::default_vmm();
  bool emulated = vm::choose_vmm(vmm).emulated;
  check::Thresholds thresholds =
      check::Thresholds::layered_for(emulated, def ? def->thresholds : check::Thresholds{}, o.thresholds);

  GuestRunOptions g;
  if (!o.kernel.empty()) g.kernel = o.kernel;
  g.topology = v.topology;
  g.vmm = vmm;
  if (o.memory_mb) g.memory_mb = o.memory_mb;
  if (o.timeout.count() > 0) g.timeout = o.timeout;
  for (const auto& f : o.include_files) g.include_files.emplace_back(f);
  g.stream_output = false;
  g.busybox = true;
  // A body may run several scenarios; the deadline allows for two of the
  // test's duration plus scheduler start/stop and cgroup work.
  auto dur = o.duration.count() > 0 ? o.duration : std::chrono::milliseconds(2000);
  g.action_budget = std::chrono::duration_cast<std::chrono::seconds>(2 * (dur + std::chrono::milliseconds(500))) +
                    std::chrono::seconds(def ? 40 : 20);
  g.request.action = "test";
  g.request.params = {{"test", v.test->id()},
                      {"variant", v.name},
                      {"flags", v.profile.flags},
                      {"thresholds", thresholds.to_json()},
                      {"duration_ms", o.duration.count()},
                      {"workers", o.workers}};
  if (def) {
    auto ref = scheduler::scheduler_ref_for(*def, v.profile, o.sched_args);
    g.include_files.push_back(ref.binary);
    g.request.params["scheduler"] = ref.guest_request();
    g.extra_cmdline = ref.cmdline();
  }
  g.watchdog_timeout = o.watchdog_timeout;
  return g;
}

ScenarioVerdict run_test_variant(const PlannedVariant& v) {
  auto t0 = Clock::now();
  ScenarioVerdict verdict;
  verdict.name = v.name;
  GuestRunOptions g = test_guest_options(v);
  // The host monitor watches a test's VM like a scenario's.
  MonitorSetup ms;
  ms.thresholds = check::Thresholds::from_json(g.request.params["thresholds"]);
  ms.cpus = v.topology.cpus();
  ms.emulated = vm::choose_vmm(g.vmm).emulated;
  auto def = test_scheduler(v.test->options);
  ms.sched_ext = def.has_value();
  if (def) ms.reserved_cpus = def->reserved_cpus;
  MonitorAttachment mon(ms);
  g.observer_factory = [&mon](const kernel::Kernel& k) { return mon.make(k); };
  auto run = run_in_guest(g);
  if (!run.watchdog_events.empty()) verdict.watchdog = run.watchdog_events;
  verdict.vmm = vmm_json(run.vmm);
  verdict.kernel = run.kernel_version;
  verdict.abandoned_threads = run.outcome.abandoned_threads;
  verdict_from_guest(run, verdict);
  verdict.monitor = mon.to_json();
  verdict.monitor_text = mon.report_text();
  if (!verdict.result.skipped) {
    mon.apply(verdict.result);
    if (!verdict.result.passed) verdict.verdict = Verdict::Fail;
  }
  verdict.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return verdict;
}

}  // namespace ktstr::runner
