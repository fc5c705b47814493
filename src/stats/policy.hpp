#pragma once
// Significance gates for `stats compare`: PRODUCT.md's defaults, widened
// under software emulation, overridden per metric by a policy file (TOML):
//
//   emulation_allowance = false   # optional, default true
//   [worst_spread]
//   abs = 8                       # absolute gate, in the metric's unit
//   rel = 0.30                    # relative gate, a fraction of side A
//   [stall_count]
//   enabled = false               # not judged, not shown
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "stats/metrics.hpp"

namespace ktstr::stats {

struct Gate {
  MetricDef metric;  // name, direction and the gates in force
  bool enabled = true;
};

struct MetricOverride {
  std::optional<double> abs_gate, rel_gate;
  std::optional<bool> enabled;
};

struct Policy {
  std::map<std::string, MetricOverride> metrics;
  bool emulation_allowance = true;
};

// Throws Error (exit 2) naming the file, and the line or key at fault.
Policy parse_policy(const std::string& toml_text, const std::string& source);
Policy load_policy(const std::filesystem::path& file);

// Under QEMU TCG every vCPU time-shares the host's cores, so wall-clock
// metrics move with the host's load between runs: their absolute gates are
// multiplied by this (README "stats compare"). Explicit policy values are
// never widened.
constexpr double kEmulationAllowance = 2.0;

// The gates in force, in metric order, disabled metrics included (callers skip them).
std::vector<Gate> resolve_gates(const Policy& p, bool emulated);

}  // namespace ktstr::stats
