#pragma once
// The scheduler under test for the length of one guest action: started
// (and supervised) from the request's "scheduler" object, polled by
// whatever runs meanwhile, stopped at the end with its verdict folded into
// the action's result. Shared by the scenario action and KTSTR_TEST bodies.
//
// It is also the SchedulerControl for a scenario's lifecycle ops: schedulers
// those ops name come in the request's "schedulers" object (key -> launch,
// see SchedulerChoice::key()); each one started mid-run gets the same
// supervision and verdicts as the first, and every instance's report is
// kept ("history" in the result when there was more than one).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "check/result.hpp"
#include "guest/publisher.hpp"
#include "guest/scheduler_control.hpp"
#include "guest/scheduler_supervisor.hpp"

namespace ktstr::guest {

class SchedulerScope : public SchedulerControl {
 public:
  // params: a request's params; starts params["scheduler"] when present.
  SchedulerScope(const nlohmann::json& params, Publisher& pub);

  // A scheduler was started at some point (at the start or by an op).
  bool active() const { return started_; }
  // The current scheduler's supervisor (its pid, log, status), else nullptr.
  const SchedulerSupervisor* supervisor() const { return sup_ ? &*sup_ : nullptr; }
  // True when a scheduler was asked for at the start and did not come up healthy.
  bool failed() const { return sup_ ? !sup_->status().ok() : !failures_.empty(); }
  // For ExecOptions::abort_check: "" while the current scheduler (if any)
  // is healthy, else why it is not; an empty function when the request
  // neither starts a scheduler nor offers any for lifecycle ops.
  std::function<std::string()> abort_check();
  // Stops the current one (once) and records a failure in `result` for
  // every instance that did not end healthy. Returns the last instance's
  // report for the result message (null when none ever ran).
  nlohmann::json finish(check::CheckResult& result);

  std::string attach(const scenario::SchedulerChoice& s) override;
  std::string detach() override;
  std::string restart() override;
  std::string replace(const scenario::SchedulerChoice& s) override;

 private:
  std::string start(const nlohmann::json& launch, const std::string& key);
  std::string stop_current();
  const nlohmann::json* launch_for(const std::string& key) const;

  Publisher& pub_;
  nlohmann::json initial_;   // params["scheduler"] (null: EEVDF at the start)
  nlohmann::json launches_;  // params["schedulers"]: key -> launch
  std::optional<SchedulerSupervisor> sup_;
  std::string current_key_;  // "" = the initial scheduler
  std::vector<nlohmann::json> history_;  // reports of stopped instances
  std::vector<std::string> failures_;    // their verdicts, in order
  bool started_ = false;
  bool finished_ = false;
  // The loader's BPF programs right after attach, from its fdinfo.
  nlohmann::json programs_ = nlohmann::json::array();
};

// The scheduler part of a result message.
nlohmann::json scheduler_json(const SchedulerSupervisor& sup);

}  // namespace ktstr::guest
