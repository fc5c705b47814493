#pragma once
// --scheduler / --scheduler-def / --flags / --sched-args, shared by `run`
// and `shell`.
#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "check/thresholds.hpp"
#include "scheduler/scheduler_def.hpp"
#include "scheduler/scheduler_ref.hpp"

namespace ktstr::cli {

struct SchedulerArgs {
  std::string scheduler;
  std::string scheduler_def;
  std::string flags;
  std::vector<std::string> sched_args;

  void add_to(CLI::App* sub);
  bool given() const { return !scheduler.empty() || !scheduler_def.empty(); }
};

struct ResolvedScheduler {
  scheduler::SchedulerDef def;       // the definition (a gauntlet expands its profiles)
  scheduler::SchedulerRef ref;       // binary, args, sysctls, kernel args
  std::string profile = "default";
  check::Thresholds thresholds;   // the definition's threshold layer
};

// nullopt when no scheduler was given (EEVDF); Error for bad names/flags.
std::optional<ResolvedScheduler> resolve_scheduler_args(const SchedulerArgs& a);

}  // namespace ktstr::cli
