#pragma once
// The scheduler under test for the length of one guest action: started
// (and supervised) from the request's "scheduler" object, polled by
// whatever runs meanwhile, stopped at the end with its verdict folded into
// the action's result. Shared by the scenario action and KTSTR_TEST bodies.
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "check/result.hpp"
#include "guest/publisher.hpp"
#include "guest/scheduler_supervisor.hpp"

namespace ktstr::guest {

class SchedulerScope {
 public:
  // params: a request's params; starts params["scheduler"] when present.
  SchedulerScope(const nlohmann::json& params, Publisher& pub);

  bool active() const { return sup_.has_value(); }
  // The supervisor (its pid, log, status) while active, else nullptr.
  const SchedulerSupervisor* supervisor() const { return sup_ ? &*sup_ : nullptr; }
  // True when a scheduler was asked for and did not come up healthy.
  bool failed() const { return sup_ && !sup_->status().ok(); }
  // For ExecOptions::abort_check: "" while healthy, else why it is not;
  // empty function without a scheduler.
  std::function<std::string()> abort_check();
  // Stops it (once) and records a failure in `result` if it did not end
  // healthy. Returns its report for the result message (null without one).
  nlohmann::json finish(check::CheckResult& result);

 private:
  std::optional<SchedulerSupervisor> sup_;
  bool finished_ = false;
  // The loader's BPF programs right after attach, from its fdinfo.
  nlohmann::json programs_ = nlohmann::json::array();
};

// The scheduler part of a result message.
nlohmann::json scheduler_json(const SchedulerSupervisor& sup);

}  // namespace ktstr::guest
