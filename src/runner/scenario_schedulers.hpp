#pragma once
// Schedulers a scenario's lifecycle ops start mid-run (attach_scheduler,
// replace_scheduler): resolved on the host exactly as `--scheduler NAME
// --flags F` would be, their binaries packed into the guest and their
// launches put into the request's "schedulers" object under
// SchedulerChoice::key(), where the guest's SchedulerScope finds them.
#include <optional>
#include <string>

#include "ktstr/scenario/scenario.hpp"
#include "runner/guest_run.hpp"

namespace ktstr::runner {

// Adds what `s` needs to `g` (include files, request params, kernel
// command-line additions). Returns a skip reason when a named scheduler's
// binary is not available here (e.g. scx_simple not built); throws
// ktstr::Error (exit 2) for an unknown flag.
std::optional<std::string> add_scenario_schedulers(const scenario::Scenario& s, GuestRunOptions& g);

// For ValidationContext::check_scheduler: an unknown flag of a known
// scheduler, or a name that is neither registered nor a binary found here,
// is the scenario's mistake (exit 2 before any VM boots). A registered
// scheduler that is merely not built passes: the run skips with the reason.
std::optional<std::string> check_scheduler_choice(const scenario::SchedulerChoice& c);

}  // namespace ktstr::runner
