#pragma once
// The gauntlet's topology presets (PRODUCT.md §1) and the per-test
// constraints that choose among them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ktstr/topology/topology.hpp"

namespace ktstr::topology {

struct Preset {
  std::string_view name;
  Topology topology;
};

// All 24, in the order of PRODUCT.md §1.
const std::vector<Preset>& presets();
const Preset* find_preset(std::string_view name);

// Defaults are the product's: single node, at most 12 LLCs and 192 CPUs.
struct PresetConstraints {
  uint32_t min_numa_nodes = 1;
  uint32_t max_numa_nodes = 1;
  uint32_t min_llcs = 1;
  uint32_t max_llcs = 12;
  uint32_t min_cpus = 1;
  uint32_t max_cpus = 192;
  bool requires_smt = false;

  // Why `t` does not fit ("16 CPUs is more than the test's max_cpus 8"), or
  // nothing when it fits.
  std::optional<std::string> reject_reason(const Topology& t) const;
};

struct DroppedPreset {
  Preset preset;
  std::string reason;
};

struct PresetSelection {
  std::vector<Preset> kept;
  std::vector<DroppedPreset> dropped;
};

PresetSelection filter_presets(const std::vector<Preset>& in, const PresetConstraints& c);

}  // namespace ktstr::topology
