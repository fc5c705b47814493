#pragma once
// One reason a result failed (or a note worth showing), tagged by check.
#include <optional>
#include <string>
#include <string_view>

namespace ktstr::check {

enum class DetailKind {
  starvation,
  fairness,
  gap,
  isolation,
  throughput,
  wake_latency,
  iteration_rate,
  migration,
  numa,
  weighted_share,  // cgroups' CPU time vs their cpu.weight
  bandwidth,       // a cgroup's CPU use vs its cpu.max
  freeze,          // a frozen cgroup ran, or did not resume after thaw
  monitor,    // host-side monitor verdicts
  scheduler,  // scheduler died / did not attach / errored
  guest,      // panic, timeout, no result
  other,
};

std::string_view kind_name(DetailKind k);
std::optional<DetailKind> kind_from_name(std::string_view name);

struct Detail {
  DetailKind kind = DetailKind::other;
  std::string message;
  std::string cgroup;  // the group it concerns; empty when not about a cgroup
  bool operator==(const Detail&) const = default;
};

}  // namespace ktstr::check
