#pragma once
// A record selector: dimension=value terms, all of which must match.
//   "scheduler=eevdf,kernel=7.2.0-1-amd64"   "run=latest"   "run=latest~1"
// Dimensions: every identity field (test, variant, topology, scheduler,
// flags, kernel, vmm, commit, work_type), plus run (a run id, a unique
// prefix, latest, latest~N) and verdict (PASS/FAIL/SKIP, any case).
// Terms are separated by ',' or whitespace; repeated dimensions must all
// match (so they select nothing unless equal).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ktstr::store {

struct Selector {
  std::vector<std::pair<std::string, std::string>> terms;  // (dimension, value)
  std::string text;                                        // as given, for messages

  // Error (exit 2) for a term without '=', an empty value or an unknown
  // dimension (the message lists the valid ones).
  static Selector parse(std::string_view text);
  bool empty() const { return terms.empty(); }
  // The value of a dimension, "" if absent.
  std::string get(const std::string& dimension) const;
};

// The selectable dimensions, identity fields first, then "run", "verdict".
const std::vector<std::string>& selector_dimensions();

}  // namespace ktstr::store
