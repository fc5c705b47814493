#pragma once
// Per-worker CPU affinity, resolved against a pool (the cgroup's cpuset, or
// all usable CPUs when it has none).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ktstr/scenario/cpu_layout.hpp"

namespace ktstr::scenario {

struct AffinityKind {
  enum class Kind {
    inherit,        // no sched_setaffinity call at all
    random_subset,  // half the pool, chosen per worker
    llc_aligned,    // the pool's CPUs in the LLC overlapping it most
    cross_cgroup,   // every CPU, deliberately beyond the cpuset
    single_cpu,     // the lowest CPU of the pool
    exact,          // the given CPUs ∩ pool
  };
  Kind kind = Kind::inherit;
  CpuList cpus;  // exact only

  static AffinityKind inherit() { return {}; }
  static AffinityKind random_subset() { return {Kind::random_subset, {}}; }
  static AffinityKind llc_aligned() { return {Kind::llc_aligned, {}}; }
  static AffinityKind cross_cgroup() { return {Kind::cross_cgroup, {}}; }
  static AffinityKind single_cpu() { return {Kind::single_cpu, {}}; }
  static AffinityKind exact(CpuList cpus);

  // "random_subset", "exact(0-3)"; parse() is its inverse.
  std::string to_string() const;
  static AffinityKind parse(std::string_view text);

  bool operator==(const AffinityKind&) const = default;
};

// The CPU set worker `worker` should be pinned to, or nullopt for inherit.
// Deterministic in (pool, worker, seed) so a failing run can be replayed.
// Throws ktstr::Error for an empty pool or an exact set missing the pool.
std::optional<CpuList> resolve_affinity(const AffinityKind& a, const CpuList& pool, const CpuLayout& layout,
                                        uint32_t worker, uint64_t seed);

}  // namespace ktstr::scenario
