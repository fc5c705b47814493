#pragma once
// KTSTR_TEST binaries record like `ktstr run`: one run per binary
// invocation (under ctest, one per test process), one record per variant as
// its TestBody reports it, into $KTSTR_STORE or the cache's runs.db unless
// KTSTR_RECORD=0. A store that cannot be written is a warning: test
// verdicts never depend on it.
#include <string>

#include "runner/scenario_run.hpp"
#include "runner/test_plan.hpp"

namespace ktstr::testkit {

// `planned` null for host_only tests.
void record_variant(const runner::TestDef& def, const runner::PlannedVariant* planned,
                    const runner::ScenarioVerdict& v);
// Ends the run (runs/<id>.json, pruning) and prints where it is.
void finish_recording();

}  // namespace ktstr::testkit
