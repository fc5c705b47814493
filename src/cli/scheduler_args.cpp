#include "cli/scheduler_args.hpp"

#include "scheduler/flag_profiles.hpp"
#include "scheduler/scheduler_registry.hpp"
#include "util/error.hpp"

namespace ktstr::cli {

void SchedulerArgs::add_to(CLI::App* sub) {
  sub->add_option("--scheduler", scheduler, "Scheduler binary path or name (fixture, simple, ...; see `ktstr schedulers`)");
  sub->add_option("--scheduler-def", scheduler_def, "Scheduler definition file (.toml or .json): binary, args, flags")
      ->check(CLI::ExistingFile);
  sub->add_option("--flags", flags, "Scheduler flags to enable, e.g. slow,short-timeout");
  sub->add_option("--sched-args", sched_args, "Extra scheduler arguments (repeatable; --sched-args=-x)")
      ->allow_extra_args(false);
}

std::optional<ResolvedScheduler> resolve_scheduler_args(const SchedulerArgs& a) {
  if (!a.given()) {
    if (!a.flags.empty() || !a.sched_args.empty()) fail("--flags and --sched-args need --scheduler");
    return std::nullopt;
  }
  // A definition (built-in, from --scheduler-def, or a bare binary) gives
  // the binary, fixed args, flags and the scheduler's threshold layer.
  scheduler::SchedulerRegistry reg = scheduler::SchedulerRegistry::builtin();
  std::string spec = a.scheduler;
  if (!a.scheduler_def.empty()) {
    auto def = scheduler::SchedulerDef::load(a.scheduler_def);
    reg.add(def);
    if (spec.empty()) spec = def.name;
  }
  scheduler::SchedulerDef def = scheduler::scheduler_def_for(spec, reg);
  scheduler::Profile profile;
  try {
    profile = scheduler::parse_flag_selection(def, a.flags);
  } catch (const Error& e) {
    fail("--flags {}: {}", a.flags, e.what());  // like CLI11's "--workers: ..."
  }
  ResolvedScheduler r;
  r.def = def;
  r.ref = scheduler::scheduler_ref_for(def, profile, a.sched_args);
  r.profile = profile.name();
  r.thresholds = def.thresholds;
  return r;
}

}  // namespace ktstr::cli
