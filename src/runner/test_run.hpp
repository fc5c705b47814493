#pragma once
// One VM for one KTSTR_TEST variant: the test binary boots as the guest's
// /init, runs the named test's body there (guest action "test") under the
// variant's scheduler profile, and publishes the verdict.
#include "runner/guest_run.hpp"
#include "runner/scenario_run.hpp"
#include "runner/test_plan.hpp"

namespace ktstr::runner {

// The VM a variant boots (kernel, topology, memory, scheduler with the
// profile's flags, request). `ktstr shell --test` boots the same VM with a
// shell instead of the test.
GuestRunOptions test_guest_options(const PlannedVariant& v);

ScenarioVerdict run_test_variant(const PlannedVariant& v);

}  // namespace ktstr::runner
