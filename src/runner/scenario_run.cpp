#include "runner/scenario_run.hpp"

#include <fmt/format.h>

#include "check/report.hpp"
#include "check/result_json.hpp"
#include "guest/scenario_validation.hpp"
#include "runner/guest_run.hpp"
#include "runner/scenario_monitor.hpp"
#include "runner/scenario_schedulers.hpp"
#include "vm/accel.hpp"
#include "scenario/scenario_json.hpp"
#include "scenario/validate.hpp"
#include "util/error.hpp"
#include "workload/work_type.hpp"
#include "workload/work_type_params.hpp"

namespace ktstr::runner {
namespace {
using Clock = std::chrono::steady_clock;

}  // namespace

scenario::CpuLayout layout_for(const topology::Topology& t) {
  scenario::CpuLayout l;
  auto usable = t.usable_cpus();
  l.usable.assign(usable.begin(), usable.end());
  for (uint32_t i = 0; i < t.llcs; ++i) {
    auto c = t.llc_cpus(i);
    l.llc_cpus.emplace_back(c.begin(), c.end());
  }
  for (uint32_t n = 0; n < t.numa_nodes; ++n) {
    auto c = t.node_cpus(n);
    l.node_cpus.emplace_back(c.begin(), c.end());
  }
  l.threads_per_core = t.threads_per_core;
  return l;
}

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::Pass: return "PASS";
    case Verdict::Fail: return "FAIL";
    case Verdict::Skip: return "SKIP";
  }
  return "?";
}

nlohmann::json ScenarioVerdict::to_json() const {
  nlohmann::json j{{"name", name}, {"verdict", runner::to_string(verdict)}, {"seconds", seconds},
                   {"result", result}};
  if (!scheduler.is_null()) j["scheduler"] = scheduler;
  if (!watchdog.is_null()) j["watchdog"] = watchdog;
  if (!monitor.is_null()) j["monitor"] = monitor;
  if (!failure_text.empty()) j["failure"] = failure_text;
  if (!vmm.is_null()) j["vmm"] = vmm;
  return j;
}

scenario::Scenario prepare_scenario(const scenario::catalog::Entry& e, const ScenarioRunOptions& o) {
  auto layout = layout_for(o.topology);
  scenario::Scenario s = e.instantiate(layout);
  if (o.duration) s.duration = *o.duration;
  if (o.workers) s.workers_per_cgroup = *o.workers;
  if (o.work_type) {
    // Parses "Bursty(20,50)" style names into type + params.
    auto wt = workload::WorkType::parse(*o.work_type);
    s = scenario::with_work_type(s, std::string(wt.name()), workload::work_type_params(wt));
  }
  auto ctx = guest::validation_context(&layout);
  ctx.check_scheduler = check_scheduler_choice;
  auto errors = scenario::validation_errors(s, ctx);
  if (!errors.empty()) {
    std::string msg = fmt::format("scenario {} is invalid:", s.name);
    for (const auto& err : errors) msg += "\n  " + err;
    fail("{}", msg);
  }
  return s;
}

ScenarioVerdict run_scenario(const scenario::catalog::Entry& e, const ScenarioRunOptions& o) {
  auto t0 = Clock::now();
  ScenarioVerdict v;
  v.name = e.name;
  auto layout = layout_for(o.topology);
  if (auto why = e.skip_reason(layout)) {
    v.verdict = Verdict::Skip;
    v.result = check::CheckResult::skip(*why);
    return v;
  }
  scenario::Scenario s = prepare_scenario(e, o);
  bool emulated = vm::choose_vmm(o.vmm).emulated;
  check::Thresholds merged = check::Thresholds::layered_for(emulated, o.scheduler_thresholds, s.thresholds);

  GuestRunOptions g;
  g.kernel = o.kernel;
  g.topology = o.topology;
  g.vmm = o.vmm;
  g.memory_mb = o.memory_mb;
  g.timeout = o.timeout;
  g.stream_output = false;
  g.busybox = true;  // payload ops may run sh and friends
  // Scheduler load/attach/detach plus cgroup setup and teardown on top of
  // the scenario's own time.
  g.action_budget = std::chrono::duration_cast<std::chrono::seconds>(s.duration + s.settle) +
                    std::chrono::seconds(o.scheduler ? 40 : 20);
  g.request.action = "scenario";
  g.request.params = {{"scenario", scenario::scenario_to_json(s)}, {"thresholds", merged.to_json()}};
  if (o.scheduler) {
    g.include_files.push_back(o.scheduler->binary);
    g.request.params["scheduler"] = o.scheduler->guest_request();
    g.extra_cmdline = o.scheduler->cmdline();
  }
  if (auto why = add_scenario_schedulers(s, g)) {
    v.verdict = Verdict::Skip;
    v.result = check::CheckResult::skip(*why);
    return v;
  }
  g.watchdog_timeout = o.watchdog_timeout;
  g.kaslr = o.kaslr;
  MonitorAttachment mon(monitor_setup(o, merged, emulated));
  attach_monitor(mon, o, g);
  auto run = run_in_guest(g);
  if (!run.watchdog_events.empty()) v.watchdog = run.watchdog_events;
  v.monitor = mon.to_json();
  v.monitor_text = mon.report_text();
  v.vmm = vmm_json(run.vmm);
  v.kernel = run.kernel_version;
  v.abandoned_threads = run.outcome.abandoned_threads;
  v.seconds = std::chrono::duration<double>(Clock::now() - t0).count();

  const channel::Message* result = nullptr;
  for (const auto& m : run.outcome.messages)
    if (m.type == channel::MsgType::Result) result = &m;
  if (run.outcome.kind != vm::ExitKind::Clean || !result) {
    v.verdict = Verdict::Fail;
    v.result.fail(check::DetailKind::guest, result ? run.outcome.detail : "no result from the guest: " + run.outcome.detail);
    v.failure_text = describe_failure(run.outcome);
    if (!run.outcome.init_output.empty()) v.failure_text += "--- guest output ---\n" + run.outcome.init_output;
    mon.apply(v.result);
    return v;
  }
  auto j = nlohmann::json::parse(result->text());
  v.result = j.at("result").get<check::CheckResult>();
  if (j.contains("scheduler")) v.scheduler = j["scheduler"];
  if (!v.result.skipped) mon.apply(v.result);
  v.verdict = v.result.skipped ? Verdict::Skip : v.result.passed ? Verdict::Pass : Verdict::Fail;
  if (*run.outcome.guest_exit_code != 0 && v.result.passed) {
    v.verdict = Verdict::Fail;
    v.result.fail(check::DetailKind::guest, fmt::format("guest exited {}", *run.outcome.guest_exit_code));
  }
  return v;
}

std::string format_verdict(const ScenarioVerdict& v) {
  std::string line = fmt::format("{}  {:<24} {:6.1f}s", to_string(v.verdict), v.name, v.seconds);
  if (v.verdict == Verdict::Skip) return line + "  " + v.result.skip_reason + "\n";
  if (v.verdict == Verdict::Pass) return line + "\n";
  std::string s = line + "\n" + check::format_details(v.result);
  if (!v.result.stats.cgroups.empty()) s += check::format_stats(v.result.stats);
  if (!v.failure_text.empty()) s += v.failure_text;
  s += v.monitor_text;
  if (v.scheduler.is_object()) {
    if (v.scheduler.contains("kernel_exit")) {
      const auto& k = v.scheduler["kernel_exit"];
      s += fmt::format("--- sched_ext exit: {} ({}) ---\n", k.value("scheduler", ""), k.value("kind", ""));
      for (const auto& l : k.value("reason", std::vector<std::string>{})) s += "  " + l + "\n";
    }
    std::string log = v.scheduler.value("log", "");
    if (!log.empty()) s += "--- scheduler log ---\n" + log;
  }
  return s;
}

}  // namespace ktstr::runner
