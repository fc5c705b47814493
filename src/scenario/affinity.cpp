#include "scenario/affinity.hpp"

#include <algorithm>

#include "scenario/spec_text.hpp"
#include "util/error.hpp"

namespace ktstr::scenario {
namespace {

using Placement = AffinityKind::Kind;

// splitmix64: a fixed generator so the same seed picks the same CPUs on
// every standard library (std::shuffle's output is implementation-defined).
uint64_t mix(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

CpuList random_half(CpuList pool, uint32_t worker, uint64_t seed) {
  uint64_t state = seed ^ (0x5851f42d4c957f2dULL * (worker + 1ULL));
  for (size_t i = pool.size(); i > 1; --i) std::swap(pool[i - 1], pool[mix(state) % i]);
  pool.resize(std::max<size_t>(1, pool.size() / 2));
  return normalized(std::move(pool));
}

CpuList best_llc(const CpuList& pool, const CpuLayout& layout) {
  CpuList best;
  for (const auto& llc : layout.llc_cpus) {
    CpuList common = cpu_intersection(llc, pool);
    if (common.size() > best.size()) best = std::move(common);  // ties keep the lower LLC
  }
  return best.empty() ? pool : best;
}

}  // namespace

AffinityKind AffinityKind::exact(CpuList cpus) { return {Placement::exact, normalized(std::move(cpus))}; }

std::string AffinityKind::to_string() const {
  switch (kind) {
    case Placement::inherit: return "inherit";
    case Placement::random_subset: return "random_subset";
    case Placement::llc_aligned: return "llc_aligned";
    case Placement::cross_cgroup: return "cross_cgroup";
    case Placement::single_cpu: return "single_cpu";
    case Placement::exact: return fmt::format("exact({})", format_cpu_list(cpus));
  }
  return "?";
}

AffinityKind AffinityKind::parse(std::string_view text) {
  SpecText t = SpecText::parse(text, "affinity");
  if (t.name == "exact" && t.has_parens) return exact(t.cpu_list());
  if (!t.has_parens) {
    for (auto k : {Placement::inherit, Placement::random_subset, Placement::llc_aligned, Placement::cross_cgroup, Placement::single_cpu})
      if (AffinityKind{k, {}}.to_string() == t.name) return {k, {}};
  }
  fail("bad affinity '{}': expected inherit, random_subset, llc_aligned, cross_cgroup, single_cpu or exact(cpus)",
       text);
}

std::optional<CpuList> resolve_affinity(const AffinityKind& a, const CpuList& pool_in, const CpuLayout& layout,
                                        uint32_t worker, uint64_t seed) {
  if (a.kind == Placement::inherit) return std::nullopt;
  CpuList pool = normalized(pool_in);
  if (pool.empty()) fail("affinity {}: the CPU pool is empty", a.to_string());
  switch (a.kind) {
    case Placement::inherit: return std::nullopt;
    case Placement::random_subset: return random_half(pool, worker, seed);
    case Placement::llc_aligned: return best_llc(pool, layout);
    case Placement::cross_cgroup: return layout.all();
    case Placement::single_cpu: return CpuList{pool.front()};
    case Placement::exact: {
      CpuList out = cpu_intersection(a.cpus, pool);
      if (out.empty())
        fail("affinity {}: none of those CPUs is in the pool {}", a.to_string(), format_cpu_list(pool));
      return out;
    }
  }
  return std::nullopt;
}

}  // namespace ktstr::scenario
