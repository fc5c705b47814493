#pragma once
// Which scheduler binary a run uses. `--scheduler` takes a path, or a name
// looked up (in order) next to the ktstr binary, in its schedulers/ folder,
// in $KTSTR_SCHEDULER_DIR and in <cache>/schedulers. Short names: "fixture"
// is ktstr's own scx_ktstr_fixture, "simple" means scx_simple, etc.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ktstr/scheduler/flag_profiles.hpp"
#include "util/cpu_list.hpp"

namespace ktstr::scheduler {

struct SchedulerRef {
  std::string name;                  // as given
  std::filesystem::path binary;      // resolved host path
  std::vector<std::string> args;     // fixed + --sched-args + flag args
  std::vector<std::string> kernel_cmdline;                 // from its definition
  std::vector<std::pair<std::string, std::string>> sysctls;  // /proc/sys path -> value
  CpuList reserved_cpus;                      // from its definition (monitor)
  std::string guest_path() const { return "/usr/local/bin/" + binary.filename().string(); }
  // The request's "scheduler" object guest init reads (guest/scheduler_params.hpp).
  nlohmann::json guest_request() const {
    return {{"binary", guest_path()}, {"args", args}, {"sysctls", sysctls}};
  }
  // Its kernel command-line additions as one string.
  std::string cmdline() const {
    std::string s;
    for (const auto& k : kernel_cmdline) s += (s.empty() ? "" : " ") + k;
    return s;
  }
};

// Throws Error listing the places searched when nothing is found.
SchedulerRef resolve_scheduler(const std::string& spec);

// What one VM runs for a definition and a flag profile: the binary found as
// resolve_scheduler() finds it, the fixed args, each flag's args, then
// `extra_args`; the definition's kernel arguments and sysctls.
SchedulerRef scheduler_ref_for(const SchedulerDef& def, const Profile& profile,
                               const std::vector<std::string>& extra_args = {});
std::vector<std::filesystem::path> scheduler_search_dirs();

}  // namespace ktstr::scheduler
