#pragma once
// The curated catalog as the VM tests run it: one topology that fits every
// curated scenario, so a run expected to pass must PASS each one; a SKIP
// there would hide a scenario that never ran.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scenario/catalog.hpp"

namespace ktstr::vmtest {

// `ktstr run`'s default topology, passed explicitly so a change of default
// cannot silently turn PASSes into SKIPs.
inline constexpr const char* kCuratedTopology = "1n2l2c1t";

inline std::vector<std::string> curated_names() {
  std::vector<std::string> names;
  for (const auto* e : scenario::catalog::list(/*curated_only=*/true)) names.push_back(e->name);
  return names;
}

// Fails the current test unless `name` fits kCuratedTopology; call with
// ASSERT_NO_FATAL_FAILURE before booting.
inline void require_fits_curated_topology(const std::string& name) {
  const auto* e = scenario::catalog::find(name);
  ASSERT_NE(e, nullptr) << name;
  auto why = e->skip_reason(scenario::CpuLayout::from_name(kCuratedTopology));
  ASSERT_FALSE(why) << "curated scenario '" << name << "' does not fit " << kCuratedTopology << ": " << *why
                    << "; the curated runs need one topology that fits every curated scenario";
}

}  // namespace ktstr::vmtest
