#pragma once
// Kernel .config files and the options ktstr cannot work without.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ktstr::kernel {

class KernelConfig {
 public:
  // Accepts `CONFIG_X=y|m|"str"|num` and `# CONFIG_X is not set`; other
  // lines (comments, blanks) are ignored. Strings are stored unquoted.
  static KernelConfig parse(std::string_view text);

  // Value of an option ("y", "m", a number or an unquoted string), nullopt
  // if unset. `name` may be given with or without the CONFIG_ prefix.
  std::optional<std::string> get(std::string_view name) const;
  bool builtin(std::string_view name) const { return get(name) == "y"; }
  bool empty() const { return values_.empty(); }
  size_t size() const { return values_.size(); }
  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  std::map<std::string, std::string> values_;  // keyed by full CONFIG_ name
};

struct ConfigRequirement {
  std::string option;  // full name, e.g. "CONFIG_SCHED_CLASS_EXT"
  std::string value;   // required value, "y" for all today
  std::string why;     // what breaks without it, shown to the user
};

// The options every kernel ktstr boots must have.
const std::vector<ConfigRequirement>& required_options();

// Requirements `cfg` does not meet, in required_options() order.
std::vector<ConfigRequirement> missing_requirements(const KernelConfig& cfg);

// Throws Error naming each missing option, its actual value and why ktstr
// needs it. `what` names the kernel (version or path).
void check_requirements(const KernelConfig& cfg, std::string_view what);

}  // namespace ktstr::kernel
