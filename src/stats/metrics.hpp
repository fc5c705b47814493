#pragma once
// The metrics `ktstr stats` summarises and `stats compare` gates on
// (PRODUCT.md §7), read out of a run record's `result` (the JSON of
// runner::ScenarioVerdict). A metric the record does not carry -- a skipped
// or crashed test, no host monitor, no wake-latency samples, a sched_ext
// counter under EEVDF -- is absent, never a made-up zero.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ktstr::stats {

struct MetricDef {
  std::string name;
  double abs_gate = 0;   // |delta| must reach this ...
  double rel_gate = 0;   // ... and |delta| / |a| this, for a change to count
  bool higher_is_better = false;
  bool timing = false;   // wall-clock sensitive: widened under emulation
  double fold_gate = 0;  // under emulation: max(a,b)/min(a,b) must reach this too (0: off)
};

// All metrics in report order, with PRODUCT.md's default gates.
const std::vector<MetricDef>& metric_defs();
const MetricDef* find_metric(const std::string& name);

using MetricValues = std::map<std::string, double>;  // present metrics only

// Metrics of one record (the whole contract object, or just its `result`).
MetricValues extract_metrics(const nlohmann::json& record);

}  // namespace ktstr::stats
