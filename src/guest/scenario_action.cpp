#include "guest/scenario_action.hpp"

#include <chrono>

#include <fmt/format.h>

#include "check/result_json.hpp"
#include "guest/bpf_fdinfo.hpp"
#include "guest/guest_layout.hpp"
#include "guest/scenario_executor.hpp"
#include "guest/scheduler_params.hpp"
#include "guest/scheduler_supervisor.hpp"
#include "scenario/scenario_json.hpp"
#include "topology/sysfs_topology.hpp"

namespace ktstr::guest {
namespace {
using Clock = std::chrono::steady_clock;

// Results travel as one channel message; the scheduler log is the part
// that can grow without bound, so it is clipped to keep the message small.
constexpr size_t kMaxLogInResult = 24 * 1024;

std::string clip(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  return "... (" + std::to_string(s.size() - max) + " bytes omitted)\n" + s.substr(s.size() - max);
}

nlohmann::json scheduler_json(const SchedulerSupervisor& sup) {
  const auto& st = sup.status();
  nlohmann::json j{{"ops", st.ops_name},
                   {"attach_seconds", st.attach_seconds},
                   {"failure", to_string(st.failure)},
                   {"ok", st.ok()},
                   {"message", st.message},
                   {"log", clip(sup.log(), kMaxLogInResult)}};
  if (st.kernel_exit) {
    j["kernel_exit"] = {{"scheduler", st.kernel_exit->scheduler},
                        {"kind", st.kernel_exit->kind},
                        {"reason", st.kernel_exit->reason_lines}};
  }
  if (st.process_exit) j["process_exit"] = st.process_exit->describe();
  return j;
}

void publish_result(Publisher& pub, const nlohmann::json& j) {
  pub.publish(channel::MsgType::Result, j.dump());
}

}  // namespace

int run_scenario_action(const nlohmann::json& params, Publisher& pub) {
  auto t0 = Clock::now();
  scenario::Scenario sc = scenario::scenario_from_json(params.at("scenario"));
  check::Thresholds thresholds = check::Thresholds::from_json(params.value("thresholds", nlohmann::json::object()));
  auto observed = topology::read_sysfs_topology();
  scenario::CpuLayout layout = layout_from_observed(observed);
  nlohmann::json out{{"scenario", sc.name}};

  if (auto why = sc.topology.skip_reason(layout)) {
    out["result"] = check::CheckResult::skip(*why);
    publish_result(pub, out);
    return 0;
  }

  std::optional<SchedulerSupervisor> sched;
  nlohmann::json programs = nlohmann::json::array();
  if (params.contains("scheduler") && !params["scheduler"].is_null()) {
    SchedulerLaunch launch = prepare_scheduler(params["scheduler"]);
    pub.stage("starting scheduler " + launch.binary);
    sched.emplace(launch);
    if (!sched->status().ok()) {
      check::CheckResult r;
      r.fail(check::DetailKind::scheduler, sched->status().message);
      sched->stop();
      out["result"] = r;
      out["scheduler"] = scheduler_json(*sched);
      publish_result(pub, out);
      return 1;
    }
    // The kernel's own per-program figures, as the guest sees them (the
    // host monitor reads the same programs from guest memory).
    programs = bpf_programs_of(sched->pid());
    pub.publish(channel::MsgType::Event,
                nlohmann::json{{"event", "scheduler attached"}, {"ops", sched->status().ops_name}}.dump());
  }

  ExecOptions eo;
  eo.thresholds = thresholds;
  eo.layout = layout;
  if (sched) {
    eo.abort_check = [&]() -> std::string {
      const auto& st = sched->poll();
      return st.ok() ? std::string() : st.message;
    };
  }
  eo.event = [&](const std::string& e) {
    pub.publish(channel::MsgType::Event, nlohmann::json{{"event", e}}.dump());
  };
  pub.stage("running scenario " + sc.name);
  ExecOutcome ex = execute_scenario(sc, eo);
  check::CheckResult result = ex.result;

  if (sched) {
    sched->poll();
    sched->stop();
    if (!sched->status().ok()) result.fail(check::DetailKind::scheduler, sched->status().message);
    out["scheduler"] = scheduler_json(*sched);
    out["scheduler"]["programs"] = programs;
  } else if (!ex.abort_reason.empty()) {
    result.fail(check::DetailKind::scheduler, ex.abort_reason);
  }
  out["result"] = result;
  out["guest_seconds"] = std::chrono::duration<double>(Clock::now() - t0).count();
  out["layout"] = {{"usable", layout.usable}, {"llcs", layout.llc_cpus}, {"nodes", layout.node_cpus}};
  publish_result(pub, out);
  return result.passed ? 0 : 1;
}

}  // namespace ktstr::guest
