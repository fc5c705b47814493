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

// Under QEMU TCG every vCPU time-shares the host's cores, so everything
// that depends on wall-clock time (all metrics but stall_count and
// max_dsq_depth: throughput, delays, gaps, and the counts that follow from
// how often tasks switch) moves with the host's load between two clean
// runs -- measured here up to 4x (run delay, spread) and 2.6x (iterations)
// on 2 shared cores at load ~12. Under emulation those metrics' absolute
// gates are multiplied by kEmulationAbsFactor and a change must also be a
// kEmulationFold-fold one (max(A,B) / min(A,B)). Explicit policy values
// replace the widened ones; `emulation_allowance = false` turns it off.
constexpr double kEmulationAbsFactor = 4.0;
constexpr double kEmulationFold = 5.0;

// The gates in force, in metric order, disabled metrics included (callers skip them).
std::vector<Gate> resolve_gates(const Policy& p, bool emulated);

}  // namespace ktstr::stats
