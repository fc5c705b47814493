#include "runner/budget.hpp"

#include <algorithm>
#include <set>

namespace ktstr::runner {

BudgetSelection select_within_budget(const std::vector<BudgetItem>& items, double budget_seconds) {
  BudgetSelection sel;
  std::set<std::string> all, covered;
  for (const auto& it : items) all.insert(it.features.begin(), it.features.end());
  sel.features = all.size();
  std::vector<bool> taken(items.size(), false);
  double left = budget_seconds;
  while (true) {
    long best = -1;
    double best_score = 0;
    for (size_t i = 0; i < items.size(); ++i) {
      if (taken[i] || items[i].seconds > left) continue;
      size_t gain = 0;
      for (const auto& f : std::set<std::string>(items[i].features.begin(), items[i].features.end()))
        gain += covered.count(f) ? 0 : 1;
      if (gain == 0) continue;
      double score = static_cast<double>(gain) / std::max(items[i].seconds, 1e-9);
      if (best < 0 || score > best_score) {
        best = static_cast<long>(i);
        best_score = score;
      }
    }
    if (best < 0) break;
    taken[static_cast<size_t>(best)] = true;
    left -= items[static_cast<size_t>(best)].seconds;
    sel.seconds += items[static_cast<size_t>(best)].seconds;
    covered.insert(items[static_cast<size_t>(best)].features.begin(), items[static_cast<size_t>(best)].features.end());
  }
  for (size_t i = 0; i < items.size(); ++i)
    if (taken[i]) sel.chosen.push_back(i);
  sel.covered = covered.size();
  return sel;
}

std::vector<std::string> variant_features(const std::string& test, const topology::Topology& t,
                                          const scheduler::Profile& p) {
  std::vector<std::string> f;
  auto add = [&](const std::string& x) { f.push_back(test + "|" + x); };
  add("test");
  uint32_t cpus = t.cpus();
  add(cpus <= 4 ? "cpus<=4" : cpus <= 16 ? "cpus<=16" : cpus <= 64 ? "cpus<=64" : "cpus>64");
  add(t.llcs == 1 ? "llcs=1" : t.llcs <= 4 ? "llcs=2-4" : "llcs>=5");
  if (t.llcs > 1 && t.llcs % 2 == 1) add("llcs odd");
  add(t.has_smt() ? "smt" : "no smt");
  add(t.numa_nodes > 1 ? "numa" : "one node");
  if (p.flags.empty()) add("default profile");
  for (const auto& fl : p.flags) add("flag " + fl);
  return f;
}

double estimate_seconds(const topology::Topology& t, std::chrono::milliseconds duration, bool with_scheduler,
                        bool software_emulation) {
  // Measured under TCG: ~3.2 s to power-off for 4 vCPUs, 6-7 s for 16
  // (topology/capacity.hpp); scheduler load + attach + detach ~1-2 s.
  double boot = software_emulation ? 2.0 + 0.3 * t.cpus() : 1.0 + 0.02 * t.cpus();
  double work = std::chrono::duration<double>(duration).count() + 0.5 /* settle */ + 1.0 /* setup, teardown */;
  return boot + work + (with_scheduler ? 2.0 : 0.0);
}

}  // namespace ktstr::runner
