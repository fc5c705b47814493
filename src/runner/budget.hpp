#pragma once
// Time-budget selection (PRODUCT.md §5): given N seconds, the subset of
// gauntlet variants that covers the most distinct features per second of
// estimated run time.
//
// Features of a variant are (test, feature) pairs, so every test gets its
// own coverage: the test itself; its CPU-count bucket (<=4, <=16, <=64,
// >64); its LLC bucket (1, 2-4, 5+) and "odd LLC count"; SMT or not; one
// NUMA node or several; each scheduler flag it turns on, or "default
// profile" when none.
//
// Selection is greedy and deterministic: repeatedly take the variant with
// the most not-yet-covered features per estimated second among those that
// still fit in the remaining budget (ties: the earlier variant in gauntlet
// order); stop when nothing that fits adds a feature. The budget counts
// VM-seconds, not wall time (with -j N the wall time is about budget / N),
// so the selection is the same on every run on the same host, whatever -j.
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "ktstr/scheduler/flag_profiles.hpp"
#include "ktstr/topology/topology.hpp"

namespace ktstr::runner {

struct BudgetItem {
  std::vector<std::string> features;
  double seconds = 1;  // estimated cost, > 0
};

struct BudgetSelection {
  std::vector<size_t> chosen;  // indices into the items, ascending
  double seconds = 0;          // estimated total of the chosen
  size_t covered = 0;          // distinct features covered
  size_t features = 0;         // distinct features of all items
};

BudgetSelection select_within_budget(const std::vector<BudgetItem>& items, double budget_seconds);

std::vector<std::string> variant_features(const std::string& test, const topology::Topology& t,
                                          const scheduler::Profile& p);

// Boot (grows with vCPUs; far slower under software emulation) + settle +
// duration + scheduler start/stop + teardown, in seconds.
double estimate_seconds(const topology::Topology& t, std::chrono::milliseconds duration, bool with_scheduler,
                        bool software_emulation);

}  // namespace ktstr::runner
