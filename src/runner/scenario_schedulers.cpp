#include "runner/scenario_schedulers.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "ktstr/scheduler/flag_profiles.hpp"
#include "scheduler/scheduler_ref.hpp"
#include "scheduler/scheduler_registry.hpp"
#include "util/error.hpp"

namespace ktstr::runner {

namespace {
std::string joined_flags(const scenario::SchedulerChoice& c) {
  std::string flags;
  for (const auto& f : c.flags) flags += (flags.empty() ? "" : ",") + f;
  return flags;
}
}  // namespace

std::optional<std::string> check_scheduler_choice(const scenario::SchedulerChoice& c) {
  try {
    scheduler::SchedulerDef def = scheduler::scheduler_def_for(c.name);
    scheduler::Profile profile = scheduler::parse_flag_selection(def, joined_flags(c));
    if (!scheduler::SchedulerRegistry::builtin().find(c.name)) scheduler::scheduler_ref_for(def, profile, c.args);
  } catch (const Error& e) {
    return fmt::format("scheduler '{}': {}", c.key(), e.what());
  }
  return std::nullopt;
}

std::optional<std::string> add_scenario_schedulers(const scenario::Scenario& s, GuestRunOptions& g) {
  // Each transition may take a stop (up to ~7 s) and a start (up to the 8 s
  // attach timeout): budget for it so the VM deadline stays honest.
  g.action_budget += std::chrono::seconds(15) * static_cast<int>(scenario::count_scheduler_ops(s));
  auto choices = scenario::scenario_schedulers(s);
  if (choices.empty()) return std::nullopt;
  if (!g.request.params.is_object()) g.request.params = nlohmann::json::object();
  nlohmann::json& launches = g.request.params["schedulers"];
  if (!launches.is_object()) launches = nlohmann::json::object();
  for (const auto& c : choices) {
    scheduler::SchedulerDef def = scheduler::scheduler_def_for(c.name);
    // An unknown flag is the scenario's mistake: it propagates (exit 2).
    scheduler::Profile profile = scheduler::parse_flag_selection(def, joined_flags(c));
    scheduler::SchedulerRef ref;
    try {
      ref = scheduler::scheduler_ref_for(def, profile, c.args);
    } catch (const Error& e) {
      return fmt::format("scenario {} swaps in scheduler '{}', which is not available here: {}", s.name, c.name,
                         e.what());
    }
    if (std::find(g.include_files.begin(), g.include_files.end(), ref.binary) == g.include_files.end())
      g.include_files.push_back(ref.binary);
    launches[c.key()] = ref.guest_request();
    // Command-line additions of every scheduler the VM may run.
    for (const auto& arg : ref.kernel_cmdline)
      if (g.extra_cmdline.find(arg) == std::string::npos) g.extra_cmdline += (g.extra_cmdline.empty() ? "" : " ") + arg;
  }
  return std::nullopt;
}

}  // namespace ktstr::runner
