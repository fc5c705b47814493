// `ktstr schedulers`: the built-in scheduler definitions, their flags and
// the profiles a gauntlet expands them into.
#include <cstdio>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/command.hpp"
#include "scheduler/flag_profiles.hpp"
#include "scheduler/scheduler_registry.hpp"

namespace ktstr::cli {

void add_schedulers_command(CLI::App& app, Action& selected) {
  auto json = std::make_shared<bool>(false);
  auto* sub = app.add_subcommand("schedulers", "List built-in scheduler definitions, their flags and profiles");
  sub->add_flag("--json", *json, "Machine-readable");
  sub->callback([&selected, json] {
    selected = [json] {
      const auto& reg = scheduler::SchedulerRegistry::builtin();
      nlohmann::json out = nlohmann::json::array();
      for (const auto& def : reg.all()) {
        if (*json) {
          out.push_back(def.to_json());
          continue;
        }
        std::printf("%s  (binary %s, topology %s)\n  %s\n", def.name.c_str(), def.binary.c_str(),
                    def.topology.c_str(), def.description.c_str());
        for (const auto& f : def.flags)
          std::printf("    %-15s %-6s %-40s %s\n", f.name.c_str(), f.fault ? "fault" : "", fmt::format("{}", fmt::join(f.args, " ")).c_str(),
                      f.description.c_str());
        std::vector<std::string> names;
        for (const auto& p : scheduler::expand_profiles(def, {})) names.push_back(p.name());
        std::printf("  profiles: %s\n\n", fmt::format("{}", fmt::join(names, ", ")).c_str());
      }
      if (*json) std::puts(out.dump(2).c_str());
      return 0;
    };
  });
}

}  // namespace ktstr::cli
