#pragma once
// Canned scenarios users run by name with no code (`ktstr run steady`).
// Entries build their Scenario from the CPU layout because some adapt to it
// (one cgroup per LLC, workers per CPU); the rest ignore it.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario.hpp"

namespace ktstr::scenario::catalog {

struct Entry {
  std::string name;
  std::string description;  // one line, for `ktstr list`
  bool curated = false;     // the short list run by default; others are stress families
  TopologyNeeds needs;
  std::function<Scenario(const CpuLayout&)> build;

  std::optional<std::string> skip_reason(const CpuLayout& layout) const { return needs.skip_reason(layout); }
  // The scenario with name, description and topology needs filled in.
  // Call only when skip_reason() is empty.
  Scenario instantiate(const CpuLayout& layout) const;
};

// Every entry, curated first, each group in a stable order.
const std::vector<Entry>& all();
std::vector<const Entry*> list(bool curated_only = false);
const Entry* find(std::string_view name);
// Entries whose name contains `needle` (empty: all).
std::vector<const Entry*> filter(std::string_view needle);

}  // namespace ktstr::scenario::catalog
