#pragma once
// KTSTR_TEST variants as GoogleTest tests. The GoogleTest name is the
// variant's ktstr name: suite "ktstr/<Suite>" + test "<Name>" reads as
// ktstr/<Suite>.<Name>; gauntlet variants are suite "gauntlet/<Suite>" +
// test "<Name>/<preset>/<profile>". Base variants register during static
// initialisation (any main works); gauntlet variants when test_main is
// asked for them.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "runner/test_plan.hpp"

namespace ktstr::testkit {

struct RunSettings {
  std::optional<size_t> jobs;  // unset: KTSTR_JOBS, else what the host allows
  bool dry_run = false;        // print what each VM test would boot, skip it
};
RunSettings& settings();

// Registers the GoogleTest test for a base variant (planned lazily, when it
// runs, so bad options fail that test rather than the whole binary).
void register_base_variant(const runner::TestDef& def);
// Registers a planned gauntlet variant.
void register_gauntlet_variant(runner::PlannedVariant v);

// Every registered variant name (for filters).
std::vector<std::string> variant_names();

// The GoogleTest environment that enters guest init when the binary is
// PID 1 (also with a user's own main) and starts the parallel VM runs of
// the selected tests when -j allows more than one.
void add_environment_once();

}  // namespace ktstr::testkit
