#include "guest/scenario_action.hpp"

#include <chrono>

#include <fmt/format.h>

#include "check/result_json.hpp"
#include "guest/guest_layout.hpp"
#include "guest/scenario_executor.hpp"
#include "guest/scheduler_scope.hpp"
#include "scenario/scenario_json.hpp"
#include "topology/sysfs_topology.hpp"

namespace ktstr::guest {
namespace {
using Clock = std::chrono::steady_clock;

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

  SchedulerScope sched(params, pub);
  if (sched.failed()) {
    check::CheckResult r;
    out["scheduler"] = sched.finish(r);
    out["result"] = r;
    publish_result(pub, out);
    return 1;
  }

  ExecOptions eo;
  eo.thresholds = thresholds;
  eo.layout = layout;
  eo.abort_check = sched.abort_check();
  eo.schedulers = &sched;
  eo.event = [&](const std::string& e) {
    pub.publish(channel::MsgType::Event, nlohmann::json{{"event", e}}.dump());
  };
  pub.stage("running scenario " + sc.name);
  ExecOutcome ex = execute_scenario(sc, eo);
  check::CheckResult result = ex.result;

  if (sched.active()) {
    out["scheduler"] = sched.finish(result);
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
