#include "topology/presets.hpp"

#include <fmt/format.h>

namespace ktstr::topology {
namespace {

Preset p(std::string_view name, uint32_t n, uint32_t l, uint32_t c, uint32_t t) {
  return Preset{name, Topology{.numa_nodes = n, .llcs = l, .cores_per_llc = c, .threads_per_core = t}};
}

}  // namespace

const std::vector<Preset>& presets() {
  static const std::vector<Preset> all = {
      p("tiny-1llc", 1, 1, 4, 1),           p("tiny-2llc", 1, 2, 2, 1),
      p("odd-3llc", 1, 3, 3, 1),            p("odd-5llc", 1, 5, 3, 1),
      p("odd-7llc", 1, 7, 2, 1),            p("smt-2llc", 1, 2, 2, 2),
      p("smt-3llc", 1, 3, 2, 2),            p("medium-4llc", 1, 4, 4, 2),
      p("medium-8llc", 1, 8, 4, 2),         p("large-4llc", 1, 4, 16, 2),
      p("large-8llc", 1, 8, 8, 2),          p("near-max-llc", 1, 15, 8, 2),
      p("max-cpu", 1, 14, 9, 2),            p("medium-4llc-nosmt", 1, 4, 8, 1),
      p("medium-8llc-nosmt", 1, 8, 8, 1),   p("large-4llc-nosmt", 1, 4, 32, 1),
      p("large-8llc-nosmt", 1, 8, 16, 1),   p("near-max-llc-nosmt", 1, 15, 16, 1),
      p("max-cpu-nosmt", 1, 14, 18, 1),     p("numa2-4llc", 2, 4, 4, 1),
      p("numa2-8llc", 2, 8, 8, 2),          p("numa2-8llc-nosmt", 2, 8, 16, 1),
      p("numa4-8llc", 4, 8, 4, 1),          p("numa4-12llc", 4, 12, 8, 2),
  };
  return all;
}

const Preset* find_preset(std::string_view name) {
  for (const auto& pr : presets())
    if (pr.name == name) return &pr;
  return nullptr;
}

std::optional<std::string> PresetConstraints::reject_reason(const Topology& t) const {
  auto range = [](uint32_t v, uint32_t lo, uint32_t hi, const char* what) -> std::optional<std::string> {
    if (v < lo) return fmt::format("{} {} is below the test's minimum {}", v, what, lo);
    if (v > hi) return fmt::format("{} {} is above the test's maximum {}", v, what, hi);
    return std::nullopt;
  };
  if (auto r = range(t.numa_nodes, min_numa_nodes, max_numa_nodes, "NUMA nodes")) return r;
  if (auto r = range(t.llcs, min_llcs, max_llcs, "LLCs")) return r;
  if (auto r = range(t.cpus(), min_cpus, max_cpus, "CPUs")) return r;
  if (requires_smt && !t.has_smt()) return std::string("the test requires SMT and this topology has none");
  return std::nullopt;
}

PresetSelection filter_presets(const std::vector<Preset>& in, const PresetConstraints& c) {
  PresetSelection out;
  for (const auto& pr : in) {
    if (auto why = c.reject_reason(pr.topology))
      out.dropped.push_back({pr, *why});
    else
      out.kept.push_back(pr);
  }
  return out;
}

}  // namespace ktstr::topology
