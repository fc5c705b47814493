#pragma once
// A scheduler described as data (PRODUCT.md §4): which binary, how to start
// it, what the guest needs before it starts, which check limits it relaxes,
// and its flags -- named bundles of extra args that flag profiles combine.
// Built-in definitions live in scheduler_registry; users describe their own
// in a JSON or TOML file (`--scheduler-def FILE`), same schema either way:
//
//   name = "mysched"                 # required
//   binary = "scx_mysched"           # path or name for resolve_scheduler(); default: name
//   description = "..."
//   topology = "1n2l2c1t"            # default topology; "" = the run's default
//   args = ["--verbose"]             # always passed
//   kernel_cmdline = ["nohz_full=1"] # appended to the guest kernel command line
//   sysctls = ["kernel.sched_autogroup_enabled=0"]   # written in order before start
//   reserved_cpus = [0]              # CPUs it keeps for itself (a central dispatcher):
//                                    # the host monitor does not judge them
//   [thresholds]                     # a check::Thresholds layer
//   max_spread_pct = 25.0
//   [[flags]]
//   name = "fifo"                    # [A-Za-z0-9_-], not "default"
//   args = ["-f"]
//   requires = ["other-flag"]        # flags that must be on with this one
//   fault = false                    # injects a failure on purpose (see FlagDef)
//   description = "..."
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "ktstr/check/thresholds.hpp"
#include "ktstr/cpu_list.hpp"

namespace ktstr::scheduler {

struct FlagDef {
  std::string name;
  std::vector<std::string> args;
  // Named requires_flags because `requires` is a C++20 keyword; "requires" in files.
  std::vector<std::string> requires_flags;
  // A fault flag makes a healthy scheduler fail on purpose (negative tests).
  // It is never part of a gauntlet expansion: it is on only when a test
  // requires it or a user names it in --flags.
  bool fault = false;
  std::string description;

  bool operator==(const FlagDef&) const = default;
};

struct Sysctl {
  std::string key;    // "kernel.foo" or "kernel/foo", as sysctl(8) takes it
  std::string value;

  // "key=value" -> Sysctl; throws ktstr::Error on a malformed entry.
  static Sysctl parse(std::string_view text);
  std::string str() const { return key + "=" + value; }
  // /proc/sys path: dots become slashes unless the key already uses slashes
  // (sysctl(8)'s rule, so "net/ipv4/conf/eth0.1/rp_filter" stays intact).
  std::string proc_path() const;
  bool operator==(const Sysctl&) const = default;
};

struct SchedulerDef {
  std::string name;
  std::string binary;
  std::string description;
  std::string topology;
  std::vector<std::string> args;
  std::vector<std::string> kernel_cmdline;
  std::vector<Sysctl> sysctls;
  // CPUs the scheduler keeps for its own work (scx_central's dispatcher
  // CPU): left idle on purpose, so the monitor's work-conservation and
  // imbalance checks leave them out. Opting out of work conservation
  // altogether is the threshold knob work_conservation = false.
  CpuList reserved_cpus;
  check::Thresholds thresholds;
  std::vector<FlagDef> flags;  // definition order = order in profile names and args

  const FlagDef* find_flag(std::string_view flag) const;
  // Index in `flags`, or -1.
  int flag_index(std::string_view flag) const;
  std::vector<std::string> flag_names() const;

  // Throws ktstr::Error naming the scheduler and the offending field: bad
  // names, duplicate or unknown flags, a non-fault flag requiring a fault
  // flag, whitespace in a kernel command-line entry, an unparsable topology.
  void validate() const;

  // Unknown keys and wrong types throw (a typo must not silently drop a
  // setting); the result is validated.
  nlohmann::json to_json() const;
  static SchedulerDef from_json(const nlohmann::json& j);
  std::string to_toml() const;
  // `source` names the text in error messages (a file name).
  static SchedulerDef from_toml(std::string_view text, std::string_view source = "TOML");

  // By extension: .toml is TOML, anything else JSON. A relative binary path
  // containing '/' is taken relative to the file's directory, so a
  // definition can sit next to the scheduler it describes.
  static SchedulerDef load(const std::filesystem::path& file);
  void save(const std::filesystem::path& file) const;

  bool operator==(const SchedulerDef&) const = default;
};

}  // namespace ktstr::scheduler
