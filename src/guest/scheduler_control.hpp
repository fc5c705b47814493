#pragma once
// What a scenario's scheduler lifecycle ops (attach / detach / restart /
// replace) call. The scheduler scope implements it in a VM; without one
// (ktstr run --host) the ops fail with a clear message.
#include <string>

#include "ktstr/scenario/op.hpp"

namespace ktstr::guest {

class SchedulerControl {
 public:
  virtual ~SchedulerControl() = default;
  // Each returns "" on success, else the verdict (which the scenario
  // aborts with): "scheduler X died 0.3 s after start before attaching",
  // "sched_ext state is still 'enabled' after stopping the scheduler", ...
  virtual std::string attach(const scenario::SchedulerChoice& s) = 0;
  virtual std::string detach() = 0;
  virtual std::string restart() = 0;
  virtual std::string replace(const scenario::SchedulerChoice& s) = 0;
};

}  // namespace ktstr::guest
