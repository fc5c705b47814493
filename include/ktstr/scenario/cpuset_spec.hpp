#pragma once
// How a cgroup's cpuset is described independently of the topology, and its
// resolution on a CpuLayout (U = usable CPUs, L = |U|):
//   llc(i)            all CPUs of LLC i
//   numa(n)           all CPUs of node n
//   range(a,b)        U[⌊L·a⌋, ⌊L·b⌋)
//   disjoint(i,of)    chunk = ⌊L/of⌋, U[i·chunk, (i+1)·chunk), the last runs to L
//   overlap(i,of,f)   disjoint widened by ⌊chunk·f⌋ on each side
//   exact(set)        the given CPUs
// The text form above is also the JSON form.
#include <optional>
#include <string>
#include <string_view>

#include "ktstr/scenario/cpu_layout.hpp"

namespace ktstr::scenario {

struct CpusetSpec {
  enum class Kind { llc, numa, range, disjoint, overlap, exact };
  Kind kind = Kind::range;
  uint32_t index = 0;  // llc, numa, disjoint, overlap
  uint32_t of = 1;     // disjoint, overlap
  double lo = 0;       // range start fraction
  double hi = 1;       // range end fraction
  double widen = 0;    // overlap fraction
  CpuList cpus;        // exact

  static CpusetSpec llc(uint32_t i);
  static CpusetSpec numa(uint32_t node);
  static CpusetSpec range(double lo, double hi);
  static CpusetSpec disjoint(uint32_t i, uint32_t of);
  static CpusetSpec overlap(uint32_t i, uint32_t of, double widen);
  static CpusetSpec exact(CpuList cpus);

  // Errors visible without a topology (fractions, i >= of, empty exact set).
  std::optional<std::string> check() const;
  // Throws ktstr::Error with a message naming the spec and the layout
  // (index out of range, no CPU resolved, CPU that does not exist).
  CpuList resolve(const CpuLayout& layout) const;

  std::string to_string() const;
  // Inverse of to_string(); throws ktstr::Error on bad text.
  static CpusetSpec parse(std::string_view text);

  bool operator==(const CpusetSpec&) const = default;
};

}  // namespace ktstr::scenario
